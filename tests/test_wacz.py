"""``casearchive wacz`` on a real crawl: the package validates with the ``wacz`` library's
own validator, and pywb replays it: every case page answers 200, and so do its images."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casearchive.crawler.cli import main
from casearchive.crawler.wacz_package import validate_wacz


@pytest.fixture(scope="module")
def package(fixture_crawl, tmp_path_factory) -> tuple[Path, Path]:
    snapshot = (fixture_crawl[0] / "latest").resolve()
    out = tmp_path_factory.mktemp("wacz")
    assert main(["wacz", str(snapshot), "--out", str(out)]) == 0
    return snapshot, out / f"{snapshot.name}.wacz"


def test_package_validates_with_the_wacz_library(package) -> None:
    _snapshot, wacz = package
    valid, said = validate_wacz(wacz)
    assert valid, said
    with zipfile.ZipFile(wacz) as z:
        names = set(z.namelist())
        assert {"datapackage.json", "pages/pages.jsonl", "archive/pages.warc.gz"} <= names
        assert any(n.startswith("indexes/") for n in names)
        data = json.loads(z.read("datapackage.json"))
        assert data["wacz_version"].startswith("1.1")
        assert all(r["hash"].startswith("sha256:") for r in data["resources"])


def test_pages_jsonl_lists_every_case_page_with_its_title(package) -> None:
    snapshot, wacz = package
    with zipfile.ZipFile(wacz) as z:
        lines = [json.loads(x) for x in z.read("pages/pages.jsonl").splitlines()]
    assert lines[0]["format"] == "json-pages-1.0"
    pages = pq.read_table(snapshot / "pages.parquet").to_pylist()
    assert sorted(p["url"] for p in lines[1:]) == sorted(p["final_url"] for p in pages)
    titles = {json.loads(c)["title"] for c in (snapshot / "cases.jsonl").open()}
    assert all(any(p["title"].startswith(t) for t in titles) for p in lines[1:])


REPLAY = textwrap.dedent("""
    import json, sys
    from pywb.apps.frontendapp import FrontEndApp
    from werkzeug.test import Client
    client = Client(FrontEndApp())
    out = {}
    for ts, url in json.loads(sys.argv[1]):
        response = client.get(f"/cases/{ts}id_/{url}")
        out[url] = response.status_code
    print(json.dumps(out))
""")


@pytest.mark.slow
def test_pywb_replays_every_case_page_and_its_images(package, tmp_path: Path) -> None:
    manager = shutil.which("wb-manager", path=str(Path(sys.executable).parent))
    if manager is None:
        pytest.skip("pywb is not installed (it is in the test extras)")
    snapshot, wacz = package
    subprocess.run([manager, "init", "cases"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([manager, "add", "--unpack-wacz", "cases", str(wacz)], cwd=tmp_path,
                   check=True, capture_output=True)
    pages = pq.read_table(snapshot / "pages.parquet").to_pylist()
    figures = pq.read_table(snapshot / "figures.parquet").to_pylist()
    wanted = [(p["fetched_at"].strftime("%Y%m%d%H%M%S"), p["final_url"]) for p in pages]
    wanted += [(snapshot.name[:8], f["url"]) for f in figures]
    assert figures, "the fixture site has figures"
    done = subprocess.run([sys.executable, "-c", REPLAY, json.dumps(wanted)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    statuses = json.loads(done.stdout.strip().splitlines()[-1])
    assert statuses and set(statuses.values()) == {200}, statuses
