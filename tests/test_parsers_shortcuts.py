"""The parser's cheap tests before costly work give what the plain definitions give:
``collapse``, ``normalize_label`` and ``not_text`` on any text; the excluded-line patterns
never match a line their gates pass over (``sections._excluded_short``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from casearchive.parsers.encoding import (
    _CONTROL_BYTES,
    _DROP_CONTROLS,
    _GZIP_START,
    NOT_TEXT,
    _binary_share,
    not_text,
)
from casearchive.parsers.labels import (
    _FOLDED_AWAY,
    _LABEL_TRIM,
    CONTINUATION_RE,
    NOT_PAGER_LETTERS,
    PAGER_RE,
    RETURN_RE,
    normalize_label,
)
from casearchive.parsers.text import collapse

#: White space of every kind and the characters a label's fold drops.
_TRICKY = " \t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u2028\u3000'`\u2019\u00b4\u00ad\ufeffAbc:.-"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=40) | st.text(max_size=40))
def test_collapse_is_split_and_join(text: str) -> None:
    assert collapse(text) == " ".join(text.split())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=40) | st.text(max_size=40))
def test_normalize_label_folds_as_translate(text: str) -> None:
    expected = " ".join(text.translate(_FOLDED_AWAY).lower().split()).strip(_LABEL_TRIM)
    assert normalize_label(text) == expected


def _counted(body: bytes, text: str) -> str | None:
    """``not_text`` of a body that is no gzip stream, its control bytes always counted."""
    controls = len(body) - len(body.translate(None, _CONTROL_BYTES))
    if _binary_share(controls, len(body)) is None:
        return None
    share = _binary_share(len(text) - len(text.translate(_DROP_CONTROLS)), len(text))
    return None if share is None else f"{NOT_TEXT} (binary data: {share:.0%} control characters)"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=60) | st.text(alphabet=" ab\t\n\x01\x1b\x7f", max_size=60).map(
    str.encode))
def test_not_text_as_counted(body: bytes) -> None:
    if not body.startswith(_GZIP_START):
        text = body.decode("latin-1")
        assert not_text(body, text) == _counted(body, text)


#: Words and signs the excluded lines are made of, in odd cases and with the characters re.I
#: folds to ASCII letters (long s, dotted and dotless i, the Kelvin sign), and other words.
_LINE_WORDS = ["page", "PAGE", "Pa\u017fe", "pages", "part", "Part", "of", "next", "Prev.",
               "previous", "first", "last", "go to", "back", "Back", "return", "RETURN", "to",
               "the", "list", "case", "CASE", "ca\u017fe", "cases", "studies", "study",
               "continued", "on", "turn", "1", "12", "123", "1234", "\u0663", "#", "|", "<<",
               ">>", "\u00bb", "-", ":", "[2]", ".", "d", "H", "why", "\u0130", "\u0131",
               "\u212a", "  ", "\xa0", "\n"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_LINE_WORDS), max_size=8).map(" ".join))
def test_excluded_patterns_never_match_past_their_gates(line: str) -> None:
    low = line.lower()
    assert NOT_PAGER_LETTERS.isdisjoint(line) or PAGER_RE.match(line) is None
    assert "ca" in low or RETURN_RE.match(line) is None
    assert "pa" in low or CONTINUATION_RE.match(line) is None
