"""Select stage: profile + project -> which clause versions and requirements go in, and why.

Everything here is a pure function of its inputs. Problems in the profile (an unknown pin, a bad
parameter, an unknown tailoring id) are collected and raised together, located in the profile.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from packaging.version import Version

from clausegen import conditions as cond
from clausegen.errors import Collector, Diagnostic
from clausegen.facts import Facts, derive, third_country_sub_suppliers
from clausegen.models import countries
from clausegen.models.catalogue import Requirement
from clausegen.models.library import Clause, DocumentSpec
from clausegen.models.location import Locator
from clausegen.models.profile import Exclusion, Profile
from clausegen.models.project import Project
from clausegen.parameters import check_value, stricter_of
from clausegen.validation import TENDER_DOCUMENT


@dataclass(frozen=True)
class ClausePick:
    clause: Clause
    reason: str  # the condition that held
    pinned: bool
    newer: str | None  # a newer active version, when the pick is pinned to an older one
    newer_changes: tuple[str, ...] = ()  # "1.1.0: <change>" for each changelog entry after the pinned version


@dataclass(frozen=True)
class ClauseOmission:
    clause_id: str
    version: str
    reason: str


@dataclass(frozen=True)
class RequirementPick:
    requirement: Requirement
    reason: str
    marked_as: str  # minimum | award
    added: bool  # taken from a higher level by tailoring.add
    legal_duty: tuple[str, ...] = ()  # the law items it cites, when the law makes it a minimum requirement
    duty_reason: str = ""  # the `mandatory` condition that held
    restated_in: tuple[str, ...] = ()  # clauses of the contract that impose its obligation (a shared parameter)


    def in_document(self, document_id: str) -> bool:
        """Tender-only requirements stay out of the contract; contract-only ones out of the tender."""
        scope = self.requirement.scope
        if document_id == TENDER_DOCUMENT:
            return scope != "contract"
        return scope != "tender"


@dataclass(frozen=True)
class RequirementOmission:
    requirement: Requirement
    reason: str


@dataclass(frozen=True)
class ParameterValue:
    value: Any
    origin: str  # default | level <id> | tier <id> | profile


@dataclass(frozen=True)
class DocumentSelection:
    document_id: str
    spec: DocumentSpec
    reason: str
    clauses: tuple[ClausePick, ...]
    omitted: tuple[ClauseOmission, ...]


@dataclass(frozen=True)
class Selection:
    profile: Profile
    facts: Facts
    documents: tuple[DocumentSelection, ...]
    skipped_documents: tuple[tuple[str, str], ...]  # (document id, failed condition)
    requirements: tuple[RequirementPick, ...]
    omitted_requirements: tuple[RequirementOmission, ...]
    parameters: dict[str, ParameterValue]
    notices: tuple[Diagnostic, ...] = ()  # warnings about the profile, located: they never stop a build


def requirements_in(selection: Selection, document_id: str) -> tuple[RequirementPick, ...]:
    return tuple(p for p in selection.requirements if p.in_document(document_id))


def select(profile: Profile, project: Project, located: Locator, documents: list[str] | None = None) -> Selection:
    out = Collector()
    file = located.file
    library, catalogue = project.library, project.catalogue
    levels = catalogue.level_ids()
    if profile.data.classification not in levels:
        out.add(file, located.line(("data", "classification")), "data.classification",
                f"unknown classification level {profile.data.classification!r}", "levels: " + ", ".join(levels))
        out.raise_if_any()
    facts = derive(profile, list(library.meta.risk_tiers), project.tier_conditions, list(catalogue.meta.levels),
                   project.fields)

    chosen = _choose_versions(profile, project, located, out)
    requirements, omitted_reqs = _select_requirements(profile, project, facts, located, out,
                                                      _restated(chosen, project, facts))
    facts.values["minimum_requirements"] = any(p.marked_as == "minimum" and p.in_document(TENDER_DOCUMENT)
                                               for p in requirements)
    picks_by_doc: dict[str, list[ClausePick]] = {d: [] for d in library.meta.documents}
    omitted_by_doc: dict[str, list[ClauseOmission]] = {d: [] for d in library.meta.documents}
    for clause_id, (clause, pinned, newer, why_not) in sorted(chosen.items()):
        if clause is None:
            for doc_id in _documents_of(library, clause_id):
                omitted_by_doc[doc_id].append(ClauseOmission(clause_id, "-", why_not))
            continue
        ok, why = cond.trace(project.clause_conditions[(clause.id, clause.version)], facts.values, project.fields)
        for doc_id in clause.documents:
            if ok:
                picks_by_doc[doc_id].append(ClausePick(clause, why, pinned, newer, _changes_since(library, clause, newer)))
            else:
                omitted_by_doc[doc_id].append(ClauseOmission(clause.id, clause.version, why))

    parameters = _resolve_parameters(profile, project, facts, located, out)
    out.raise_if_any()

    selected_docs, skipped = [], []
    for doc_id, spec in library.meta.documents.items():
        ok, why = cond.trace(project.document_conditions[doc_id], facts.values, project.fields)
        if documents is not None and doc_id not in documents:
            continue
        if not ok:
            skipped.append((doc_id, why))
            continue
        order = {s.id: i for i, s in enumerate(spec.sections)}
        picks = sorted(picks_by_doc[doc_id],
                       key=lambda p: (order[p.clause.documents[doc_id]], p.clause.order, p.clause.id))
        selected_docs.append(DocumentSelection(doc_id, spec, why, tuple(picks), tuple(omitted_by_doc[doc_id])))
    return Selection(profile, facts, tuple(selected_docs), tuple(skipped), tuple(requirements), tuple(omitted_reqs),
                     parameters, notices(profile, located) + _award_notices(profile, requirements, located)
                     + superseded_parameters(profile, project, chosen, located))


def notices(profile: Profile, located: Locator) -> tuple[Diagnostic, ...]:
    """Transfers to third countries that rest on no stated mechanism, or on one that may not hold."""
    out = []
    for i, sub in third_country_sub_suppliers(profile):
        where = f"sub_suppliers[{i}]"
        if sub.transfer is None:
            out.append(Diagnostic.at(located.at(("sub_suppliers", i)), where,
                                     f"{sub.name} ({sub.country}) has access to data from outside the EU/EEA, and no "
                                     "transfer mechanism is stated; the documents say it must be agreed before any "
                                     "transfer", "add transfer: adequacy, dpf, scc or bcr"))
        elif sub.transfer == "adequacy" and countries.canonical(sub.country) not in countries.ADEQUACY:
            out.append(Diagnostic.at(located.at(("sub_suppliers", i, "transfer")), f"{where}.transfer",
                                     f"{countries.name(sub.country)} has no adequacy decision that clausegen knows of "
                                     f"(list as of {countries.AS_OF})", "check the Commission's list of adequacy "
                                     "decisions, or state scc or bcr"))
    return tuple(out)


MANY_AWARD_CRITERIA = 10


def _award_notices(profile: Profile, picks: list[RequirementPick], located: Locator) -> tuple[Diagnostic, ...]:
    """Requirements that stay minimum requirements although the profile asks for award criteria, and a tender
    that scores dozens of security requirements one by one, which cannot be evaluated in practice."""
    duties = [p.requirement.id for p in picks if p.legal_duty and p.in_document(TENDER_DOCUMENT)]
    restated = [p.requirement.id for p in picks if p.restated_in and p.in_document(TENDER_DOCUMENT)]
    out: tuple[Diagnostic, ...] = ()
    if profile.procurement.requirements_as == "award" and duties:
        out += (Diagnostic.at(located.at(("procurement", "requirements_as")), "procurement.requirements_as",
                              f"{len(duties)} requirements carry out a duty of law and stay minimum requirements "
                              f"binding in full: {', '.join(duties)}", "`clausegen explain` names the law for each"),)
    if restated:
        out += (Diagnostic.at(located.at(("procurement", "requirements_as")), "procurement.requirements_as",
                              f"{len(restated)} requirements state an obligation that a clause of the contract "
                              f"imposes anyway, so they stay minimum requirements: {', '.join(restated)}",
                              "`clausegen explain` names the clause for each"),)
    offered = [p.requirement.id for p in picks if p.marked_as == "award" and p.in_document("security-appendix")]
    if profile.procurement.mode != "tender" and offered:
        out += (Diagnostic.at(located.at(("procurement", "requirements_as")), "procurement.requirements_as",
                              f"the appendix marks {', '.join(offered)} As offered, but without a tender there is no "
                              "offer in the contract file to say what binds", "write requirements_as: minimum"),)
    awards = [p for p in picks if p.marked_as == "award" and p.in_document(TENDER_DOCUMENT)]
    if profile.procurement.mode != "tender" or len(awards) <= MANY_AWARD_CRITERIA:
        return out
    return out + (Diagnostic.at(located.at(("procurement", "requirements_as")), "procurement.requirements_as",
                          f"the tender evaluates {len(awards)} security requirements as award criteria; more than "
                          f"{MANY_AWARD_CRITERIA} can hardly be scored and weighted consistently",
                          "write requirements_as: mixed and weight a few criteria (procurement.award_weights)"),)


def superseded_parameters(profile: Profile, project: Project, chosen: dict, located: Locator) -> tuple[Diagnostic, ...]:
    """A profile value for a parameter that only clause versions the profile does not use declare:
    it would change nothing, so the profile no longer means what it did. Say so, at its line."""
    used = {name for clause, *_ in chosen.values() if clause is not None for name in clause.parameters}
    used |= {name for lvl in project.catalogue.levels for r in lvl.requirements for name in r.parameters}
    out = []
    for name in profile.parameters:
        if name in used:
            continue
        older = sorted({(c.id, c.version) for c in project.library.clauses if name in c.parameters})
        if older:
            where = ", ".join(f"{cid} {version}" for cid, version in older)
            pins = ", ".join(f'{cid}: "{version}"' for cid, version in older)
            out.append(Diagnostic(located.file, located.line(("parameters", name)), f"parameters.{name}",
                                  f"only {where} declares {name}, and this profile uses a newer version: "
                                  "the value changes nothing", f"pin {pins}, or see the clause's changelog"))
    return tuple(out)


def _changes_since(library, clause: Clause, newer: str | None) -> tuple[str, ...]:
    """What the newer version's changelog says changed after `clause`'s version."""
    if newer is None:
        return ()
    latest = next(c for c in library.versions(clause.id) if c.version == newer)
    return tuple(f"{entry.version}: {change}" for entry in sorted(latest.changelog, key=lambda e: Version(e.version))
                 if Version(clause.version) < Version(entry.version) <= Version(newer) for change in entry.changes)


def _documents_of(library, clause_id: str) -> set[str]:
    return {d for c in library.clauses if c.id == clause_id for d in c.documents}


def _choose_versions(profile: Profile, project: Project, located: Locator, out: Collector):
    """clause id -> (clause or None, pinned, newer active version, reason when None)."""
    by_id: dict[str, list[Clause]] = {}
    for clause in project.library.clauses:
        by_id.setdefault(clause.id, []).append(clause)
    for clause_id, version in profile.pins.items():
        line = located.line(("pins", clause_id))
        if clause_id not in by_id:
            close = difflib.get_close_matches(clause_id, list(by_id), n=3)
            out.add(located.file, line, f"pins.{clause_id}", "no clause with this id in the library",
                    ("did you mean: " + ", ".join(close)) if close else "see `clausegen explain` for clause ids")
        elif version not in {c.version for c in by_id[clause_id]}:
            available = ", ".join(c.version for c in sorted(by_id[clause_id], key=lambda c: Version(c.version)))
            out.add(located.file, line, f"pins.{clause_id}", f"version {version!r} does not exist",
                    f"available versions: {available}")
    chosen: dict[str, tuple[Clause | None, bool, str | None, str]] = {}
    for clause_id, versions in by_id.items():
        versions = sorted(versions, key=lambda c: Version(c.version))
        active = [c for c in versions if c.status == "active"]
        newest_active = active[-1] if active else None
        pin = profile.pins.get(clause_id)
        if pin is not None:
            pinned = next((c for c in versions if c.version == pin), None)
            newer = newest_active.version if newest_active and pinned and Version(newest_active.version) > Version(pin) else None
            chosen[clause_id] = (pinned, True, newer, "")
        elif newest_active is not None:
            chosen[clause_id] = (newest_active, False, None, "")
        else:
            chosen[clause_id] = (None, False, None, "every version is deprecated")
    return chosen


def _restated(chosen: dict, project: Project, facts: Facts) -> dict[str, tuple[str, ...]]:
    """Parameter name -> the contract clauses of this profile that declare it: a requirement with that
    parameter states an obligation the contract imposes anyway, so it cannot be an award criterion."""
    found: dict[str, list[str]] = {}
    for clause_id, (clause, *_rest) in sorted(chosen.items()):
        if clause is None or set(clause.documents) == {TENDER_DOCUMENT}:
            continue
        condition = project.clause_conditions[(clause.id, clause.version)]
        if cond.fields_used(condition) & cond.FROM_REQUIREMENTS or not cond.evaluate(condition, facts.values,
                                                                                      project.fields):
            continue
        for name in clause.parameters:
            found.setdefault(name, []).append(clause_id)
    return {name: tuple(ids) for name, ids in found.items()}


def _select_requirements(profile: Profile, project: Project, facts: Facts, located: Locator, out: Collector,
                         restated: dict[str, tuple[str, ...]]):
    catalogue = project.catalogue
    base = catalogue.requirements_up_to(profile.data.classification)
    base_ids = {r.id for r in base}
    every = {r.id: r for lvl in catalogue.levels for r in lvl.requirements}
    added: list[Requirement] = []
    for i, req_id in enumerate(profile.tailoring.add):
        line = located.line(("tailoring", "add", i))
        if req_id not in every:
            out.add(located.file, line, f"tailoring.add[{i}]", f"no requirement {req_id!r} in the catalogue")
        elif req_id in base_ids:
            out.add(located.file, line, f"tailoring.add[{i}]",
                    f"{req_id} is already part of level {profile.data.classification}")
        else:
            added.append(every[req_id])
    excluded: dict[str, str] = {}
    for i, item in enumerate(profile.tailoring.exclude):
        req_id = item.id if isinstance(item, Exclusion) else item
        reason = item.reason if isinstance(item, Exclusion) else ""
        line = located.line(("tailoring", "exclude", i))
        req = every.get(req_id)
        if req is None or req_id not in base_ids:
            out.add(located.file, line, f"tailoring.exclude[{i}]",
                    f"{req_id!r} is not a requirement of level {profile.data.classification}")
            continue
        if _marked_as(req, profile, project, facts, restated)[0] == "minimum" and not reason:
            out.add(located.file, line, f"tailoring.exclude[{i}]",
                    f"{req_id} is a minimum requirement; excluding it needs a reason",
                    f"write {{id: {req_id}, reason: \"...\"}}")
        excluded[req_id] = reason or "excluded by tailoring"
    picks, omitted = [], []
    order = {a.id: i for i, a in enumerate(catalogue.meta.areas)}
    for req in sorted(base + added, key=lambda r: (order.get(r.area, 0), r.id)):
        if req.id in excluded:
            omitted.append(RequirementOmission(req, f"tailoring.exclude: {excluded[req.id]}"))
            continue
        ok, why = cond.trace(project.requirement_conditions[req.id], facts.values, project.fields)
        if ok:
            marked_as, duty, duty_reason, clauses = _marked_as(req, profile, project, facts, restated)
            picks.append(RequirementPick(req, why if req not in added else "tailoring.add", marked_as, req in added,
                                         duty, duty_reason, clauses))
        else:
            omitted.append(RequirementOmission(req, why))
    return picks, omitted


def _marked_as(req: Requirement, profile: Profile, project: Project, facts: Facts,
               restated: dict[str, tuple[str, ...]]) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
    """minimum | award; when the law makes it a minimum requirement whatever requirements_as says, the law
    items it cites and the `mandatory` condition that held; when a clause of the contract imposes its
    obligation anyway (they share a parameter), those clauses."""
    mandatory = project.mandatory_conditions.get(req.id)
    if mandatory is not None:
        holds, why = cond.trace(mandatory, facts.values, project.fields)
        if holds:
            return "minimum", tuple(s for s in req.sources if s in project.law_items), why, ()
    mode = profile.procurement.requirements_as
    marked = req.default_as if mode == "mixed" else mode
    clauses = tuple(sorted({c for name in req.parameters for c in restated.get(name, ())}))
    if marked == "award" and clauses:
        return "minimum", (), "", clauses
    return marked, (), "", ()


def _resolve_parameters(profile: Profile, project: Project, facts: Facts, located: Locator, out: Collector):
    """default -> level (cumulative) -> tier (the stricter of level and tier) -> profile."""
    values = {name: ParameterValue(decl.default, "default") for name, decl in project.parameters.items()}
    levels = project.catalogue.level_ids()
    for lvl in project.catalogue.levels:
        if levels.index(lvl.level) > levels.index(profile.data.classification):
            break
        for name, value in lvl.parameters.items():
            values[name] = ParameterValue(value, f"level {lvl.level}")
    for name, value in facts.tier.parameters.items():
        decl = project.parameters[name]
        current = values[name]
        if stricter_of(decl, current.value, value) != current.value or current.origin == "default":
            values[name] = ParameterValue(value, f"tier {facts.tier.id}")
    for name, value in profile.parameters.items():
        line = located.line(("parameters", name))
        decl = project.parameters.get(name)
        if decl is None:
            close = difflib.get_close_matches(name, list(project.parameters), n=3)
            out.add(located.file, line, f"parameters.{name}", "no clause or requirement declares this parameter",
                    ("did you mean: " + ", ".join(close)) if close else "see `clausegen explain` for parameters")
            continue
        problem = check_value(decl, value)
        if problem:
            out.add(located.file, line, f"parameters.{name}", problem)
            continue
        values[name] = ParameterValue(value, "profile")
    return values
