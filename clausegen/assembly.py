"""Assemble stage: a Selection becomes numbered Documents with every template rendered.

Numbering is computed here, after selection, so it stays right when clauses are left out.
Sections with nothing in them are dropped rather than printed empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from clausegen import periods, references
from clausegen.errors import Diagnostic, InputError
from clausegen.facts import third_country_sub_suppliers, without_transfer
from clausegen.models.document import Document, Part, Section, Table
from clausegen.models.location import Locator, Source
from clausegen.models.project import Project
from clausegen.rendering import formatting
from clausegen.rendering.markdown import render_template
from clausegen.rendering.walker import parse
from clausegen.selection import DocumentSelection, RequirementPick, Selection, requirements_in
from clausegen.validation import GENERATED_NEEDS

MARKED_AS = {"minimum": "Minimum requirement", "award": "Award criterion"}
# In the contract every listed requirement binds: a minimum requirement in full, an award
# criterion to the extent the Supplier offered it.
BINDS = {"minimum": "In full", "award": "As offered"}


def context(selection: Selection) -> dict[str, Any]:
    """What a clause or requirement template sees: profile fields, derived values, parameters."""
    profile, facts = selection.profile, selection.facts
    data = profile.model_dump(exclude={"profile", "id", "language", "parameters", "pins", "tailoring", "document"})
    data.update(
        risk_tier=facts.tier.id,
        risk_tier_title=facts.tier.title,
        level=facts.level.id,
        level_title=facts.level.title,
        transfers_outside_eea=facts.transfers_outside_eea,
        third_countries=list(facts.third_countries),
        transfer_mechanism_missing=facts.values["transfer_mechanism_missing"],
        transfer_mechanisms=facts.values["transfer_mechanisms"],
        supplier_known=facts.values["supplier_known"],
        supplier_outside_eea=facts.values["supplier_outside_eea"],
        remote_access_countries=facts.values["remote_access_countries"],
        # True when the contract lists an award criterion, which binds as offered.
        award_criteria_listed=any(p.marked_as == "award" for p in requirements_in(selection, "security-appendix")),
        sub_suppliers_without_transfer=[s.model_dump() for _, s in without_transfer(profile)],
        language=profile.language,  # read by the formatting filters (|date, |days, ...)
    )
    data.update({name: p.value for name, p in selection.parameters.items()})
    return data


def clause_anchor(clause_id: str) -> str:
    return f"clause-{clause_id}"


def assemble(selection: Selection, project: Project, located: Locator | None = None,
             everything: Selection | None = None) -> tuple[Document, ...]:
    """The documents of `selection`, numbered, every clause rendered and parsed into the tree.

    `located` (the profile as read) lets a date outside the calendar be reported at its line.
    `everything` is the same profile's selection of every document, when `selection` holds only
    some (`build --documents`): references to the others still get their numbers."""
    try:
        return _assemble(selection, project, everything)
    except periods.PeriodError as e:
        path = ("contract", "start")
        where = located.at(path) if located else Source(f"profile {selection.profile.id}")
        raise InputError(Diagnostic.at(where, "contract.start", f"the exit timeline cannot be dated: {e}",
                                       "check contract.start, contract.term_months and the exit periods")) from e


def _assemble(selection: Selection, project: Project, everything: Selection | None) -> tuple[Document, ...]:
    ctx = context(selection)
    requirement_rows = {pick.requirement.id: _requirement_text(pick, ctx) for pick in selection.requirements}
    full = everything or selection
    laid_out = {doc.document_id: _layout(doc, selection, project, requirement_rows, {}) for doc in full.documents}
    texts = {}
    for doc in selection.documents:
        if not laid_out[doc.document_id].sections:  # never an empty contract document
            raise _empty(doc, selection, project)
        # The supplier is chosen by the tender: the tender specification must not name one.
        doc_ctx = {**ctx, "supplier": None} if doc.document_id == TENDER_DOCUMENT else ctx
        texts[doc.document_id] = _render(doc, doc_ctx)
    terms = {doc_id: spec.term for doc_id, spec in project.library.meta.documents.items() if spec.term}
    defined = {doc_id: references.defined_terms(t.values()) for doc_id, t in texts.items()}
    dpa = next((doc for doc in full.documents if doc.document_id == DPA_DOCUMENT), None)
    if dpa is not None:  # its "Addressed in" column names the numbers the clauses got, its own included
        names = {d: t for d, t in terms.items() if t in defined.get(DPA_DOCUMENT, frozenset())}
        places = dpa_places(tuple(laid_out.values()), DPA_DOCUMENT, names)
        laid_out[DPA_DOCUMENT] = _layout(dpa, selection, project, requirement_rows, places)
    index = references.index(tuple(d for d in laid_out.values() if d.sections), _listed_requirements(laid_out),
                             references.missing(full, project), terms, defined)
    return tuple(_fill(laid_out[doc.document_id], doc, texts[doc.document_id], index) for doc in selection.documents)

TENDER_DOCUMENT = "tender-requirements"
DPA_DOCUMENT = "dpa-checklist"


def dpa_places(documents: tuple[Document, ...], own: str, names: dict[str, str]) -> dict[str, str]:
    """clause id -> where a reader finds it: "clause 2.1" in `own`, else "<document>, clause 7.2",
    the document named by its defined term where `own` defines one (`names`), else by its title.
    A clause in several documents is named where it first appears, this document first."""
    places: dict[str, str] = {}
    for document in sorted(documents, key=lambda d: d.document_id != own):
        for section in document.sections:
            for part in section.parts:
                if part.clause_id and part.clause_id not in places:
                    name = names.get(document.document_id, document.title)
                    where = "" if document.document_id == own else f"{name}, "
                    places[part.clause_id] = f"{where}clause {part.number}"
    return places


def _layout(doc: DocumentSelection, selection: Selection, project: Project,
            requirement_rows: dict[str, tuple[str, str]], places: dict[str, str]) -> Document:
    """The document with its numbers final and its clauses not yet rendered. `places` (clause id ->
    where a reader finds it) fills the DPA checklist's "Addressed in" column."""
    profile = selection.profile
    supplier = None if doc.document_id == TENDER_DOCUMENT else profile.supplier
    sections: list[Section] = []
    for spec in doc.spec.sections:
        number = str(len(sections) + 1)
        parts: list[Part] = []
        for pick in doc.clauses:
            if pick.clause.documents[doc.document_id] == spec.id:
                parts.append(Part(f"{number}.{len(parts) + 1}", pick.clause.title, clause_id=pick.clause.id,
                                  clause_version=pick.clause.version, anchor=clause_anchor(pick.clause.id)))
        for title, note, table in _generated(spec.generated, doc.document_id, selection, project, requirement_rows,
                                             places):
            parts.append(Part(f"{number}.{len(parts) + 1}", title, note=note, table=table))
        if len(parts) == 1 and parts[0].clause_id:
            # A section of one clause: the section's heading and number stand for it (no "9 / 9.1").
            parts = [replace(parts[0], number=number, heading=False)]
        if parts:
            sections.append(Section(number, spec.title, tuple(parts), anchor=f"section-{spec.id}", section_id=spec.id))
    return Document(
        document_id=doc.document_id,
        title=doc.spec.title,
        subtitle=_subtitle(profile.title, profile.client.name, supplier.name if supplier else None,
                           doc.document_id),
        marking=marking(doc.document_id, selection, project),
        client=profile.client.name,
        supplier=supplier.name if supplier else None,
        profile_title=profile.title,
        library_name=project.library.meta.name,
        library_version=project.library.meta.version,
        sections=tuple(sections),
        status=profile.document.status,
        revision=profile.document.revision,
        date=profile.document.date or "",
        date_shown=formatting.format_date(profile.language, profile.document.date) if profile.document.date else "",
        language=profile.language,
        signatures=tuple(_signatory(who, profile.client.name, supplier.name if supplier else "")
                         for who in doc.spec.signatures),
    )


def _render(doc: DocumentSelection, ctx: dict[str, Any]) -> dict[str, str]:
    """clause id -> its rendered text (Markdown, references not yet resolved)."""
    return {pick.clause.id: render_template("markdown", pick.clause.body, ctx, pick.clause.file,
                                            pick.clause.body_line, f"{pick.clause.id}@{pick.clause.version}")
            for pick in doc.clauses}


def _fill(document: Document, doc: DocumentSelection, texts: dict[str, str], places: references.Index) -> Document:
    """Every clause of the laid-out document parsed from its rendered text, its references resolved."""
    clauses = {pick.clause.id: pick.clause for pick in doc.clauses}
    sections = []
    for section in document.sections:
        parts = []
        for part in section.parts:
            if part.clause_id:
                clause = clauses[part.clause_id]
                part = replace(part, blocks=parse(texts[part.clause_id], places.resolver(document.document_id, clause)))
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


def marking(document_id: str, selection: Selection, project: Project) -> str:
    """The classification marking a document carries. The tender specification goes to every
    interested tenderer and holds the requirements, not the information they protect: it carries
    the catalogue's lowest marking (PUBLIC). Every other document carries the marking of the level
    of the information the service handles (docs/format.md, "Markings")."""
    if document_id == TENDER_DOCUMENT:
        return project.catalogue.meta.levels[0].marking
    return selection.facts.level.marking


def _signatory(who: str, client: str, supplier: str) -> tuple[str, str]:
    return ("For the Client", client) if who == "client" else ("For the Supplier", supplier)


def _subtitle(title: str, client: str, supplier: str | None, document_id: str) -> str:
    if document_id == TENDER_DOCUMENT:
        return f"{title}: tender by {client}"
    if supplier is None:
        return f"{title}: {client} and the supplier selected in the tender"
    return f"{title}: {client} and {supplier}"


def _requirement_text(pick: RequirementPick, ctx: dict[str, Any]) -> tuple[str, str]:
    req = pick.requirement
    text = render_template("text", req.text, ctx, req.file, req.line, f"{req.id}.text")
    verification = render_template("text", req.verification, ctx, req.file, req.line, f"{req.id}.verification")
    return text, verification


def _generated(kind: str | None, document_id: str, selection: Selection, project: Project,
               requirement_rows: dict[str, tuple[str, str]], places: dict[str, str]):
    if kind == "requirements":
        yield from _requirement_parts(document_id, selection, project, requirement_rows)
    elif kind == "dpa":
        yield _dpa_part(selection, project, places)
    elif kind == "sub-suppliers":
        yield _sub_supplier_part(selection)
    elif kind == "timeline":
        yield _timeline_part(selection)


TIMELINE_PARAMETERS = GENERATED_NEEDS["timeline"]


def _timeline_dates(start: dt.date, term_months: int, p: dict[str, Any]) -> dict[str, dt.date]:
    """The exit dates under the period rule of clausegen.periods (docs/format.md)."""
    end = periods.term_end(start, term_months)  # the last day of the term
    expiry = periods.add_days(end, 1)  # the Agreement expires at the end of `end`, i.e. as this day begins
    deletion = periods.add_days(end, p["deletion_days"])
    return {
        "start": start,
        "exit_start": periods.months_before(expiry, p["exit_period_months"]),
        "end": end,
        "deletion": deletion,
        "evidence": periods.add_days(deletion, p["deletion_certificate_days"]),
        "closure": periods.term_end(expiry, p["exit_log_retention_months"]),
    }


def _timeline_part(selection: Selection):
    """Exit dates computed from contract.start and contract.term_months, assuming the full term."""
    p = {name: selection.parameters[name].value for name in TIMELINE_PARAMETERS}
    contract, lang = selection.profile.contract, selection.profile.language
    d = _timeline_dates(periods.parse_iso(contract.start), contract.term_months, p)
    date = {name: formatting.format_date(lang, day) for name, day in d.items()}

    def span(n: int, unit: str) -> str:
        return formatting.format_quantity(lang, n, unit)

    rows = (
        ("Agreement starts", date["start"], f"Term of {span(contract.term_months, 'month')}."),
        ("Notice and start of the Exit Period", date["exit_start"],
         f"Latest date for notice of non-renewal; exit kick-off within {span(p['exit_kickoff_days'], 'day')}."),
        ("Transition", f"{date['exit_start']} to {date['end']}",
         "Transition assistance, knowledge transfer, return and transfer of Client Assets."),
        ("Hand-over and end of the Agreement", date["end"],
         f"Service handed over; all access revoked within {span(p['exit_access_revocation_hours'], 'hour')}."),
        ("Deletion", date["deletion"], "All Client Data deleted, backups included, except retained logs."),
        ("Evidence of deletion", date["evidence"], "Deletion certificate delivered to the Client."),
        ("Closure", date["closure"], "Retained security logs deleted or returned; the exit is closed."),
    )
    note = ("Dates assume the Agreement runs its full term from the start date. If it ends on another date, "
            "every later date moves with it.")
    return "Exit dates", note, Table(("Phase", "Date", "What happens"), rows, (28, 22, 50))


def type_label(pick: RequirementPick, weights: dict[str, int]) -> str:
    """How a requirement's kind is shown in the tender; an award criterion's weight is published with it."""
    weight = weights.get(pick.requirement.id)
    return MARKED_AS[pick.marked_as] + (f", weight {weight}" if weight is not None else "")


def _requirement_parts(document_id: str, selection: Selection, project: Project,
                       requirement_rows: dict[str, tuple[str, str]]):
    tender = document_id == "tender-requirements"
    for area in project.catalogue.meta.areas:
        picks = [p for p in selection.requirements if p.requirement.area == area.id and p.in_document(document_id)]
        if not picks:
            continue
        rows = []
        for pick in picks:
            text, verification = requirement_rows[pick.requirement.id]
            weights = selection.profile.procurement.award_weights
            rows.append((pick.requirement.id, text, verification, type_label(pick, weights), "", "", "") if tender
                        else (pick.requirement.id, text, verification, BINDS[pick.marked_as]))
        anchors = tuple(references.requirement_anchor(pick.requirement.id) for pick in picks)
        if tender:
            # The verification is published with each requirement, as in the matrix: some ask for a
            # document with the tender. On a landscape page the answer columns are about 2.5, 4.3
            # and 2.8 cm wide: room to write in.
            table = Table(("ID", "Requirement", "Verification", "Type", "Complies (yes, partly or no)",
                           "Description", "Evidence or reference"), tuple(rows), (9, 24, 19, 10, 10, 17, 11),
                          row_anchors=anchors, landscape=True)
        else:
            table = Table(("ID", "Requirement", "Verification", "Binds"), tuple(rows), (12, 44, 30, 14),
                          row_anchors=anchors)
        yield area.title, "", table


def _dpa_part(selection: Selection, project: Project, places: dict[str, str]):
    """The checklist; "Addressed in" names the clause numbers (`places`) and requirement ids."""
    cited: dict[str, list[str]] = {}
    for doc in selection.documents:
        for pick in doc.clauses:
            for source in pick.clause.sources:
                where = places.get(pick.clause.id, f"{doc.spec.title}: {pick.clause.title}")
                if where not in cited.setdefault(source, []):
                    cited[source].append(where)
    for req_pick in selection.requirements:
        if not req_pick.in_document("security-appendix"):  # a tender-only requirement binds nothing
            continue
        for source in req_pick.requirement.sources:
            cited.setdefault(source, []).append(req_pick.requirement.id)
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
            # This document's clauses first, then the other documents', then requirement ids.
            found = sorted(cited.get(item.id, []), key=lambda w: (not w.startswith("clause "), w.startswith("SR-")))
            where = "; ".join(found) or "Not addressed: add a clause before signing"
            rows.append((item.id.removeprefix("GDPR:"), item.section, summary, where, ""))
    table = Table(("Item", "Article", "Check", "Addressed in", "Status"), tuple(rows), (12, 14, 40, 22, 12))
    return "Processor-contract checklist", "Mark each item as met, not met or not applicable.", table


TRANSFER_MECHANISMS = {
    "adequacy": "Adequacy decision (GDPR Art. 45)",
    "dpf": "EU-US Data Privacy Framework (Decision (EU) 2023/1795)",
    "scc": "Standard contractual clauses (GDPR Art. 46(2)(c))",
    "bcr": "Binding corporate rules (GDPR Art. 47)",
}


def _sub_supplier_part(selection: Selection):
    subs = selection.profile.sub_suppliers
    if not subs:
        return "Sub-suppliers at signature", "The Supplier uses no sub-suppliers at the signing of the Agreement.", None
    rows: tuple[tuple[str, ...], ...] = tuple((s.name, s.country, s.service, "Yes" if s.access_to_data else "No")
                                              for s in subs)
    abroad = {i for i, _ in third_country_sub_suppliers(selection.profile)}
    if not abroad:
        return "Sub-suppliers at signature", "", Table(("Sub-supplier", "Country", "Service", "Access to client data"),
                                                       rows, (30, 12, 40, 18))
    # A sub-supplier outside the EU/EEA with access to data: say on what the transfer rests.
    rows = tuple(row + (_transfer_cell(s) if i in abroad else "Not applicable",)
                 for i, (row, s) in enumerate(zip(rows, subs, strict=True)))
    note = ("A transfer marked \"to be agreed\" may not take place until the Parties have agreed a transfer "
            "mechanism under Chapter V GDPR in writing." if selection.facts.values["transfer_mechanism_missing"] else "")
    return "Sub-suppliers at signature", note, Table(
        ("Sub-supplier", "Country", "Service", "Access to client data", "Transfer mechanism"), rows, (24, 10, 32, 12, 22))


def _transfer_cell(sub) -> str:
    return TRANSFER_MECHANISMS[sub.transfer] if sub.transfer else "None stated: to be agreed before any transfer"
