"""Packaging: one import name, ``casearchive``, for the three top-level folders.

pyproject lists every package explicitly (setuptools does not search under a mapped
directory), so a subpackage added on disk and forgotten there would be missing from the
wheel while the editable install still finds it: the first test catches that.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "parsers", "exports")


def _packages_on_disk() -> set[str]:
    found = set()
    for folder in PACKAGES:
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT).parts
            found.add(".".join(("casearchive", *parts)))
    return found


def test_every_package_on_disk_is_listed_in_pyproject() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert set(setuptools["packages"]) == _packages_on_disk()
    assert setuptools["package-dir"] == {f"casearchive.{p}": p for p in PACKAGES}


def test_the_namespace_imports_from_the_checkout() -> None:
    for folder in PACKAGES:
        spec = importlib.util.find_spec(f"casearchive.{folder}")
        assert spec is not None and spec.origin is not None
        assert Path(spec.origin).resolve() == ROOT / folder / "__init__.py"


@pytest.mark.slow  # builds a wheel in an isolated environment (fetches setuptools)
def test_the_wheel_installs_one_top_level_name(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("casearchive-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"casearchive"}
    modules = {n.removesuffix(".py").replace("/", ".") for n in names if n.endswith(".py")}
    assert {"casearchive.parsers.page", "casearchive.crawler.spiders.cases",
            "casearchive.exports.schema"} <= modules
