"""The register of source items that clauses and requirements cite."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from clausegen.models.base import Line, Model, Text

ItemId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*:[A-Za-z0-9().]+(/[a-z0-9-]+)?$")]


class SourceItem(Model):
    id: ItemId
    section: Line
    summary: Text


class Framework(Model):
    framework: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*$")]
    title: Line
    law: bool = False  # the register item is a rule of law (GDPR, NIS2, DORA), not guidance
    items: list[SourceItem] = Field(min_length=1)
    file: str = ""
