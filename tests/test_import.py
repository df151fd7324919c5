"""``casearchive import`` over archives made by a real tool: the fixture site mirrored by
``wget --warc-file`` once as v1 and once as v2 (same loopback port), each WARC's
``WARC-Date``s moved to a distinct month with warcio. The imported snapshots must hold the
same cases (case checksums) as our own crawls of v1 and v2, ``diff`` across them must find
exactly the site's known changes, and each kind of bad input gets one line and its exit
code without losing what was imported before."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from casearchive.crawler.cli import main
from casearchive.crawler.urls import case_id, case_key
from tests.conftest import FIXTURES, run_cli

pytestmark = pytest.mark.slow

EXPECTED = json.loads((FIXTURES / "site_v2" / "expected_diff.json").read_text())
V1_DATE = datetime(2024, 1, 10, 12, 0, tzinfo=UTC)
V2_DATE = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
LIST = "/casestudies/index.asp"


def cid(path: str) -> str:
    return case_id(case_key("http://h" + path))


def wget_mirror(base: str, warc: Path, work: Path) -> Path:
    """Mirror the site at ``base`` with wget, recording ``warc`` (.warc.gz added)."""
    if shutil.which("wget") is None:
        pytest.skip("wget is not installed (apt-get install wget)")
    result = subprocess.run(
        ["wget", "-r", "-l", "inf", "-p", "-e", "robots=off", "--no-verbose", "--delete-after",
         "--warc-file", str(warc), "-P", str(work), f"{base}{LIST}"],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode in (0, 8), result.stderr[-2000:]  # 8: some link answered 4xx
    return warc.with_name(warc.name + ".warc.gz")


def members(path: Path) -> list[bytes]:
    """Each record of a gzip WARC as its uncompressed bytes (found with warcio)."""
    data = path.read_bytes()
    spans = []
    with open(path, "rb") as fh:
        records = ArchiveIterator(fh)
        for record in records:
            record.content_stream().read()
            spans.append((records.get_record_offset(), records.get_record_length()))
    return [gzip.decompress(data[offset:offset + length]) for offset, length in spans]


def redate(src: Path, dest: Path, start: datetime, only: str | None = None) -> Path:
    """Copy ``src`` moving every ``WARC-Date`` so the first record is at ``start`` (gaps
    kept); with ``only``, just the records whose target URI contains it. The header block
    changes, never the record's content block, so its digests still hold."""
    first: datetime | None = None
    with open(dest, "wb") as out:
        for plain in members(src):
            head, sep, block = plain.partition(b"\r\n\r\n")
            match = re.search(rb"WARC-Date: (\S+)", head)
            assert match is not None
            when = datetime.fromisoformat(match.group(1).decode().replace("Z", "+00:00"))
            first = first or when
            target = re.search(rb"WARC-Target-URI: (\S+)", head)
            if only is None or (target and only.encode() in target.group(1)):
                new = (start + (when - first)).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                head = head[:match.start(1)] + new + head[match.end(1):]
            out.write(gzip.compress(head + sep + block))
    return dest


def response_record(url: str, status: str, headers: list[tuple[str, str]], body: bytes,
                    date: str) -> bytes:
    out = BytesIO()
    writer = WARCWriter(out, gzip=True)
    writer.write_record(writer.create_warc_record(
        url, "response", payload=BytesIO(body),
        http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": date}))
    return out.getvalue()


@pytest.fixture(scope="module")
def mirrors(tmp_path_factory, legacy_server_module) -> tuple[str, Path, Path]:
    """(site URL, v1 WARC dated January 2024, v2 WARC dated March 2024)."""
    work = tmp_path_factory.mktemp("wget")
    server, base = legacy_server_module.serve(FIXTURES / "site")
    port = server.server_address[1]
    try:
        v1 = wget_mirror(base, work / "v1", work / "files")
    finally:
        server.shutdown()
        server.server_close()
    server, base = legacy_server_module.serve(FIXTURES / "site_v2", port=port)
    try:
        v2 = wget_mirror(base, work / "v2", work / "files")
    finally:
        server.shutdown()
        server.server_close()
    return (f"{base}{LIST}", redate(v1, work / "v1-2024-01.warc.gz", V1_DATE),
            redate(v2, work / "v2-2024-03.warc.gz", V2_DATE))


@pytest.fixture(scope="module")
def imported(tmp_path_factory, mirrors) -> Path:
    site, v1, v2 = mirrors
    out = tmp_path_factory.mktemp("imported") / "snapshots"
    result = run_cli("import", "--warc", str(v1), "--warc", str(v2), "--site", site,
                     "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(result.stdout.strip().splitlines()) == 3  # one line a snapshot, the summary
    return out


def checksums(snapshot: Path) -> dict[str, str]:
    table = pq.read_table(snapshot / "cases.parquet", columns=["case_id", "content_sha256"])
    return dict(zip(*table.to_pydict().values(), strict=True))


def snapshots_of(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if re.fullmatch(r"\d{8}T\d{6}Z", p.name))


def crawl_v2(legacy_server_module, out: Path) -> None:
    """Our own crawl of the fixture site's v2 into ``out``."""
    server, base = legacy_server_module.serve(FIXTURES / "site_v2")
    try:
        result = run_cli("crawl", f"{base}{LIST}", "--out", str(out), "--no-polite")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.fixture(scope="module")
def v2_crawl(tmp_path_factory, legacy_server_module) -> Path:
    out = tmp_path_factory.mktemp("v2crawl")
    crawl_v2(legacy_server_module, out)
    return out / "latest"


def test_imported_cases_equal_our_crawls(imported: Path, fixture_crawl, v2_crawl) -> None:
    crawled, _base, result = fixture_crawl
    assert result.returncode == 0
    first, second = snapshots_of(imported)
    assert first.name == "20240110T120000Z" or first.name.startswith("20240110T1200")
    assert checksums(first) == checksums(crawled / "latest")
    assert checksums(second) == checksums(v2_crawl)


def test_diff_across_imported_snapshots_is_the_known_change(imported: Path, capsys) -> None:
    assert main(["diff", "previous", "latest", "--snapshots", str(imported),
                 "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert sorted(report["added"]) == sorted(cid(p) for p in EXPECTED["added"])
    assert sorted(report["removed"]) == sorted(cid(p) for p in EXPECTED["removed"])
    changed = {c["case_id"]: sorted(c["fields"]) for c in report["changed"]}
    assert changed == {cid(p): sorted(f) for p, f in EXPECTED["changed"].items()}


def test_imported_snapshots_are_full_snapshots(imported: Path, mirrors, tmp_path: Path,
                                               capsys) -> None:
    site, v1, v2 = mirrors
    first, second = snapshots_of(imported)
    for snapshot in (first, second):
        assert main(["verify", str(snapshot)]) == 0
        manifest = json.loads((snapshot / "manifest.json").read_text())
        assert manifest["source"] == "import"
        assert manifest["capture_window"]["moment"].startswith(snapshot.name[:4])
        pages = pq.read_table(snapshot / "pages.parquet").to_pylist()
        assert pages and all(p["capture_source"] for p in pages)
        month = 1 if snapshot == first else 3
        assert {p["fetched_at"].month for p in pages} == {month}
        assert all(re.fullmatch(r".+\.warc\.gz#\d+", p["capture_source"]) for p in pages)
        used = manifest["import"]["used"]
        assert [u["source"] for u in used] == [str(v1 if snapshot == first else v2)]
        assert used[0]["captures"] >= len(pages) and used[0]["earliest"] >= "2024-0"
    # the second snapshot stores what the first holds already as revisit records
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["payload_snapshots"] == [first.name]
    with open(second / "pages.warc.gz", "rb") as fh:
        kinds = [r.rec_type for r in ArchiveIterator(fh)]
    assert kinds.count("revisit") > 10 and "request" not in kinds
    with open(first / "pages.warc.gz", "rb") as fh:
        dated = [(r.rec_headers.get_header("WARC-Date"),
                  r.rec_headers.get_header("WARC-Imported-From"))
                 for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert all(d.startswith("2024-01-10") and src.startswith(str(v1)) for d, src in dated)
    # the revisits of the second resolve into the first: reparse rebuilds the same cases
    assert main(["reparse", str(second), "--out", str(tmp_path / "reparsed")]) == 0
    (again,) = snapshots_of(tmp_path / "reparsed")
    assert checksums(again) == checksums(second)
    # importing again adds nothing
    capsys.readouterr()
    assert main(["import", "--warc", str(v1), "--warc", str(v2), "--site", site,
                 "--out", str(imported)]) == 0
    assert "imported before" in capsys.readouterr().out
    assert len(snapshots_of(imported)) == 2


def _without_record_ids(value: Any) -> Any:
    """``value`` with every ``warc_record_id`` taken out, however deep."""
    if isinstance(value, dict):
        return {k: _without_record_ids(v) for k, v in value.items() if k != "warc_record_id"}
    if isinstance(value, list):
        return [_without_record_ids(v) for v in value]
    return value


def test_import_on_two_workers_writes_what_one_writes(tmp_path: Path, mirrors) -> None:
    """Pages parsed ahead on two processes: both moments' snapshots hold what one process
    writes (the second's revisits resolve into the first). Each import gives its WARC
    records new ids, so ``warc_record_id`` is left out of the comparison."""
    site, v1, v2 = mirrors
    built = {}
    for workers in ("1", "2"):
        out = tmp_path / workers
        assert main(["import", "--warc", str(v1), "--warc", str(v2), "--site", site,
                     "--out", str(out), "--workers", workers]) == 0
        built[workers] = snapshots_of(out)
    assert [p.name for p in built["1"]] == [p.name for p in built["2"]]
    for one, two in zip(built["1"], built["2"], strict=True):
        lines = [[json.loads(line) for line in (snap / "cases.jsonl").open()]
                 for snap in (one, two)]
        assert _without_record_ids(lines[0]) == _without_record_ids(lines[1])
        for name in ("cases", "sections", "pages", "references", "figures"):
            rows = [pq.read_table(snap / f"{name}.parquet").to_pylist() for snap in (one, two)]
            assert _without_record_ids(rows[0]) == _without_record_ids(rows[1]), name
    assert pq.read_metadata(built["1"][0] / "cases.parquet").num_rows == 14  # the v1 site


def test_log_spans_imported_and_crawled_snapshots(tmp_path: Path, mirrors,
                                                  legacy_server_module, capsys) -> None:
    site, v1, _v2 = mirrors
    out = tmp_path / "snapshots"
    assert main(["import", "--warc", str(v1), "--site", site, "--out", str(out)]) == 0
    crawl_v2(legacy_server_module, out)
    capsys.readouterr()
    assert main(["log", cid("/casestudies/case.asp?cid=7"), "--snapshots", str(out),
                 "--format", "json"]) == 0
    text = capsys.readouterr().out
    assert "appeared" in text and "treatment" in text and "20240110T1200" in text
    crawled = (out / "latest").resolve().name
    assert crawled != snapshots_of(out)[0].name
    assert main(["import", "--warc", str(_v2), "--site", site, "--out", str(out)]) == 0
    assert len(snapshots_of(out)) == 3 and (out / "latest").resolve().name == crawled
    capsys.readouterr()
    assert main(["list", "--snapshots", str(out)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.endswith("imported") for line in listed] == [True, True, False]
    assert listed[-1].endswith("latest")


def test_import_a_wacz_of_our_own(tmp_path: Path, fixture_crawl) -> None:
    crawled, base, _result = fixture_crawl
    assert main(["wacz", str(crawled / "latest"), "--out", str(tmp_path / "wacz")]) == 0
    wacz = next((tmp_path / "wacz").glob("*.wacz"))
    out = tmp_path / "snapshots"
    assert main(["import", "--warc", str(wacz), "--site", f"{base}{LIST}",
                 "--out", str(out)]) == 0
    (snapshot,) = snapshots_of(out)
    assert checksums(snapshot) == checksums(crawled / "latest")
    sources = pq.read_table(snapshot / "pages.parquet", columns=["capture_source"])
    assert all("!archive/" in s for s in sources.column(0).to_pylist())


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err
    return lines[0]


def test_not_a_warc_is_exit_2_and_keeps_what_was_imported(tmp_path: Path, mirrors,
                                                          capsys) -> None:
    site, v1, _v2 = mirrors
    out = tmp_path / "snapshots"
    assert main(["import", "--warc", str(v1), "--site", site, "--out", str(out)]) == 0
    before = snapshots_of(out)
    bogus = tmp_path / "notes.warc.gz"
    bogus.write_text("these are my notes, not a WARC\n")
    capsys.readouterr()
    assert main(["import", "--warc", str(bogus), "--site", site, "--out", str(out)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert "notes.warc.gz: not a WARC, WARC.gz or WACZ file" in line
    assert snapshots_of(out) == before and main(["verify", str(before[0])]) == 0


def test_truncated_warc_imports_what_precedes_the_break(tmp_path: Path, mirrors,
                                                        capsys) -> None:
    site, v1, _v2 = mirrors
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(v1.read_bytes()[: v1.stat().st_size * 3 // 5])
    out = tmp_path / "snapshots"
    assert main(["import", "--warc", str(cut), "--site", site, "--out", str(out)]) == 3
    captured = capsys.readouterr()
    assert "cut.warc.gz: breaks off after" in _one_error_line(captured.err)
    (snapshot,) = snapshots_of(out)
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["counts"]["cases"] > 0 and not manifest["complete"]
    assert manifest["import"]["problems"]


def test_revisit_without_its_original_is_reported(tmp_path: Path, mirrors, capsys) -> None:
    """A revisit of case 7 page 2 whose original is in no given file: the page is missing
    from its case, with the reason, and the revisit is named on stderr."""
    site, v1, _v2 = mirrors
    page = site.replace(LIST, "/casestudies/case.asp?cid=7&page=2")
    out_warc = tmp_path / "revisit.warc.gz"
    with open(out_warc, "wb") as out:
        for plain in members(v1):
            if f"WARC-Target-URI: <{page}>\r\n".encode() in plain \
                    and b"WARC-Type: response" in plain:  # wget writes WARC 1.0's <URI>
                buffer = BytesIO()
                writer = WARCWriter(buffer, gzip=True)
                writer.write_record(writer.create_revisit_record(
                    page, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", page, "2023-06-01T00:00:00Z",
                    http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                                  protocol="HTTP/1.1"),
                    warc_headers_dict={"WARC-Date": "2024-01-10T12:00:01Z",
                                       "WARC-Refers-To": "<urn:uuid:gone>"}))
                out.write(buffer.getvalue())
            else:
                out.write(gzip.compress(plain))
    store = tmp_path / "snapshots"
    assert main(["import", "--warc", str(out_warc), "--site", site, "--out", str(store)]) == 3
    err = capsys.readouterr().err
    assert "whose original <urn:uuid:gone> is in none of the given files" in \
        _one_error_line(err)
    (snapshot,) = snapshots_of(store)
    pages = pq.read_table(snapshot / "pages.parquet").to_pylist()
    lost = [p for p in pages if p["url"] == page]
    assert lost and lost[0]["error"] and "not in the archive" in lost[0]["error"]


def test_redirect_capture_soft_404_and_late_list_page(tmp_path: Path, mirrors,
                                                      capsys) -> None:
    """A 302 capture of the site's old list URL leads to the list page's capture; a later
    capture of a case page that answered 200 "not found" makes that case incomplete; a list
    page captured years after its case pages finds them outside the window."""
    site, v1, _v2 = mirrors
    root = site.replace(LIST, "")
    extra = tmp_path / "extra.warc.gz"
    soft = (FIXTURES / "legacy_server.py").read_text()  # the server's own 404 page text
    assert "404 - File or directory not found." in soft
    extra.write_bytes(
        response_record(f"{root}/casestudies/", "302 Found",
                        [("Location", f"{root}{LIST}")], b"", "2024-01-10T11:59:00Z")
        + response_record(f"{root}/casestudies/case.asp?cid=3&page=2", "200 OK",
                          [("Content-Type", "text/html")],
                          b"<html><head><title>404 - File or directory not found.</title>"
                          b"</head><body><h1>404 - File or directory not found.</h1></body>"
                          b"</html>", "2024-01-10T12:30:00Z"))
    out = tmp_path / "snapshots"
    code = main(["import", "--warc", str(v1), "--warc", str(extra), "--site",
                 f"{root}/casestudies/", "--out", str(out)])
    assert code == 3
    (snapshot,) = snapshots_of(out)
    cases = {c["case_id"]: c for c in pq.read_table(snapshot / "cases.parquet").to_pylist()}
    assert len(cases) == 14
    assert not cases[cid("/casestudies/case.asp?cid=3")]["complete"]
    assert sum(not c["complete"] for c in cases.values()) == 1

    late = redate(v1, tmp_path / "late.warc.gz", datetime(2019, 5, 1, tzinfo=UTC))
    late_list = redate(late, tmp_path / "late-list.warc.gz", datetime(2024, 5, 1, tzinfo=UTC),
                       only=LIST)
    out = tmp_path / "late"
    capsys.readouterr()
    assert main(["import", "--warc", str(late_list), "--site", site, "--out", str(out)]) == 1
    said = capsys.readouterr().out
    assert f"no capture of {site} at or before 2019-05-01" in said
    assert "no case page in the archive at 2024-05-01" in said
    assert not out.exists() or not snapshots_of(out)
    # a window reaching back to the case pages' captures finds them
    assert main(["import", "--warc", str(late_list), "--site", site, "--out", str(out),
                 "--window", "3650", "--at", "202405"]) == 0
    (snapshot,) = snapshots_of(out)
    pages = pq.read_table(snapshot / "pages.parquet").to_pylist()
    assert len(pages) == 35 and {p["fetched_at"].year for p in pages} == {2019}


def _chunked(data: bytes, size: int = 700) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size])
             for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def test_encodings_and_url_variants_read_as_the_crawl_reads_them(tmp_path: Path, mirrors,
                                                                 fixture_crawl) -> None:
    """A capture sent chunked and gzip-encoded, and one recorded under ``https://www.``,
    give the same cases as our crawl; request and metadata records are passed over."""
    site, v1, _v2 = mirrors
    crawled, _base, _result = fixture_crawl
    encoded = site.replace(LIST, "/casestudies/case.asp?cid=8&page=2")
    moved = site.replace(LIST, "/casestudies/case.asp?cid=7")
    variant = moved.replace("http://", "https://www.")
    out_warc = tmp_path / "variants.warc.gz"
    with open(out_warc, "wb") as out:
        for plain in members(v1):
            record = next(iter(ArchiveIterator(BytesIO(plain))))
            url = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type != "response" or url not in (encoded, moved):
                out.write(gzip.compress(plain))  # as stored: its digests hold
                continue
            body = record.content_stream().read()
            headers = [(k, v) for k, v in record.http_headers.headers
                       if k.lower() != "content-length"]
            if url == encoded:
                headers += [("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")]
                body = _chunked(gzip.compress(body))
            out.write(response_record(variant if url == moved else url, "200 OK", headers,
                                      body, record.rec_headers.get_header("WARC-Date")))
    snapshots = tmp_path / "snapshots"
    assert main(["import", "--warc", str(out_warc), "--site", site, "--out",
                 str(snapshots)]) == 0
    (snapshot,) = snapshots_of(snapshots)
    assert checksums(snapshot) == checksums(crawled / "latest")
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["crawl_stats"]["case_pages"] == 35
    assert main(["verify", str(snapshot)]) == 0
    assert main(["reparse", str(snapshot), "--out", str(tmp_path / "reparsed")]) == 0
    (again,) = snapshots_of(tmp_path / "reparsed")
    assert checksums(again) == checksums(snapshot)


def test_moment_arguments() -> None:
    from casearchive.crawler.captures import parse_moment

    assert parse_moment("2019", end=True) == datetime(2019, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert parse_moment("2019", end=False) == datetime(2019, 1, 1, tzinfo=UTC)
    assert parse_moment("201902", end=True).day == 28
    assert parse_moment("2019-03-15T10:00:00Z", end=True) == datetime(2019, 3, 15, 10,
                                                                      tzinfo=UTC)
    with pytest.raises(ValueError, match="not a timestamp"):
        parse_moment("last tuesday", end=True)


def test_every_from_and_to_choose_the_moments(tmp_path: Path, mirrors, capsys) -> None:
    site, v1, v2 = mirrors
    files = ["--warc", str(v1), "--warc", str(v2), "--site", site]
    assert main(["import", *files, "--out", str(tmp_path / "year"), "--every", "year"]) == 0
    (yearly,) = snapshots_of(tmp_path / "year")
    assert yearly.name.startswith("20240310")  # the year's last capture: v2
    assert main(["import", *files, "--out", str(tmp_path / "to"), "--to", "202402"]) == 0
    (early,) = snapshots_of(tmp_path / "to")
    assert early.name.startswith("20240110")
    assert main(["import", *files, "--out", str(tmp_path / "from"), "--from", "202402"]) == 0
    assert [p.name[:8] for p in snapshots_of(tmp_path / "from")] == ["20240310"]
    capsys.readouterr()
    assert main(["import", *files, "--out", str(tmp_path / "bad"), "--at", "soon"]) == 2
    assert "not a timestamp: 'soon'" in capsys.readouterr().err
    assert main(["import", *files, "--out", str(tmp_path / "none"), "--from", "2030"]) == 1
    assert "no capture in the given archives" in capsys.readouterr().err


def _damaged_gzip(html: bytes) -> bytes:
    """``html`` gzip-encoded and padded past warcio's first decoding block, with bytes
    flipped after that block: the stream begins well and breaks off in the middle."""
    pad = "".join(hashlib.sha256(b"%d" % n).hexdigest() for n in range(1_000)).encode()
    coded = bytearray(gzip.compress(html + b"<!-- " + pad + b" -->", mtime=0))
    assert len(coded) > 30_000
    coded[24_000:24_064] = bytes(64)
    return bytes(coded)


def _bad_payload(kind: str, page: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    """The payload and headers of a capture of ``page`` damaged as ``kind`` says."""
    coded = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    if kind == "noise":
        return b"\x1f\x8b\x08\x00 no gzip stream after all", coded
    if kind == "broken":
        return _damaged_gzip(page), coded
    stream = gzip.compress(page, mtime=0)
    if kind == "cut":
        return stream[: len(stream) // 2], coded
    return stream, [("Content-Type", "text/html")]  # "unsaid": gzip without Content-Encoding


def test_records_unreadable_at_replay_lose_their_pages_only(tmp_path: Path, mirrors,
                                                            capsys) -> None:
    """Three case pages captured with ``Content-Encoding: gzip``: one over bytes that start
    like gzip and are none, one whose gzip stream breaks off in the middle, one whose stream
    is cut halfway (it inflates without an error to half the page); and one gzipped without
    ``Content-Encoding``. Their records are whole (the digests hold, the index reads them);
    the damage is met only when the replay decodes the payloads, or parses it. Those pages
    are lost, each with the place of its record or why it is no page; every other page is
    imported."""
    site, v1, _v2 = mirrors
    damaged = {site.replace(LIST, f"/casestudies/case.asp?cid={cid}&page=2"): kind
               for cid, kind in ((8, "noise"), (3, "broken"), (4, "cut"), (7, "unsaid"))}
    out_warc = tmp_path / "badgzip.warc.gz"
    with open(out_warc, "wb") as out:
        for plain in members(v1):
            record = next(iter(ArchiveIterator(BytesIO(plain))))
            url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>")
            if record.rec_type != "response" or url not in damaged:
                out.write(gzip.compress(plain))  # wget writes WARC 1.0's <URI>
                continue
            body, headers = _bad_payload(damaged[url], record.content_stream().read())
            out.write(response_record(url, "200 OK", headers, body,
                                      record.rec_headers.get_header("WARC-Date")))
    store = tmp_path / "snapshots"
    assert main(["import", "--warc", str(out_warc), "--site", site, "--out", str(store)]) == 3
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    (snapshot,) = snapshots_of(store)
    pages = {p["url"]: p for p in pq.read_table(snapshot / "pages.parquet").to_pylist()}
    assert "4 lost" in captured.out
    for url, kind in damaged.items():
        error = pages[url]["error"] or ""
        if kind == "unsaid":
            assert error.startswith("not a text page (a gzip stream"), pages[url]
        else:
            assert "badgzip.warc.gz#" in error and "cannot be read" in error, pages[url]
    cases = pq.read_table(snapshot / "cases.parquet").to_pylist()
    assert len(cases) == 14 and sum(not c["complete"] for c in cases) == 4
    assert main(["verify", str(snapshot)]) == 0
