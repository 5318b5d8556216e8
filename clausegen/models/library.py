"""The clause library: clauses, parameters, documents, sections and risk tiers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from packaging.version import Version
from pydantic import AfterValidator, BeforeValidator, Field

from clausegen.models.base import Line, Model, Text
from clausegen.models.lint import EventId, LintSettings


def _not_null(value: Any) -> Any:
    if value is None:
        raise ValueError("is null")
    return value


# The event whose period a parameter sets (see `events:` in library.yaml); optional.
Event = Annotated[EventId | None, BeforeValidator(_not_null)]


def _semver(value: str) -> str:
    import re

    if not re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", value):
        raise ValueError(f"{value!r} is not a version MAJOR.MINOR.PATCH; quote it, e.g. \"1.0.0\"")
    return value


SemVer = Annotated[str, AfterValidator(_semver)]
ClauseId = Annotated[str, Field(pattern=r"^[a-z0-9]+(\.[a-z0-9]+(-[a-z0-9]+)*)+$", max_length=100)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
ParamName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]


class IntegerParameter(Model):
    type: Literal["integer"]
    default: int
    min: int | None = None
    max: int | None = None
    stricter: Literal["lower", "higher"] | None = None
    event: Event = None
    description: Text


class StringParameter(Model):
    type: Literal["string"]
    default: Line
    max_length: int = 200
    event: Event = None
    description: Text


class BooleanParameter(Model):
    type: Literal["boolean"]
    default: bool
    stricter: bool | None = None
    event: Event = None
    description: Text


class ChoiceParameter(Model):
    type: Literal["choice"]
    choices: list[Line] = Field(min_length=2)
    default: Line
    stricter: Literal["later"] | None = None
    event: Event = None
    description: Text


Parameter = Annotated[
    IntegerParameter | StringParameter | BooleanParameter | ChoiceParameter, Field(discriminator="type")
]


class ChangelogEntry(Model):
    version: SemVer
    date: str | None = None
    changes: list[Text] = Field(min_length=1)


class Clause(Model):
    id: ClauseId
    version: SemVer
    title: Line
    status: Literal["active", "deprecated"]
    documents: dict[str, Slug] = Field(min_length=1)
    order: int = 100
    condition: Any = "always"
    parameters: dict[ParamName, Parameter] = Field(default_factory=dict)
    sources: list[str] = Field(min_length=1)
    changelog: list[ChangelogEntry] = Field(min_length=1)
    lint: LintSettings | None = None  # `clausegen lint` suppressions; not part of the contract text
    # Set by the loader, not written in front matter.
    body: str = ""
    file: str = ""
    body_line: int = 1

    @property
    def key(self) -> tuple[str, Version]:
        return self.id, Version(self.version)


# Fields that say where a clause was read from, or carry lint notes: not what it says.
CLAUSE_NOT_CONTENT = frozenset({"file", "body_line", "lint"})


class Section(Model):
    id: Slug
    title: Line
    generated: Literal["requirements", "dpa", "sub-suppliers", "timeline"] | None = None


class DocumentSpec(Model):
    title: Line
    # The defined term other documents use for this one ("Appendix"): a reference from a document
    # that defines the term prints it, "clause 9 of the Appendix"; otherwise the title is used.
    term: Line | None = None
    when: Any = "always"
    sections: list[Section] = Field(min_length=1)
    # Who signs the document: a signature block for each, after the last section, not numbered.
    signatures: list[Literal["client", "supplier"]] = Field(default_factory=list)


class RiskTier(Model):
    id: Slug
    title: Line
    meaning: Text
    when: Any
    parameters: dict[ParamName, Any] = Field(default_factory=dict)


class EventSpec(Model):
    title: Line  # what happens, e.g. "Notice to the Client of a personal-data breach"


class LibraryFile(Model):
    """library.yaml."""

    name: Slug
    version: SemVer
    changelog: list[ChangelogEntry] = Field(min_length=1)
    risk_tiers: list[RiskTier] = Field(min_length=1)
    documents: dict[str, DocumentSpec]
    events: dict[EventId, EventSpec] = Field(default_factory=dict)  # events that have one period each


class Library(Model):
    """library.yaml plus every clause version found beside it."""

    meta: LibraryFile
    clauses: tuple[Clause, ...]
    root: str

    def versions(self, clause_id: str) -> list[Clause]:
        return sorted((c for c in self.clauses if c.id == clause_id), key=lambda c: Version(c.version))
