"""The template families and their split. Never change an evaluate-only family to make the
parser pass it (docs/eval.md)."""

from __future__ import annotations

import random
from collections.abc import Callable

from .aspnet import build_aspnet
from .blogger import build_blogger
from .cms import build_drupal, build_wordpress
from .common import Site
from .domino import build_domino
from .frames import build_frames
from .gsites import build_googlesites
from .joomla import build_joomla
from .legacy import (
    build_cmsdiv,
    build_dreamweaver,
    build_frontpage,
    build_inline,
    build_printfriendly,
    build_table90,
    build_word,
    build_xhtml,
)
from .mediawiki import build_mediawiki
from .portal import build_portal
from .static import build_static

#: family name -> (split, builder). Splits: "develop" and "evaluate" (evaluate-only).
FAMILIES: dict[str, tuple[str, Callable[[random.Random, int], Site]]] = {
    "table90": ("develop", build_table90),
    "frontpage": ("develop", build_frontpage),
    "dreamweaver": ("evaluate", build_dreamweaver),
    "xhtml": ("develop", build_xhtml),
    "inline": ("evaluate", build_inline),
    "word": ("evaluate", build_word),
    "cmsdiv": ("develop", build_cmsdiv),
    "printfriendly": ("evaluate", build_printfriendly),
    "drupal": ("develop", build_drupal),
    "wordpress": ("evaluate", build_wordpress),
    "portal": ("develop", build_portal),
    "aspnet": ("evaluate", build_aspnet),
    "static": ("evaluate", build_static),
    "mediawiki": ("evaluate", build_mediawiki),
    "frames": ("evaluate", build_frames),
    "domino": ("evaluate", build_domino),
    "joomla": ("evaluate", build_joomla),
    "blogger": ("evaluate", build_blogger),
    "googlesites": ("evaluate", build_googlesites),
}


def build_site(family: str, seed: int, cases: int) -> Site:
    """The site of ``family`` for ``seed`` with ``cases`` cases (deterministic)."""
    split, builder = FAMILIES[family]
    site = builder(random.Random(f"{family}:{seed}"), cases)
    if site.split != split:
        raise AssertionError(f"{family}: builder says {site.split}, registry says {split}")
    return site
