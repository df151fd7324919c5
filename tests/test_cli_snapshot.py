"""The snapshot commands on a real crawl of the fixture site: verify, reparse, bag, parse,
and the crawl's exit codes for scheduled jobs."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import bagit
import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from casearchive.crawler.cli import main
from casearchive.crawler.lock import CrawlLock
from casearchive.crawler.warc import Exchange, WarcWriter
from tests.conftest import FIXTURES, run_cli


@pytest.fixture(scope="module")
def snapshot(fixture_crawl) -> Path:
    out, _base, result = fixture_crawl
    assert result.returncode == 0, result.stderr[-3000:]
    return (out / "latest").resolve()


def test_crawl_json_summary_counts(fixture_crawl) -> None:
    summary = json.loads(fixture_crawl[2].stdout)
    stats = summary["stats"]
    assert summary["exit_code"] == 0
    assert stats["cases_complete"] == 14 and stats["cases_incomplete"] == 0
    assert stats["failures"] == []
    assert stats["skipped_by_reason"]["forbidden by robots.txt"] == 1
    assert stats["responses_by_status"] == {"200": stats["responses"]}
    timing = stats["archive_seconds"]
    assert set(timing) == {"parse", "warc", "export", "finish"}
    # Milliseconds: queueing 48 pages for the WARC writer's thread can round to 0.0 on a
    # fast machine; parsing them cannot.
    assert all(seconds >= 0 for seconds in timing.values()) and timing["parse"] > 0
    assert sum(timing.values()) < stats["duration_seconds"] + timing["finish"]
    manifest = json.loads((Path(summary["snapshot"]) / "manifest.json").read_text())
    assert set(manifest["crawl_stats"]["archive_seconds"]) == {"parse", "warc", "export"}


def test_verify_accepts_the_crawl(snapshot: Path, capsys) -> None:
    assert main(["verify", str(snapshot)]) == 0
    assert "OK" in capsys.readouterr().out


def test_verify_names_a_tampered_file(snapshot: Path, tmp_path: Path, capsys) -> None:
    copy = tmp_path / snapshot.name
    shutil.copytree(snapshot, copy)
    data = bytearray((copy / "cases.jsonl").read_bytes())
    data[10] ^= 1
    (copy / "cases.jsonl").write_bytes(bytes(data))
    assert main(["verify", str(copy)]) == 1
    assert "cases.jsonl" in capsys.readouterr().err


def test_verify_missing_snapshot_is_trouble(tmp_path: Path, capsys) -> None:
    assert main(["verify", str(tmp_path / "nope")]) == 2
    assert "no snapshot" in capsys.readouterr().err


def test_warc_holds_every_page_with_provenance(snapshot: Path) -> None:
    responses = {}
    with open(snapshot / "pages.warc.gz", "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                rid = record.rec_headers.get_header("WARC-Record-ID")
                responses[rid] = hashlib.sha256(record.content_stream().read()).hexdigest()
                assert record.rec_headers.get_header("WARC-Payload-Digest")
    pages = pq.read_table(snapshot / "pages.parquet").to_pylist()
    assert len(pages) == 35
    for page in pages:
        assert responses[page["warc_record_id"]] == page["content_sha256"]


def test_warcio_check_and_index_accept_the_warc(snapshot: Path) -> None:
    """The archive is read by warcio's own command-line tools, not only by our code."""
    tool = [sys.executable, "-m", "warcio.cli"]
    warc = str(snapshot / "pages.warc.gz")
    check = subprocess.run([*tool, "check", "-v", warc], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    assert "digest pass" in check.stdout and "digest fail" not in check.stdout
    index = subprocess.run([*tool, "index", "-f", "warc-type,warc-target-uri", warc],
                           capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    types = {row["warc-type"] for row in rows}
    assert {"warcinfo", "request", "response"} <= types
    pages = pq.read_table(snapshot / "pages.parquet", columns=["final_url"]).column(0)
    responses = {row["warc-target-uri"] for row in rows if row["warc-type"] == "response"}
    assert set(pages.to_pylist()) <= responses


def test_reparse_rebuilds_identical_exports_offline(snapshot: Path, tmp_path: Path) -> None:
    assert main(["reparse", str(snapshot), "--out", str(tmp_path)]) == 0
    new = (tmp_path / "latest").resolve()
    for name in ("cases.jsonl", "cases.parquet", "sections.parquet", "pages.parquet",
                 "references.parquet", "pages.warc.gz"):
        assert (new / name).read_bytes() == (snapshot / name).read_bytes(), name
    manifest = json.loads((new / "manifest.json").read_text())
    assert manifest["crawl_stats"]["reparsed_from"] == snapshot.name
    assert main(["verify", str(new)]) == 0


def _copy_as(snapshot: Path, into: Path, sid: str) -> Path:
    """A copy of ``snapshot`` in ``into`` under the id ``sid``."""
    copy = into / sid
    shutil.copytree(snapshot, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["snapshot_id"] = sid
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


def test_a_rebuilt_snapshot_is_named_by_the_moment_its_source_represents(
        snapshot: Path, tmp_path: Path, capsys) -> None:
    """Rebuilt into a directory that holds a newer snapshot, an older one sorts beside its
    source and leaves ``latest`` alone (it became ``latest``: ``diff previous latest``
    reported the site's past as its news); rebuilt from ``latest``, it is ``latest``."""
    old = _copy_as(snapshot, tmp_path, "20200101T000000Z")
    new = _copy_as(snapshot, tmp_path, "20200201T000000Z")
    (tmp_path / "latest").symlink_to(new.name)
    assert main(["reparse", str(old), "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "20200101T000000Z-1")
    assert (tmp_path / "latest").resolve() == new
    manifest = json.loads((tmp_path / "20200101T000000Z-1" / "manifest.json").read_text())
    assert manifest["started_at"].startswith("2020-01-01T00:00:00")
    assert main(["reparse", "latest", "--snapshots", str(tmp_path), "--out",
                 str(tmp_path)]) == 0
    assert (tmp_path / "latest").resolve() == tmp_path / "20200201T000000Z-1"


@pytest.mark.slow
def test_reparse_on_two_workers_writes_what_one_writes(snapshot: Path, tmp_path: Path,
                                                       capsys) -> None:
    """The pool parses ahead on two processes; the snapshot is the one-process one, byte for
    byte (the manifest differs in its id, checksums of the manifest aside, and timings only)."""
    built = {}
    for workers in ("1", "2"):
        out = tmp_path / workers
        assert main(["reparse", str(snapshot), "--out", str(out), "--workers", workers]) == 0
        err = capsys.readouterr().err
        assert f"{workers} worker" in err and "pages/s" in err, err
        built[workers] = (out / "latest").resolve()
    for name in ("cases.jsonl", "cases.parquet", "sections.parquet", "pages.parquet",
                 "references.parquet", "figures.parquet", "case.schema.json"):
        assert (built["1"] / name).read_bytes() == (built["2"] / name).read_bytes(), name
    stats = [json.loads((built[w] / "manifest.json").read_text())["crawl_stats"]
             for w in ("1", "2")]
    for s in stats:
        s.pop("archive_seconds", None)
        s.pop("duration_seconds", None)
    assert stats[0] == stats[1]


def test_commands_writing_to_an_impossible_place_exit_2(snapshot: Path, tmp_path: Path,
                                                         capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    for command in (["bag", str(snapshot), "--out", str(blocker / "bags")],
                    ["reparse", str(snapshot), "--out", str(blocker / "snaps")]):
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert err.startswith("casearchive: ") and len(err.strip().splitlines()) == 1, err


def test_bag_is_valid(snapshot: Path, tmp_path: Path, capsys) -> None:
    assert main(["bag", str(snapshot), "--out", str(tmp_path)]) == 0
    bag_path = Path(capsys.readouterr().out.strip())
    assert bag_path.parent == tmp_path
    bagit.Bag(str(bag_path)).validate()
    assert main(["bag", str(snapshot), "--out", str(tmp_path)]) == 2


def test_parse_prints_one_pages_record(capsys) -> None:
    page = FIXTURES / "site" / "casestudies" / "case-01-page-4.html"
    assert main(["parse", str(page), "--url", "http://x/casestudies/case.asp?cid=1&page=4",
                 "--header", "Content-Type: text/html; charset=utf-8"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["title"] == "Not Just Another Case Of Sciatica"
    assert record["page_number"] == 4
    assert record["sections"]["working_diagnosis"].startswith("Idiopathic lumbosacral plexus")
    assert record["contact"]["phone"] == "(913) 327-1415"
    assert record["references"][1]["doi"] == "10.1212/01.CON.0000455877.60932.d3"


@pytest.mark.parametrize("url", ["http://[::1", "http://x:99999/", "case.asp?cid=1", "ftp://x/"])
def test_parse_rejects_a_bad_url_option(capsys, url: str) -> None:
    page = FIXTURES / "site" / "casestudies" / "case-01-page-4.html"
    assert main(["parse", str(page), "--url", url]) == 2
    assert f"--url {url!r} is not" in capsys.readouterr().err


def test_parse_rejects_a_malformed_header(capsys) -> None:
    page = FIXTURES / "site" / "casestudies" / "case-01-page-4.html"
    assert main(["parse", str(page), "--header", "no colon"]) == 2
    assert "--header" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://example.org/"], "start URL"),
        (["http://127.0.0.1:9/", "--case-pattern", "("], "bad regex"),
        (["http://127.0.0.1:9/", "--concurrency", "0"], "concurrency"),
        ([], "START_URL"),
    ],
)
def test_crawl_usage_errors_exit_2(args: list[str], message: str, tmp_path: Path, capsys) -> None:
    assert main(["crawl", *args, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_crawl_config_file_errors_exit_2(tmp_path: Path, capsys) -> None:
    config = tmp_path / "crawl.toml"
    config.write_text('start_url = "http://127.0.0.1:9/"\nno_such_option = 1\n')
    assert main(["crawl", "--config", str(config), "--out", str(tmp_path)]) == 2
    assert "no_such_option" in capsys.readouterr().err


def test_crawl_exits_4_while_another_holds_the_lock(tmp_path: Path) -> None:
    with CrawlLock(tmp_path):
        result = run_cli("crawl", "http://127.0.0.1:9/casestudies/index.asp", "--out",
                         str(tmp_path), "--no-polite")
    assert result.returncode == 4, result.stderr
    assert "another crawl" in result.stderr
    assert "Traceback" not in result.stderr


def test_reparse_exits_4_while_a_crawl_holds_the_lock(snapshot: Path, tmp_path: Path,
                                                     capsys) -> None:
    """A reparse into a snapshots directory a crawl is writing would race it (and move
    ``latest`` under it): it waits for no one and writes nothing."""
    with CrawlLock(tmp_path):
        assert main(["reparse", str(snapshot), "--out", str(tmp_path)]) == 4
    assert "another crawl" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == [".lock"]


def test_a_latest_copied_as_a_directory_is_refused_before_any_work(
        snapshot: Path, tmp_path: Path, capsys) -> None:
    """A ``latest`` turned into a directory by a copy without symlinks cannot be replaced by
    the new link: refused at once, naming the repair (the snapshot used to be written and
    then reported as not written)."""
    shutil.copytree(snapshot, tmp_path / snapshot.name)
    shutil.copytree(snapshot, tmp_path / "latest")
    assert main(["reparse", str(snapshot), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"casearchive: {tmp_path / 'latest'}: a directory, not a symlink to a "
                   "snapshot (a copy made without symlinks?); make it one "
                   "(ln -sfn ID latest) or remove it"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", snapshot.name, "latest"]


@pytest.mark.parametrize("command", ["bag", "export-figures", "wacz"])
def test_packages_are_never_written_inside_a_snapshot(snapshot: Path, tmp_path: Path, capsys,
                                                      command: str) -> None:
    copy = tmp_path / snapshot.name
    shutil.copytree(snapshot, copy)
    assert main([command, str(copy), "--out", str(copy / "out")]) == 2
    assert f"--out {copy / 'out'} is inside the snapshot {copy}" in capsys.readouterr().err
    assert not (copy / "out").exists()
    assert main(["verify", str(copy)]) == 0


@pytest.mark.parametrize(("command", "table"), [("export-figures", "figures.parquet"),
                                                ("wacz", "cases.parquet")])
def test_packages_check_the_files_they_read_against_the_manifest(
        snapshot: Path, tmp_path: Path, capsys, command: str, table: str) -> None:
    """A file rewritten since the crawl (the same rows, other bytes) is refused as diff and
    reparse refuse it; --no-verify reads it anyway."""
    copy = tmp_path / snapshot.name
    shutil.copytree(snapshot, copy)
    pq.write_table(pq.read_table(copy / table), copy / table, compression="none")
    out = tmp_path / "out"
    assert main([command, str(copy), "--out", str(out)]) == 2
    assert f"{table}" in capsys.readouterr().err and not out.exists()
    assert main([command, str(copy), "--out", str(out), "--no-verify"]) == 0


def test_export_figures_names_an_unreadable_figures_table(snapshot: Path, tmp_path: Path,
                                                          capsys) -> None:
    copy = tmp_path / snapshot.name
    shutil.copytree(snapshot, copy)
    (copy / "figures.parquet").write_bytes(b"")
    assert main(["export-figures", str(copy), "--out", str(tmp_path / "figs"),
                 "--no-verify"]) == 2  # past the checksum, to the reader
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"casearchive: {copy / 'figures.parquet'}: cannot be read ("), line


@pytest.mark.slow
def test_crawl_of_a_site_without_cases_exits_1(serve_site, tmp_path: Path) -> None:
    _server, base = serve_site(FIXTURES / "site")
    result = run_cli("crawl", f"{base}/index.asp", "--out", str(tmp_path / "s"), "--no-polite")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no case pages" in result.stderr
    assert not (tmp_path / "s" / "latest").exists()
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full to fill")
def test_a_warc_write_error_is_raised_not_lost() -> None:
    """Compression runs in a thread: a failed write (a full disk) still reaches the caller."""
    log = WarcWriter(Path("/dev/full"), "test")
    exchange = Exchange(url="http://h/a", method="GET", request_headers=[], status=200,
                        response_headers=[("Content-Type", "text/html")], body=b"<p>x</p>" * 999)
    def write_then_close() -> None:
        for _ in range(200):  # the error surfaces on a later write or at close
            log.write_exchange(exchange)
        log.close()

    with pytest.raises(OSError, match="No space left"):
        write_then_close()
    log.discard()  # and dropping the snapshot afterwards does not raise again


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full to fill")
def test_a_failed_final_flush_of_the_warc_is_raised() -> None:
    """Small records sit in the file's buffer until close: losing them must not pass silently
    (the snapshot would be checksummed over a truncated WARC)."""
    log = WarcWriter(Path("/dev/full"), "test")
    log.write_exchange(Exchange(url="http://h/a", method="GET", request_headers=[], status=200,
                                response_headers=[], body=b"<p>x</p>"))
    with pytest.raises(OSError, match="No space left"):
        log.close()


def test_warcinfo_says_who_made_the_warc_how_and_under_which_rules(
    fixture_crawl, snapshot: Path
) -> None:
    """Fields named as Heritrix and Browsertrix write them, read back with warcio."""
    from casearchive.crawler.version import TOOL_VERSION
    from tests.conftest import OPERATOR

    with open(snapshot / "pages.warc.gz", "rb") as fh:
        first = next(iter(ArchiveIterator(fh)))
        assert first.rec_type == "warcinfo"
        assert first.rec_headers.get_header("Content-Type") == "application/warc-fields"
        body = first.content_stream().read().decode("utf-8")
    info = dict(line.split(": ", 1) for line in body.splitlines() if line)
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert info["software"] == f"casearchive/{TOOL_VERSION}"
    assert info["format"] == "WARC File Format 1.1"
    assert info["operator"] == OPERATOR
    assert info["isPartOf"] == manifest["snapshot_id"]
    assert info["startUrl"] == manifest["start_url"] == f"{fixture_crawl[1]}/casestudies/index.asp"
    assert info["robots"] == "obey"
    assert info["http-header-user-agent"].startswith(f"casearchive/{TOOL_VERSION} (+http")
    assert manifest["start_url"] in info["description"]
