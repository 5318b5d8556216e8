"""The assembled document: numbered sections and parts with rendered text. Plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # plain text cells, shown verbatim
    widths: tuple[int, ...]  # relative column widths


@dataclass(frozen=True)
class Part:
    """A numbered sub-section: a clause, or a generated block such as one area's requirements."""

    number: str  # "3.2"
    title: str
    markdown: str = ""  # rendered clause Markdown (values already escaped)
    table: Table | None = None
    note: str = ""  # plain text shown before the table
    clause_id: str = ""
    clause_version: str = ""


@dataclass(frozen=True)
class Section:
    number: str  # "3"
    title: str
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Document:
    document_id: str
    title: str
    subtitle: str
    marking: str  # classification marking, e.g. CONFIDENTIAL
    client: str
    supplier: str | None  # None in the tender specification and when a tender profile names none
    profile_title: str
    library_name: str
    library_version: str
    sections: tuple[Section, ...]

    @property
    def footer(self) -> str:
        return f"{self.document_id} · {self.library_version}"
