"""Where crawl options come from: flag, then ``CASEARCHIVE_*`` environment variable, then the
TOML config file, then the default; an unknown key or a wrong type is exit 2 naming the key
and its source. Fast: options are resolved, nothing is crawled."""

from __future__ import annotations

from pathlib import Path

import pytest

from casearchive.crawler.cli import main
from casearchive.crawler.options import DEFAULT_MAX_PAGES, CrawlOptions, OptionsError, resolve_crawl

URL = "http://127.0.0.1:9/cases/"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "crawl.toml"
    path.write_text(text)
    return path


def test_flag_beats_env_beats_file_beats_default(tmp_path) -> None:
    config = _config(tmp_path, "max_pages = 10\nmax_cases = 20\nretries = 7\n")
    env = {"CASEARCHIVE_MAX_PAGES": "11", "CASEARCHIVE_MAX_CASES": "21"}
    options, _ = resolve_crawl(URL, {"max_pages": 12}, config, env)
    assert options.max_pages == 12          # flag over env and file
    assert options.max_cases == 21          # env over file
    assert options.retries == 7             # file over default
    assert options.timeout == CrawlOptions(URL).timeout  # default
    assert resolve_crawl(URL, {}, None, {})[0].max_pages == DEFAULT_MAX_PAGES


def test_every_option_can_come_from_the_environment(tmp_path) -> None:
    env = {"CASEARCHIVE_START_URL": URL, "CASEARCHIVE_OUT": str(tmp_path),
           "CASEARCHIVE_IGNORE_ROBOTS": "yes", "CASEARCHIVE_NO_POLITE": "1",
           "CASEARCHIVE_ALLOW_ORIGIN": "https://a.example, https://b.example",
           "CASEARCHIVE_LOG_LEVEL": "info", "CASEARCHIVE_DELAY": "0.5", "CASEARCHIVE_JSON": "true"}
    options, as_json = resolve_crawl(None, {}, None, env)
    assert (options.start_url, options.out_dir, options.obey_robots, options.polite) == (
        URL, tmp_path, False, False)
    assert options.allow_origin == ("https://a.example", "https://b.example")
    assert (options.log_level, options.delay, as_json) == ("INFO", 0.5, True)


def test_a_negated_flag_from_the_file_yields_to_the_env(tmp_path) -> None:
    config = _config(tmp_path, "[crawl]\nignore_robots = true\n")
    options, _ = resolve_crawl(URL, {}, config, {"CASEARCHIVE_OBEY_ROBOTS": "true"})
    assert options.obey_robots is True


def test_the_config_file_can_be_named_in_the_environment(tmp_path) -> None:
    config = _config(tmp_path, f'start_url = "{URL}"\nretries = 1\n')
    options, _ = resolve_crawl(None, {}, None, {"CASEARCHIVE_CONFIG": str(config)})
    assert (options.start_url, options.retries) == (URL, 1)


def test_a_bad_file_value_overridden_by_a_flag_is_not_an_error(tmp_path) -> None:
    config = _config(tmp_path, "max_pages = 0\n")
    assert resolve_crawl(URL, {"max_pages": 5}, config, {})[0].max_pages == 5


@pytest.mark.parametrize(("var", "value", "key"), [
    ("CASEARCHIVE_MAX_PAGES", "many", "max_pages"),
    ("CASEARCHIVE_MAX_PAGES", "0", "max_pages"),
    ("CASEARCHIVE_IGNORE_ROBOTS", "maybe", "obey_robots"),
    ("CASEARCHIVE_NO_SUCH", "1", "no_such"),
    ("CASEARCHIVE_JSON", "loud", "json"),
])
def test_a_bad_environment_value_exits_2_naming_key_and_variable(
        tmp_path, capsys, monkeypatch, var, value, key) -> None:
    monkeypatch.setenv(var, value)
    assert main(["crawl", URL, "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    assert var in err[0] and key in err[0]


def test_wrong_types_name_the_file(tmp_path) -> None:
    config = _config(tmp_path, 'delay = "soon"\n')
    with pytest.raises(OptionsError, match=rf"{config}.*delay"):
        resolve_crawl(URL, {}, config, {})


def test_start_url_missing_everywhere_is_usage(tmp_path, capsys) -> None:
    assert main(["crawl", "--out", str(tmp_path)]) == 2
    assert "CASEARCHIVE_START_URL" in capsys.readouterr().err
