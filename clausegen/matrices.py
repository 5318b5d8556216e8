"""Assemble stage for the documents that are tables at heart: the tender compliance matrix, the
DPA checklist and the security appendix's requirement list, as rows for the xlsx format.

A requirement row's hash covers every requirement column, so an answered matrix can be matched to
the build it came from and a requirement text edited by a tenderer is caught.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from clausegen.assembly import BINDS, context, marking, type_label
from clausegen.errors import Diagnostic
from clausegen.models.document import Document
from clausegen.models.location import Locator
from clausegen.models.project import Project
from clausegen.rendering.markdown import render_template
from clausegen.selection import RequirementPick, Selection

MATRIX_FORMAT = "clausegen-matrix 1"
ANSWERS = ("yes", "partly", "no")
DPA_STATUS = ("met", "not met", "not applicable")
XLSX_DOCUMENTS = ("tender-requirements", "dpa-checklist", "security-appendix")


@dataclass(frozen=True)
class Column:
    title: str
    width: int  # characters
    answer: bool = False  # unlocked, for the tenderer (or the reviewer) to fill in
    choices: tuple[str, ...] = ()  # a drop-down list


@dataclass(frozen=True)
class Matrix:
    document_id: str
    title: str
    subtitle: str
    marking: str
    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]  # one per item; answer columns empty
    hashes: tuple[str, ...]  # per row: sha256 of its fixed columns
    metadata: tuple[tuple[str, str], ...]  # profile, library, catalogue... for the hidden sheet
    instructions: tuple[str, ...] = ()
    ask_tenderer: bool = False  # an Instructions sheet with a cell for the tenderer's name


@dataclass(frozen=True)
class RequirementRow:
    id: str
    area: str
    text: str
    verification: str
    marked_as: str  # minimum | award
    type: str  # as shown: "Minimum requirement", "Award criterion"

    @property
    def fixed(self) -> tuple[str, str, str, str, str]:
        return (self.id, self.area, self.text, self.verification, self.type)


REQUIREMENT_COLUMNS = (Column("ID", 12), Column("Area", 18), Column("Requirement", 60), Column("Verification", 40),
                       Column("Type", 14))
ANSWER_COLUMNS = (Column("Complies", 11, True, ANSWERS), Column("Description", 50, True),
                  Column("Evidence or reference", 30, True))


def row_hash(cells: tuple[str, ...]) -> str:
    """sha256 over the fixed cells, joined by a separator no cell can hold."""
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()


def requirement_rows(selection: Selection, project: Project,
                     document_id: str = "tender-requirements") -> tuple[RequirementRow, ...]:
    """Every requirement of the document in document order (by area, then id), text rendered. In the
    contract appendix the last column says how each binds; tender-only requirements are not there."""
    ctx = context(selection)
    areas = {a.id: (i, a.title) for i, a in enumerate(project.catalogue.meta.areas)}
    picks = sorted((p for p in selection.requirements if p.in_document(document_id)),
                   key=lambda p: (areas[p.requirement.area][0], p.requirement.id))
    weights = selection.profile.procurement.award_weights
    tender = document_id == "tender-requirements"
    return tuple(_row(pick, areas[pick.requirement.area][1], ctx,
                      type_label(pick, weights) if tender else BINDS[pick.marked_as]) for pick in picks)


def _row(pick: RequirementPick, area: str, ctx: dict[str, Any], label: str) -> RequirementRow:
    req = pick.requirement
    text = render_template("text", req.text, ctx, req.file, req.line, f"{req.id}.text")
    verification = render_template("text", req.verification, ctx, req.file, req.line, f"{req.id}.verification")
    return RequirementRow(req.id, area, text, verification, pick.marked_as, label)


def weight_problems(selection: Selection, located: Locator) -> list[Diagnostic]:
    """procurement.award_weights may only weight award criteria this profile selects."""
    picks = {p.requirement.id: p for p in selection.requirements}
    problems = []
    for req_id in selection.profile.procurement.award_weights:
        field = f"procurement.award_weights.{req_id}"
        where = located.at(("procurement", "award_weights", req_id))
        if req_id not in picks:
            problems.append(Diagnostic.at(where, field, f"{req_id} is not a requirement of this profile",
                                          "weight the award criteria `clausegen explain` lists for it"))
        elif picks[req_id].legal_duty:
            problems.append(Diagnostic.at(where, field, f"{req_id} implements a duty of law "
                                          f"({', '.join(picks[req_id].legal_duty)}), so it is a minimum requirement "
                                          "whatever procurement.requirements_as says; only award criteria are weighted",
                                          "remove the weight"))
        elif picks[req_id].restated_in:
            problems.append(Diagnostic.at(where, field, f"{req_id} states an obligation that "
                                          f"{', '.join(picks[req_id].restated_in)} imposes anyway, so it is a minimum "
                                          "requirement; only award criteria are weighted", "remove the weight"))
        elif picks[req_id].marked_as != "award":
            problems.append(Diagnostic.at(where, field, f"{req_id} is a minimum requirement here; only "
                                          "award criteria are weighted", "remove the weight, or mark it as an award "
                                          "criterion (procurement.requirements_as)"))
    return problems


def metadata(selection: Selection, project: Project, document_id: str) -> tuple[tuple[str, str], ...]:
    cat = project.catalogue.meta
    return (("format", MATRIX_FORMAT), ("document", document_id), ("profile", selection.profile.id),
            ("library", f"{project.library.meta.name} {project.library.meta.version}"),
            ("catalogue", f"{cat.name} {cat.version} {selection.facts.level.id}"))


def matrix(document_id: str, selection: Selection, project: Project, title: str, subtitle: str,
           assembled: Document | None = None) -> Matrix | None:
    """The xlsx rows of one document, or None for a document that is not a table at heart."""
    shown = marking(document_id, selection, project)
    meta = metadata(selection, project, document_id)
    if document_id == "dpa-checklist":
        if assembled is None:
            raise ValueError("the DPA checklist's matrix is read from the assembled document")
        note, table = next((p.note, p.table) for s in assembled.sections for p in s.parts
                           if p.table is not None and "Addressed in" in p.table.columns)
        rows = tuple(tuple(row[:4]) for row in table.rows)
        columns = tuple(Column(c, w) for c, w in zip(table.columns[:4], (10, 16, 60, 30), strict=False))
        columns += (Column("Status", 16, True, DPA_STATUS), Column("Notes", 40, True))
        return Matrix(document_id, title, subtitle, shown, "Checklist", columns,
                      tuple(r + ("", "") for r in rows), tuple(row_hash(r) for r in rows), meta, (note,))
    if document_id not in ("tender-requirements", "security-appendix"):
        return None
    reqs = requirement_rows(selection, project, document_id)
    hashes = tuple(row_hash(r.fixed) for r in reqs)
    if document_id == "security-appendix":
        columns = REQUIREMENT_COLUMNS[:-1] + (Column("Binds", 14),)
        return Matrix(document_id, title, subtitle, shown, "Requirements", columns,
                      tuple(r.fixed for r in reqs), hashes, meta)
    instructions = (
        "Answer every requirement on the sheet Requirements, in the three columns on the right:",
        "Complies: yes, partly or no (choose from the list).",
        "Description: how your solution meets the requirement; for \"partly\", the extent you offer.",
        "Evidence or reference: a certificate, report or section of your tender that shows it.",
        "A minimum requirement not answered \"yes\" means the tender is rejected.",
        "What you offer becomes binding in the contract. Do not change the requirement columns, add or "
        "delete rows, or rename the sheets: the matrix is checked against the tender it came from.",
    )
    return Matrix(document_id, title, subtitle, shown, "Requirements", REQUIREMENT_COLUMNS + ANSWER_COLUMNS,
                  tuple(r.fixed + ("", "", "") for r in reqs), hashes, meta, instructions, ask_tenderer=True)
