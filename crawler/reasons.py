"""Plain words for why a request produced no page: what the summary and the manifest say.

Scrapy and Twisted describe failures with their own class names, setting names and
``Failure`` reprs; none of that reaches the user. ``describe`` turns an exception into a
short reason and says whether the page counts as lost (``failed``) or was a policy decision
(robots.txt, a resource that is never HTML).
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError


class OutOfScope(IgnoreRequest):
    """A request our scope refused; ``reason`` is already in plain words."""

    def __init__(self, reason: str, *, lost: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.lost = lost
        """True when a linked page is lost by it (a redirect off the site, a URL too long);
        False for a policy that never applied to a page (a resource that is never HTML)."""


class BrokenBody(Exception):
    """A response whose body did not arrive whole although its transfer did (a compressed
    stream cut short or damaged: ``codings.stream_problem``); ``reason`` is in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Reason:
    text: str
    failed: bool
    status: int | None = None


#: Exception class names (Scrapy's and Twisted's spellings of one cause) -> plain words.
_BY_CLASS = {
    "DownloadConnectionRefusedError": "connection refused",
    "ConnectionRefusedError": "connection refused",
    "CannotResolveHostError": "host name not found",
    "DNSLookupError": "host name not found",
    "DownloadTimeoutError": "timed out",
    "TimeoutError": "timed out",
    "TCPTimedOutError": "timed out",
    "ResponseDataLossError": "body truncated (the connection closed early)",
    "DownloadFailedError": "connection lost",
    "ResponseNeverReceived": "connection closed without a response",
    "ResponseFailed": "connection lost while reading the response",
    "ConnectionLost": "connection lost",
    "ConnectionDone": "connection closed",
    "ConnectionAborted": "connection reset",
    "ConnectError": "cannot connect",
    "NoRouteError": "no route to host",
    "UnsupportedURLSchemeError": "unsupported URL scheme",
}


def describe(exc: BaseException, max_size_mib: int, max_redirects: int) -> Reason:
    """The plain reason for ``exc``, the failure of one request."""
    if isinstance(exc, HttpError):
        status = exc.response.status
        return Reason(f"HTTP {status}", True, status)
    if isinstance(exc, OutOfScope):
        return Reason(exc.reason, exc.lost)
    if isinstance(exc, BrokenBody):
        return Reason(exc.reason, True)
    message = str(exc)
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in message:
            return Reason("forbidden by robots.txt", False)
        if "max redirections" in message:
            return Reason(f"more than {max_redirects} redirects", True)
        if "MAXSIZE" in message:
            return Reason(f"larger than the size limit ({max_size_mib} MiB) once decompressed",
                          True)
        return Reason("refused: " + message.partition(" <")[0].partition(":")[0], True)
    if "max size" in message or "maxsize" in message.lower():
        return Reason(f"larger than the size limit ({max_size_mib} MiB)", True)
    for cls in type(exc).__mro__:
        if cls.__name__ in _BY_CLASS:
            return Reason(_BY_CLASS[cls.__name__], True)
    return Reason(f"download failed ({type(exc).__name__})", True)
