"""The assembled document: numbered sections and parts whose content is the document tree
(models/tree.py). Plain frozen data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from clausegen.models.tree import Block, Heading, Paragraph, Signatory, SignatureBlock, Table, text_inlines

__all__ = ["Document", "Part", "Section", "Table"]


@dataclass(frozen=True)
class Part:
    """A numbered sub-section: a clause, or a generated block such as one area's requirements."""

    number: str  # "3.2"
    title: str
    blocks: tuple[Block, ...] = ()  # the clause text as a tree
    table: Table | None = None
    note: str = ""  # plain text shown before the table
    clause_id: str = ""
    clause_version: str = ""
    anchor: str = ""  # link target of its heading
    heading: bool = True  # False: the only clause of its section, which carries the number and title

    def content(self) -> tuple[Block, ...]:
        """Its blocks in reading order: the text, the note, the table."""
        note = (Paragraph(text_inlines(self.note)),) if self.note else ()
        return self.blocks + note + ((self.table,) if self.table is not None else ())


@dataclass(frozen=True)
class Section:
    number: str  # "3"
    title: str
    parts: tuple[Part, ...]
    anchor: str = ""
    section_id: str = ""  # the section's id in library.yaml, for references

    @property
    def heading_anchor(self) -> str:
        """A section of one headless clause is that clause's heading: its link target is the clause's."""
        return next((p.anchor for p in self.parts if not p.heading), "") or self.anchor


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
    date_shown: str = ""  # `date` as a reader writes it, "15 May 2027" (formatted by assembly)
    language: str = "en"
    # Who signs, after the last section (not numbered): (party, name), e.g. ("For the Client", "Ærø
    # Kommune"); a name left "" is a line to fill in (a supplier not yet chosen).
    signatures: tuple[tuple[str, str], ...] = ()

    @property
    def control(self) -> str:
        """"revision N · 15 May 2027", or "revision N" when no date was given."""
        if not self.status:
            return ""
        return f"revision {self.revision}" + (f" · {self.date_shown or self.date}" if self.date else "")

    @property
    def reference(self) -> str:
        """What the document was made from, for traceability: "nda · clausegen-default 1.1.0"."""
        return f"{self.document_id} · {self.library_name} {self.library_version}"

    @property
    def footer(self) -> str:
        """The page footer, as a contract's: "Final · revision 2 · 15 May 2027". The library
        version is in the file properties and the Markdown head, not on every page. A report
        (no status) shows its reference."""
        return f"{self.status.capitalize()} · {self.control}" if self.status else self.reference

    @property
    def head(self) -> str:
        """The Markdown head's "Document:" line: reference and control."""
        return " · ".join(part for part in (self.reference, self.control) if part)

    def pages(self) -> Iterator[tuple[bool, tuple[Block, ...]]]:
        """The blocks of `blocks()` in runs, each (landscape, blocks). A part whose table is landscape
        is turned whole (heading, text, note and table), consecutive such parts share one run, and a
        section's heading goes with its first part, so that no heading is left alone on a page."""
        run: list[Block] = []
        turned = False
        for section in self.sections:
            for index, part in enumerate(section.parts):
                wide = any(isinstance(block, Table) and block.landscape for block in part.content())
                if wide != turned and run:
                    yield turned, tuple(run)
                    run = []
                turned = wide
                if index == 0:
                    run.append(Heading(1, section.number, section.title, section.heading_anchor))
                if part.heading:
                    run.append(Heading(2, part.number, part.title, part.anchor))
                run.extend(part.content())
        if self.signatures:  # after the last section, not numbered, never on a turned page
            if turned and run:
                yield turned, tuple(run)
                run, turned = [], False
            run.append(SignatureBlock(tuple(Signatory(party, name) for party, name in self.signatures)))
        if run:
            yield turned, tuple(run)

    def blocks(self) -> Iterator[Block]:
        """The body as one stream of blocks, headings with their numbers included: what every
        writer walks."""
        for section in self.sections:
            yield Heading(1, section.number, section.title, section.heading_anchor)
            for part in section.parts:
                if part.heading:
                    yield Heading(2, part.number, part.title, part.anchor)
                yield from part.content()
        if self.signatures:  # after the last section, not numbered
            yield SignatureBlock(tuple(Signatory(party, name) for party, name in self.signatures))
