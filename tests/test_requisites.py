"""Page requisites and figures on a real crawl of the fixture site: every same-site image and
stylesheet of list and case pages is archived once (a payload seen before as a revisit
record), never parsed as a page; a case's content images become its figures, site chrome
does not; a requisite that fails is a warning; ``--no-requisites`` fetches none."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import FIXTURES, run_cli
from tests.snapshots import path_of

ROUTES = json.loads((FIXTURES / "site" / "routes.json").read_text())
MEDIA = {route: spec for route, spec in ROUTES.items()
         if not spec.get("content_type", "").startswith("text/html") and "file" in spec
         and route.startswith(("/images/", "/styles/"))}


def _records(snapshot: Path) -> list[tuple[str, str, bytes]]:
    with open(snapshot / "pages.warc.gz", "rb") as fh:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                 r.content_stream().read())
                for r in ArchiveIterator(fh) if r.rec_type in ("response", "revisit")]


@pytest.fixture(scope="module")
def snapshot(fixture_crawl) -> Path:
    assert fixture_crawl[2].returncode == 0, fixture_crawl[2].stderr[-2000:]
    return (fixture_crawl[0] / "latest").resolve()


def test_every_requisite_is_archived_once(snapshot: Path, fixture_crawl) -> None:
    records = _records(snapshot)
    media = Counter(path_of(url) for _kind, url, _body in records if path_of(url) in MEDIA)
    assert media == Counter(dict.fromkeys(MEDIA, 1))
    payloads: dict[str, bytes] = {}
    for kind, url, body in records:
        if path_of(url) in MEDIA and kind == "response":
            served = (FIXTURES / "site" / MEDIA[path_of(url)]["file"]).read_bytes()
            assert body == served
            assert body not in payloads.values(), "a repeated payload is stored as a revisit"
            payloads[url] = body
    revisits = [path_of(url) for kind, url, _ in records if kind == "revisit"]
    assert len(revisits) == 1  # case 10's figure repeats case 4's bytes under another URL
    stats = json.loads(fixture_crawl[2].stdout)["stats"]
    assert stats["requisites_fetched"] == len(MEDIA) and stats["requisites_failed"] == 0


def test_requisites_are_not_pages(snapshot: Path) -> None:
    urls = pq.read_table(snapshot / "pages.parquet", columns=["url"]).column(0).to_pylist()
    assert not [u for u in urls if path_of(u) in MEDIA]


def test_figures_carry_their_image_and_chrome_is_not_a_figure(snapshot: Path) -> None:
    cases = [json.loads(line) for line in (snapshot / "cases.jsonl").read_text().splitlines()]
    figures = [f for c in cases for f in c["figures"]]
    assert figures and not [f for f in figures if "banner" in f["url"]]
    ids = {}
    with open(snapshot / "pages.warc.gz", "rb") as fh:
        for record in ArchiveIterator(fh):
            ids[record.rec_headers.get_header("WARC-Record-ID")] = record.rec_type
    for f in figures:
        served = (FIXTURES / "site" / MEDIA[path_of(f["url"])]["file"]).read_bytes()
        assert f["sha256"] == hashlib.sha256(served).hexdigest()
        assert f["media_type"] == "image/png"
        assert ids[f["warc_record_id"]] in ("response", "revisit")
    table = pq.read_table(snapshot / "figures.parquet").to_pylist()
    assert sorted((r["case_id"], r["url"], r["sha256"]) for r in table) == sorted(
        (c["case_id"], f["url"], f["sha256"]) for c in cases for f in c["figures"])


def _crawl(site: Path, out: Path, legacy_server_module, *flags: str):
    server, base = legacy_server_module.serve(site)
    try:
        return run_cli("crawl", f"{base}/casestudies/index.asp", "--out", str(out),
                       "--no-polite", "--json", *flags)
    finally:
        server.shutdown()


@pytest.mark.slow  # a crawl of its own; CI runs it in make test-slow
def test_a_failed_requisite_is_a_warning(tmp_path: Path, legacy_server_module) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", site)
    routes = dict(ROUTES)
    del routes["/images/case-06-photo.png"]
    (site / "routes.json").write_text(json.dumps(routes))
    result = _crawl(site, tmp_path / "out", legacy_server_module)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "page requisite not archived" in result.stderr and "case-06-photo.png" in result.stderr
    stats = json.loads(result.stdout)["stats"]
    assert stats["requisites_failed"] == 1 and stats["failures"] == []
    cases = [json.loads(x) for x in (tmp_path / "out" / "latest" / "cases.jsonl").open()]
    (photo,) = [f for c in cases for f in c["figures"] if f["url"].endswith("photo.png")]
    assert photo["sha256"] is None and photo["alt"] == "Clinical photograph"


@pytest.mark.slow
def test_no_requisites_fetches_none(tmp_path: Path, legacy_server_module) -> None:
    result = _crawl(FIXTURES / "site", tmp_path, legacy_server_module, "--no-requisites")
    assert result.returncode == 0, result.stderr[-2000:]
    snapshot = (tmp_path / "latest").resolve()
    assert not [u for _k, u, _b in _records(snapshot) if path_of(u) in MEDIA]
    cases = [json.loads(x) for x in (snapshot / "cases.jsonl").open()]
    figures = [f for c in cases for f in c["figures"]]
    assert figures and all(f["sha256"] is None for f in figures)


def test_export_figures_writes_content_addressed_files_and_an_index(
    snapshot: Path, tmp_path: Path, capsys
) -> None:
    import csv

    from casearchive.crawler.cli import main

    assert main(["export-figures", str(snapshot), "--out", str(tmp_path / "figs")]) == 0
    rows = list(csv.DictReader((tmp_path / "figs" / "index.csv").open(encoding="utf-8")))
    table = pq.read_table(snapshot / "figures.parquet").to_pylist()
    assert [(r["case_id"], r["url"], r["alt"]) for r in rows] == [
        (t["case_id"], t["url"], t["alt"]) for t in table]
    files = sorted(p.name for p in (tmp_path / "figs").iterdir() if p.name != "index.csv")
    assert files == sorted({f"{t['sha256']}.png" for t in table})
    for name in files:
        assert hashlib.sha256((tmp_path / "figs" / name).read_bytes()).hexdigest() == name[:-4]
    assert all(r["file"] == f"{r['sha256']}.png" and r["case_key"] for r in rows)
    assert main(["export-figures", str(tmp_path / "nope"), "--out", str(tmp_path)]) == 2
    assert "Traceback" not in capsys.readouterr().err
