"""Requirement catalogues: one file per classification level; higher levels contain lower ones."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from clausegen.models.base import Line, Model, Text
from clausegen.models.library import ChangelogEntry, Parameter, ParamName, SemVer, Slug
from clausegen.models.lint import LintSettings

RequirementId = Annotated[str, Field(pattern=r"^SR-[A-Z]{2,5}-[0-9]{2,3}$")]


class LevelSpec(Model):
    id: Slug
    title: Line
    marking: Line
    meaning: Text


class Area(Model):
    id: Slug
    title: Line


class CatalogueFile(Model):
    """catalogue.yaml."""

    name: Slug
    version: SemVer
    changelog: list[ChangelogEntry] = Field(min_length=1)
    levels: list[LevelSpec] = Field(min_length=1)
    areas: list[Area] = Field(min_length=1)


class Requirement(Model):
    id: RequirementId
    area: Slug
    text: Text
    verification: Text
    control: Literal["preventive", "detective", "corrective"]
    default_as: Literal["minimum", "award"]
    # Where it belongs: `tender` (only the tender specification: how to bid, price), `contract`
    # (only the contract appendix) or `both`.
    scope: Literal["tender", "contract", "both"] = "both"
    condition: Any = "always"
    # A condition under which the requirement implements a duty the law places on the Agreement (for
    # example the content GDPR Art. 28(3) prescribes): it is then a minimum requirement and binds in
    # full, whatever `procurement.requirements_as` says. None: never.
    mandatory: Any = None
    sources: list[str] = Field(min_length=1)
    parameters: dict[ParamName, Parameter] = Field(default_factory=dict)
    lint: LintSettings | None = None  # `clausegen lint` suppressions; not part of the contract text
    # Set by the loader.
    level: str = ""
    file: str = ""
    line: int = 1


# Fields that say where a requirement was read from, or carry lint notes: not what it says.
# `mandatory` decides how it binds, which the manifest records per build as `marked_as`.
REQUIREMENT_NOT_CONTENT = frozenset({"file", "line", "level", "lint", "mandatory"})


class LevelFile(Model):
    level: Slug
    parameters: dict[ParamName, Any] = Field(default_factory=dict)
    requirements: list[Requirement] = Field(default_factory=list)


class Catalogue(Model):
    meta: CatalogueFile
    levels: tuple[LevelFile, ...]  # in meta.levels order
    root: str

    def level_ids(self) -> list[str]:
        return [lvl.id for lvl in self.meta.levels]

    def requirements_up_to(self, level: str) -> list[Requirement]:
        order = self.level_ids()
        upto = order[: order.index(level) + 1]
        return [r for lvl in self.levels if lvl.level in upto for r in lvl.requirements]
