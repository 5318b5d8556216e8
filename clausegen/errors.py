"""The error tree. Exceptions store data and never print; cli.py formats them."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from clausegen.models.location import Source


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, located: `file:line: field: message` plus an optional hint."""

    file: str
    line: int | None
    field: str  # the dotted field; for a lint finding, the clause or requirement it is about
    message: str
    hint: str = ""
    rule: str = ""  # a lint rule id (R-VAGUE ...); empty for validation problems, which are all errors
    severity: str = "error"
    subject: str = ""  # the word or parameter a lint finding names; a suppression may match it

    @classmethod
    def at(cls, source: Source, field: str, message: str, hint: str = "") -> Diagnostic:
        """A problem at a place in an input (`located.at(path)`)."""
        return cls(source.file, source.line, field, message, hint)

    def format(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.rule:
            text = f"{where}: {self.severity} {self.rule}: " + (f"{self.field}: " if self.field else "") + self.message
            return f"{text}\n    fix: {self.hint}" if self.hint else text
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


def unexpected(file: str, error: BaseException) -> Diagnostic:
    """An exception clausegen did not foresee, as the failure of the profile it was building: named
    with the place in clausegen's code, never printed as a traceback."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    return Diagnostic(file, None, "", f"unexpected error while building it: {type(error).__name__}: {error}{where}",
                      "this is a bug in clausegen; please report it with this profile")


def display_path(path: Path | str) -> str:
    """Paths relative to the working directory where possible, for short messages."""
    p = Path(path)
    if not p.is_absolute() and ".." not in p.parts:
        return str(p)  # already relative to the working directory; resolving each of 5,000 files is slow
    if p.name not in ("", ".", "..") and not os.path.islink(p):  # its folder resolves once for all its files
        cwd = os.getcwd()
        folder = _relative_folder(str(p.parent), cwd)
        if folder is not None:
            return folder + p.name
        if p.name != os.path.basename(cwd):  # outside the working directory (and not the directory itself)
            return str(p)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


@functools.lru_cache(maxsize=1024)
def _relative_folder(folder: str, cwd: str) -> str | None:
    """`folder` resolved and made relative to `cwd` ("" for cwd itself, else ending in "/"); None outside it."""
    try:
        relative = Path(cwd, folder).resolve().relative_to(Path(cwd).resolve())
    except ValueError:
        return None
    return "" if str(relative) == "." else f"{relative}/"


class ClausegenError(Exception):
    """Base of every error clausegen raises on purpose."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line or 0, d.field, d.message))
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class InputError(ClausegenError):
    """An input file (library, catalogue, profile, template) is invalid. Exit 1."""


class RenderError(ClausegenError):
    """A template failed while rendering: a missing value, a sandbox violation, a limit. Exit 1."""


class UsageError(ClausegenError):
    """The command line is wrong. Exit 2."""

    exit_code = 2


class ExportError(ClausegenError):
    """Pandoc, Typst or the file system failed while exporting. Exit 3."""

    exit_code = 3


class Collector:
    """Gathers diagnostics across files so one run reports every problem."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def add(self, file: str, line: int | None, field: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(file, line, field, message, hint))

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    def raise_if_any(self, error: type[ClausegenError] = InputError) -> None:
        if self.diagnostics:
            raise error(list(dict.fromkeys(self.diagnostics)))
