"""``make demo``: serve the fixture legacy site on loopback and crawl it into a snapshot."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from .options import CrawlOptions
from .report import summary_lines
from .run import run_crawl

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def load_fixture_server() -> ModuleType:
    """The loopback server of the fixture site (kept with the tests, loaded by path)."""
    path = FIXTURES / "legacy_server.py"
    spec = importlib.util.spec_from_file_location("legacy_server", path)
    if spec is None or spec.loader is None or not path.exists():
        raise SystemExit(f"casearchive demo: fixture server not found at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("snapshots"))
    parser.add_argument("--site", type=Path, default=FIXTURES / "site")
    args = parser.parse_args(argv)
    server_module = load_fixture_server()
    server, base_url = server_module.serve(args.site)
    try:
        start = f"{base_url}/casestudies/index.asp"
        print(f"serving {args.site} at {base_url}; crawling {start} (politeness off: loopback)")
        result = run_crawl(CrawlOptions(start_url=start, out_dir=args.out, polite=False))
    finally:
        server.shutdown()
    snapshot = str(result.snapshot) if result.snapshot else None
    for line in summary_lines(result.stats, snapshot) if result.stats else ["no snapshot"]:
        print(line)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
