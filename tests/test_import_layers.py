"""Imports follow the data flow: crawl -> parse -> assemble -> export -> diff.

Every import statement of the three packages is read with ``ast`` (function-level imports
included, relative imports resolved), and checked against the layering in the README:
``parsers`` imports nothing of ours, ``exports`` imports only ``parsers``, ``crawler``
composes both; Scrapy/Twisted only under ``crawler``, pyarrow only under ``exports``; no
import cycle between modules.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("parsers", "exports", "crawler")
FIRST_PARTY = (*PACKAGES, "tests", "bench")

#: Which of our top-level packages each package may import (itself always).
ALLOWED: Mapping[str, frozenset[str]] = {
    "parsers": frozenset(),
    "exports": frozenset({"parsers"}),
    "crawler": frozenset({"parsers", "exports"}),
}
#: Module -> our modules outside ``ALLOWED`` it may import, with the reason.
EXCEPTIONS: Mapping[str, frozenset[str]] = {
    # `make demo` serves the fixture site from a source checkout; the wheel ships neither.
    "crawler.demo": frozenset({"tests.fixtures.legacy_server"}),
}
#: Third-party distributions confined to one package.
CONFINED = {"scrapy": "crawler", "twisted": "crawler", "pyarrow": "exports"}

#: Cycles known and owned elsewhere (strict xfail below: fixing one fails the xfail,
#: so the entry is removed in the same change).
KNOWN_CYCLES: tuple[frozenset[str], ...] = ()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_sources() -> dict[str, str]:
    """Module name -> source of every module of the three packages."""
    return {
        module_name(p): p.read_text(encoding="utf-8")
        for pkg in PACKAGES
        for p in sorted((ROOT / pkg).rglob("*.py"))
    }


def imported_names(module: str, source: str, is_package: bool = False) -> set[str]:
    """Dotted names ``module`` imports, anywhere in the file, relative ones made absolute.

    ``from a import b`` yields ``a.b`` (b may be a submodule) and ``a``.
    """
    names: set[str] = set()
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = here[: len(here) - node.level + 1]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {_unprefixed(n) for n in names}


def _unprefixed(name: str) -> str:
    """``casearchive.parsers.x`` -> ``parsers.x``: the same rules once the packages are
    installed under one ``casearchive`` import name."""
    head, _, rest = name.partition(".")
    return rest if head == "casearchive" and rest else name


def is_package(module: str) -> bool:
    return (ROOT.joinpath(*module.split(".")) / "__init__.py").is_file()


def import_graph(sources: Mapping[str, str]) -> dict[str, set[str]]:
    """Module -> the modules of ``sources`` it imports (a package means its ``__init__``)."""
    return {
        module: {n for n in imported_names(module, source, is_package(module)) if n in sources}
        - {module}
        for module, source in sources.items()
    }


def layer_violations(sources: Mapping[str, str]) -> list[str]:
    """One line per import against the layering."""
    problems = []
    for module, source in sorted(sources.items()):
        layer = module.split(".")[0]
        for name in sorted(imported_names(module, source, is_package(module))):
            top = name.split(".")[0]
            if top in CONFINED and layer != CONFINED[top]:
                problems.append(f"{module} imports {name} (only {CONFINED[top]}/ may)")
            if top not in FIRST_PARTY or top == layer or top in ALLOWED[layer]:
                continue
            if any(name == ok or name.startswith(f"{ok}.") or ok.startswith(f"{name}.")
                   for ok in EXCEPTIONS.get(module, ())):
                continue
            problems.append(f"{module} imports {name}")
    return problems


def cycles(graph: Mapping[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


# --- the checker can fail -------------------------------------------------------------------


def test_the_checker_sees_hidden_relative_and_confined_imports() -> None:
    sources = {
        "parsers.a": "def f():\n    from crawler.run import run_crawl\n",
        "exports.b": "from .c import X\nimport scrapy\n",
        "exports.c": "from exports.b import Y\n",
        "crawler.d": "from parsers.a import f\nfrom exports import c\nimport pyarrow.compute\n",
        "parsers.e": "from casearchive.exports.c import Z\n",
    }
    assert layer_violations(sources) == [
        "crawler.d imports pyarrow.compute (only exports/ may)",
        "exports.b imports scrapy (only crawler/ may)",
        "parsers.a imports crawler.run",
        "parsers.a imports crawler.run.run_crawl",
        "parsers.e imports exports.c",
        "parsers.e imports exports.c.Z",
    ]
    assert cycles(import_graph(sources)) == [frozenset({"exports.b", "exports.c"})]


# --- the real packages ------------------------------------------------------------------------


def test_imports_follow_the_data_flow() -> None:
    assert layer_violations(package_sources()) == []


def test_no_import_cycles_outside_the_known_ones() -> None:
    found = [c for c in cycles(import_graph(package_sources())) if c not in KNOWN_CYCLES]
    assert found == []


def test_no_known_cycle_remains() -> None:
    assert cycles(import_graph(package_sources())) == []
