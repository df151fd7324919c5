"""``import``'s moment and window options: an ISO 8601 time with an explicit UTC offset is
converted to UTC; a moment or window out of range is one usage error naming the option
and its value (exit 2), never a traceback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casearchive.crawler.captures import parse_moment
from casearchive.crawler.cli import main
from casearchive.crawler.importer import Moment


@pytest.mark.parametrize(("text", "end", "expected"), [
    ("2026-12-07T23:40:00+02:00", True, datetime(2026, 12, 7, 21, 40, tzinfo=UTC)),
    ("2026-12-07T23:40:00-0530", False, datetime(2026, 12, 8, 5, 10, tzinfo=UTC)),
    ("2026-12-07T23:40+01:00", True, datetime(2026, 12, 7, 22, 40, 59, tzinfo=UTC)),
    ("2026-12-07T23:40:00Z", True, datetime(2026, 12, 7, 23, 40, tzinfo=UTC)),
    ("2019-03-15", True, datetime(2019, 3, 15, 23, 59, 59, tzinfo=UTC)),
    ("2019", False, datetime(2019, 1, 1, tzinfo=UTC)),
])
def test_moments_with_an_offset_are_converted_to_utc(text: str, end: bool,
                                                      expected: datetime) -> None:
    assert parse_moment(text, end) == expected


def _usage_error(tmp_path: Path, capsys, *args: str) -> str:
    capsys.readouterr()
    code = main(["import", "--warc", str(tmp_path / "none.warc.gz"), "--site",
                 "http://cases.example.test/casestudies/index.asp", "--out",
                 str(tmp_path / "snapshots"), *args])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    (line,) = [line for line in err.splitlines() if line.startswith("Error:")]
    return line


@pytest.mark.parametrize(("args", "said"), [
    (("--window", "1000000"), "'--window': 1000000"),
    (("--window", "99999999999"), "'--window': 99999999999"),
    (("--at", "9999"), "--at: '9999' is out of range"),
    (("--to", "9999"), "--to: '9999' is out of range"),
    (("--from", "2026-12-07T23:40:00+24:00"), "--from: not a timestamp"),
])
def test_out_of_range_options_are_one_usage_error(tmp_path: Path, capsys,
                                                  args: tuple[str, ...], said: str) -> None:
    assert said in _usage_error(tmp_path, capsys, *args)


def test_a_window_reaching_before_the_year_1_starts_there() -> None:
    moment = Moment(datetime(5, 12, 31, tzinfo=UTC), timedelta(days=36525))
    assert moment.earliest == datetime.min.replace(tzinfo=UTC)
