"""``make demo``: serve the fixture legacy site on loopback and crawl it into a snapshot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import CrawlOptions
from .report import summary_lines
from .run import run_crawl

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def main(argv: list[str] | None = None) -> int:
    """Serve ``--site`` on 127.0.0.1, crawl it into ``--out``, print the summary.

    The fixture site and its server live with the tests (``tests/fixtures``), so the demo
    runs from a source checkout (``make demo``), where ``tests`` is an importable package;
    the installed wheel does not ship them.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("snapshots"))
    parser.add_argument("--site", type=Path, default=FIXTURES / "site")
    args = parser.parse_args(argv)
    try:
        from tests.fixtures.legacy_server import serve
    except ImportError:
        print("casearchive demo: run it from a source checkout (make demo); "
              "the fixture server is tests/fixtures/legacy_server.py", file=sys.stderr)
        return 2
    server, base_url = serve(args.site)
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
