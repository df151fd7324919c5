"""The ``casearchive`` command: a thin layer over the library functions.

Every command is callable as ``main([...])`` and returns its exit code instead of exiting.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .options import CrawlOptions, OptionsError, load_config
from .version import TOOL_VERSION


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(TOOL_VERSION, prog_name="casearchive")
def cli() -> None:
    """Crawl the legacy case-study site into archival snapshots, and inspect them."""


@cli.command()
@click.argument("start_url", required=False)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Snapshots directory (default: ./snapshots).")
@click.option("--config", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="TOML file with any of these options (flags win).")
@click.option("--polite/--no-polite", default=None,
              help="Politeness for the real site (default on): AutoThrottle, 2 concurrent "
                   "requests, 1 s delay. --no-polite is for loopback fixtures and benches.")
@click.option("--concurrency", type=int, help="Concurrent requests to the host.")
@click.option("--delay", type=float, help="Base delay between requests, in seconds.")
@click.option("--obey-robots/--ignore-robots", default=None, help="Obey robots.txt (default).")
@click.option("--contact-url", help="Contact URL put in the User-Agent.")
@click.option("--user-agent", help="Replace the whole User-Agent.")
@click.option("--timeout", type=float, help="Download timeout in seconds (default 30).")
@click.option("--max-size-mib", type=int, help="Largest response accepted (default 20).")
@click.option("--retries", type=int, help="Retries on 5xx, timeouts and resets (default 3).")
@click.option("--case-pattern", help="Regex whose group 'case' (or 1) is a page's case key.")
@click.option("--list-pattern", help="Regex matching the URLs of case-list pages.")
@click.option("--ignore-url-case/--keep-url-case", default=None,
              help="Treat URLs differing in letter case as one (default: automatic, on for "
                   "servers that say they are IIS).")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def crawl(start_url: str | None, config: Path | None, as_json: bool, **flags: Any) -> None:
    """Crawl START_URL (the case list) into a new snapshot under --out.

    Exit codes: 0 all cases complete; 1 crawl failed, no snapshot; 2 bad usage;
    3 snapshot written but some pages or cases failed; 4 another crawl holds the lock.
    """
    from .lock import LockHeld
    from .report import summary_lines
    from .run import EXIT_FAILED, EXIT_LOCKED, EXIT_USAGE, run_crawl

    values: dict[str, Any] = load_config(config) if config else {}
    values.update({k: v for k, v in flags.items() if v is not None})
    start = start_url or values.pop("start_url", None)
    values.pop("start_url", None)
    if not start:
        raise UsageError("START_URL is required (as an argument or in --config)")
    options = CrawlOptions(start_url=start).with_overrides(values)
    try:
        result = run_crawl(options)
    except LockHeld as exc:
        click.echo(f"casearchive: {exc}", err=True)
        raise SystemExit(EXIT_LOCKED) from None
    except OptionsError as exc:
        click.echo(f"casearchive: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except OSError as exc:  # e.g. the snapshots directory cannot be created or locked
        click.echo(f"casearchive: {exc}; no snapshot written", err=True)
        raise SystemExit(EXIT_FAILED) from None
    snapshot = str(result.snapshot) if result.snapshot else None
    if as_json:
        click.echo(json.dumps({"snapshot": snapshot, "exit_code": result.exit_code,
                               "stats": result.stats}, indent=2, sort_keys=True))
    elif result.stats:
        for line in summary_lines(result.stats, snapshot):
            click.echo(line)
    elif result.error:
        click.echo(f"casearchive: {result.error}; no snapshot written", err=True)
    else:
        click.echo("casearchive: the crawl found no case pages; no snapshot written", err=True)
    raise SystemExit(result.exit_code)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--url", default=None, help="URL the page was fetched from (resolves links).")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="A response header, e.g. 'Content-Type: text/html; charset=utf-8'.")
@click.option("--as-case", "as_case", is_flag=True,
              help="Parse the page as a case page whatever its content verdict (every "
                   "section, the furniture, and the verdict as a warning).")
def parse(file: Path, url: str | None, headers: tuple[str, ...], as_case: bool) -> None:
    """Print one saved page's parsed record as JSON."""
    from parsers.page import parse_as_case, parse_page

    header_map: dict[str, str] = {}
    for header in headers:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header must look like 'Name: value', got {header!r}")
        header_map[name.strip()] = value.strip()
    parse_fn = parse_as_case if as_case else parse_page
    record = parse_fn(file.read_bytes(), url or file.resolve().as_uri(), header_map)
    click.echo(json.dumps(record.to_json(), indent=2, ensure_ascii=False))


def _snapshot_arg(ref: str, snapshots: Path | None) -> Path:
    from exports.load import resolve_snapshot

    try:
        return resolve_snapshot(ref, snapshots)
    except FileNotFoundError as exc:
        raise TroubleError(str(exc)) from None


_SNAPSHOTS_OPTION = click.option(
    "--snapshots", type=click.Path(path_type=Path, file_okay=False), default=None,
    help="Snapshots directory in which SNAPSHOT may be an id, 'latest' or 'previous'.",
)


@cli.command()
@click.argument("snapshot")
@_SNAPSHOTS_OPTION
def verify(snapshot: str, snapshots: Path | None) -> None:
    """Re-check a snapshot: checksums, JSON Schema of every line, Parquet schemas, and
    Parquet/JSONL agreement. Exit 0 when sound, 1 naming each problem."""
    from exports.verify import verify_snapshot

    path = _snapshot_arg(snapshot, snapshots)
    problems = verify_snapshot(path)
    for problem in problems:
        click.echo(f"{path.name}: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{path}: OK")


@cli.command()
@click.argument("snapshot")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="Snapshots directory for the rebuilt snapshot.")
@_SNAPSHOTS_OPTION
def reparse(snapshot: str, out_dir: Path, snapshots: Path | None) -> None:
    """Rebuild every export of SNAPSHOT from its WARC with the current parser, offline,
    into a new snapshot under --out."""
    from .reparse import ReplayError, reparse_snapshot

    path = _snapshot_arg(snapshot, snapshots)
    try:
        new = reparse_snapshot(path, out_dir)
    except (FileNotFoundError, ReplayError) as exc:
        raise TroubleError(str(exc)) from None
    click.echo(str(new))


@cli.command()
@click.argument("snapshot")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="Directory for bags; the bag is OUT/<snapshot id>.")
@_SNAPSHOTS_OPTION
def bag(snapshot: str, out_dir: Path, snapshots: Path | None) -> None:
    """Package SNAPSHOT as a BagIt bag (sha256 manifests) under --out."""
    from exports.bag import make_bag

    path = _snapshot_arg(snapshot, snapshots)
    target = out_dir / path.name
    try:
        made = make_bag(path, target)
    except FileExistsError as exc:
        raise TroubleError(str(exc)) from None
    click.echo(str(made))


class TroubleError(click.ClickException):
    """A problem with the input (missing snapshot, unreadable file): exit code 2."""

    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"casearchive: {self.message}", err=True)


def _write_report(text: str, output: Path | None) -> None:
    """Write a report to ``output``, or to stdout."""
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise TroubleError(f"{output}: cannot write: {exc.strerror}") from None


def _color(output: Path | None) -> bool:
    import os

    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


@cli.command()
@click.argument("old")
@click.argument("new")
@_SNAPSHOTS_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True, help="Report format; html is one self-contained file.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to FILE instead of stdout.")
@click.option("--reparse", "reparse_old", is_flag=True,
              help="Re-extract OLD from its WARC with the current parser first, so only site "
                   "changes are reported (extractor changes are listed apart).")
def diff(old: str, new: str, snapshots: Path | None, fmt: str, output: Path | None,
         reparse_old: bool) -> None:
    """Compare the extracted content of snapshots OLD and NEW case by case.

    Exit codes (as diff(1)): 0 no content change, 1 changes found, 2 trouble.
    """
    from exports.diff import DiffError, diff_snapshots
    from exports.render import render

    old_path, new_path = _snapshot_arg(old, snapshots), _snapshot_arg(new, snapshots)
    try:
        result = diff_snapshots(old_path, new_path, reparse=reparse_old)
    except DiffError as exc:
        raise TroubleError(str(exc)) from None
    _write_report(render(result, fmt, color=_color(output)), output)
    raise SystemExit(1 if result.has_changes else 0)


@cli.command()
@click.argument("case_id")
@click.option("--snapshots", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Snapshots directory whose every snapshot is read, oldest first.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to FILE instead of stdout.")
def log(case_id: str, snapshots: Path, fmt: str, output: Path | None) -> None:
    """The history of CASE_ID across the snapshots: when it appeared, each change (with the
    fields that changed) and when it disappeared. Exit 2 if no snapshot has the case."""
    from exports.diff import DiffError
    from exports.history import case_log
    from exports.render import render_log

    try:
        history = case_log(case_id, snapshots)
    except DiffError as exc:
        raise TroubleError(str(exc)) from None
    _write_report(render_log(history, fmt, color=_color(output)), output)


class UsageError(click.UsageError):
    """A usage problem found after click parsed the flags."""


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (never raises SystemExit)."""
    try:
        cli.main(args=argv, prog_name="casearchive", standalone_mode=False)
    except OptionsError as exc:
        click.echo(f"casearchive: {exc}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("casearchive: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except OSError as exc:  # the machine said no (a missing or unwritable place, a full disk)
        click.echo(f"casearchive: {exc}", err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
