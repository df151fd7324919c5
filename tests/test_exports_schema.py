"""The one schema: records agree with it, derived forms agree with it, the lock holds."""

from __future__ import annotations

import dataclasses
import json
import typing

import pyarrow as pa
import pytest
from jsonschema import Draft202012Validator

from casearchive.exports import schema
from casearchive.exports.docgen import FIELDS_MD, render_fields_md
from casearchive.exports.docgen import main as docgen_main
from casearchive.exports.schema_lock import actual_bump, check_lock, required_bump
from casearchive.parsers.records import CaseRecord, Contact, OtherSection, PageRef, Reference
from tests.factories import make_case


def _nullable(cls: type, name: str) -> bool:
    hint = typing.get_type_hints(cls)[name]
    return type(None) in typing.get_args(hint)


@pytest.mark.parametrize(
    ("cls", "fields"),
    [
        (CaseRecord, schema.CASE_FIELDS),
        (PageRef, schema.PAGE_REF.fields),
        (OtherSection, schema.OTHER_SECTION.fields),
        (Reference, schema.REFERENCE.fields),
        (Contact, schema.CONTACT.fields),
    ],
)
def test_schema_matches_record_dataclasses(cls, fields):
    assert [f.name for f in fields] == [f.name for f in dataclasses.fields(cls)]
    assert {f.name: f.nullable for f in fields} == {
        f.name: _nullable(cls, f.name) for f in dataclasses.fields(cls)
    }


def test_schema_lock_matches_current_version():
    assert check_lock() == []


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ({"t.a": "string"}, {"t.a": "string"}, None),
        ({"t.a": "string"}, {"t.a": "string", "t.b": "int64?"}, "minor"),
        ({"t.a": "string"}, {"t.a": "string", "t.b": "Contact?", "t.b.x": "string"}, "minor"),
        ({"t.a": "string"}, {"t.a": "string", "u.a": "string"}, "minor"),
        ({"t.a": "string"}, {"t.a": "string", "t.b": "int64"}, "major"),
        ({"t.a": "string"}, {"t.b": "string"}, "major"),
        ({"t.a": "string"}, {"t.a": "string?"}, "major"),
        ({"t.a": "string"}, {"t.a": "int64"}, "major"),
        ({"t.a": "string", "t.b": "string"}, {"t.b": "string", "t.a": "string"}, "major"),
    ],
)
def test_required_bump(old, new, bump):
    assert required_bump(old, new) == bump


def test_actual_bump():
    assert actual_bump("1.0.0", "1.1.0") == "minor"
    assert actual_bump("1.4.2", "2.0.0") == "major"
    assert actual_bump("1.0.0", "1.0.1") == "patch"
    assert actual_bump("1.0.0", "1.0.0") is None


def test_lock_rejects_undersized_bump(tmp_path):
    lock = tmp_path / "schema.lock.json"
    fields = schema.flat_fields()
    versions = [
        {"version": "7.0.0", "sha256": "x", "fields": {**fields, "cases.gone": "string"}},
        {"version": "7.1.0", "sha256": "y", "fields": fields},
    ]
    lock.write_text(json.dumps({"versions": versions}))
    problems = check_lock(lock)
    assert "schema.lock.json: 7.0.0 -> 7.1.0 is a minor bump but the change needs major." in (
        problems
    )


def test_lock_detects_unbumped_change(tmp_path):
    lock = tmp_path / "schema.lock.json"
    entry = {"version": schema.SCHEMA_VERSION, "sha256": "0" * 64, "fields": {}}
    lock.write_text(json.dumps({"versions": [entry]}))
    [problem] = check_lock(lock)
    assert "schema changed but SCHEMA_VERSION is still" in problem


def test_fields_md_is_up_to_date():
    assert FIELDS_MD.read_text(encoding="utf-8") == render_fields_md(), (
        "docs/fields.md is stale: run `python -m casearchive.exports.docgen`"
    )
    assert docgen_main(["--check"]) == 0


def test_fields_md_documents_every_field():
    text = render_fields_md()
    for table in schema.TABLES.values():
        assert f"`{table.file}`" in text
        for f in table.fields:
            assert f"| `{f.name}` |" in text


def test_arrow_schemas_carry_version_and_types():
    for name in schema.TABLES:
        s = schema.arrow_schema(name)
        assert s.metadata[schema.META_VERSION.encode()] == schema.SCHEMA_VERSION.encode()
        assert s.metadata[schema.META_TABLE.encode()] == name.encode()
    pages = schema.arrow_schema("pages")
    assert pages.field("fetched_at").type == pa.timestamp("us", tz="UTC")
    assert pages.field("warnings").type == pa.list_(pa.field("element", pa.string(), False))
    cases = schema.arrow_schema("cases")
    assert cases.names == [f.name for f in dataclasses.fields(CaseRecord)]
    assert pa.types.is_struct(cases.field("contact").type)
    assert cases.field("contact").nullable and not cases.field("case_id").nullable


def test_json_schema_is_valid_and_accepts_cases():
    js = schema.case_json_schema()
    Draft202012Validator.check_schema(js)
    validator = Draft202012Validator(js)
    for i in range(6):
        assert list(validator.iter_errors(dataclasses.asdict(make_case(i)))) == []
    bad = dataclasses.asdict(make_case(1))
    bad["contact"] = {"city": 5}
    assert list(validator.iter_errors(bad))


def test_every_example_fits_its_type():
    python = {"string": str, "int64": int, "bool": bool, "timestamp": str}
    for f in [*(f for t in schema.TABLES.values() for f in t.fields),
              *(f for s in schema.STRUCTS for f in s.fields)]:
        if f.example is not None and isinstance(f.type, schema.Scalar):
            assert isinstance(f.example, python[f.type.name]), f.name
