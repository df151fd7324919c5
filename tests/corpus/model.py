"""The corpus's own records: a case's content as blocks, and the truth derived from it.

A section body is a list of blocks; each block renders to HTML in a family's style and to
text in the documented text format of ``parsers/records.py``: a paragraph is its text, a
``lines`` block is its lines joined with one ``\\n`` (``<br>``), a list is its items one per
line prefixed ``"- "``, a table is its rows one per line with cells joined by ``" | "``;
blocks are separated by a blank line (``\\n\\n``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-level block: kind is "p", "lines", "ul" or "table"."""

    kind: str
    items: tuple  # "p": (text,); "lines"/"ul": texts; "table": tuples of cells


def block_text(block: Block) -> str:
    """The block in the documented text format."""
    if block.kind == "p":
        return block.items[0]
    if block.kind == "lines":
        return "\n".join(block.items)
    if block.kind == "ul":
        return "\n".join(f"- {item}" for item in block.items)
    if block.kind == "table":
        return "\n".join(" | ".join(row) for row in block.items)
    raise ValueError(f"unknown block kind {block.kind}")


def blocks_text(blocks: list[Block] | tuple[Block, ...]) -> str:
    """Blocks joined by a blank line."""
    return "\n\n".join(block_text(b) for b in blocks)


@dataclass(slots=True)
class RefEntry:
    """A reference as printed (without its number) and its parsed truth."""

    text: str
    doi: str | None = None
    url: str | None = None
    pmid: str | None = None


@dataclass(slots=True)
class Part:
    """A piece of a case placed on one page: a section, or a run of references.

    ``key`` is the canonical key a human editor reads the heading as (None: an unknown
    heading, kept in other_sections); ``heading`` is the label as printed (None: no heading,
    e.g. a reference list at the end of a case or a section continuing from the previous
    page); ``kind`` is "section" or "references"."""

    kind: str
    key: str | None
    heading: str | None
    blocks: list[Block] = field(default_factory=list)
    refs: list[RefEntry] = field(default_factory=list)
    first_ref_number: int = 1
    continued: bool = False
    """True when this part continues the same section from the previous page."""


@dataclass(slots=True)
class ContactInfo:
    organization: str
    street: str
    city: str
    state: str
    postal_code: str
    phone: str  # "(913) 327-1415"
    email: str | None = None


@dataclass(slots=True)
class SiteInfo:
    """The society that publishes a site (NOTE line and © line)."""

    name: str
    short: str
    contact: ContactInfo | None
    copyright: str | None
    """The © line as printed (and as the truth expects it)."""


@dataclass(slots=True)
class CaseContent:
    """One invented case: its title and its parts in reading order, split into pages."""

    title: str
    slug: str
    pages: list[list[Part]]


def case_truth(case: CaseContent, site: SiteInfo, urls: list[dict]) -> dict:
    """The expected export of a case: the fields of ``cases.jsonl`` the score compares.

    ``urls`` has one dict per page: ``{"url": canonical, "aliases": [...]}``."""
    from casearchive.parsers.records import SECTION_KEYS

    sections: dict[str, list[str]] = {}
    other: list[dict] = []
    refs: list[dict] = []
    for number, parts in enumerate(case.pages, start=1):
        for part in parts:
            if part.kind == "references":
                for i, ref in enumerate(part.refs):
                    num = None if part.first_ref_number == 0 else part.first_ref_number + i
                    refs.append({"number": num, **asdict(ref)})
            elif part.key is not None:
                sections.setdefault(part.key, []).append(blocks_text(part.blocks))
            else:
                other.append({"heading": part.heading, "text": blocks_text(part.blocks),
                              "page_number": number})
    truth = {
        "title": case.title,
        "page_count": len(case.pages),
        "pages": [{"page_number": n, **u} for n, u in enumerate(urls, start=1)],
        "other_sections": other,
        "references": refs,
        "contact": asdict(site.contact) if site.contact else None,
        "copyright": site.copyright,
    }
    for key in SECTION_KEYS:
        truth[key] = "\n\n".join(sections[key]) if key in sections else None
    return truth
