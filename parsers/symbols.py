"""Text set in the Symbol font, read as the characters a reader saw.

Word 97-2003 and hand-written pages of the 1990s typed Greek letters and mathematical
signs as Latin letters in the Symbol font: ``<font face="Symbol">m</font>g`` shows "μg",
``<span style='font-family:Symbol'>³</span>`` shows "≥" (Word's HTML export writes the
character's byte, here 0xB3, or a private-use code point U+F0B3). Read as plain text, "5
μg" becomes "5 mg", a dose a thousand times larger, and "age ≥ 65" becomes "age ³ 65".
This pass maps the text of such elements through the Symbol font's encoding (Adobe's
Symbol encoding, as Unicode's SYMBOL.TXT maps it), before the walk reads the tree.

Only an element whose first font family is Symbol changes (``face="Symbol"`` or a
``font-family`` starting with Symbol in its ``style``); a descendant that sets another font
keeps its text (Word's list marker spans set "Times New Roman" for their spacing). Spaces
and no-break spaces stay spaces. A class that a style sheet sets in Symbol is not read.
"""

from __future__ import annotations

import re

from lxml import etree

_GREEK_UPPER = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ"  # A-Z in the Symbol font
_GREEK_LOWER = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ"  # a-z
#: The font's code points that are not the ASCII characters they stand on.
_SYMBOL_CODES: dict[int, str] = {
    0x22: "∀", 0x24: "∃", 0x27: "∋", 0x2A: "∗", 0x2D: "−", 0x40: "≅",
    0x5C: "∴", 0x5E: "⊥", 0x60: "‾", 0x7E: "∼",
    **{0x41 + i: c for i, c in enumerate(_GREEK_UPPER)},
    **{0x61 + i: c for i, c in enumerate(_GREEK_LOWER)},
    0xA1: "ϒ", 0xA2: "′", 0xA3: "≤", 0xA4: "⁄", 0xA5: "∞", 0xA6: "ƒ", 0xA7: "♣",
    0xA8: "♦", 0xA9: "♥", 0xAA: "♠", 0xAB: "↔", 0xAC: "←", 0xAD: "↑", 0xAE: "→",
    0xAF: "↓", 0xB0: "°", 0xB1: "±", 0xB2: "″", 0xB3: "≥", 0xB4: "×", 0xB5: "∝",
    0xB6: "∂", 0xB7: "•", 0xB8: "÷", 0xB9: "≠", 0xBA: "≡", 0xBB: "≈", 0xBC: "…",
    0xBD: "⏐", 0xBE: "⎯", 0xBF: "↵", 0xC0: "ℵ", 0xC1: "ℑ", 0xC2: "ℜ", 0xC3: "℘",
    0xC4: "⊗", 0xC5: "⊕", 0xC6: "∅", 0xC7: "∩", 0xC8: "∪", 0xC9: "⊃", 0xCA: "⊇",
    0xCB: "⊄", 0xCC: "⊂", 0xCD: "⊆", 0xCE: "∈", 0xCF: "∉", 0xD0: "∠", 0xD1: "∇",
    0xD2: "®", 0xD3: "©", 0xD4: "™", 0xD5: "∏", 0xD6: "√", 0xD7: "⋅", 0xD8: "¬",
    0xD9: "∧", 0xDA: "∨", 0xDB: "⇔", 0xDC: "⇐", 0xDD: "⇑", 0xDE: "⇒", 0xDF: "⇓",
    0xE0: "◊", 0xE1: "〈", 0xE2: "®", 0xE3: "©", 0xE4: "™", 0xE5: "∑", 0xE6: "⎛",
    0xE7: "⎜", 0xE8: "⎝", 0xE9: "⎡", 0xEA: "⎢", 0xEB: "⎣", 0xEC: "⎧", 0xED: "⎨",
    0xEE: "⎩", 0xEF: "⎪", 0xF1: "〉", 0xF2: "∫", 0xF3: "⌠", 0xF4: "⎮", 0xF5: "⌡",
    0xF6: "⎞", 0xF7: "⎟", 0xF8: "⎠", 0xF9: "⎤", 0xFA: "⎥", 0xFB: "⎦", 0xFC: "⎫",
    0xFD: "⎬", 0xFE: "⎭",
}
#: The byte as Latin-1 (what a decoded page holds) and Word's private-use U+F0xx alike;
#: the ASCII characters the font leaves alone map to themselves at U+F0xx.
SYMBOL_TABLE: dict[int, str] = {
    **{0xF000 + code: chr(code) for code in range(0x21, 0x7F)},
    **_SYMBOL_CODES,
    **{0xF000 + code: char for code, char in _SYMBOL_CODES.items()},
}

_CANDIDATES = etree.XPath(
    "//*[contains(@face,'ymbol') or contains(@face,'YMBOL') or contains(@style,'ymbol')"
    " or contains(@style,'YMBOL')]")
_STYLE_FONT_RE = re.compile(r"(?:^|[;{\s])font(?:-family)?\s*:\s*([^;]*)", re.I)
_SIZE_RE = re.compile(r"^(?:[\w.%/-]+\s+)*?[\d.]+(?:pt|px|em|%|in|cm|mm)?\s+", re.I)


def _first_family(families: str) -> str:
    return families.split(",", maxsplit=1)[0].strip().strip("'\"").lower()


def _font_of(el: etree._Element) -> str | None:
    """The first font family an element sets (``face`` or ``style``), lower case; None when
    it sets none."""
    face = el.get("face")
    if face:
        return _first_family(face)
    style = el.get("style")
    if not style:
        return None
    m = _STYLE_FONT_RE.search(style)
    if m is None:
        return None
    return _first_family(_SIZE_RE.sub("", m.group(1).strip()))  # "font: 7pt 'Times'"


def _map_text(el: etree._Element, mapped: set[etree._Element]) -> None:
    """Map an element's text, and its descendants' unless they set another font."""
    mapped.add(el)
    if el.text:
        el.text = el.text.translate(SYMBOL_TABLE)
    for child in el:
        if isinstance(child.tag, str) and _font_of(child) in (None, "symbol"):
            _map_text(child, mapped)
        if child.tail:
            child.tail = child.tail.translate(SYMBOL_TABLE)


#: Word sets its list bullets in the Symbol font (``<span style='font-family:Symbol'><span
#: style='mso-list:Ignore'>·``): read either way they are bullets, so a page whose only
#: Symbol text is those needs no pass over its tree.
_LIST_MARKER_AFTER = 80


def mentions_symbol_font(text: str) -> bool:
    """Does the page's source set some text in the Symbol font other than Word's list
    bullets? (A text scan, so that the tree is searched only where it can matter.)"""
    for needle in ("ymbol", "YMBOL"):
        at = text.find(needle)
        while at >= 0:
            if "mso-list:Ignore" not in text[at:at + _LIST_MARKER_AFTER]:
                return True
            at = text.find(needle, at + 5)
    return False


def read_symbol_font(root: etree._Element) -> None:
    """Map the text of every element set in the Symbol font (see the module), each once."""
    mapped: set[etree._Element] = set()
    for el in _CANDIDATES(root):
        if el not in mapped and _font_of(el) == "symbol":
            _map_text(el, mapped)
