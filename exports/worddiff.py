"""Word-level diffs of two texts, exact and readable.

A word diff is a list of ``(op, text)`` with op ``"="`` (both), ``"-"`` (old only) or
``"+"`` (new only); joining the ``=`` and ``-`` texts gives the old text, ``=`` and ``+``
the new one.
"""

from __future__ import annotations

import difflib
import re

Op = tuple[str, str]

_TOKENS = re.compile(r"\s*\w+|\s*[^\w\s]+|\s+")
#: Above this many tokens a side, difflib's junk heuristic is switched on to stay fast.
EXACT_DIFF_TOKENS = 10000
#: Unchanged runs shorter than this (stripped) between two changes join the changes.
FOLD_CHARS = 3


def word_diff(old: str | None, new: str | None) -> list[Op]:
    """Word-level diff of two texts; exact (the ops rebuild both texts).

    Tokens are words and punctuation runs, each with the whitespace before it; they are
    matched on their stripped form (fast: whitespace is not a token to match), so a token
    whose only difference is that whitespace (a space that became a paragraph break) is
    reported as changed. A short unchanged run between two changes (a lone "." or "/1")
    is folded into them, so a rewritten phrase reads as one deletion and one insertion.
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    keys_a, keys_b = [t.strip() or t for t in a], [t.strip() or t for t in b]
    # The common head and tail are matched directly: difflib then only sees the edited
    # middle, which keeps a one-sentence edit of a long section cheap.
    head, n, m = 0, len(a), len(b)
    while head < n and head < m and keys_a[head] == keys_b[head]:
        head += 1
    tail = 0
    while tail < n - head and tail < m - head and keys_a[n - 1 - tail] == keys_b[m - 1 - tail]:
        tail += 1
    segments: list[tuple[str, str, bool]] = []
    _equal_run(segments, a[:head], b[:head])
    junk = max(n, m) - head - tail > EXACT_DIFF_TOKENS
    matcher = difflib.SequenceMatcher(
        None, keys_a[head:n - tail], keys_b[head:m - tail], autojunk=junk
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        x, y = a[head + i1:head + i2], b[head + j1:head + j2]
        if tag != "equal":
            segments.append(("".join(x), "".join(y), False))
        else:
            _equal_run(segments, x, y)
    _equal_run(segments, a[n - tail:], b[m - tail:])
    return _ops(_fold(segments))


def _equal_run(segments: list[tuple[str, str, bool]], a: list[str], b: list[str]) -> None:
    """Tokens matched on their stripped form: equal unless their whitespace differs."""
    joined_a, joined_b = "".join(a), "".join(b)
    if joined_a == joined_b:
        if joined_a:
            segments.append((joined_a, joined_b, True))
        return
    for x, y in zip(a, b, strict=True):
        segments.append((x, y, x == y))


def _fold(segments: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """Merge neighbours of the same kind, folding short unchanged runs between changes."""
    merged: list[tuple[str, str, bool]] = []
    for x, y, equal in segments:
        if merged and merged[-1][2] == equal:
            px, py, _ = merged.pop()
            x, y = px + x, py + y
        merged.append((x, y, equal))
    out: list[tuple[str, str, bool]] = []
    for n, (x, y, equal) in enumerate(merged):
        between = 0 < n < len(merged) - 1 and len(x.strip()) < FOLD_CHARS
        if equal and between:
            equal = False
        if out and not equal and not out[-1][2]:
            px, py, _ = out.pop()
            x, y = px + x, py + y
        out.append((x, y, equal))
    return out


def _ops(segments: list[tuple[str, str, bool]]) -> list[Op]:
    """Segments as ops; whitespace both sides of a change start with moves out of it."""
    ops: list[Op] = []
    for x, y, equal in segments:
        if equal:
            ops.append(("=", x))
            continue
        lead = len(x) - len(x.lstrip())
        if x and y and lead and y[:lead] == x[:lead]:
            if ops and ops[-1][0] == "=":
                ops[-1] = ("=", ops[-1][1] + x[:lead])
            else:
                ops.append(("=", x[:lead]))
            x, y = x[lead:], y[lead:]
        ops += [(op, text) for op, text in (("-", x), ("+", y)) if text]
    return ops
