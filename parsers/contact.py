"""Parse the footer: the contact NOTE into a ``Contact``, the © line into ``copyright``.

NOTE format seen on the site (one line, commas between parts)::

    NOTE: For more information, please contact the AMSSM, 4000 W. 114th Street,
    Suite 100, Leawood, KS 66211 (913) 327-1415.

The organisation is what follows "contact (the)" up to the street number; the street runs
from the first "<number> <Word>" to the "City, ST 12345" group; the phone is the first US
number not preceded by "Fax". Gaps are filled from the address lines under the © line.
"""

from __future__ import annotations

from .labels import (
    CITY_STATE_ZIP_RE,
    CONTACT_LEAD_RE,
    COPYRIGHT_LEAD_RE,
    EMAIL_RE,
    FAX_BEFORE_RE,
    NOTE_LEAD_RE,
    PHONE_RE,
    STREET_START_RE,
)
from .records import Contact

_ORG_TRIM = " ,;:.-\u2013"


def normalize_phone(area: str, exchange: str, line: str) -> str:
    return f"({area}) {exchange}-{line}"


def _phone(text: str) -> str | None:
    for m in PHONE_RE.finditer(text):
        if FAX_BEFORE_RE.search(text[max(0, m.start() - 20) : m.start()]):
            continue
        return normalize_phone(*m.groups())
    return None


def parse_address(text: str, contact: Contact) -> int:
    """Fill street/city/state/postal code/phone/email from free text; returns the index
    where the street starts (or -1)."""
    street_at = -1
    csz = CITY_STATE_ZIP_RE.search(text)
    if csz:
        contact.city = contact.city or csz.group(1).strip()
        contact.state = contact.state or csz.group(2)
        contact.postal_code = contact.postal_code or csz.group(3)
        street = STREET_START_RE.search(text, 0, csz.start())
        if street:
            street_at = street.start()
            value = text[street.start() : csz.start()].strip(" ,\n")
            if value:
                contact.street = contact.street or " ".join(value.split())
    if contact.phone is None:
        contact.phone = _phone(text[csz.end() :] if csz else text) or _phone(text)
    if contact.email is None and "@" in text:  # EMAIL_RE scans slowly where it cannot match
        m = EMAIL_RE.search(text)
        if m:
            contact.email = m.group(0).rstrip(".")
    return street_at


def parse_contact(note_lines: list[str], address_lines: list[str],
                  copyright_holder: str | None) -> Contact | None:
    """The contact of a page from its NOTE lines, completed by the © block's lines."""
    if not note_lines and not address_lines:
        return None
    contact = Contact()
    if note_lines:
        note = " ".join(note_lines)
        street_at = parse_address(note, contact)
        lead = CONTACT_LEAD_RE.match(note)
        start = lead.end() if lead else NOTE_LEAD_RE.match(note).end()  # type: ignore[union-attr]
        end = street_at if street_at > start else len(note)
        org = note[start:end]
        if street_at < 0:
            org = org.split(",")[0]
            for cut in (PHONE_RE.search(org), EMAIL_RE.search(org)):
                if cut:
                    org = org[: cut.start()]
        org = org.strip(_ORG_TRIM)
        if org.lower().startswith("at "):
            org = org[3:]
        contact.organization = org or None
    if address_lines:
        parse_address("\n".join(address_lines), contact)
    if contact == Contact():
        return None  # lines after the © that hold no address are no contact of the holder
    if contact.organization is None and copyright_holder:
        contact.organization = copyright_holder
    return contact


def split_copyright(line: str) -> tuple[str, str]:
    """(the © line as written without a trailing address, that address)."""
    street = STREET_START_RE.search(line, 1)
    csz = CITY_STATE_ZIP_RE.search(line)
    if street and csz and street.start() < csz.start():
        return line[: street.start()].rstrip(" ,;-\u2013"), line[street.start() :]
    return line, ""


def copyright_holder(line: str) -> str | None:
    """The holder named by a © line ("© 2004 AMSSM. All rights reserved." -> "AMSSM")."""
    holder = COPYRIGHT_LEAD_RE.sub("", line).split(". All rights", 1)[0]
    holder = holder.split("All rights", 1)[0].strip(_ORG_TRIM)
    return holder or None
