"""Crawl options, validated once at the edge into one typed object.

Every option can come from a flag, a TOML config file (``--config``; same names, with
dashes or underscores) or, for ``scrapy crawl cases``, a spider argument (``-a name=value``).
Defaults are for the real site: polite. ``polite=False`` is for loopback fixtures and benches.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from .urls import UrlRules

DEFAULT_CONTACT_URL = "https://github.com/casearchive/casearchive#for-site-owners"
#: The page budget's default: far above the real site (~2,500 cases), far below a trap.
DEFAULT_MAX_PAGES = 50_000
#: The size limit's default: a larger body (once decompressed) is not downloaded.
DEFAULT_MAX_SIZE_MIB = 20
DOWNLOAD_MAXSIZE = DEFAULT_MAX_SIZE_MIB * 1024 * 1024
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_PORTS = {"http": 80, "https": 443}


#: The health checks' thresholds (``casearchive.exports.health.HealthThresholds`` without the
#: prefix).
HEALTH_OPTIONS = ("health_max_case_drop", "health_section_was_present",
                  "health_section_now_empty", "health_max_warning_share", "health_max_error_rate")


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
    max_size_mib: int = DEFAULT_MAX_SIZE_MIB
    retries: int = 3
    case_pattern: str | None = None
    list_pattern: str | None = None
    ignore_url_case: bool | None = None
    """Fold letter case in URLs; None = decide from the server (IIS is case-insensitive)."""
    log_level: str = "WARNING"
    """DEBUG, INFO, WARNING or ERROR (any letter case). Below DEBUG, Scrapy's own log lines
    are hidden: every failure is reported in the summary, in plain words."""
    max_pages: int = DEFAULT_MAX_PAGES
    """Page budget: the crawl stops (exit 6, no snapshot) before requesting more pages."""
    max_cases: int | None = None
    """Case budget: the crawl stops (exit 6, no snapshot) when more case links are found."""
    keep: int | None = None
    """Retention: after a crawl that exits 0, keep the newest ``keep`` snapshots and remove
    older ones (never ``latest``, a pinned one, or one a kept snapshot's revisits need)."""
    allow_origin: tuple[str, ...] = ()
    """Other origins (``https://host[:port]``) the crawl may fetch from; by default only the
    start URL's scheme, host and port."""
    requisites: bool = True
    """Fetch the same-site images, stylesheets and scripts of list and case pages."""
    operator: str | None = None
    """Who runs the crawl (a person or organisation and a contact), for the WARC's warcinfo."""
    health_max_case_drop: float | None = None
    """Health check: the largest share of the previous snapshot's cases that may be gone
    (None: ``casearchive.exports.health.HealthThresholds``' default, as for the four below)."""
    health_section_was_present: float | None = None
    """Health check: a section filled in more than this share of the previous cases ..."""
    health_section_now_empty: float | None = None
    """... may be empty in at most this share of the new ones."""
    health_max_warning_share: float | None = None
    """Health check: the largest share of pages with parser warnings or unplaced text."""
    health_max_error_rate: float | None = None
    """Health check: the largest share of requests whose page was lost."""
    resume: bool = False
    """Continue the newest interrupted crawl's temporary snapshot, replaying what it archived
    instead of fetching it again (``casearchive.crawler.resume``); without it, leftovers are
    removed."""
    progress_seconds: float | None = None
    """Seconds between progress updates (None: 0.5 on a terminal, 60 off one, where each
    update is one log line)."""
    in_process: bool = False
    """Run the page pipeline (parse, assemble, export) in Scrapy's process instead of the
    worker process: one process a debugger can follow; slower. For debugging only."""
    full: bool = False
    """Recrawl in full: no conditional requests, every page stored whole in the WARC (by
    default pages the previous snapshot holds are revalidated and become revisit records)."""

    def __post_init__(self) -> None:
        if has_credentials(self.start_url):
            raise OptionsError("the start URL holds a user name or password; credentials are "
                               "refused (they would be sent and recorded): remove them")
        parts = urlsplit(self.start_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OptionsError(f"start URL must be an http(s) URL with a host: {self.start_url!r}")
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise OptionsError(f"start URL has a bad port: {self.start_url!r}") from None
        if self.log_level.upper() not in LOG_LEVELS:
            raise OptionsError(f"log_level: expected one of {', '.join(LOG_LEVELS)} (any case), "
                               f"got {self.log_level!r}")
        object.__setattr__(self, "log_level", self.log_level.upper())
        for origin in self.allow_origin:
            if not _is_bare_origin(origin):
                raise OptionsError(f"allow_origin: expected scheme://host[:port], got {origin!r}")
        for name in ("case_pattern", "list_pattern"):
            value = getattr(self, name)
            if value is not None:
                try:
                    re.compile(value)
                except re.error as exc:
                    raise OptionsError(f"--{name.replace('_', '-')}: bad regex: {exc}") from None
        self._check_ranges()

    def _check_ranges(self) -> None:
        """Numbers out of their range: ``OptionsError`` naming the option."""
        if self.max_pages < 1 or (self.max_cases is not None and self.max_cases < 1):
            raise OptionsError("max_pages and max_cases must be at least 1")
        if self.keep is not None and self.keep < 1:
            raise OptionsError("keep must be at least 1")
        if self.concurrency is not None and self.concurrency < 1:
            raise OptionsError("--concurrency must be at least 1")
        for name, share in self.health_thresholds().items():
            if not 0 <= share <= 1:
                raise OptionsError(f"health_{name}: expected a share between 0 and 1, "
                                   f"got {share!r}")
        if self.progress_seconds is not None and self.progress_seconds <= 0:
            raise OptionsError("--progress-seconds must be positive")
        if self.timeout <= 0 or self.max_size_mib <= 0 or self.retries < 0:
            raise OptionsError("--timeout and --max-size-mib must be positive, --retries >= 0")

    def limits(self) -> dict[str, int | None]:
        """The limits a snapshot was made under (``crawl_stats.limits``; ``reparse`` keeps
        to the same size limit)."""
        return {"max_size_mib": self.max_size_mib, "max_pages": self.max_pages,
                "max_cases": self.max_cases}

    def health_thresholds(self) -> dict[str, float]:
        """The health thresholds given (``HealthThresholds`` field names), defaults aside."""
        return {name.removeprefix("health_"): getattr(self, name) for name in HEALTH_OPTIONS
                if getattr(self, name) is not None}

    def url_rules(self, ignore_case: bool | None = None) -> UrlRules:
        """Identity rules; ``ignore_case`` is what the server told when the option is auto."""
        pattern = re.compile(self.case_pattern) if self.case_pattern else None
        fold = self.ignore_url_case if self.ignore_url_case is not None else bool(ignore_case)
        return UrlRules(ignore_case=fold, case_pattern=pattern)

    @property
    def list_regex(self) -> re.Pattern[str] | None:
        return re.compile(self.list_pattern) if self.list_pattern else None

    def with_overrides(self, values: dict[str, Any], source: str | None = None) -> CrawlOptions:
        """A copy with ``values`` (flags, a config file or spider args) applied and coerced.

        Names are the flags' names, with dashes or underscores (``out``, ``ignore-robots``);
        ``source`` (the config file) is named in every error."""
        return self.with_layers([(values, source)])

    def with_layers(self, layers: list[tuple[dict[str, Any], str | None]]) -> CrawlOptions:
        """A copy with each layer of ``(values, source)`` applied, lowest precedence first
        (a config file, then the environment, then flags): a later layer's value of an
        option wins. Every error names the option and the source of the value at fault (the
        file, the environment variable; none for a flag, whose name says it)."""
        coerced: dict[str, Any] = {}
        sources: dict[str, str | None] = {}
        for values, source in layers:
            for raw_name, value in values.items():
                name, setting = _coerce_named(raw_name, value, source)
                coerced[name], sources[name] = setting, source
        try:
            return replace(self, **coerced)
        except OptionsError as exc:
            named = sorted({s for n, s in sources.items() if s and n in str(exc)})
            raise OptionsError(f"{', '.join(named)}: {exc}" if named else str(exc)) from None


def _coerce_named(raw_name: str, value: Any, source: str | None) -> tuple[str, Any]:
    """The option a config/env/argument name sets, and ``value`` as it holds it."""
    name = raw_name.replace("-", "_")
    name = _ALIASES.get(name, name)
    try:
        if name in _NEGATIONS:
            return _NEGATIONS[name], not _coerce(_NEGATIONS[name], value)
        if name in _KINDS:
            return name, _coerce(name, value)
        raise OptionsError(f"unknown option {raw_name!r}")
    except OptionsError as exc:
        raise OptionsError(f"{source}: {exc}" if source else str(exc)) from None


#: Prefix of the environment variables that set crawl options: ``CASEARCHIVE_MAX_PAGES=100``,
#: ``CASEARCHIVE_IGNORE_ROBOTS=1``, ``CASEARCHIVE_ALLOW_ORIGIN="https://a https://b"``.
ENV_PREFIX = "CASEARCHIVE_"
#: Keys a config file or the environment may hold besides the options: the command's
#: argument and ``--json``; the environment may also name the config file.
COMMAND_KEYS = ("start_url", "json")
ENV_CONFIG = f"{ENV_PREFIX}CONFIG"


def env_values(environ: Mapping[str, str]) -> dict[str, tuple[str, Any]]:
    """The crawl settings in ``environ``: ``{name: (variable, value)}``; a list option takes
    its values separated by commas or spaces. An unknown ``CASEARCHIVE_*`` variable is an
    ``OptionsError`` naming it (a misspelt variable would otherwise be silently ignored)."""
    found: dict[str, tuple[str, Any]] = {}
    for var, value in sorted(environ.items()):
        if not var.startswith(ENV_PREFIX) or var == ENV_CONFIG:
            continue
        name = var[len(ENV_PREFIX):].lower()
        option = _ALIASES.get(name, _NEGATIONS.get(name, name))
        if option not in _KINDS and name not in COMMAND_KEYS:
            raise OptionsError(f"{var}: unknown option {name!r} (environment variable)")
        is_list = _KINDS.get(option) is tuple
        found[name] = (var, value.replace(",", " ").split() if is_list else value)
    return found


def resolve_crawl(start_url: str | None, flags: dict[str, Any], config: Path | None,
                  environ: Mapping[str, str]) -> tuple[CrawlOptions, bool]:
    """The crawl's options, and whether the summary is JSON, from its four sources in order
    of precedence: ``flags`` (None or empty where not given), ``environ``'s ``CASEARCHIVE_*``
    variables, the TOML ``config`` file (``--config``, else ``CASEARCHIVE_CONFIG``), the
    defaults. Raises ``OptionsError`` naming the key and its source."""
    env = env_values(environ)
    if config is None and environ.get(ENV_CONFIG):
        config = Path(environ[ENV_CONFIG])
    file_values = load_config(config) if config else {}
    where = str(config)
    command = {k: (file_values.pop(k), where) for k in COMMAND_KEYS if k in file_values}
    command.update({k: (env.pop(k)[1], env_var) for k in COMMAND_KEYS if k in env
                    for env_var in [f"{ENV_PREFIX}{k.upper()}"]})
    start = start_url or command.get("start_url", (None, ""))[0]
    if not isinstance(start, str) or not start:
        raise OptionsError("START_URL is required (as an argument, in --config or in "
                           f"{ENV_PREFIX}START_URL)")
    as_json = bool(flags.pop("as_json", False))
    if not as_json and "json" in command:
        json_value, json_source = command["json"]
        try:
            as_json = _as_bool("json", json_value)
        except OptionsError as exc:
            raise OptionsError(f"{json_source}: {exc}") from None
    layers: list[tuple[dict[str, Any], str | None]] = [(file_values, where)]
    layers.extend(({name: value}, var) for name, (var, value) in env.items())
    layers.append(({k: v for k, v in flags.items() if v is not None and v != ()}, None))
    return CrawlOptions(start_url=start).with_layers(layers), as_json


def has_credentials(url: str) -> bool:
    """Whether ``url`` carries a user name or password (``scheme://user:pw@host``)."""
    return bool(re.match(r"^[^:/?#]*:?//[^/?#]*@", url.strip()))


def redact(url: str) -> str:
    """``url`` without any user name or password, for messages and records."""
    return re.sub(r"^([^:/?#]*:?//)[^/?#]*@", r"\1", url.strip())


def origin_of(url: str) -> str:
    """``scheme://host:port`` of an http(s) URL, the port always explicit; "" if none."""
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return ""
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return ""
    return f"{scheme}://{parts.hostname.lower()}:{port}"


def _is_bare_origin(url: str) -> bool:
    parts = urlsplit(url.strip())
    return (bool(origin_of(url)) and parts.path in ("", "/") and not parts.query
            and not has_credentials(url))


#: Config names of the flags' negative forms (``--ignore-robots``) and short forms (``--out``).
_ALIASES = {"out": "out_dir"}
_NEGATIONS = {"ignore_robots": "obey_robots", "keep_url_case": "ignore_url_case",
              "no_polite": "polite", "no_requisites": "requisites"}
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _kind_of(annotation: Any) -> type:
    """The value type of a ``CrawlOptions`` field's annotation (``int | None`` -> int)."""
    if get_origin(annotation) is tuple:
        return tuple
    kinds = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    kind = kinds[0]
    return kind if isinstance(kind, type) else type(kind)


#: What each option holds, read off ``CrawlOptions``' own annotations (one definition of
#: each option): how values from a config file, the environment or spider arguments (often
#: strings) are coerced. ``start_url`` is the command's argument, not an option.
_KINDS: dict[str, type] = {
    name: _kind_of(hint) for name, hint in get_type_hints(CrawlOptions).items()
    if name != "start_url"
}


def _coerce(name: str, value: Any) -> Any:
    """``value`` as option ``name`` holds it; ``OptionsError`` naming the option otherwise."""
    kind = _KINDS[name]
    if kind is bool:
        return _as_bool(name, value)
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise OptionsError(f"{name}: expected a number, got {value!r}")
        try:
            number = kind(value)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise OptionsError(f"{name}: expected {what}, got {value!r}") from None
        if kind is int and isinstance(value, float) and value != number:
            raise OptionsError(f"{name}: expected a whole number, got {value!r}")
        return number
    if kind is tuple:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
            raise OptionsError(f"{name}: expected a URL or a list of URLs, got {value!r}")
        return tuple(items)
    if kind is Path and isinstance(value, Path):
        return value
    if not isinstance(value, str):
        raise OptionsError(f"{name}: expected a string, got {value!r}")
    return Path(value) if kind is Path else value


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, bool):
        return value
    raise OptionsError(f"{name}: expected true or false, got {value!r}")


def load_config(path: Path) -> dict[str, Any]:
    """Read a TOML config file (top level or a ``[crawl]`` table)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise OptionsError(f"cannot read config {path}: {reason}") from None
    except tomllib.TOMLDecodeError as exc:
        raise OptionsError(f"config {path} is not valid TOML: {exc}") from None
    table = data.get("crawl", data)
    if not isinstance(table, dict):
        raise OptionsError(f"{path}: crawl: expected a table of options")
    return dict(table)
