"""Render a ``SnapshotDiff`` or a ``CaseLog`` as text, JSON or one self-contained HTML file.

Text marks word diffs git-style, ``[-deleted-]{+inserted+}``, and shortens long unchanged
stretches; colour (red/green ANSI) only when asked, i.e. on a terminal. JSON is
deterministic (sorted keys, two-space indent). HTML has no external assets, escapes every
value, and shows each changed value side by side with ``<del>`` and ``<ins>``.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only: the CLI imports the format lists without pyarrow
    from exports.diff import CaseChange, ItemChange, SnapshotDiff
    from exports.history import CaseLog
    from exports.worddiff import Op

#: ``casearchive diff --format`` choices.
DIFF_FORMATS = ("text", "json", "html")
#: ``casearchive log --format`` choices.
LOG_FORMATS = ("text", "json")
CONTEXT_CHARS = 60
RED, GREEN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"


def render(result: SnapshotDiff, fmt: str, *, color: bool = False) -> str:
    """The report of a diff in ``fmt`` (one of ``DIFF_FORMATS``)."""
    if fmt == "json":
        return dumps(diff_to_json(result))
    if fmt == "html":
        return diff_to_html(result)
    return diff_to_text(result, color=color)


def render_log(log: CaseLog, fmt: str, *, color: bool = False) -> str:
    """The history of one case in ``fmt`` (one of ``LOG_FORMATS``)."""
    return dumps(log_to_json(log)) if fmt == "json" else log_to_text(log, color=color)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- plain data ------------------------------------------------------------------------------

def item_key(item: ItemChange) -> str:
    """``treatment``, ``references[3]``, ``other_sections[Pearls]``, ``contact[phone]``."""
    return item.field if item.key is None else f"{item.field}[{item.key}]"


def changes_to_json(items: list[ItemChange]) -> dict[str, Any]:
    """``{field: {"old", "new", ...}}``: plain fields carry their values and ``word_diff``;
    keyed fields (references, other_sections, contact) map each changed key to its old and
    new value and list the per-key ``items``."""
    out: dict[str, Any] = {}
    for item in items:
        diff = [list(op) for op in item.word_diff]
        if item.key is None:
            out[item.field] = {"old": item.old, "new": item.new, "kind": item.kind,
                               "word_diff": diff}
            continue
        entry = out.setdefault(item.field, {"old": {}, "new": {}, "items": []})
        entry["old"][item.key] = item.old
        entry["new"][item.key] = item.new
        detail = {"key": item.key, "kind": item.kind, "word_diff": diff}
        if item.members:
            detail["members"] = item.members
        entry["items"].append(detail)
    return out


def case_to_json(case: CaseChange) -> dict[str, Any]:
    return {"case_id": case.case_id, "title": case.title, "fields": case.fields,
            "changes": changes_to_json(case.items), "notes": case.notes}


def diff_to_json(r: SnapshotDiff) -> dict[str, Any]:
    out: dict[str, Any] = {
        "old": r.old.id,
        "new": r.new.id,
        "added": r.added,
        "removed": r.removed,
        "changed": [case_to_json(c) for c in r.changed],
        "unchanged": r.unchanged,
        "titles": r.titles,
        "parser_version": {"old": r.old.parser_version, "new": r.new.parser_version},
        "parser_version_changed": r.parser_version_changed,
    }
    if r.reparse:
        out["reparsed"] = {"from": r.reparse.from_id, "parser_version": r.reparse.parser_version,
                           "extractor_changed": r.reparse.extractor_changed}
    return out


def log_to_json(log: CaseLog) -> dict[str, Any]:
    return {
        "case_id": log.case_id,
        "snapshots": log.snapshots,
        "present_in": log.present_in,
        "entries": [
            {"snapshot_id": e.snapshot_id, "event": e.event, "title": e.title,
             "fields": e.fields, "changes": changes_to_json(e.items),
             "parser_version": e.parser_version,
             "parser_version_changed": e.parser_version_changed}
            for e in log.entries
        ],
    }


# --- text ------------------------------------------------------------------------------------

def _shorten(text: str, first: bool, last: bool) -> str:
    """Keep the context next to a change; elide the middle of a long unchanged stretch."""
    if len(text) <= 2 * CONTEXT_CHARS + 5:
        return text
    head = "" if first else text[:CONTEXT_CHARS]
    tail = "" if last else text[-CONTEXT_CHARS:]
    return f"{head}…{tail}"


def inline_diff(ops: list[Op], *, color: bool = False) -> str:
    parts = []
    for n, (op, text) in enumerate(ops):
        if op == "=":
            parts.append(_shorten(text, n == 0, n == len(ops) - 1))
        elif op == "-":
            parts.append(f"{RED}[-{text}-]{RESET}" if color else f"[-{text}-]")
        else:
            parts.append(f"{GREEN}{{+{text}+}}{RESET}" if color else f"{{+{text}+}}")
    lines = "".join(parts).split("\n")
    return "\n".join([lines[0], *(f"      {line}" if line else "" for line in lines[1:])])


def _parser_note(r: SnapshotDiff) -> list[str]:
    if r.reparse:
        return [f"note: OLD ({r.reparse.from_id}) was re-parsed with parser "
                f"{r.reparse.parser_version} before comparing; "
                f"{len(r.reparse.extractor_changed)} case(s) changed by the parser alone "
                "are not counted below"]
    if r.parser_version_changed:
        return [f"note: parser version differs ({r.old.parser_version} -> "
                f"{r.new.parser_version}): changes may come from the extractor, not the "
                "site; rerun with --reparse to tell them apart"]
    return []


def item_lines(items: list[ItemChange], color: bool) -> list[str]:
    lines = []
    for item in items:
        what = item.kind if not item.members else f"{item.kind} ({', '.join(item.members)})"
        lines.append(f"  {item_key(item)}: {what}")
        lines.append("      " + inline_diff(item.word_diff, color=color))
    return lines


def diff_to_text(r: SnapshotDiff, *, color: bool = False) -> str:
    bold, reset = (BOLD, RESET) if color else ("", "")
    lines = [f"{bold}casearchive diff {r.old.id} -> {r.new.id}{reset}", *_parser_note(r),
             f"added: {len(r.added)}, removed: {len(r.removed)}, changed: {len(r.changed)}, "
             f"unchanged: {r.unchanged}"]
    lines.extend(f"added    {cid}  {r.titles.get(cid, '')}".rstrip() for cid in r.added)
    lines.extend(f"removed  {cid}  {r.titles.get(cid, '')}".rstrip() for cid in r.removed)
    for case in r.changed:
        lines.append("")
        lines.append(f"{bold}changed  {case.case_id}  {case.title}{reset}")
        lines.append(f"  fields: {', '.join(case.fields)}")
        lines += [f"  note: {n}" for n in case.notes]
        lines += item_lines(case.items, color)
    return "\n".join(lines) + "\n"


def log_to_text(log: CaseLog, *, color: bool = False) -> str:
    bold, reset = (BOLD, RESET) if color else ("", "")
    lines = [f"{bold}{log.case_id}{reset}  present in {log.present_in} of "
             f"{len(log.snapshots)} snapshot(s)"]
    for e in log.entries:
        extra = f"  {e.title}" if e.event in ("appeared", "reappeared") else ""
        if e.fields:
            extra = f"  {', '.join(e.fields)}"
        if e.parser_version_changed:
            extra += f"  (parser now {e.parser_version})"
        lines.append(f"{e.snapshot_id}  {e.event:<11}{extra}".rstrip())
        lines += item_lines(e.items, color)
    return "\n".join(lines) + "\n"


# --- html ------------------------------------------------------------------------------------

CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}
.sbs{width:100%;table-layout:fixed}.sbs td{white-space:pre-wrap;word-wrap:break-word}
del{background:#fdd;color:#900}ins{background:#dfd;color:#060;text-decoration:none}
.note{background:#fff6d5;padding:.5em;border-left:4px solid #e0b000}
code{font-size:90%}
"""


def _side(ops: list[Op], keep: str, tag: str) -> str:
    out = []
    for op, text in ops:
        if op == "=":
            out.append(escape(text))
        elif op == keep:
            out.append(f"<{tag}>{escape(text)}</{tag}>")
    return "".join(out)


def _id_table(title: str, ids: list[str], titles: dict[str, str]) -> list[str]:
    if not ids:
        return []
    rows = "".join(f"<tr><td><code>{escape(i)}</code></td><td>{escape(titles.get(i, ''))}</td>"
                   f"</tr>" for i in ids)
    return [f"<h2>{escape(title)} ({len(ids)})</h2><table>{rows}</table>"]


def _case_html(n: int, case: CaseChange) -> str:
    parts = [f'<section id="case-{n}"><h3>{escape(case.title)} '
             f"<code>{escape(case.case_id)}</code></h3>"]
    parts += [f'<p class="note">{escape(note)}</p>' for note in case.notes]
    parts.append('<table class="sbs"><tr><th style="width:14em">field</th><th>old</th>'
                 "<th>new</th></tr>")
    for item in case.items:
        label = escape(item_key(item)) + (f"<br><small>{escape(', '.join(item.members))}"
                                          "</small>" if item.members else "")
        parts.append(f"<tr><td>{label}<br><small>{escape(item.kind)}</small></td>"
                     f"<td>{_side(item.word_diff, '-', 'del')}</td>"
                     f"<td>{_side(item.word_diff, '+', 'ins')}</td></tr>")
    parts.append("</table></section>")
    return "".join(parts)


def diff_to_html(r: SnapshotDiff) -> str:
    title = f"casearchive diff {r.old.id} -> {r.new.id}"
    summary = (f"<table><tr><th>added</th><th>removed</th><th>changed</th><th>unchanged</th>"
               f"</tr><tr><td>{len(r.added)}</td><td>{len(r.removed)}</td>"
               f"<td>{len(r.changed)}</td><td>{r.unchanged}</td></tr></table>")
    body = [f"<h1>{escape(title)}</h1>",
            f"<p>old: <code>{escape(r.old.id)}</code> (parser "
            f"{escape(str(r.old.parser_version))}), new: <code>{escape(r.new.id)}</code> "
            f"(parser {escape(str(r.new.parser_version))})</p>",
            *[f'<p class="note">{escape(n)}</p>' for n in _parser_note(r)], summary]
    body += _id_table("Added", r.added, r.titles) + _id_table("Removed", r.removed, r.titles)
    if r.changed:
        rows = "".join(
            f'<tr><td><a href="#case-{n}"><code>{escape(c.case_id)}</code></a></td>'
            f"<td>{escape(c.title)}</td><td>{escape(', '.join(c.fields))}</td></tr>"
            for n, c in enumerate(r.changed, 1)
        )
        body.append(f"<h2>Changed ({len(r.changed)})</h2><table><tr><th>case</th>"
                    f"<th>title</th><th>fields</th></tr>{rows}</table>")
        body += [_case_html(n, c) for n, c in enumerate(r.changed, 1)]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
