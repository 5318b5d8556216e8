"""Where an input value was written, as the stages after loading need it: a file and a line.

The loader's Located (loading/strict_yaml.py) also carries the file's data; selection, assembly,
the contract checks, validation and lint only ever ask it for lines, so they take a Locator and
never see the raw data or depend on the loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

YamlPath = tuple[str | int, ...]  # ("parameters", "exit_period_months"), ("sub_suppliers", 0)


@dataclass(frozen=True)
class Source:
    """A place in an input: the file as the user named it, and a line (None when it is not known)."""

    file: str
    line: int | None = None


class Locator(Protocol):
    """One input file and the line each path in it was written on."""

    @property
    def file(self) -> str: ...

    def line(self, path: YamlPath) -> int | None: ...

    def at(self, path: YamlPath) -> Source: ...
