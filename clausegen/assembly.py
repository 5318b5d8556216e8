"""Assemble stage: a Selection becomes numbered Documents with every template rendered.

Numbering is computed here, after selection, so it stays right when clauses are left out.
Sections with nothing in them are dropped rather than printed empty.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import replace
from typing import Any

from clausegen import references
from clausegen.errors import Diagnostic, InputError
from clausegen.models.document import Document, Part, Section, Table
from clausegen.rendering.markdown import render_template
from clausegen.rendering.walker import parse
from clausegen.selection import DocumentSelection, RequirementPick, Selection
from clausegen.validation import GENERATED_NEEDS, Project

MARKED_AS = {"minimum": "Minimum requirement", "award": "Award criterion"}


def context(selection: Selection) -> dict[str, Any]:
    """What a clause or requirement template sees: profile fields, derived values, parameters."""
    profile, facts = selection.profile, selection.facts
    data = profile.model_dump(exclude={"profile", "id", "language", "parameters", "pins", "tailoring"})
    data.update(
        risk_tier=facts.tier.id,
        risk_tier_title=facts.tier.title,
        level=facts.level.id,
        level_title=facts.level.title,
        transfers_outside_eea=facts.transfers_outside_eea,
        third_countries=list(facts.third_countries),
    )
    data.update({name: p.value for name, p in selection.parameters.items()})
    return data


def clause_anchor(clause_id: str) -> str:
    return f"clause-{clause_id}"


def assemble(selection: Selection, project: Project, everything: Selection | None = None) -> tuple[Document, ...]:
    """The documents of `selection`, numbered, every clause rendered and parsed into the tree.

    `everything` is the same profile's selection of every document, when `selection` holds only
    some (`build --documents`): references to the others still get their numbers."""
    ctx = context(selection)
    requirement_rows = {pick.requirement.id: _requirement_text(pick, ctx) for pick in selection.requirements}
    full = everything or selection
    laid_out = {doc.document_id: _layout(doc, selection, project, requirement_rows) for doc in full.documents}
    places = references.index(tuple(d for d in laid_out.values() if d.sections), _listed_requirements(laid_out),
                              references.missing(full, project))
    out = []
    for doc in selection.documents:
        document = laid_out[doc.document_id]
        if not document.sections:  # never an empty contract document
            raise _empty(doc, selection, project)
        out.append(_fill(document, doc, ctx, places))
    return tuple(out)


def _layout(doc: DocumentSelection, selection: Selection, project: Project,
            requirement_rows: dict[str, tuple[str, str]]) -> Document:
    """The document with its numbers final and its clauses not yet rendered."""
    profile = selection.profile
    sections: list[Section] = []
    for spec in doc.spec.sections:
        number = str(len(sections) + 1)
        parts: list[Part] = []
        for pick in doc.clauses:
            if pick.clause.documents[doc.document_id] == spec.id:
                parts.append(Part(f"{number}.{len(parts) + 1}", pick.clause.title, clause_id=pick.clause.id,
                                  clause_version=pick.clause.version, anchor=clause_anchor(pick.clause.id)))
        for title, note, table in _generated(spec.generated, doc.document_id, selection, project, requirement_rows):
            parts.append(Part(f"{number}.{len(parts) + 1}", title, note=note, table=table))
        if len(parts) == 1 and parts[0].clause_id:
            # A section of one clause: the section's heading and number stand for it (no "9 / 9.1").
            parts = [replace(parts[0], number=number, heading=False)]
        if parts:
            sections.append(Section(number, spec.title, tuple(parts), anchor=f"section-{spec.id}", section_id=spec.id))
    return Document(
        document_id=doc.document_id,
        title=doc.spec.title,
        subtitle=f"{profile.title}: {profile.client.name} and {profile.supplier.name}",
        marking=selection.facts.level.marking,
        client=profile.client.name,
        supplier=profile.supplier.name,
        profile_title=profile.title,
        library_name=project.library.meta.name,
        library_version=project.library.meta.version,
        sections=tuple(sections),
    )


def _fill(document: Document, doc: DocumentSelection, ctx: dict[str, Any], places: references.Index) -> Document:
    """Every clause of the laid-out document rendered and parsed, its references resolved."""
    clauses = {pick.clause.id: pick.clause for pick in doc.clauses}
    sections = []
    for section in document.sections:
        parts = []
        for part in section.parts:
            if part.clause_id:
                clause = clauses[part.clause_id]
                text = render_template("markdown", clause.body, ctx, clause.file, clause.body_line,
                                       f"{clause.id}@{clause.version}")
                part = replace(part, blocks=parse(text, places.resolver(document.document_id, clause)))
            parts.append(part)
        sections.append(replace(section, parts=tuple(parts)))
    return replace(document, sections=tuple(sections))


def _listed_requirements(documents: dict[str, Document]) -> dict[str, tuple[str, ...]]:
    """requirement id -> the documents whose tables give it a row of its own."""
    listed: dict[str, list[str]] = {}
    for document in documents.values():
        for section in document.sections:
            for part in section.parts:
                for anchor in part.table.row_anchors if part.table is not None else ():
                    listed.setdefault(anchor.removeprefix("req-"), []).append(document.document_id)
    return {k: tuple(v) for k, v in listed.items()}


def _empty(doc: DocumentSelection, selection: Selection, project: Project) -> InputError:
    left_out = "; ".join(f"{o.clause_id}@{o.version}: {o.reason}" for o in doc.omitted) or "no clause is written for it"
    return InputError(Diagnostic(f"{project.library.root}/library.yaml", None, f"documents.{doc.document_id}",
                                 f"nothing in the library applies to {doc.document_id} for profile "
                                 f"{selection.profile.id}; left out: {left_out}", "add a clause whose condition "
                                 "holds, or give the document a `when` so that it is not built for such a profile"))


def _requirement_text(pick: RequirementPick, ctx: dict[str, Any]) -> tuple[str, str]:
    req = pick.requirement
    text = render_template("text", req.text, ctx, req.file, req.line, f"{req.id}.text")
    verification = render_template("text", req.verification, ctx, req.file, req.line, f"{req.id}.verification")
    return text, verification


def _generated(kind: str | None, document_id: str, selection: Selection, project: Project,
               requirement_rows: dict[str, tuple[str, str]]):
    if kind == "requirements":
        yield from _requirement_parts(document_id, selection, project, requirement_rows)
    elif kind == "dpa":
        yield _dpa_part(selection, project)
    elif kind == "sub-suppliers":
        yield _sub_supplier_part(selection)
    elif kind == "timeline":
        yield _timeline_part(selection)


TIMELINE_PARAMETERS = GENERATED_NEEDS["timeline"]


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _timeline_part(selection: Selection):
    """Exit dates computed from contract.start and contract.term_months, assuming the full term."""
    p = {name: selection.parameters[name].value for name in TIMELINE_PARAMETERS}
    start = dt.date.fromisoformat(selection.profile.contract.start)
    end = add_months(start, selection.profile.contract.term_months)
    exit_start = add_months(end, -p["exit_period_months"])
    deletion = end + dt.timedelta(days=p["deletion_days"])
    evidence = deletion + dt.timedelta(days=p["deletion_certificate_days"])
    closure = add_months(end, p["exit_log_retention_months"])
    rows = (
        ("Agreement starts", start.isoformat(), "Term of " + _plural(selection.profile.contract.term_months, "month") + "."),
        ("Notice and start of the Exit Period", exit_start.isoformat(),
         f"Latest date for notice of non-renewal; exit kick-off within {_plural(p['exit_kickoff_days'], 'day')}."),
        ("Transition", f"{exit_start.isoformat()} to {end.isoformat()}",
         "Transition assistance, knowledge transfer, return and transfer of Client Assets."),
        ("Hand-over and end of the Agreement", end.isoformat(),
         f"Service handed over; all access revoked within {_plural(p['exit_access_revocation_hours'], 'hour')}."),
        ("Deletion", deletion.isoformat(), "All Client Data deleted, backups included, except retained logs."),
        ("Evidence of deletion", evidence.isoformat(), "Deletion certificate delivered to the Client."),
        ("Closure", closure.isoformat(), "Retained security logs deleted or returned; the exit is closed."),
    )
    note = ("Dates assume the Agreement runs its full term from the start date. If it ends on another date, "
            "every later date moves with it.")
    return "Exit dates", note, Table(("Phase", "Date", "What happens"), rows, (28, 22, 50))


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _requirement_parts(document_id: str, selection: Selection, project: Project,
                       requirement_rows: dict[str, tuple[str, str]]):
    tender = document_id == "tender-requirements"
    for area in project.catalogue.meta.areas:
        picks = [p for p in selection.requirements if p.requirement.area == area.id]
        if not picks:
            continue
        rows = []
        for pick in picks:
            text, verification = requirement_rows[pick.requirement.id]
            marked = MARKED_AS[pick.marked_as]
            rows.append((pick.requirement.id, text, marked, "", "", "") if tender
                        else (pick.requirement.id, text, verification, marked))
        anchors = tuple(references.requirement_anchor(pick.requirement.id) for pick in picks)
        if tender:
            table = Table(("ID", "Requirement", "Type", "Complies (yes/partly/no)", "Description", "Evidence or reference"),
                          tuple(rows), (12, 36, 12, 12, 14, 14), row_anchors=anchors)
        else:
            table = Table(("ID", "Requirement", "Verification", "Type"), tuple(rows), (12, 44, 30, 14), row_anchors=anchors)
        yield area.title, "", table


def _dpa_part(selection: Selection, project: Project):
    cited: dict[str, list[str]] = {}
    for doc in selection.documents:
        for pick in doc.clauses:
            for source in pick.clause.sources:
                cited.setdefault(source, [])
                if pick.clause.id not in cited[source]:
                    cited[source].append(pick.clause.id)
    for pick in selection.requirements:
        for source in pick.requirement.sources:
            cited.setdefault(source, []).append(pick.requirement.id)
    rows = []
    for fw in project.frameworks:
        for item in fw.items:
            if not item.id.startswith("GDPR:"):
                continue
            if item.id == "GDPR:ChapterV" and not selection.facts.transfers_outside_eea:
                continue
            summary = item.summary
            if item.id == "GDPR:ChapterV":
                summary += " Countries outside the EU/EEA: " + ", ".join(selection.facts.third_countries) + "."
                concerned = [f"{s.name} ({s.country})" for s in selection.profile.sub_suppliers
                             if s.access_to_data and s.country in selection.facts.third_countries]
                if concerned:
                    summary += " Sub-suppliers concerned: " + ", ".join(concerned) + "."
            where = ", ".join(cited.get(item.id, [])) or "Not addressed: add a clause before signing"
            rows.append((item.id.removeprefix("GDPR:"), item.section, summary, where, ""))
    table = Table(("Item", "Article", "Check", "Addressed in", "Status"), tuple(rows), (12, 14, 40, 22, 12))
    return "Processor-contract checklist", "Mark each item as met, not met or not applicable.", table


def _sub_supplier_part(selection: Selection):
    subs = selection.profile.sub_suppliers
    if not subs:
        return "Sub-suppliers at signature", "The Supplier uses no sub-suppliers at the signing of the Agreement.", None
    rows = tuple((s.name, s.country, s.service, "Yes" if s.access_to_data else "No") for s in subs)
    return "Sub-suppliers at signature", "", Table(("Sub-supplier", "Country", "Service", "Access to client data"),
                                                   rows, (30, 12, 40, 18))
