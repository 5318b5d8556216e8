"""The project's inputs: library, catalogue and source register, loaded and then validated.

What every command that reads the library needs, and nothing of building or exporting, so
`validate`, `explain` and `lint` import neither docxtpl nor the exporters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clausegen import loading
from clausegen.errors import Diagnostic, InputError
from clausegen.loading import cache
from clausegen.loading.strict_yaml import Located
from clausegen.models.catalogue import Catalogue
from clausegen.models.framework import Framework
from clausegen.models.library import Library
from clausegen.models.project import Project
from clausegen.validation import validate


@dataclass(frozen=True)
class Inputs:
    library: Path = Path("clauses")
    catalogue: Path = Path("catalogues")
    frameworks: Path = Path("frameworks")


@dataclass(frozen=True)
class Sources:
    """Library, catalogue and register as loaded, before the cross-file checks of `validate`."""

    library: Library
    catalogue: Catalogue
    frameworks: list[Framework]
    located: dict[str, Located]  # file -> front matter / YAML with line numbers


def load_sources(inputs: Inputs) -> Sources:
    """Load library, catalogue and source register; every file problem at once."""
    with cache.session():
        library, problems, located = loading.load_library(inputs.library)
    catalogue, cat_problems, cat_located = loading.load_catalogue(inputs.catalogue)
    frameworks, fw_problems = loading.load_frameworks(inputs.frameworks)
    problems += cat_problems + fw_problems
    if library is None or catalogue is None or problems:
        raise InputError(problems or [Diagnostic(str(inputs.library), None, "", "library could not be loaded")])
    return Sources(library, catalogue, frameworks, {**located, **cat_located})


def load_project(inputs: Inputs) -> Project:
    """Load and validate library, catalogue and source register; every problem at once."""
    with cache.session():
        sources = load_sources(inputs)
        project, problems = validate(sources.library, sources.catalogue, sources.frameworks, sources.located)
    if problems or project is None:
        raise InputError(problems)
    return project
