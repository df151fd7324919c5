"""Scrapy settings: the module ``scrapy.cfg`` names, and ``for_options`` for one crawl.

The module-level values are the polite defaults for the real site; ``for_options`` turns
a ``CrawlOptions`` into the per-crawl overrides (politeness off for loopback, robots, limits).
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings as _scrapy_defaults

from .options import DOWNLOAD_MAXSIZE as _DEFAULT_MAXSIZE
from .options import CrawlOptions
from .version import TOOL_VERSION

BOT_NAME = "casearchive"
SPIDER_MODULES = ["casearchive.crawler.spiders"]
NEWSPIDER_MODULE = "casearchive.crawler.spiders"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = _DEFAULT_MAXSIZE
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_ENABLED = True
REDIRECT_MAX_TIMES = 20
COOKIES_ENABLED = False
#: No listener of any kind: Scrapy's telnet console and its RemoteControl endpoint (which
#: executes Python and keeps token files under ~/.local/state) are both off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
#: Scrapy's URL length limit drops links silently; ``ScopeMiddleware`` refuses them with a
#: reason instead (``MAX_URL_LENGTH``).
URLLENGTH_LIMIT = 0
#: Few concurrent item tasks: items are cheap and Scrapy starts one task per slot.
CONCURRENT_ITEMS = 4
LOG_LEVEL = "WARNING"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

DOWNLOADER_MIDDLEWARES = {
    # Closest to the downloader: archives every raw response before redirects and retries.
    "casearchive.crawler.middlewares.WarcMiddleware": 950,
    # Conditional requests from the previous snapshot; a 304 answered from its payload
    # after Scrapy's download statistics (850) have counted it as a 304.
    "casearchive.crawler.middlewares.RevalidationMiddleware": 840,
    # Closer still, --resume only: answers from the interrupted crawl's WARC what it archived.
    "casearchive.crawler.resume.ReplayMiddleware": 960,
    # First of all (redirects come back through here as new requests): refuse other origins
    # before robots.txt (100) would fetch theirs.
    "casearchive.crawler.middlewares.ScopeMiddleware": 40,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "casearchive.crawler.middlewares.StrictRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "casearchive.crawler.middlewares.CheapMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # Scrapy's place (590): decompression that loses a page whose stream is cut short,
    # instead of keeping its first part as the page.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "casearchive.crawler.middlewares.WholeBodyCompressionMiddleware": 590,
    "casearchive.crawler.middlewares.BackoffRetryMiddleware": 550,
}
EXTENSIONS = {
    "casearchive.crawler.extension.CrawlExtension": 0,
    "casearchive.crawler.progress.ProgressExtension": 10,
}

#: Scrapy components this tool never runs, left out of Scrapy's base lists instead of set to
#: None there: Scrapy imports every component its lists name, a disabled one too, and these
#: pull in aiohttp (RemoteControl's endpoint) and tldextract (cookies, off: COOKIES_ENABLED),
#: about 0.3 s of every crawl's start. The rest of each base list is Scrapy's own, as
#: released.
NEVER_RUN = frozenset({
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
})
EXTENSIONS_BASE = {name: order for name, order in _scrapy_defaults.EXTENSIONS_BASE.items()
                   if name not in NEVER_RUN}
DOWNLOADER_MIDDLEWARES_BASE = {
    name: order for name, order in _scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items()
    if name not in NEVER_RUN}

USER_AGENT = f"casearchive/{TOOL_VERSION} (+https://github.com/casearchive/casearchive)"


def for_options(options: CrawlOptions) -> dict[str, Any]:
    """Per-crawl Scrapy settings derived from validated options."""
    concurrency = options.concurrency or (2 if options.polite else 16)
    delay = options.delay if options.delay is not None else (1.0 if options.polite else 0.0)
    return {
        "ROBOTSTXT_OBEY": options.obey_robots,
        "AUTOTHROTTLE_ENABLED": options.polite,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.1),
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0.5 if options.polite else 0.0,
        "CONCURRENT_REQUESTS": max(concurrency, 2),
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DOWNLOAD_MAXSIZE": options.max_size_mib * 1024 * 1024,
        "RETRY_TIMES": options.retries,
        "RETRY_BACKOFF_BASE": 2.0 if options.polite else 0.2,
        "USER_AGENT": options.user_agent
        or f"casearchive/{TOOL_VERSION} (+{options.contact_url})",
        "LOG_LEVEL": options.log_level,
    }
