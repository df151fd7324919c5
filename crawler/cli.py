"""The ``casearchive`` command: a thin layer over the library functions.

Every command is callable as ``main([...])`` and returns its exit code instead of exiting.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click

from casearchive.exports.render import DIFF_FORMATS, LOG_FORMATS

from .options import DEFAULT_MAX_PAGES, LOG_LEVELS, OptionsError, resolve_crawl
from .version import TOOL_VERSION


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(TOOL_VERSION, prog_name="casearchive")
def cli() -> None:
    """Crawl the legacy case-study site into archival snapshots, and inspect them."""


CRAWL_EXIT_CODES = """Exit codes: 0 snapshot written, every case complete; 1 crawl failed, no
snapshot (no case pages, the start URL unreachable, robots.txt unavailable, the snapshot
could not be written); 2 bad usage; 3 snapshot written, but some cases are incomplete or
linked but not archived; 4 another crawl holds the lock; 5 interrupted, no snapshot, latest
untouched; 6 a budget (--max-pages, --max-cases) was reached, a partial snapshot
OUT/<id>.partial kept, latest untouched; 7 a health check failed (a redesign broke
extraction?): the snapshot is kept and marked unhealthy, latest untouched. Alert on every
code but 0 (4, an overlapping start, is harmless): the systemd unit in deploy/ does, through
OnFailure=; the summary's health lines say which check failed."""


#: The health checks' limits (``casearchive.exports.health``; shares 0-1, as ``--health-NAME``),
#: with
#: their defaults in words (the values live in ``HealthThresholds``).
HEALTH_HELP = {
    "max-case-drop": "fail (exit 7) when the case count dropped by more than this share of "
                     "the previous snapshot's (default 0.10)",
    "section-was-present": "a section filled in more than this share of the previous "
                           "snapshot's cases (default 0.5) ...",
    "section-now-empty": "... fails when empty in more than this share of the new cases "
                         "(default 0.5)",
    "max-warning-share": "the largest share of pages with parser warnings or unplaced text "
                         "(default 0.5)",
    "max-error-rate": "the largest share of requests whose page was lost (default 0.10)",
}


def _health_options(command: Callable[..., None]) -> Callable[..., None]:
    for name, text in reversed(HEALTH_HELP.items()):
        command = click.option(f"--health-{name}", type=float, metavar="SHARE",
                               help=f"Health check: {text}.")(command)
    return command


@cli.command(epilog=CRAWL_EXIT_CODES)
@click.argument("start_url", required=False)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Snapshots directory (default: ./snapshots).")
@click.option("--config", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="TOML file with any of these options, named as the flags "
                   "(out, ignore_robots, max_pages, ...; flags win).")
@click.option("--polite/--no-polite", default=None,
              help="Politeness for the real site (default on): AutoThrottle, 2 concurrent "
                   "requests, 1 s delay. --no-polite is for loopback fixtures and benches.")
@click.option("--concurrency", type=int, help="Concurrent requests to the host.")
@click.option("--delay", type=float, help="Base delay between requests, in seconds.")
@click.option("--obey-robots/--ignore-robots", default=None,
              help="Obey robots.txt (default; a robots.txt answering 5xx or unreachable stops "
                   "the crawl, RFC 9309).")
@click.option("--contact-url", help="Contact URL put in the User-Agent.")
@click.option("--user-agent", help="Replace the whole User-Agent.")
@click.option("--timeout", type=float, help="Download timeout in seconds (default 30).")
@click.option("--max-size-mib", type=int,
              help="Largest response accepted, after decompression (default 20).")
@click.option("--retries", type=int,
              help="Retries on 5xx, timeouts, resets and bodies cut short (default 3).")
@click.option("--max-pages", type=int,
              help=f"Page budget: stop with exit 6 before requesting more (default "
                   f"{DEFAULT_MAX_PAGES:,}).")
@click.option("--max-cases", type=int,
              help="Case budget: stop with exit 6 when the lists link more cases (default: none).")
@click.option("--keep", type=int, default=None, metavar="N",
              help="After a crawl that exits 0, keep the newest N snapshots and remove older "
                   "ones (never latest, a pinned one, or one still referred to).")
@click.option("--allow-origin", multiple=True, metavar="SCHEME://HOST[:PORT]",
              help="Another origin the crawl may fetch from (repeatable); by default only the "
                   "start URL's scheme, host and port, so http -> https is off the site.")
@click.option("--case-pattern", help="Regex whose group 'case' (or 1) is a page's case key.")
@click.option("--list-pattern", help="Regex matching the URLs of case-list pages.")
@click.option("--ignore-url-case/--keep-url-case", default=None,
              help="Treat URLs differing in letter case as one (default: automatic, on for "
                   "servers that say they are IIS).")
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False),
              help="DEBUG shows Scrapy's own log too (default WARNING).")
@click.option("--operator", help="Who runs the crawl, recorded in the WARC's warcinfo.")
@click.option("--requisites/--no-requisites", default=None,
              help="Fetch the images, stylesheets and scripts of the pages into the WARC "
                   "(default on).")
@click.option("--in-process", is_flag=True, default=None,
              help="Parse, assemble and export in this process instead of a worker process, "
                   "so a debugger can follow a page through (slower; for debugging).")
@click.option("--full", is_flag=True, default=None,
              help="Recrawl in full: no conditional requests, every page stored whole "
                   "(default: revalidate the previous snapshot's pages, store revisits).")
@click.option("--resume", is_flag=True, default=None,
              help="Continue the newest interrupted crawl (SIGTERM, SIGKILL, power loss) in "
                   "its temporary snapshot, replaying what it archived instead of fetching "
                   "it again (without it, leftovers are removed).")
@click.option("--progress-seconds", type=float, metavar="S",
              help="Seconds between progress updates: a live display on a terminal (default "
                   "0.5), one log line on stderr and in the run log otherwise (default 60).")
@_health_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def crawl(start_url: str | None, config: Path | None, as_json: bool, **flags: Any) -> None:
    """Crawl START_URL (the case list) into a new snapshot under --out."""
    from .lock import LockHeld
    from .report import one_line_summary, summary_lines
    from .run import EXIT_FAILED, EXIT_LOCKED, EXIT_USAGE, run_crawl

    options, as_json = resolve_crawl(start_url, {**flags, "as_json": as_json}, config,
                                     os.environ)
    if options.out_dir.exists() and not options.out_dir.is_dir():
        click.echo(f"casearchive: --out {options.out_dir} is a file, not a directory; "
                   "no snapshot written", err=True)
        raise SystemExit(EXIT_FAILED)
    try:
        result = run_crawl(options)
    except LockHeld as exc:
        click.echo(f"casearchive: {exc}", err=True)
        raise SystemExit(EXIT_LOCKED) from None
    except OptionsError as exc:
        click.echo(f"casearchive: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except OSError as exc:  # e.g. the snapshots directory cannot be created or locked
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"casearchive: {where}{exc.strerror or exc}; no snapshot written", err=True)
        raise SystemExit(EXIT_FAILED) from None
    snapshot = str(result.snapshot) if result.snapshot else None
    if as_json:
        click.echo(json.dumps({"snapshot": snapshot, "exit_code": result.exit_code,
                               "error": result.error, "stats": result.stats},
                              indent=2, sort_keys=True))
    elif result.stats:
        for line in summary_lines(result.stats, snapshot):
            click.echo(line)
        click.echo(one_line_summary(result.stats, snapshot, result.exit_code))
    if result.snapshot is None:
        message = result.error or "the crawl found no case pages"
        click.echo(f"casearchive: {message}; no snapshot written", err=True)
    elif result.budget_exceeded:
        click.echo(f"casearchive: {result.error}; partial snapshot kept in {snapshot}, "
                   "latest untouched", err=True)
    elif result.unhealthy:
        failed = [c["check"] for c in result.stats["health"]["checks"] if not c["passed"]]
        click.echo(f"casearchive: health check failed ({', '.join(failed)}); snapshot kept in "
                   f"{snapshot}, marked unhealthy, latest untouched", err=True)
    elif options.keep is not None and result.exit_code == 0:
        _retain(options.out_dir, options.keep, quiet=as_json)
    raise SystemExit(result.exit_code)


def _retain(out_dir: Path, keep: int, quiet: bool) -> None:
    """``--keep``: prune after a good crawl; a failure to prune is said, not fatal."""
    from casearchive.exports.catalog import prune as prune_snapshots

    try:
        plan = prune_snapshots(out_dir, keep)
    except OSError as exc:
        click.echo(f"casearchive: warning: pruning {out_dir} failed: {exc}", err=True)
        return
    if not quiet:
        for entry in plan.remove:
            click.echo(f"pruned {entry.id}")


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
    from casearchive.parsers.page import parse_as_case, parse_page

    header_map: dict[str, str] = {}
    for header in headers:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise UsageError(f"--header must look like 'Name: value', got {header!r}")
        header_map[name.strip()] = value.strip()
    if url is not None:
        _check_page_url(url)
    parse_fn = parse_as_case if as_case else parse_page
    record = parse_fn(file.read_bytes(), url or file.resolve().as_uri(), header_map)
    click.echo(json.dumps(record.to_json(), indent=2, ensure_ascii=False))


def _check_page_url(url: str) -> None:
    """``parse --url``: an absolute http(s) URL, or the bad option is blamed on the page (a
    record with "parse error" and exit 0)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  a bad port raises only when read
    except ValueError as exc:
        raise UsageError(f"--url {url!r} is not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--url {url!r} is not an absolute http(s) URL")


def _snapshot_arg(ref: str, snapshots: Path | None, *, check_manifest: bool = True) -> Path:
    """The snapshot SNAPSHOT names, its manifest checked (``load_manifest``: required keys
    and their types, a schema major this casearchive reads); exit 2 otherwise."""
    from casearchive.exports.load import resolve_snapshot

    try:
        path = resolve_snapshot(ref, snapshots)
    except FileNotFoundError as exc:
        raise TroubleError(str(exc)) from None
    if check_manifest:
        _check_manifest(path)
    return path


_NO_VERIFY_OPTION = click.option(
    "--no-verify", is_flag=True,
    help="Read the snapshot even if its files differ from its manifest (default: refuse, "
         "exit 2, naming the file).",
)


def _check_trusted(path: Path, names: list[str], no_verify: bool) -> None:
    """Refuse (exit 2) a snapshot whose files ``names`` differ from its manifest."""
    from casearchive.exports.verify import check_listed_files

    if no_verify:
        return
    problem = check_listed_files(path, names)
    if problem is not None:
        raise TroubleError(f"{problem}; refusing to read it (--no-verify overrides)")


def _snapshot_id(path: Path) -> str:
    """The id a package of the snapshot at ``path`` is named by: its directory's name, or,
    for a copy under another name (a ``latest`` copied without symlinks), its manifest's
    (checked) ``snapshot_id``; never a path."""
    from casearchive.exports.files import PARTIAL_SUFFIX, SNAPSHOT_NAME
    from casearchive.exports.manifest import load_manifest

    name = path.name.removesuffix(PARTIAL_SUFFIX)
    return name if SNAPSHOT_NAME.match(name) else str(load_manifest(path)["snapshot_id"])


def _check_manifest(path: Path) -> None:
    """Refuse (exit 2) a snapshot whose manifest cannot be trusted (``--no-verify`` or not:
    without it nothing the snapshot says can be read)."""
    from casearchive.exports.manifest import ManifestError, load_manifest

    try:
        load_manifest(path)
    except ManifestError as exc:
        raise TroubleError(str(exc)) from None


#: ``--snapshots`` defaults to the crawl's ``--out`` default, so a SNAPSHOT id, ``latest``
#: or ``previous`` works from the directory the crawl ran in; a path works everywhere.
DEFAULT_SNAPSHOTS = Path("snapshots")

_SNAPSHOTS_OPTION = click.option(
    "--snapshots", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_SNAPSHOTS,
    show_default=True,
    help="Snapshots directory in which SNAPSHOT may be an id, 'latest' or 'previous'.",
)


@cli.command()
@click.argument("snapshot")
@_SNAPSHOTS_OPTION
def verify(snapshot: str, snapshots: Path | None) -> None:
    """Re-check a snapshot: checksums, JSON Schema of every line, Parquet schemas, and
    Parquet/JSONL agreement. Exit 0 when sound, 1 naming each problem."""
    from casearchive.exports.verify import verify_snapshot

    from .warc import WARC_ERRORS, WARC_NAME, check_revisits, warc_error_text

    path = _snapshot_arg(snapshot, snapshots, check_manifest=False)  # a problem it names
    problems = verify_snapshot(path)
    if (path / WARC_NAME).is_file():  # its revisits' payloads, where they are held
        try:
            problems += check_revisits(path / WARC_NAME)
        except WARC_ERRORS as exc:
            problems.append(f"{WARC_NAME}: {warc_error_text(exc)}")
    for problem in problems:
        click.echo(f"{path.name}: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{path}: OK")


@cli.command()
@click.argument("snapshot")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="Snapshots directory for the rebuilt snapshot.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes parsing pages (default: the cores available).")
@_SNAPSHOTS_OPTION
@_NO_VERIFY_OPTION
def reparse(snapshot: str, out_dir: Path, workers: int | None, snapshots: Path | None,
            no_verify: bool) -> None:
    """Rebuild every export of SNAPSHOT from its WARC with the current parser, offline,
    into a new snapshot under --out; pages per second go to stderr."""
    from .lock import CrawlLock, LockHeld
    from .parse_pool import default_workers
    from .reparse import ReplayError, reparse_snapshot
    from .warc import WARC_NAME

    path = _snapshot_arg(snapshot, snapshots)
    _check_trusted(path, [WARC_NAME], no_verify)
    workers = workers or default_workers()

    def progress(pages: int, ahead: int, seconds: float) -> None:
        rate = pages / seconds if seconds > 0 else 0.0
        pool = f"{workers} workers, {ahead} parsed ahead" if workers > 1 else "1 worker"
        click.echo(f"parsed {pages} pages in {seconds:.1f} s ({rate:.0f} pages/s, {pool})",
                   err=True)

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with CrawlLock(out_dir):  # a crawl or import writing there meanwhile would race it
            new = reparse_snapshot(path, out_dir, workers, progress)
    except LockHeld as exc:
        raise LockedError(str(exc)) from None
    except (FileNotFoundError, ReplayError) as exc:
        raise TroubleError(str(exc)) from None
    click.echo(str(new))


def _package_out(out_dir: Path) -> Path:
    """``--out`` of ``bag``, ``export-figures`` and ``wacz``: never inside a snapshot, which
    the files written there would change (``verify`` then fails: "present but not
    listed")."""
    from casearchive.exports.files import MANIFEST

    for place in (out_dir.resolve(), *out_dir.resolve().parents):
        if (place / MANIFEST).is_file():
            raise UsageError(f"--out {out_dir} is inside the snapshot {place}: writing there "
                             "would change it; choose a directory outside it")
    return out_dir


@cli.command()
@click.argument("snapshot")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="Directory for bags; the bag is OUT/<snapshot id>.")
@_SNAPSHOTS_OPTION
def bag(snapshot: str, out_dir: Path, snapshots: Path | None) -> None:
    """Package SNAPSHOT as a BagIt bag (sha256 manifests) under --out, after checking it as
    verify does: a damaged snapshot is refused (exit 2), never given fresh checksums."""
    from casearchive.exports.bag import make_bag
    from casearchive.exports.verify import verify_snapshot

    from .warc import PAYLOADS_NAME, WARC_ERRORS, WARC_NAME, carry_payloads, warc_error_text

    path = _snapshot_arg(snapshot, snapshots)
    target = _package_out(out_dir) / _snapshot_id(path)
    _refuse_problems([f"{path / p}".rstrip(".") for p in verify_snapshot(path)],
                     "not bagged (casearchive verify names every problem)")
    try:
        made = make_bag(path, target, carry=lambda copy: carry_payloads(
            path / WARC_NAME, copy / PAYLOADS_NAME))
    except FileExistsError as exc:
        raise TroubleError(str(exc)) from None
    except WARC_ERRORS as exc:
        raise TroubleError(f"{path / WARC_NAME}: {warc_error_text(exc)}") from None
    click.echo(str(made))


@cli.command("export-figures")
@click.argument("snapshot")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="Directory for the figure files and index.csv.")
@_SNAPSHOTS_OPTION
@_NO_VERIFY_OPTION
def export_figures_command(snapshot: str, out_dir: Path, snapshots: Path | None,
                           no_verify: bool) -> None:
    """Write every figure of SNAPSHOT as OUT/<sha256>.<ext> (from its WARC) with
    OUT/index.csv naming case, page, alt and caption of each."""
    from casearchive.exports.schema import TABLES

    from .figure_files import FiguresUnreadable, export_figures
    from .warc import WARC_ERRORS, WARC_NAME, warc_error_text

    path = _snapshot_arg(snapshot, snapshots)
    _check_trusted(path, [TABLES["figures"].file, WARC_NAME], no_verify)
    try:
        listed, files = export_figures(path, _package_out(out_dir))
    except FiguresUnreadable as exc:
        raise TroubleError(str(exc)) from None
    except (OSError, KeyError) as exc:
        raise TroubleError(f"{path}: cannot export figures: {exc}") from None
    except WARC_ERRORS as exc:
        raise TroubleError(f"{path / WARC_NAME}: not a readable WARC "
                           f"({warc_error_text(exc)})") from None
    click.echo(f"{out_dir}: {files} file(s) for {listed} figure(s)")


@cli.command("wacz")
@click.argument("snapshot")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              required=True, help="Directory for the package, OUT/<snapshot id>.wacz.")
@_SNAPSHOTS_OPTION
@_NO_VERIFY_OPTION
def wacz_command(snapshot: str, out_dir: Path, snapshots: Path | None, no_verify: bool) -> None:
    """Package SNAPSHOT's WARC as a WACZ 1.1 file (CDXJ index, pages/pages.jsonl of the case
    pages, datapackage.json with SHA-256 hashes) that ReplayWeb.page and pywb open."""
    from casearchive.exports.schema import TABLES

    from .wacz_package import WaczError, make_wacz
    from .warc import WARC_ERRORS, WARC_NAME, warc_error_text

    path = _snapshot_arg(snapshot, snapshots)
    _check_trusted(path, [WARC_NAME, TABLES["cases"].file, TABLES["pages"].file], no_verify)
    try:
        made = make_wacz(path, _package_out(out_dir) / f"{_snapshot_id(path)}.wacz")
    except WaczError as exc:
        raise TroubleError(str(exc)) from None
    except WARC_ERRORS as exc:
        raise TroubleError(f"{path / WARC_NAME}: not a readable WARC "
                           f"({warc_error_text(exc)})") from None
    click.echo(str(made))


class TroubleError(click.ClickException):
    """A problem with the input (missing snapshot, unreadable file): exit code 2."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"casearchive: {_printable(self.message)}", err=True, file=file)


#: The longest message a line shows (a library may put a whole file's bytes in one).
MAX_MESSAGE = 400


def _printable(text: str) -> str:
    """A message as one printable line: its first line, control and undecodable
    characters escaped, cut at ``MAX_MESSAGE`` characters."""
    first = (text.strip().splitlines() or [""])[0]
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in first)
    return shown if len(shown) <= MAX_MESSAGE else shown[:MAX_MESSAGE - 3] + "..."


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
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


@cli.command()
@click.argument("old")
@click.argument("new")
@_SNAPSHOTS_OPTION
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text",
              show_default=True, help="Report format; html is one self-contained file.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to FILE instead of stdout.")
@click.option("--reparse", "reparse_old", is_flag=True,
              help="Re-extract OLD from its WARC with the current parser first, so only site "
                   "changes are reported (extractor changes are listed apart).")
@click.option("--replay-url", metavar="TEMPLATE", default=None,
              help="Link each case to its archived capture: a pywb-style URL with {timestamp} "
                   "and {url}, e.g. http://localhost:8080/cases/{timestamp}/{url}.")
@_NO_VERIFY_OPTION
def diff(old: str, new: str, snapshots: Path | None, fmt: str, output: Path | None,
         reparse_old: bool, no_verify: bool, replay_url: str | None) -> None:
    """Compare the extracted content of snapshots OLD and NEW case by case.

    Exit codes (as diff(1)): 0 no content change, 1 changes found, 2 trouble.
    """
    from casearchive.exports.diff import DiffError, diff_snapshots
    from casearchive.exports.files import CASES_JSONL
    from casearchive.exports.render import render
    from casearchive.exports.schema import TABLES

    if replay_url is not None and "{url}" not in replay_url:
        raise UsageError(f"--replay-url {replay_url!r} has no {{url}}: every case would link "
                         "to the same page (pywb-style: http://HOST/COLL/{timestamp}/{url})")

    from .reparse import reparse_snapshot
    from .warc import WARC_NAME

    old_path, new_path = _snapshot_arg(old, snapshots), _snapshot_arg(new, snapshots)
    read = [TABLES["cases"].file, CASES_JSONL, TABLES["pages"].file]
    _check_trusted(old_path, [*read, WARC_NAME] if reparse_old else read, no_verify)
    _check_trusted(new_path, read, no_verify)
    try:
        # The CLI composes the layers: casearchive.crawler.reparse re-extracts OLD,
        # casearchive.exports.diff compares.
        result = diff_snapshots(old_path, new_path,
                                reparse=reparse_snapshot if reparse_old else None)
    # RuntimeError: casearchive.crawler.reparse.ReplayError
    except (DiffError, RuntimeError) as exc:
        raise TroubleError(str(exc)) from None
    _write_report(render(result, fmt, color=_color(output), replay_url=replay_url), output)
    raise SystemExit(1 if result.has_changes else 0)


@cli.command()
@click.argument("case_id")
@click.option("--snapshots", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_SNAPSHOTS, show_default=True,
              help="Snapshots directory whose every snapshot is read, oldest first.")
@click.option("--format", "fmt", type=click.Choice(LOG_FORMATS), default="text",
              show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to FILE instead of stdout.")
@_NO_VERIFY_OPTION
def log(case_id: str, snapshots: Path, fmt: str, output: Path | None, no_verify: bool) -> None:
    """The history of CASE_ID (a case_id, a case_key or a page URL of the case) across the
    snapshots: when it appeared, each change (with the fields that changed) and when it
    disappeared. Exit 2 if no snapshot has the case."""
    from casearchive.exports.diff import DiffError
    from casearchive.exports.history import case_log
    from casearchive.exports.load import list_snapshots
    from casearchive.exports.render import render_log
    from casearchive.exports.schema import TABLES

    if snapshots.is_dir():
        for path in list_snapshots(snapshots):
            _check_manifest(path)
            _check_trusted(path, [TABLES["cases"].file, TABLES["pages"].file], no_verify)
    try:
        history = case_log(case_id, snapshots)
    except DiffError as exc:
        raise TroubleError(str(exc)) from None
    _write_report(render_log(history, fmt, color=_color(output)), output)


def _catalog_dir(snapshots: Path) -> Path:
    """``--snapshots`` of ``list`` and ``prune``: a directory, and not a snapshot itself (a
    slip for its parent would list, and prune, nothing without a word)."""
    from casearchive.exports.files import MANIFEST

    if not snapshots.is_dir():
        raise TroubleError(f"{snapshots}: no such snapshots directory")
    if (snapshots / MANIFEST).is_file():
        raise TroubleError(f"{snapshots}: a snapshot, not a snapshots directory (its parent "
                           "holds the snapshots)")
    return snapshots


@cli.command(name="list")
@click.option("--snapshots", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_SNAPSHOTS, show_default=True, help="Snapshots directory.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Listing format.")
def list_command(snapshots: Path, fmt: str) -> None:
    """Each snapshot, oldest first: id, date, cases, completeness, health, latest, pinned.
    Exit 2 when a manifest or the keep file cannot be read (the others are listed)."""
    from casearchive.exports.catalog import catalog_problems, list_catalog

    directory = _catalog_dir(snapshots)
    entries = list_catalog(directory)
    if not entries:
        click.echo(f"casearchive: {directory}: no snapshots", err=True)
    if fmt == "json":
        click.echo(json.dumps([e.to_json() for e in entries], indent=2, sort_keys=True))
    else:
        for e in entries:
            click.echo(_catalog_line(e))
    _refuse_problems(catalog_problems(directory, entries), "see the listing")


def _catalog_line(e: Any) -> str:
    """One ``list`` line of a ``CatalogEntry``."""
    marks = " ".join(m for m, on in (("latest", e.latest), ("pinned", e.pinned),
                                     ("pinned?", e.pinned is None),
                                     ("partial", e.partial is not None),
                                     ("imported", e.source is not None)) if on)
    if e.problem:
        return f"{e.id}  unreadable: {_printable(e.problem)}  {marks}".rstrip()
    cases = "?" if e.cases is None else e.cases
    state = "complete" if e.complete else f"incomplete ({e.incomplete_cases} cases)"
    return (f"{e.id}  {e.finished_at or '?'}  cases: {cases}  {state}  "
            f"health: {e.health or '-'}  {marks}").rstrip()


def _refuse_problems(problems: list[str], done: str) -> None:
    """Exit 2 with one line naming the first file that could not be read (and how many)."""
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TroubleError(f"{problems[0]}{more}; {done}")


@cli.command()
@click.option("--snapshots", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_SNAPSHOTS, show_default=True, help="Snapshots directory.")
@click.option("--keep", type=click.IntRange(min=1), required=True,
              help="How many of the newest snapshots to keep.")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; remove nothing.")
def prune(snapshots: Path, keep: int, dry_run: bool) -> None:
    """Remove the oldest snapshots beyond the newest --keep N. Never removes the one
    'latest' points at, one named in the directory's 'keep' file, one whose payload a kept
    snapshot's revisits refer to, or one being written. A snapshot whose manifest cannot
    be read is kept with every older one (an unreadable keep file keeps all), and exit 2."""
    from casearchive.exports.catalog import catalog_problems, list_catalog, plan_prune
    from casearchive.exports.catalog import prune as prune_snapshots

    directory = _catalog_dir(snapshots)
    entries = list_catalog(directory)
    plan = plan_prune(entries, keep) if dry_run else prune_snapshots(directory, keep)
    verb = "would remove" if dry_run else "removed"
    for entry in plan.remove:
        click.echo(f"{verb} {entry.id}")
    for name, reason in sorted(plan.kept.items()):
        click.echo(f"kept {name}: {reason}")
    _refuse_problems(catalog_problems(directory, entries),
                     "nothing it might protect was removed")


IMPORT_EXIT_CODES = """Exit codes: 0 every moment imported, every case complete, every
input read whole; 1 no snapshot written (no capture in the inputs, no capture of the start
URL at or before any moment, no case page; the CDX server or replay unreachable); 2 bad
usage, or an input that is not a WARC, WARC.gz or WACZ file (nothing is imported then); 3
snapshots written, but some cases are incomplete (pages not in the archive within the
window, archived soft 404s), an input breaks off (the records before the break are
imported), a record has no WARC-Target-URI or no valid WARC-Date (passed over), bad
CDX lines were passed over, a revisit's original is in no input, or a moment had no
capture of the start URL; 4 another crawl or import holds the lock."""


#: The longest ``--window`` in days: 100 years (more is no window anyone means, and soon
#: reaches before the year 1, which no date holds).
MAX_WINDOW_DAYS = 36525


def _moment_list(values: tuple[str, ...], end: bool, option: str) -> list[Any]:
    """``parse_moment`` of each value; a bad one is a usage error naming ``option``."""
    from .captures import parse_moment

    try:
        return [parse_moment(v, end) for v in values]
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


@cli.command("import", epilog=IMPORT_EXIT_CODES)
@click.option("--warc", "warcs", type=click.Path(path_type=Path, dir_okay=False),
              multiple=True,
              help="A WARC, WARC.gz or WACZ file (repeatable; shell globs welcome).")
@click.option("--cdx", "cdx_url", default=None,
              help="A Wayback-style CDX API (http://host/cdx/search/cdx, pywb's "
                   "http://host/COLL/cdx) listing the site's captures; needs --replay.")
@click.option("--replay", "replay_prefix", default=None,
              help="The replay the CDX server's captures are fetched from, in id_ mode "
                   "(http://host/COLL, https://web.archive.org/web).")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds between requests to the CDX server and replay.")
@click.option("--site", "start_url", required=True,
              help="The case list URL as the site knew it (the crawl's START_URL).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("snapshots"), show_default=True, help="Snapshots directory.")
@click.option("--at", "at", multiple=True,
              help="A moment to import (repeatable): YYYY[MM[DD[hh[mm[ss]]]]] (the end of that "
                   "period) or ISO 8601.")
@click.option("--every", type=click.Choice(["year", "quarter", "month"]), default=None,
              help="One snapshot per period holding captures, at its last capture (default "
                   "month, when no --at is given).")
@click.option("--from", "from_", default=None, help="Ignore captures before this time.")
@click.option("--to", default=None, help="Ignore captures after this time.")
@click.option("--window", type=click.IntRange(min=1, max=MAX_WINDOW_DAYS), default=365,
              show_default=True,
              help="Days before a moment a capture still counts (at most 100 years).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes parsing pages (default: the cores available).")
def import_command(start_url: str, out_dir: Path, at: tuple[str, ...], every: str | None,
                   from_: str | None, to: str | None, window: int, workers: int | None,
                   **source: Any) -> None:
    """Import web archives (WARC/WACZ files of wget, Heritrix, Browsertrix, pywb or ours,
    or a CDX server and its replay) as snapshots of the site at past moments: one summary
    line per snapshot."""
    import time
    from datetime import timedelta

    from .captures import BadArchive, moments
    from .cdx import CdxError
    from .importer import Moment, import_archives, remove_scratch, scratch_dir
    from .lock import LockHeld
    from .options import CrawlOptions
    from .parse_pool import default_workers

    CrawlOptions(start_url=start_url, out_dir=out_dir)  # the start URL's checks, exit 2
    if bool(source["warcs"]) == bool(source["cdx_url"]) or \
            bool(source["cdx_url"]) != bool(source["replay_prefix"]):
        raise UsageError("give either --warc FILE... or --cdx URL with --replay PREFIX")
    times = _moment_list(at, True, "--at")
    bounds = (_moment_list((from_,), False, "--from")[0] if from_ else None,
              _moment_list((to,), True, "--to")[0] if to else None)
    began = time.perf_counter()
    scratch = scratch_dir(out_dir)
    index = None
    try:
        index = _capture_index(source, start_url, out_dir, scratch, bounds)
        chosen = [Moment(m, timedelta(days=window)) for m in moments(index, times, every)]
        if not chosen:
            raise FailedError(f"no capture in the given archives (within --from/--to) to "
                              f"import the site {start_url} from")
        update, display = _import_display()
        with display:
            results = list(_each_moment(import_archives(index, start_url, out_dir, chosen,
                                                        update, workers or default_workers())))
    except BadArchive as exc:
        raise TroubleError(str(exc)) from None
    except CdxError as exc:
        raise FailedError(str(exc)) from None
    except LockHeld as exc:
        raise LockedError(str(exc)) from None
    finally:
        if index is not None:
            index.close()
        remove_scratch(scratch)
    code = _import_code(results, bool(index.problems))
    written = [r for r in results if r.snapshot is not None]
    click.echo(f"casearchive: exit {code}; {len(written)} snapshots; "
               f"{sum(int(r.stats.get('case_pages', 0)) for r in written)} case pages; "
               f"{time.perf_counter() - began:.1f} s")
    if code:
        raise SystemExit(code)


def _import_display() -> tuple[Any, Any]:
    """On a terminal, a live line on stderr (the moment and its pages read so far), gone when
    the import ends; elsewhere nothing (each moment's summary line is the progress)."""
    import contextlib

    if not sys.stderr.isatty():
        return None, contextlib.nullcontext()
    from rich.console import Console

    status = Console(stderr=True).status("reading the archives")

    def update(moment: Any, pages: int) -> None:
        status.update(f"importing {moment:%Y-%m-%dT%H:%M:%SZ}: {pages} pages read")

    return update, status


def _capture_index(source: dict[str, Any], start_url: str, out_dir: Path, scratch: Path,
                   bounds: tuple[Any, Any]) -> Any:
    """The captures of ``--warc`` files or of ``--cdx``; input problems go to stderr."""
    from .captures import INDEX_NAME, read_archives
    from .cdx import CdxSource, PoliteClient

    if source["cdx_url"]:
        cdx = CdxSource(source["cdx_url"], source["replay_prefix"], start_url, out_dir,
                        PoliteClient(source["delay"]))
        stamps = [b.strftime("%Y%m%d%H%M%S") if b else None for b in bounds]
        index = cdx.index(stamps[0], stamps[1], scratch / INDEX_NAME)
    else:
        index = read_archives(list(source["warcs"]), start_url, scratch)
    index.restrict(*bounds)
    for problem in index.problems:
        click.echo(f"casearchive: {problem}", err=True)
    return index


class FailedError(TroubleError):
    """The import could not go on (the CDX server or replay unreachable): exit 1."""

    exit_code = 1


class LockedError(TroubleError):
    """Another crawl or import holds the snapshots directory's lock: exit 4."""

    exit_code = 4


def _each_moment(results: Any) -> Any:
    """Print one line per moment as it is imported."""
    for result in results:
        when = result.moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if result.snapshot is None or result.note:
            click.echo(f"{when}: {result.note}" + (f" ({result.snapshot})"
                                                  if result.snapshot else ""))
        else:
            stats = result.stats
            click.echo(f"{when}: snapshot {result.snapshot.name}: "
                       f"{stats.get('cases_complete', 0)} cases complete, "
                       f"{stats.get('cases_incomplete', 0)} incomplete; "
                       f"{stats.get('case_pages', 0)} case pages; "
                       f"{len(stats.get('failures', []))} lost")
        yield result


def _import_code(results: list[Any], problems: bool) -> int:
    """The import's exit code (see ``IMPORT_EXIT_CODES``)."""
    written = [r for r in results if r.snapshot is not None]
    if not written:
        return 1
    incomplete = any(r.stats.get("cases_incomplete") or r.stats.get("failures")
                     for r in written)
    return 3 if problems or incomplete or len(written) < len(results) else 0


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
