"""`build --answers WINNER.xlsx`: what the winning tenderer offered becomes part of the contract.

The winner's matrix is checked like any answered matrix (it must match the tender this profile
builds), every minimum requirement must be answered "yes", and the security appendix gets a
schedule with the supplier's committed description and evidence for each requirement.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from clausegen.errors import Diagnostic, InputError
from clausegen.export.pdf import describe, first_missing
from clausegen.loading.answers import Answer, AnsweredMatrix, load_answers
from clausegen.matrices import Column, Matrix, RequirementRow, matrix
from clausegen.models.document import Document, Part, Section, Table
from clausegen.models.location import Locator
from clausegen.selection import Selection
from clausegen.validation import Project

APPENDIX = "security-appendix"
OFFERED = {"yes": "Yes, in full", "partly": "Partly: to the extent described", "no": "Not offered",
           "": "Not offered (no answer)"}
NOT_TENDERED = ("Not in the tender", "(none)", "(none)")  # a contract-only requirement: binds as written
COMMITMENT_COLUMNS = (Column("Offered", 16), Column("Supplier's description", 50), Column("Evidence or reference", 30))
BINDING = (
    "This schedule records the Supplier's answer to each requirement of the tender. The Supplier shall "
    "deliver each requirement as described here, and the description and the evidence named are part of "
    "the Agreement. An award criterion offered partly binds the Supplier to the extent described here. A "
    "requirement marked not offered is an award criterion the Supplier did not offer; it does not bind "
    "the Supplier. For every other requirement, where this schedule and {section} differ, the stricter obligation "
    "applies."
)


def load_winner(path: Path, selection: Selection, project: Project, located: Locator, pdf: bool) -> AnsweredMatrix:
    """The winner's answers; an error for any problem in the file, when the matrix is another
    tenderer's than the profile's supplier, and for every minimum requirement not answered yes
    (such a tender could not have been awarded)."""
    expected = matrix("tender-requirements", selection, project, "", "")
    assert expected is not None
    winner = load_answers(path, expected)
    minimum = {row[0] for row in expected.rows if row[4].startswith("Minimum")}
    other = _other_tenderer(winner, selection, located)
    problems = [other] if other else []
    problems += [Diagnostic(winner.file, None, cell, f"text outside the answer cells ({text[:60]!r}) would not "
                            "reach the contract", "settle it with the winner; its committed answers belong in "
                            "Description and Evidence") for cell, text in winner.stray]
    problems += [Diagnostic(winner.file, None, a.cell, f"{a.id} is a minimum requirement answered "
                            f"{a.complies or 'nothing'}; a tender that does not meet every minimum requirement "
                            "cannot be awarded", "evaluate the tenders (clausegen evaluate) and award a compliant one")
                 for a in winner.answers if a.id in minimum and a.complies != "yes"]
    if pdf:
        problems += _unprintable(winner)
    if problems:
        raise InputError(problems)
    return winner


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _other_tenderer(winner: AnsweredMatrix, selection: Selection, located: Locator) -> Diagnostic | None:
    """The contract binds the profile's supplier, so the answers must be that supplier's own:
    another tenderer's offer in a contract with the winner would bind it to what it never offered."""
    supplier = selection.profile.supplier
    if supplier is None:
        return Diagnostic.at(located.at(()), "supplier", "the contract with the winner needs the winner's name; "
                             f"{winner.file} is the answers of {winner.tenderer or 'an unnamed tenderer'}",
                             "enter the winning tenderer as supplier in the profile")
    if not winner.named:
        return Diagnostic(winner.file, None, "Instructions!B3", "the tenderer's name is empty, so it cannot be "
                          f"checked against the supplier {supplier.name!r} the contract is made with",
                          "ask the winner for its matrix with its name in cell B3")
    if not _same_name(winner.tenderer, supplier.name):
        where = located.at(("supplier", "name"))
        return Diagnostic(winner.file, None, "Instructions!B3", f"these are the answers of {winner.tenderer!r}, "
                          f"but the contract is made with {supplier.name!r} ({where.file}:{where.line}: supplier.name)",
                          "build with the winner's own matrix, or enter the winner as supplier in the profile")
    return None


def _unprintable(winner: AnsweredMatrix) -> list[Diagnostic]:
    """Characters the PDF fonts cannot show, as for profile values."""
    problems = []
    for a in winner.answers:
        for cell, text in ((a.description_cell, a.description), (a.evidence_cell, a.evidence)):
            if (char := first_missing(text)) is not None:
                problems.append(Diagnostic(winner.file, None, cell,
                                           f"{describe(char)} cannot be shown in the PDF",
                                           "build without pdf (--format md,docx), or ask for the text without it"))
    return problems


def offered(answer: Answer) -> str:
    return OFFERED[answer.complies]


def schedule(document: Document, winner: AnsweredMatrix, rows: tuple[RequirementRow, ...]) -> Document:
    """The appendix with one more section: the supplier's committed solution, by area. `rows` are
    the appendix's requirements; those the tender did not ask (contract-only) have no answer."""
    answers = {a.id: a for a in winner.answers}
    rows = tuple(r for r in rows if r.id in answers)
    number = str(len(document.sections) + 1)
    requirements = next((s.number for s in document.sections if any(p.table and p.table.columns[0] == "ID"
                                                                     for p in s.parts)), "")
    where = f"clause {requirements}" if requirements else "the Security Requirements"
    parts = [Part(f"{number}.1", "How this schedule binds", note=BINDING.format(section=where)
                  + f" Tender answers: {Path(winner.file).name} (sha256 {winner.sha256}).")]
    areas = list(dict.fromkeys(r.area for r in rows))
    for area in areas:
        table_rows = tuple((r.id, offered(answers[r.id]), answers[r.id].description or "(none)",
                            answers[r.id].evidence or "(none)") for r in rows if r.area == area)
        parts.append(Part(f"{number}.{len(parts) + 1}", area, table=Table(
            ("ID", "Offered", "Supplier's description", "Evidence or reference"), table_rows, (12, 18, 44, 26))))
    title = f"Schedule: the Supplier's committed solution ({winner.tenderer})"
    return dataclasses.replace(document, sections=document.sections + (Section(number, title, tuple(parts)),))


def appendix_matrix(base: Matrix, winner: AnsweredMatrix) -> Matrix:
    """The appendix's requirement list with the committed answers beside each requirement (all locked)."""
    answers = {a.id: a for a in winner.answers}
    rows = tuple(row + ((offered(answers[row[0]]), answers[row[0]].description or "(none)",
                         answers[row[0]].evidence or "(none)") if row[0] in answers else NOT_TENDERED)
                 for row in base.rows)
    return dataclasses.replace(base, columns=base.columns + COMMITMENT_COLUMNS, rows=rows)
