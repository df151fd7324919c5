"""Render a ``SnapshotDiff`` or a ``CaseLog`` as text, JSON or one self-contained HTML file.

Text marks word diffs git-style, ``[-deleted-]{+inserted+}``, and shortens long unchanged
stretches; colour (red/green ANSI) only when asked, i.e. on a terminal. JSON is
deterministic (sorted keys, two-space indent). HTML has no external assets, escapes every
value, and shows each changed value side by side with ``<del>`` and ``<ins>``; every table
has a header row, snapshot ids carry their human date, each case's title links to its URL
and, given a replay URL template (``--replay-url``, pywb-style ``{timestamp}`` and ``{url}``),
to its archived capture.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any

from casearchive.exports.manifest import id_moment

if TYPE_CHECKING:  # annotations only: the CLI imports the format lists without pyarrow
    from casearchive.exports.diff import (
        Capture,
        CaseChange,
        CaseInfo,
        ItemChange,
        SnapshotDiff,
        SnapshotInfo,
    )
    from casearchive.exports.history import CaseLog
    from casearchive.exports.worddiff import Op

#: ``casearchive diff --format`` choices.
DIFF_FORMATS = ("text", "json", "html")
#: ``casearchive log --format`` choices.
LOG_FORMATS = ("text", "json")
CONTEXT_CHARS = 60
RED, GREEN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"


def render(result: SnapshotDiff, fmt: str, *, color: bool = False,
           replay_url: str | None = None) -> str:
    """The report of a diff in ``fmt`` (one of ``DIFF_FORMATS``); ``replay_url`` is a
    template such as ``http://localhost:8080/archive/{timestamp}/{url}`` for links to
    captures."""
    if fmt == "json":
        return dumps(diff_to_json(result, replay_url))
    if fmt == "html":
        return diff_to_html(result, replay_url)
    return diff_to_text(result, color=color)


# --- naming things for people ----------------------------------------------------------------

def human_date(info: SnapshotInfo) -> str:
    """``4 Dec 2026, 16:13 UTC``: when the snapshot's crawl started (from its manifest, or
    from the id, which is that moment as ``YYYYMMDDTHHMMSSZ``); "" when neither says."""
    when = None
    if info.started_at:
        try:
            when = datetime.fromisoformat(info.started_at.replace("Z", "+00:00"))
        except ValueError:
            when = None
    if when is None:
        try:
            when = id_moment(info.id)
        except ValueError:
            return ""
    return f"{when.astimezone(UTC):%-d %b %Y, %H:%M} UTC"


def replay_link(template: str | None, capture: Capture | None) -> str | None:
    """The template with ``{timestamp}`` and ``{url}`` filled (pywb and the Wayback Machine
    take the URL unencoded after the timestamp); None without a template or a capture."""
    if not template or capture is None:
        return None
    return template.replace("{timestamp}", capture.timestamp).replace("{url}", capture.url)


def field_label(item: ItemChange) -> str:
    """A reader's name for a changed value: "Treatment", "Reference 3", "Follow-Up (other
    section)", "Contact: phone", "Figure 2"; derived from the field name, so a new field
    needs no entry here."""
    name = item.field.replace("_", " ")
    if item.key is None:
        return name[:1].upper() + name[1:]
    if item.field == "other_sections":
        from casearchive.exports.diff import UNPLACED

        return "Text under no heading" if item.key == UNPLACED else f"{item.key} (other section)"
    if item.field == "contact":
        return f"Contact: {item.key.replace('_', ' ')}"
    singular = name[:-1] if name.endswith("s") else name
    return f"{singular[:1].upper()}{singular[1:]} {item.key}"


def case_entry(info: CaseInfo | None, case_id: str, side: str,
               replay_url: str | None) -> dict[str, Any]:
    """``{case_id, case_key, title, url}`` of a listed case, and ``replay_url`` of its capture
    on ``side`` ("old" or "new") when a template is given."""
    out: dict[str, Any] = {"case_id": case_id, "case_key": info.case_key if info else None,
                           "title": info.title if info else None,
                           "url": info.url if info else None}
    link = replay_link(replay_url, getattr(info, side) if info else None)
    if link:
        out["replay_url"] = link
    return out


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


def diff_to_json(r: SnapshotDiff, replay_url: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "old": r.old.id,
        "new": r.new.id,
        "old_started_at": r.old.started_at,
        "new_started_at": r.new.started_at,
        "added": r.added,
        "removed": r.removed,
        "added_cases": [case_entry(r.cases.get(c), c, "new", replay_url) for c in r.added],
        "removed_cases": [case_entry(r.cases.get(c), c, "old", replay_url) for c in r.removed],
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
    dates = f"{bold}casearchive diff {_dated(r.old)} -> {_dated(r.new)}{reset}"
    lines = [dates, *_parser_note(r),
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


def _dated(info: SnapshotInfo) -> str:
    date = human_date(info)
    return f"{info.id} ({date})" if date else info.id


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


def _case_link(info: CaseInfo | None, case_id: str, title: str = "") -> str:
    """The case's title linked to its URL (the bare title, or the id, without one)."""
    text = escape((info.title if info else title) or title or case_id)
    return f'<a href="{escape(info.url)}">{text}</a>' if info and info.url else text


def _capture_links(info: CaseInfo | None, sides: tuple[str, ...], replay_url: str | None) -> str:
    """Links to the case's archived captures ("new capture, 2026-12-04"), one per side."""
    links = []
    for side in sides:
        capture = getattr(info, side) if info else None
        href = replay_link(replay_url, capture)
        if href and capture is not None:
            t = capture.timestamp
            when = f"{t[:4]}-{t[4:6]}-{t[6:8]} {t[8:10]}:{t[10:12]}"
            label = f"{side} capture, {when}" if len(sides) > 1 else f"capture, {when}"
            links.append(f'<a href="{escape(href)}">{escape(label)}</a>')
    return " · ".join(links) or "—"


def _key_cell(info: CaseInfo | None, case_id: str) -> str:
    key = f"<code>{escape(info.case_key)}</code><br>" if info and info.case_key else ""
    return f"{key}<small>id <code>{escape(case_id)}</code></small>"


def _id_table(title: str, ids: list[str], r: SnapshotDiff, side: str,
              replay_url: str | None) -> list[str]:
    if not ids:
        return []
    head = "<tr><th>case</th><th>archived</th><th>case key</th></tr>"
    rows = "".join(
        f"<tr><td>{_case_link(r.cases.get(i), i, r.titles.get(i, ''))}</td>"
        f"<td>{_capture_links(r.cases.get(i), (side,), replay_url)}</td>"
        f"<td>{_key_cell(r.cases.get(i), i)}</td></tr>"
        for i in ids
    )
    return [f"<h2>{escape(title)} ({len(ids)})</h2><table>{head}{rows}</table>"]


def _case_html(n: int, case: CaseChange, info: CaseInfo | None, replay_url: str | None) -> str:
    parts = [f'<section id="case-{n}"><h3>{_case_link(info, case.case_id, case.title)}</h3>',
             f"<p>{_key_cell(info, case.case_id)} · archived: "
             f"{_capture_links(info, ('old', 'new'), replay_url)}</p>"]
    parts += [f'<p class="note">{escape(note)}</p>' for note in case.notes]
    parts.append('<table class="sbs"><tr><th style="width:14em">field</th><th>old</th>'
                 "<th>new</th></tr>")
    for item in case.items:
        label = escape(field_label(item)) + (f"<br><small>{escape(', '.join(item.members))}"
                                             "</small>" if item.members else "")
        parts.append(f"<tr><td>{label}<br><small>{escape(item.kind)}</small></td>"
                     f"<td>{_side(item.word_diff, '-', 'del')}</td>"
                     f"<td>{_side(item.word_diff, '+', 'ins')}</td></tr>")
    parts.append("</table></section>")
    return "".join(parts)


def _snapshot_line(side: str, info: SnapshotInfo) -> str:
    return (f"<tr><th>{side}</th><td>{escape(human_date(info))}</td>"
            f"<td><code>{escape(info.id)}</code></td>"
            f"<td>{escape(str(info.parser_version))}</td></tr>")


def _field_name(item: ItemChange) -> str:
    """A field's reader name without its key: "Treatment", "References", "Contact"."""
    name = item.field.replace("_", " ")
    return name[:1].upper() + name[1:]


def diff_to_html(r: SnapshotDiff, replay_url: str | None = None) -> str:
    old_date, new_date = human_date(r.old), human_date(r.new)
    title = f"casearchive diff: {old_date or r.old.id} → {new_date or r.new.id}"
    sides = ("<table><tr><th>snapshot</th><th>crawled</th><th>id</th><th>parser</th></tr>"
             + _snapshot_line("old", r.old) + _snapshot_line("new", r.new) + "</table>")
    summary = (f"<table><tr><th>added</th><th>removed</th><th>changed</th><th>unchanged</th>"
               f"</tr><tr><td>{len(r.added)}</td><td>{len(r.removed)}</td>"
               f"<td>{len(r.changed)}</td><td>{r.unchanged}</td></tr></table>")
    body = [f"<h1>{escape(title)}</h1>", sides,
            *[f'<p class="note">{escape(n)}</p>' for n in _parser_note(r)], summary]
    body += _id_table("Added", r.added, r, "new", replay_url)
    body += _id_table("Removed", r.removed, r, "old", replay_url)
    if r.changed:
        rows = "".join(
            f'<tr><td><a href="#case-{n}">{escape(c.title or c.case_id)}</a></td>'
            f"<td>{_key_cell(r.cases.get(c.case_id), c.case_id)}</td>"
            f"<td>{escape(', '.join(dict.fromkeys(_field_name(i) for i in c.items)))}</td></tr>"
            for n, c in enumerate(r.changed, 1)
        )
        body.append(f"<h2>Changed ({len(r.changed)})</h2><table><tr><th>case</th>"
                    f"<th>case key</th><th>changed fields</th></tr>{rows}</table>")
        body += [_case_html(n, c, r.cases.get(c.case_id), replay_url)
                 for n, c in enumerate(r.changed, 1)]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
