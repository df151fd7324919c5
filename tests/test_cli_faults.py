"""One clear line and a documented exit code for bad input to every command: config files,
log levels, ``--out``, tampered snapshots and corrupt WARCs; and the crawl's safe defaults."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from casearchive.crawler.cli import main
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.run import scrapy_settings
from casearchive.crawler.warc import iter_responses
from casearchive.exports.files import MANIFEST
from casearchive.exports.manifest import file_digest


@pytest.fixture
def snapshot(fixture_crawl) -> Path:
    out, _base, result = fixture_crawl
    assert result.returncode == 0, result.stderr[-2000:]
    return (out / "latest").resolve()


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


# --- config files and flags ------------------------------------------------------------------

@pytest.mark.parametrize(("line", "key"), [
    ("timeout = [1]", "timeout"),
    ("case_pattern = 5", "case_pattern"),
    ('log_level = "verbose"', "log_level"),
    ("max_pages = 0", "max_pages"),
    ('ignore_robots = "maybe"', "obey_robots"),
    ("no_such_option = 1", "no_such_option"),
])
def test_a_bad_config_value_exits_2_naming_key_and_file(tmp_path, capsys, line, key) -> None:
    config = tmp_path / "crawl.toml"
    config.write_text(f'start_url = "http://127.0.0.1:9/"\n{line}\n')
    assert main(["crawl", "--config", str(config), "--out", str(tmp_path / "s")]) == 2
    message = one_line(capsys)
    assert str(config) in message and key in message


def test_config_keys_are_the_flags_names(tmp_path) -> None:
    from casearchive.crawler.options import load_config

    config = tmp_path / "crawl.toml"
    config.write_text('[crawl]\nout = "snaps"\nignore_robots = true\nno-polite = true\n'
                      'log_level = "info"\nmax-cases = 7\nallow_origin = ["https://h"]\n')
    options = CrawlOptions("http://h/").with_overrides(load_config(config), str(config))
    assert (options.out_dir, options.obey_robots, options.polite) == (Path("snaps"), False, False)
    assert (options.log_level, options.max_cases, options.allow_origin) == ("INFO", 7,
                                                                           ("https://h",))


def test_log_level_is_case_insensitive() -> None:
    assert CrawlOptions("http://h/", log_level="info").log_level == "INFO"


def test_out_naming_a_file_is_one_clear_line(tmp_path, capsys) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["crawl", "http://127.0.0.1:9/", "--out", str(target)]) == 1
    assert one_line(capsys) == (f"casearchive: --out {target} is a file, not a directory; "
                                "no snapshot written")


def test_scrapy_starts_no_listener_and_keeps_no_state() -> None:
    settings = scrapy_settings(CrawlOptions("http://h/"))
    extensions = settings.getwithbase("EXTENSIONS")
    assert "scrapy.extensions.remote_control.RemoteControl" not in extensions
    assert "scrapy.extensions.telnet.TelnetConsole" not in extensions
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert settings.get("JOBDIR") is None


#: What a fresh interpreter imports when it loads every component the crawl's settings name
#: (Scrapy loads each one a list names, a disabled one too): the modules it printed.
_LOAD_EVERY_COMPONENT = """
import sys
from scrapy.utils.misc import load_object
from casearchive.crawler.options import CrawlOptions
from casearchive.crawler.run import scrapy_settings
settings = scrapy_settings(CrawlOptions("http://h/"))
for name in ("EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES"):
    for component in settings.getwithbase(name):
        load_object(component)
print(" ".join(sorted(sys.modules)))
"""


def test_the_crawl_loads_no_component_it_never_runs() -> None:
    """RemoteControl (aiohttp) and cookies (tldextract, off) are not in the lists at all:
    named there, even as None, Scrapy imports them at every crawl's start."""
    loaded = subprocess.run([sys.executable, "-c", _LOAD_EVERY_COMPONENT], capture_output=True,
                            text=True, check=True).stdout.split()
    assert "scrapy.downloadermiddlewares.retry" in loaded  # the check loads what it names
    assert not {"aiohttp", "tldextract", "scrapy.extensions.remote_control",
                "scrapy.downloadermiddlewares.cookies"} & set(loaded)



def test_the_archive_worker_loads_neither_scrapy_nor_twisted() -> None:
    """The archive worker (a fresh interpreter at every crawl) parses and writes: Scrapy and
    Twisted are the crawl process's. Imported there, they cost every crawl ~0.35 s of CPU."""
    code = ("import sys; from casearchive.crawler.worker import child_main; "
            "import casearchive.crawler.pipeline; "
            "print(*sorted({m.split('.')[0] for m in sys.modules} & {'scrapy', 'twisted'}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.split()
    assert loaded == []

# --- snapshots checked against their manifest ------------------------------------------------

def _drop_one_case(snapshot: Path, into: Path) -> Path:
    """A copy of ``snapshot`` whose cases.parquet lost its first row (valid Parquet)."""
    copy = into / snapshot.name
    shutil.copytree(snapshot, copy)
    table = pq.read_table(copy / "cases.parquet")
    pq.write_table(table.slice(1), copy / "cases.parquet")
    return copy


def test_diff_refuses_a_tampered_snapshot(snapshot, tmp_path, capsys) -> None:
    tampered = _drop_one_case(snapshot, tmp_path)
    assert main(["diff", str(snapshot), str(tampered)]) == 2
    message = one_line(capsys)
    assert str(tampered / "cases.parquet") in message and "--no-verify" in message
    assert main(["diff", str(snapshot), str(tampered), "--no-verify"]) == 1
    assert "removed" in capsys.readouterr().out.lower()


def test_log_refuses_a_tampered_snapshot(snapshot, tmp_path, capsys) -> None:
    snapshots = tmp_path / "snaps"
    snapshots.mkdir()
    tampered = _drop_one_case(snapshot, snapshots)
    case_id = pq.read_table(snapshot / "cases.parquet", columns=["case_id"])["case_id"][1]
    assert main(["log", case_id.as_py(), "--snapshots", str(snapshots)]) == 2
    assert str(tampered / "cases.parquet") in one_line(capsys)
    assert main(["log", case_id.as_py(), "--snapshots", str(snapshots), "--no-verify"]) == 0


def _corrupt_warc(snapshot: Path, into: Path, *, update_manifest: bool,
                  at: int | None = None) -> Path:
    """A copy of ``snapshot`` whose WARC has a foreign gzip member spliced in at byte ``at``
    (default: the middle, inside some record's member)."""
    copy = into / snapshot.name
    shutil.copytree(snapshot, copy)
    warc = copy / "pages.warc.gz"
    data = warc.read_bytes()
    middle = len(data) // 2 if at is None else at
    warc.write_bytes(data[:middle] + gzip.compress(b"not a WARC record\r\n" * 50) + data[middle:])
    if update_manifest:
        manifest = json.loads((copy / MANIFEST).read_text())
        manifest["files"]["pages.warc.gz"] = file_digest(warc)
        (copy / MANIFEST).write_text(json.dumps(manifest))
    return copy


def test_reparse_refuses_a_tampered_warc(snapshot, tmp_path, capsys) -> None:
    copy = _corrupt_warc(snapshot, tmp_path, update_manifest=False)
    assert main(["reparse", str(copy), "--out", str(tmp_path / "out")]) == 2
    assert str(copy / "pages.warc.gz") in one_line(capsys)


def _first_image_record(snapshot: Path) -> int:
    """Byte offset of the first image response in the snapshot's WARC (a figure's record)."""
    return next(r.offset for r in iter_responses(snapshot / "pages.warc.gz")
                if r.headers.get("content-type", "").startswith("image/"))


@pytest.mark.parametrize("command", ["reparse", "diff --reparse", "export-figures"])
def test_a_corrupt_warc_is_exit_2_in_one_line(snapshot, tmp_path, capsys, command) -> None:
    # export-figures reads only the figures' records: the damage goes inside one of them.
    at = _first_image_record(snapshot) + 40 if command == "export-figures" else None
    copy = _corrupt_warc(snapshot, tmp_path, update_manifest=True, at=at)
    if command == "reparse":
        argv = ["reparse", str(copy), "--out", str(tmp_path / "out")]
    elif command == "export-figures":
        argv = ["export-figures", str(copy), "--out", str(tmp_path / "figures")]
    else:
        argv = ["diff", str(copy), str(snapshot), "--reparse"]
    assert main(argv) == 2
    message = one_line(capsys)
    assert "pages.warc.gz: not a readable WARC" in message
