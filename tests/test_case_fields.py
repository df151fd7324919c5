"""One source for the case fields: the record, the schema and the exports agree.

``casearchive.parsers.records.CaseRecord`` declares every field once, with its role and a docstring;
the content-field list, the hash and the diff derive from it. These tests fail when a field
is added in one place and forgotten in another.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import json
import re
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path

import casearchive.parsers.records as records
from casearchive.exports.diff import FIELDS as DIFF_FIELDS
from casearchive.exports.jsonl import case_dict
from casearchive.exports.schema import CASE_FIELDS, case_json_schema
from casearchive.parsers.case import PAGE_CONTENT_FIELDS, content_hash, page_content_hash
from casearchive.parsers.page import parse_page
from casearchive.parsers.records import (
    CASE_CONTENT_FIELDS,
    CASE_HIDDEN_MEMBERS,
    CONTENT,
    IDENTITY,
    PROVENANCE,
    CaseRecord,
)
from tests.factories import make_case


def _field_docstrings(cls: type) -> dict[str, str]:
    """Attribute docstrings of a dataclass (the string literal after each annotated field)."""
    tree = ast.parse(inspect.getsource(records))
    body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__)
    out: dict[str, str] = {}
    for stmt, following in zip(body.body, body.body[1:], strict=False):
        if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)):
            out[stmt.target.id] = following.value.value
    return out


def _norm(text: str) -> str:
    """Prose as compared: inline-code markers dropped, Python None read as null, whitespace
    collapsed."""
    text = re.sub(r"\bNone\b", "null", text.replace("``", ""))
    return re.sub(r"\s+", " ", text).strip()


def test_every_case_field_has_a_role():
    roles = {f.name: f.metadata.get("role") for f in fields(CaseRecord)}
    assert {n: r for n, r in roles.items() if r not in (CONTENT, IDENTITY, PROVENANCE)} == {}


def test_no_unexpected_fields_record_schema_and_export_agree():
    record = [f.name for f in fields(CaseRecord)]
    schema = [f.name for f in CASE_FIELDS]
    assert record == schema
    assert list(case_json_schema()["properties"]) == schema
    assert list(case_dict(make_case(2))) == schema


def test_every_case_field_docstring_matches_the_schema_description():
    docs = _field_docstrings(CaseRecord)
    described = {f.name: f.description for f in CASE_FIELDS}
    assert sorted(docs) == sorted(described), "a CaseRecord field without a docstring"
    mismatched = {n: (docs[n], described[n]) for n in docs
                  if _norm(docs[n]) != _norm(described[n])}
    assert mismatched == {}


def test_content_fields_drive_the_hash_and_the_diff():
    assert DIFF_FIELDS == CASE_CONTENT_FIELDS
    assert {"title", "history", "references"} <= set(CASE_CONTENT_FIELDS)
    assert not {"case_id", "url", "pages", "content_sha256"} & set(CASE_CONTENT_FIELDS)
    case = make_case(2)
    before = content_hash(case)
    for name in CASE_CONTENT_FIELDS:
        changed = make_case(2)
        value = getattr(changed, name)
        setattr(changed, name, _other(value))
        assert content_hash(changed) != before, name
    moved = make_case(2)
    moved.url, moved.pages = "https://elsewhere.invalid/x", []
    assert content_hash(moved) == before


def test_the_hash_is_of_the_canonical_json_of_the_content_fields():
    """The checksum archivists compare across years: SHA-256 of the content fields as
    ``dataclasses.asdict`` gives them (without their hidden members), in canonical JSON.
    The hash builds that JSON its own faster way; the bytes must stay these."""
    for i in range(6):
        case = make_case(i, pages=3)
        assert content_hash(case) == _reference_hash(case, CASE_CONTENT_FIELDS)


def test_a_page_hash_is_of_the_canonical_json_of_its_content_fields():
    """``page_content_hash`` the same way, on the saved pages (sections, references,
    contact, figures)."""
    pages = sorted(Path(__file__).parent.glob("fixtures/pages/*/input.html"))
    assert pages
    for path in pages:
        record = parse_page(path.read_bytes(), "http://example.org/casestudies/case.asp?cid=1")
        if record.is_case_page:
            assert page_content_hash(record) == _reference_hash(record, PAGE_CONTENT_FIELDS), path


def _reference_hash(record: object, names: tuple[str, ...]) -> str:
    """SHA-256 of the canonical JSON of ``record``'s fields ``names`` as ``asdict`` gives
    them, without their hidden members (a figure's URL)."""
    def plain(name: str, value: object) -> object:
        hidden = CASE_HIDDEN_MEMBERS.get(name, frozenset())
        if isinstance(value, list):
            return [plain(name, v) for v in value]
        if is_dataclass(value) and not isinstance(value, type):
            return {k: v for k, v in asdict(value).items() if k not in hidden}
        return value

    blob = json.dumps({n: plain(n, getattr(record, n)) for n in names},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _other(value: object) -> object:
    """A different value of the same shape (a list gains or loses an item)."""
    if isinstance(value, list):
        return value[1:] if value else [value_for_list()]
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 1
    if isinstance(value, str):
        return value + " (changed)"
    return "changed" if value is None else None


def value_for_list() -> object:
    return records.OtherSection("Pearls", "text", 1)


def test_every_nested_record_field_docstring_matches_the_schema_description():
    from casearchive.exports.schema import STRUCTS

    problems = {}
    for struct in STRUCTS:
        docs = _field_docstrings(getattr(records, struct.name))
        for f in struct.fields:
            if _norm(docs.get(f.name, "")) != _norm(f.description):
                problems[f"{struct.name}.{f.name}"] = (docs.get(f.name), f.description)
    assert problems == {}


def test_every_field_of_every_record_has_a_docstring():
    from dataclasses import is_dataclass

    missing = {
        name: [f.name for f in fields(cls) if f.name not in _field_docstrings(cls)]
        for name, cls in vars(records).items()
        if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == records.__name__
    }
    assert {k: v for k, v in missing.items() if v} == {}
