"""Crawl options, validated once at the edge into one typed object.

Every option can come from a flag, a TOML config file (``--config``; same names, with
dashes or underscores) or, for ``scrapy crawl cases``, a spider argument (``-a name=value``).
Defaults are for the real site: polite. ``polite=False`` is for loopback fixtures and benches.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .urls import UrlRules

DEFAULT_CONTACT_URL = "https://github.com/casearchive/casearchive#for-site-owners"


class OptionsError(ValueError):
    """An option value that cannot be used; the message says which and why."""


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    start_url: str
    out_dir: Path = Path("snapshots")
    polite: bool = True
    """AutoThrottle, 2 concurrent requests, 1 s base delay. Off: no delay, 16 concurrent."""
    concurrency: int | None = None
    """Concurrent requests to the host (default 2 when polite, 16 otherwise)."""
    delay: float | None = None
    """Base download delay in seconds (default 1.0 when polite, 0 otherwise)."""
    obey_robots: bool = True
    contact_url: str = DEFAULT_CONTACT_URL
    user_agent: str | None = None
    timeout: float = 30.0
    max_size_mib: int = 20
    retries: int = 3
    case_pattern: str | None = None
    list_pattern: str | None = None
    ignore_url_case: bool | None = None
    """Fold letter case in URLs; None = decide from the server (IIS is case-insensitive)."""
    log_level: str = "WARNING"
    requisites: bool = True
    """Fetch the same-site images, stylesheets and scripts of list and case pages."""
    operator: str | None = None
    """Who runs the crawl (a person or organisation and a contact), for the WARC's warcinfo."""

    def __post_init__(self) -> None:
        parts = urlsplit(self.start_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OptionsError(f"start URL must be an http(s) URL with a host: {self.start_url!r}")
        for name in ("case_pattern", "list_pattern"):
            value = getattr(self, name)
            if value is not None:
                try:
                    re.compile(value)
                except re.error as exc:
                    raise OptionsError(f"--{name.replace('_', '-')}: bad regex: {exc}") from None
        if self.concurrency is not None and self.concurrency < 1:
            raise OptionsError("--concurrency must be at least 1")
        if self.timeout <= 0 or self.max_size_mib <= 0 or self.retries < 0:
            raise OptionsError("--timeout and --max-size-mib must be positive, --retries >= 0")

    def url_rules(self, ignore_case: bool | None = None) -> UrlRules:
        """Identity rules; ``ignore_case`` is what the server told when the option is auto."""
        pattern = re.compile(self.case_pattern) if self.case_pattern else None
        fold = self.ignore_url_case if self.ignore_url_case is not None else bool(ignore_case)
        return UrlRules(ignore_case=fold, case_pattern=pattern)

    @property
    def list_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.list_pattern) if self.list_pattern else None

    def with_overrides(self, values: dict[str, Any]) -> CrawlOptions:
        """A copy with ``values`` (from a config file or spider args) applied and coerced."""
        known = {f.name: f for f in fields(self)}
        coerced: dict[str, Any] = {}
        for raw_name, value in values.items():
            name = raw_name.replace("-", "_")
            if name not in known:
                raise OptionsError(f"unknown option {raw_name!r}")
            coerced[name] = _coerce(name, value, getattr(self, name))
        return replace(self, **coerced)


def _coerce(name: str, value: Any, current: Any) -> Any:
    if name == "out_dir":
        return Path(value)
    if isinstance(value, str) and (isinstance(current, bool) or name == "ignore_url_case"):
        lowered = value.strip().lower()
        if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise OptionsError(f"{name}: expected true/false, got {value!r}")
        return lowered in ("1", "true", "yes", "on")
    if isinstance(value, str) and name in ("concurrency", "max_size_mib", "retries"):
        try:
            return int(value)
        except ValueError:
            raise OptionsError(f"{name}: expected a whole number, got {value!r}") from None
    if isinstance(value, str) and name in ("delay", "timeout"):
        try:
            return float(value)
        except ValueError:
            raise OptionsError(f"{name}: expected a number, got {value!r}") from None
    return value


def load_config(path: Path) -> dict[str, Any]:
    """Read a TOML config file (top level or a ``[crawl]`` table)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise OptionsError(f"cannot read config {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise OptionsError(f"config {path} is not valid TOML: {exc}") from None
    return dict(data.get("crawl", data))
