"""The README documents what users rely on: every heading alias and every CLI option."""

from __future__ import annotations

from pathlib import Path

import click

from casearchive.crawler.cli import cli
from casearchive.parsers import labels

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_heading_alias() -> None:
    missing = [
        name
        for names in labels._ALIAS_TABLE.values()
        for name in names
        if f'"{name}"' not in README
    ]
    missing += [f'"{n}"' for n in labels.CONDITIONAL_ALIASES if f'"{n}"' not in README]
    assert not missing, f"README's alias table is missing {missing}"


def test_readme_documents_every_command_and_option() -> None:
    missing = []
    for name, command in cli.commands.items():
        if f"casearchive {name}" not in README:
            missing.append(f"casearchive {name}")
        for param in command.params:
            if isinstance(param, click.Option):
                missing.extend(
                    f"{name} {flag}" for flag in param.opts + param.secondary_opts
                    if flag.startswith("--") and flag not in ("--help",) and flag not in README
                )
    assert not missing, f"README does not mention {missing}"
