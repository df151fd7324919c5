"""The one schema of a snapshot: every table, type and description is declared here once.

The pyarrow schemas of the four Parquet tables, the JSON Schema of a case record
(``case.schema.json``), the field table in ``docs/fields.md`` and the fingerprint in
``schema.lock.json`` are all derived from the declarations below, so they cannot disagree.

Bump ``SCHEMA_VERSION`` on every structural change: minor for additive, nullable fields or
tables; major for renames, removals, type or nullability changes (see docs/migration.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

SCHEMA_VERSION = "1.3.0"

#: Parquet key-value metadata keys written on every table.
META_VERSION = "casearchive.schema_version"
META_TABLE = "casearchive.table"


@dataclass(frozen=True, slots=True)
class Scalar:
    """A leaf type: ``string``, ``int64``, ``bool`` or ``timestamp`` (UTC, microseconds)."""

    name: str


@dataclass(frozen=True, slots=True)
class ListOf:
    """A list whose items are never null (an absent list is written as ``[]``)."""

    item: Type


@dataclass(frozen=True, slots=True)
class Struct:
    """A named record type nested inside a table (a Parquet struct, a JSON object)."""

    name: str
    description: str
    fields: tuple[Field, ...]


Type = Scalar | ListOf | Struct


@dataclass(frozen=True, slots=True)
class Field:
    """One column of a table or one member of a struct."""

    name: str
    type: Type
    nullable: bool
    description: str
    example: Any = None


@dataclass(frozen=True, slots=True)
class Table:
    """One Parquet file of a snapshot and its row order."""

    name: str
    file: str
    description: str
    sort_key: tuple[str, ...]
    fields: tuple[Field, ...]


STRING = Scalar("string")
INT = Scalar("int64")
BOOL = Scalar("bool")
TIMESTAMP = Scalar("timestamp")

CASE_KEY_EXAMPLE = "/cases/case.php?id=77"
SHA_EXAMPLE = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
CASE_ID_EXAMPLE = "3f1a9c0e5b7d2a64"

PAGE_REF = Struct(
    "PageRef",
    "A page of a case as listed in the case record.",
    (
        Field("page_number", INT, False, "1-based page number.", 2),
        Field(
            "url", STRING, False,
            "Canonical URL of the page: scheme and host lower-cased, default port, fragment "
            "and session ids removed, query parameters sorted; a page parameter is dropped "
            "only where the site's own pager shows it names the first page (page=0 on a "
            "0-based pager, page=1 on a 1-based one). The page's other URLs are aliases in "
            "pages.parquet.",
            "https://example.org/case.php?id=77&page=2",
        ),
        Field(
            "content_sha256", STRING, True,
            "SHA-256 of the fetched body bytes (null when the page failed).", SHA_EXAMPLE,
        ),
    ),
)

OTHER_SECTION = Struct(
    "OtherSection",
    "A section under a heading the alias table does not know, or text under no heading.",
    (
        Field("heading", STRING, True, "Heading as written; null for unplaced text.", "Pearls"),
        Field(
            "text", STRING, False, "Section text in the records text format.", "Always ask twice.",
        ),
        Field("page_number", INT, False, "Page the section was found on.", 3),
    ),
)

REFERENCE_FIELDS = (
    Field(
        "number", INT, True,
        "The reference's number as printed (\"1.\", \"[1]\", list position); null if unnumbered.",
        1,
    ),
    Field(
        "text", STRING, False, "Reference text without its number, whitespace collapsed.",
        "Smith J. Neurology. 2014.",
    ),
    Field(
        "doi", STRING, True, "Bare DOI such as 10.1212/01.CON.0000455877.60932.d3.",
        "10.1212/01.CON.0000455877.60932.d3",
    ),
    Field(
        "url", STRING, True,
        "First http(s) URL, trailing punctuation removed; a doi.org link fills doi too.",
        "https://doi.org/10.1/x",
    ),
    Field(
        "pmid", STRING, True, "PubMed id when the reference prints one (\"PMID: 123\").",
        "25299280",
    ),
)

REFERENCE = Struct("Reference", "One numbered reference of a case.", REFERENCE_FIELDS)

CONTACT = Struct(
    "Contact",
    "The contact NOTE footer (\"NOTE: For more information, please contact ...\").",
    (
        Field("organization", STRING, True, "Organisation name.", "Example Health Network"),
        Field(
            "street", STRING, True,
            "Street address including suite, e.g. \"4000 W. 114th Street, Suite 100\".",
            "4000 W. 114th Street",
        ),
        Field("city", STRING, True, "City.", "Leawood"),
        Field("state", STRING, True, "Two-letter US state code.", "KS"),
        Field("postal_code", STRING, True, "ZIP code as printed.", "66211"),
        Field(
            "phone", STRING, True,
            "Main phone number normalised as \"(913) 327-1415\" (never the fax).", "(913) 327-1415",
        ),
        Field("email", STRING, True, "E-mail address.", "info@example.org"),
    ),
)

FIGURE_FIELDS = (
    Field("page_number", INT, False, "Page of the case the image is on.", 2),
    Field(
        "url", STRING, False, "Absolute URL of the image (its src resolved against the page).",
        "https://example.org/cases/images/xray-77.png",
    ),
    Field("alt", STRING, True, "The alt text, whitespace collapsed; null when absent or empty.",
          "Lateral radiograph of the ankle"),
    Field("caption", STRING, True,
          "Its figure's figcaption text, else its title attribute; null when neither.",
          "Figure 1. Avulsion fracture of the fifth metatarsal."),
    Field("media_type", STRING, True,
          "Media type the server gave (e.g. \"image/png\"); null when not fetched.",
          "image/png"),
    Field("sha256", STRING, True,
          "SHA-256 (hex) of the image bytes; null when not fetched (failed, or --no-requisites).",
          SHA_EXAMPLE),
    Field("warc_record_id", STRING, True,
          "WARC-Record-ID of the image's response (or revisit) record in pages.warc.gz.",
          "<urn:uuid:0b5e3a4c-2f1d-4a7b-9c1e-5d2f3a4b6c7d>"),
)

FIGURE = Struct("Figure", "An image inside a case's content (not site chrome), in page order.",
                FIGURE_FIELDS)

SECTION_TEXT = "Section text in the records text format; null when no page has the section."

CASE_FIELDS: tuple[Field, ...] = (
    Field(
        "case_id", STRING, False,
        "Stable id of the case: the first 16 hex digits of the SHA-256 of case_key.",
        CASE_ID_EXAMPLE,
    ),
    Field("title", STRING, False, "Case title without page suffix.", "A 45-year-old with headache"),
    Field(
        "url", STRING, False, "Canonical URL of page 1 (see PageRef.url).",
        "https://example.org/case.php?id=77",
    ),
    Field(
        "page_count", INT, False,
        "Number of pages of the case: every known page, failed ones included.", 4,
    ),
    Field(
        "pages", ListOf(PAGE_REF), False,
        "The case's fetched pages in page order (failed pages are in failed_urls and, with "
        "their reason, in pages.parquet).", None,
    ),
    Field("history", STRING, True, SECTION_TEXT, "A 45-year-old woman presents with ..."),
    Field("physical_exam", STRING, True, SECTION_TEXT, "BP 120/80 mmHg ..."),
    Field("differential_diagnosis", STRING, True, SECTION_TEXT, "- Migraine\n- Tumour"),
    Field("tests_and_results", STRING, True, SECTION_TEXT, "MRI | normal"),
    Field("working_diagnosis", STRING, True, SECTION_TEXT, "Migraine without aura"),
    Field("treatment", STRING, True, SECTION_TEXT, "Triptans."),
    Field("outcome", STRING, True, SECTION_TEXT, "Resolved."),
    Field("authors_comments", STRING, True, SECTION_TEXT, "Classic presentation."),
    Field("editors_comments", STRING, True, SECTION_TEXT, "Well documented."),
    Field(
        "other_sections", ListOf(OTHER_SECTION), False,
        "Sections under unknown headings and unplaced text, in page order.", None,
    ),
    Field("references", ListOf(REFERENCE), False, "References in printed order.", None),
    Field("contact", CONTACT, True, "Contact footer; null when no page has one.", None),
    Field("copyright", STRING, True, "The (c) line without the address.", "© 2014 Example"),
    Field("complete", BOOL, False, "False when a page of the case failed.", True),
    Field("failed_urls", ListOf(STRING), False, "URLs of the pages that failed.", []),
    Field(
        "missing_sections", ListOf(STRING), False,
        "Canonical section keys found on no page of the case.", ["outcome"],
    ),
    Field("warnings", ListOf(STRING), False, "Parser warnings, prefixed \"page N: \".", []),
    Field(
        "content_sha256", STRING, False,
        "SHA-256 of the case's normalised extracted content (not of its HTML).", SHA_EXAMPLE,
    ),
    Field(
        "figures", ListOf(FIGURE), True,
        "Images inside the case's content (not site chrome), in page order. null in snapshots "
        "written before schema 1.1.", None,
    ),
    Field(
        "case_key", STRING, True,
        "Readable identity of the case: path and query of its canonical URL with the page part "
        "removed (e.g. \"/cases/case.php?id=77\"); case_id is hashed from it. null in snapshots "
        "written before schema 1.1.",
        CASE_KEY_EXAMPLE,
    ),
)

CASE_ID = Field("case_id", STRING, False, "Id of the case (cases.case_id).", CASE_ID_EXAMPLE)
CASE_KEY = Field(
    "case_key", STRING, True, "Readable key of the case (cases.case_key); null before 1.1.",
    CASE_KEY_EXAMPLE,
)
PAGE_NUMBER = Field("page_number", INT, False, "1-based page number within the case.", 2)

CASES = Table(
    "cases", "cases.parquet",
    "One row per case, every field of the case record (also in cases.jsonl).",
    ("case_id",), CASE_FIELDS,
)

SECTIONS = Table(
    "sections", "sections.parquet",
    "Long table: one row per section occurrence on a page, including unknown headings, "
    "unplaced text and the references section. A new section never changes this schema.",
    ("case_id", "page_number", "ordinal"),
    (
        CASE_ID,
        PAGE_NUMBER,
        Field("ordinal", INT, False, "1-based position of the section on its page.", 1),
        Field(
            "key", STRING, True,
            "Canonical key (history, ..., references); null for unknown headings or unplaced "
            "text.", "history",
        ),
        Field("heading", STRING, True, "Heading as written; null for unplaced text.", "History"),
        Field("text", STRING, False, "Section text in the records text format.", "A 45-year ..."),
        Field(
            "rule", STRING, True,
            "Which rule found the section: alias, synonym, form, content or unplaced "
            "(docs/extraction.md).", "alias",
        ),
        CASE_KEY,
    ),
)

PAGES = Table(
    "pages", "pages.parquet",
    "One row per known page of a case: every fetched case page, and every page of the case "
    "that failed (error says why; status, final_url, content_sha256, encoding and "
    "warc_record_id are then null, and fetched_at is when the failure was recorded).",
    ("case_id", "page_number"),
    (
        CASE_ID,
        PAGE_NUMBER,
        Field("url", STRING, False, "URL requested.", "https://example.org/case.php?id=77&page=2"),
        Field(
            "final_url", STRING, True, "URL after redirects; null when no response.",
            "https://example.org/case.php?id=77&page=2",
        ),
        Field("status", INT, True, "HTTP status; null when no response arrived.", 200),
        Field("fetched_at", TIMESTAMP, False,
              "When the response arrived (UTC); for a failed page, when it failed.",
              "2025-01-31T12:00:00Z"),
        Field("content_sha256", STRING, True, "SHA-256 (hex) of the body bytes.", SHA_EXAMPLE),
        Field("encoding", STRING, True, "Codec the body was decoded with.", "windows-1252"),
        Field("warnings", ListOf(STRING), False, "Parser warnings of the page.", []),
        Field("unplaced_chars", INT, False, "Main-content characters under no heading.", 0),
        Field(
            "furniture", STRING, True,
            "Page furniture (navigation, pager, sidebars, CMS blocks, site credit), one line "
            "per line; never part of a case field.", "Home | Case Studies",
        ),
        Field(
            "warc_record_id", STRING, True, "WARC-Record-ID of the response in pages.warc.gz "
            "(or of its revisit record, when the crawl found the page unchanged).",
            "<urn:uuid:7f1c1c9e-1b7e-4c4e-9a57-2f8e3c1d9b11>",
        ),
        CASE_KEY,
        Field(
            "error", STRING, True,
            "Why the page failed (\"HTTP 500\", \"never fetched\", a download error, \"no case "
            "sections\"); null for a page fetched and parsed as a case page.", "HTTP 500",
        ),
        Field(
            "aliases", ListOf(STRING), True,
            "Other canonical URLs of the same page, sorted: the URLs it was requested or "
            "redirected under, its rel=canonical, URLs serving the identical body, URLs whose "
            "page says the same in other bytes (another view of it, such as a wiki's printable "
            "version or permanent link) (empty when none; null only in snapshots written "
            "before schema 1.1). The page is recorded once, under its canonical URL.",
            ["https://example.org/node/77"],
        ),
        Field(
            "etag", STRING, True,
            "The page's ETag validator as its server sent it (from schema 1.2): the next crawl "
            "sends it as If-None-Match; null when the server sent none or for a failed page.",
            '"5d8c72a5edda8d6a"',
        ),
        Field(
            "last_modified", STRING, True,
            "The page's Last-Modified validator, as sent (from schema 1.2): the next crawl "
            "sends it as If-Modified-Since; null when the server sent none or for a failed "
            "page.", "Tue, 15 Nov 1994 12:45:26 GMT",
        ),
        Field(
            "capture_source", STRING, True,
            "Where an imported page's capture came from (from schema 1.3; `casearchive "
            "import`): the archive file and the byte offset of its record, or the CDX line "
            "it was found by; `fetched_at` is then the capture's own date. Null for a page "
            "this tool crawled, and for a page missing from the archive.",
            "wget-2019.warc.gz#48213",
        ),
    ),
)

REFERENCES = Table(
    "references", "references.parquet",
    "One row per reference of a case, in printed order within each case.",
    ("case_id",),
    (CASE_ID, *REFERENCE_FIELDS, CASE_KEY),
)

FIGURES = Table(
    "figures", "figures.parquet",
    "One row per figure of a case (cases.figures), in page order within each case.",
    ("case_id", "page_number", "ordinal"),
    (CASE_ID, Field("ordinal", INT, False, "1-based position of the figure in its case.", 1),
     *FIGURE_FIELDS, CASE_KEY),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (CASES, SECTIONS, PAGES, REFERENCES, FIGURES)
}
STRUCTS: tuple[Struct, ...] = (PAGE_REF, OTHER_SECTION, REFERENCE, CONTACT, FIGURE)


# --- pyarrow ---------------------------------------------------------------------------------
# pyarrow is imported where a type is built, not with this module: the crawl's archive worker
# reads the tables' columns from here without loading pyarrow (``casearchive.exports.spool``).


def arrow_type(t: Type) -> pa.DataType:
    """The pyarrow type of a declared type (list items are named ``element``)."""
    import pyarrow as pa

    if isinstance(t, Scalar):
        return {"string": pa.string(), "int64": pa.int64(), "bool": pa.bool_(),
                "timestamp": pa.timestamp("us", tz="UTC")}[t.name]
    if isinstance(t, ListOf):
        return pa.list_(pa.field("element", arrow_type(t.item), nullable=False))
    return pa.struct([arrow_field(f) for f in t.fields])


def arrow_field(f: Field) -> pa.Field:
    import pyarrow as pa

    return pa.field(f.name, arrow_type(f.type), nullable=f.nullable)


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet schema of a table, with the schema version in its metadata."""
    import pyarrow as pa

    t = TABLES[table]
    return pa.schema(
        [arrow_field(f) for f in t.fields],
        metadata={META_VERSION: SCHEMA_VERSION, META_TABLE: t.name},
    )


# --- JSON Schema -----------------------------------------------------------------------------

_JSON_SCALARS = {"string": "string", "int64": "integer", "bool": "boolean", "timestamp": "string"}


def _json_type(t: Type, nullable: bool) -> dict[str, Any]:
    if isinstance(t, Struct):
        ref = {"$ref": f"#/$defs/{t.name}"}
        return {"anyOf": [ref, {"type": "null"}]} if nullable else ref
    if isinstance(t, ListOf):
        out: dict[str, Any] = {"type": "array", "items": _json_type(t.item, False)}
    else:
        out = {"type": _JSON_SCALARS[t.name]}
        if t.name == "timestamp":
            out["format"] = "date-time"
    if nullable:
        out["type"] = [out["type"], "null"]
    return out


def _json_object(fields: tuple[Field, ...]) -> dict[str, Any]:
    props = {}
    for f in fields:
        prop = _json_type(f.type, f.nullable)
        prop["description"] = f.description
        props[f.name] = prop
    return {
        "type": "object",
        "properties": props,
        "required": [f.name for f in fields],
        "additionalProperties": False,
    }


def case_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one line of ``cases.jsonl``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://casearchive.invalid/schema/{SCHEMA_VERSION}/case.schema.json",
        "title": "CaseRecord",
        "description": f"{CASES.description} Schema version {SCHEMA_VERSION}.",
        **_json_object(CASE_FIELDS),
        "$defs": {
            s.name: {"description": s.description, **_json_object(s.fields)} for s in STRUCTS
        },
    }


# --- fingerprint -----------------------------------------------------------------------------

def type_name(t: Type) -> str:
    """Short spelling of a type: ``string``, ``list<Reference>``, ``Contact``."""
    if isinstance(t, Scalar):
        return t.name
    if isinstance(t, ListOf):
        return f"list<{type_name(t.item)}>"
    return t.name


def _flatten(prefix: str, fields: tuple[Field, ...], out: dict[str, str]) -> None:
    for f in fields:
        path = f"{prefix}.{f.name}"
        t, suffix = f.type, ""
        while isinstance(t, ListOf):
            t, suffix = t.item, suffix + "[]"
        out[path] = type_name(f.type) + ("?" if f.nullable else "")
        if isinstance(t, Struct):
            _flatten(path + suffix, t.fields, out)


def flat_fields() -> dict[str, str]:
    """Every column and nested member as ``{"table.path": "type" or "type?" (nullable)}``.

    Order is significant (it is the column order), so the fingerprint covers it too.
    Descriptions and examples are documentation, not structure: they are not fingerprinted.
    """
    out: dict[str, str] = {}
    for t in TABLES.values():
        _flatten(t.name, t.fields, out)
    return out


def fingerprint() -> str:
    """SHA-256 of the canonical (ordered) structure of all tables."""
    canon = json.dumps(list(flat_fields().items()), separators=(",", ":"))
    return hashlib.sha256(canon.encode()).hexdigest()
