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
    # Document control from the profile's `document:` key; date "" = none given (never the clock).
    # Reports (coverage, diff) are not controlled documents: status "" shows no status or revision.
    status: str = ""  # draft | final | ""
    revision: int = 1
    date: str = ""
    language: str = "en"
    # Who signs, after the last section (not numbered): (party, name), e.g. ("For the Client", "Ærø
    # Kommune"); a name left "" is a line to fill in (a supplier not yet chosen).
    signatures: tuple[tuple[str, str], ...] = ()

    @property
    def control(self) -> str:
        """"revision N · YYYY-MM-DD", or "revision N" when no date was given."""
        if not self.status:
            return ""
        return f"revision {self.revision}" + (f" · {self.date}" if self.date else "")

    @property
    def footer(self) -> str:
        return " · ".join(part for part in (self.document_id, self.library_version, self.control) if part)
