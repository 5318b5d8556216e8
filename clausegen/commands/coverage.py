"""`clausegen coverage`: which source items (frameworks/) the library, or one profile's documents, implement.

Without a profile: every register item against the clauses (the version a profile gets by default)
and the requirements (every level) that cite it, and the items nothing cites. With a profile: the
items its documents cover, and for each item not covered why not: the condition that was false,
the requirement that tailoring excluded, the level it belongs to, the document not built.
Everything here is a pure function of the project and the selection.
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime

from packaging.version import Version

from clausegen import loading
from clausegen.commands import emit, inputs, needs_out
from clausegen.models.document import Document, Part, Section, Table
from clausegen.models.project import Project
from clausegen.pipeline import export_report, load_project, report_date, source_date_epoch
from clausegen.selection import Selection, select


@dataclass(frozen=True)
class ItemCoverage:
    item_id: str
    section: str
    summary: str
    clauses: tuple[str, ...]  # clause id@version
    requirements: tuple[str, ...]  # requirement ids
    reasons: tuple[str, ...] = ()  # with a profile: why the item is not covered

    @property
    def covered(self) -> bool:
        return bool(self.clauses or self.requirements)


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: str
    title: str
    items: tuple[ItemCoverage, ...]

    @property
    def covered(self) -> int:
        return sum(1 for i in self.items if i.covered)


@dataclass(frozen=True)
class Coverage:
    title: str
    scope: str  # what was counted, in one sentence
    library: str  # "name version"
    profile_id: str | None
    marking: str
    frameworks: tuple[FrameworkCoverage, ...]

    @property
    def uncovered(self) -> list[ItemCoverage]:
        return [i for fw in self.frameworks for i in fw.items if not i.covered]


def default_versions(project: Project):
    """The clause version each id gets when a profile does not pin one: the newest active."""
    chosen = {}
    for clause in sorted(project.library.clauses, key=lambda c: Version(c.version)):
        if clause.status == "active":
            chosen[clause.id] = clause
    return chosen


def library_coverage(project: Project) -> Coverage:
    clauses = default_versions(project)
    requirements = [r for lvl in project.catalogue.levels for r in lvl.requirements]

    def cite(item_id: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        found = (tuple(f"{c.id}@{c.version}" for _, c in sorted(clauses.items()) if item_id in c.sources),
                 tuple(r.id for r in requirements if item_id in r.sources))
        if found[0] or found[1]:
            return found + ((),)
        others = [f"{c.id}@{c.version}" for c in project.library.clauses if item_id in c.sources]
        return found + ((f"cited only by {', '.join(others)}, which profiles do not get by default",) if others
                        else ("nothing in the library or the catalogue cites it",),)

    lib, cat = project.library.meta, project.catalogue.meta
    return Coverage(
        title="Source coverage of the clause library",
        scope=f"Every source item in the register against the clauses of {lib.name} {lib.version} (the version a "
              f"profile gets by default) and the requirements of {cat.name} {cat.version} (every level) that cite it.",
        library=f"{lib.name} {lib.version}", profile_id=None, marking=cat.levels[0].marking,
        frameworks=tuple(FrameworkCoverage(fw.framework, fw.title, tuple(
            ItemCoverage(item.id, item.section, item.summary, *cite(item.id)) for item in fw.items))
            for fw in project.frameworks))


def profile_coverage(selection: Selection, project: Project) -> Coverage:
    """The items the profile's documents cover, and why each other item is not covered."""
    picked = {f"{p.clause.id}@{p.clause.version}": p.clause for d in selection.documents for p in d.clauses}
    tabled = [d.document_id for d in selection.documents if any(s.generated == "requirements" for s in d.spec.sections)]
    with_tables = bool(tabled)
    # A requirement counts where one of this profile's documents lists it (scope: tender or contract).
    requirements = {p.requirement.id: p.requirement for p in selection.requirements
                    if any(p.in_document(doc_id) for doc_id in tabled)}
    why_not = _Reasons(selection, project, with_tables)
    frameworks = []
    for fw in project.frameworks:
        items = []
        for item in fw.items:
            clauses = tuple(label for label, c in sorted(picked.items()) if item.id in c.sources)
            reqs = tuple(rid for rid, r in requirements.items() if item.id in r.sources)
            reasons = () if clauses or reqs else why_not(item.id)
            items.append(ItemCoverage(item.id, item.section, item.summary, clauses, reqs, reasons))
        frameworks.append(FrameworkCoverage(fw.framework, fw.title, tuple(items)))
    profile, lib = selection.profile, project.library.meta
    return Coverage(
        title=f"Source coverage of {profile.title}",
        scope=f"Source items covered by the documents built for profile {profile.id} (level "
              f"{selection.facts.level.id}, risk tier {selection.facts.tier.id}) from {lib.name} {lib.version}.",
        library=f"{lib.name} {lib.version}", profile_id=profile.id, marking=selection.facts.level.marking,
        frameworks=tuple(frameworks))


class _Reasons:
    """Why an item is not covered, from what the selection left out."""

    def __init__(self, selection: Selection, project: Project, with_tables: bool) -> None:
        self.project = project
        self.with_tables = with_tables
        self.level = selection.facts.level.id
        self.skipped = dict(selection.skipped_documents)
        self.picked = {p.clause.id: p for d in selection.documents for p in d.clauses}
        self.omitted = {o.clause_id: o for d in selection.documents for o in d.omitted}
        self.omitted_reqs = {o.requirement.id: o.reason for o in selection.omitted_requirements}
        self.in_level = {r.id for r in project.catalogue.requirements_up_to(self.level)}
        self.scopes = {p.requirement.id: p.requirement.scope for p in selection.requirements}

    def __call__(self, item_id: str) -> tuple[str, ...]:
        reasons = []
        citing_ids = sorted({c.id for c in self.project.library.clauses if item_id in c.sources})
        for clause_id in citing_ids:
            reasons.append(self._clause(clause_id, item_id))
        for level in self.project.catalogue.levels:
            for req in level.requirements:
                if item_id in req.sources:
                    reasons.append(self._requirement(req.id, req.level))
        return tuple(reasons) or ("nothing in the library or the catalogue cites it",)

    def _clause(self, clause_id: str, item_id: str) -> str:
        pick = self.picked.get(clause_id)
        if pick is not None:
            citing = [c.version for c in self.project.library.versions(clause_id) if item_id in c.sources]
            how = "pinned to" if pick.pinned else "uses"
            return f"{clause_id}: the profile {how} {pick.clause.version}, which does not cite it " \
                   f"(cited by {', '.join(citing)})"
        omission = self.omitted.get(clause_id)
        if omission is not None:
            if omission.version == "-":
                return f"{clause_id}: {omission.reason}"
            return f"{clause_id}@{omission.version}: condition false: {omission.reason}"
        documents = sorted({d for c in self.project.library.versions(clause_id) for d in c.documents})
        return f"{clause_id}: " + "; ".join(
            f"document {d} not built, condition false: {self.skipped[d]}" if d in self.skipped
            else f"document {d} not built"
            for d in documents)

    def _requirement(self, requirement_id: str, level: str) -> str:
        reason = self.omitted_reqs.get(requirement_id)
        if reason is not None and reason.startswith("tailoring.exclude: "):
            why = reason.removeprefix("tailoring.exclude: ")
            return f"{requirement_id}: " + (why if why == "excluded by tailoring" else f"excluded by tailoring: {why}")
        if reason is not None:
            return f"{requirement_id}: condition false: {reason}"
        if requirement_id not in self.in_level:
            return f"{requirement_id}: belongs to level {level}, above the profile's level {self.level} " \
                   f"(tailoring.add can take it in)"
        if not self.with_tables:
            return f"{requirement_id}: no document with the requirement tables is built"
        scope = self.scopes.get(requirement_id)
        if scope in ("tender", "contract"):
            return f"{requirement_id}: scope is {scope} only, and no such document is built for this profile"
        return f"{requirement_id}: not selected"


# --- Output -------------------------------------------------------------------------------------

def format_text(coverage: Coverage) -> str:
    """A terminal table per framework: a mark, the item, and what covers it or why not."""
    lines = [coverage.title, coverage.scope, ""]
    total = sum(len(fw.items) for fw in coverage.frameworks)
    for fw in coverage.frameworks:
        lines.append(f"{fw.framework}  {fw.covered}/{len(fw.items)} covered  {fw.title}")
        width = max(len(i.item_id) for i in fw.items)
        for item in fw.items:
            mark = "+" if item.covered else "-"
            lines.append(f"  {mark} {item.item_id:<{width}}  {_covered_by(item) if item.covered else _why(item)}")
        lines.append("")
    uncovered = coverage.uncovered
    lines.append(f"{total - len(uncovered)} of {total} source items covered; {len(uncovered)} not covered"
                 + (":" if uncovered else "."))
    for item in uncovered:
        lines.append(f"  - {item.item_id}: {item.summary}")
        for reason in item.reasons:
            lines.append(f"      {reason}")
    return "\n".join(lines) + "\n"


def _covered_by(item: ItemCoverage) -> str:
    return "; ".join(p for p in (", ".join(item.clauses), ", ".join(item.requirements)) if p)


def _why(item: ItemCoverage) -> str:
    return "NOT COVERED" + (f": {item.reasons[0]}" if len(item.reasons) == 1 else
                            f" ({len(item.reasons)} reasons below)" if item.reasons else "")


def format_json(coverage: Coverage) -> str:
    data = {
        "title": coverage.title, "scope": coverage.scope, "library": coverage.library,
        "profile": coverage.profile_id,
        "summary": {"items": sum(len(fw.items) for fw in coverage.frameworks),
                    "covered": sum(fw.covered for fw in coverage.frameworks),
                    "not_covered": [i.item_id for i in coverage.uncovered]},
        "frameworks": [{"framework": fw.framework, "title": fw.title,
                        "items": [{**asdict(i), "covered": i.covered} for i in fw.items]}
                       for fw in coverage.frameworks],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def document(coverage: Coverage) -> Document:
    """The report as a Document, written by the same Markdown, DOCX and HTML writers as the contracts."""
    rows = tuple((fw.framework, fw.title, str(len(fw.items)), str(fw.covered), str(len(fw.items) - fw.covered))
                 for fw in coverage.frameworks)
    uncovered = coverage.uncovered
    counted = ("An item counts as covered when a clause or requirement in the documents cites it." if coverage.profile_id
               else "An item counts as covered when a clause or a requirement cites it.")
    summary_parts = [Part("1.1", "Coverage by framework", note=counted,
                          table=Table(("Framework", "Title", "Items", "Covered", "Not covered"), rows,
                                      (12, 48, 12, 14, 14)))]
    if uncovered:
        summary_parts.append(Part("1.2", "Items not covered",
                                  note="Each item below needs a clause or a requirement, or a recorded decision "
                                       "that the contract need not address it.",
                                  table=Table(("Item", "Summary", "Why not covered"),
                                              tuple((i.item_id, i.summary, "\n".join(i.reasons) or "-")
                                                    for i in uncovered), (20, 40, 40))))
    else:
        summary_parts.append(Part("1.2", "Items not covered", note="None: every source item is covered."))
    sections = [Section("1", "Summary", tuple(summary_parts))]
    for n, fw in enumerate(coverage.frameworks, start=2):
        if coverage.profile_id is None:
            table = Table(("Item", "Summary", "Clauses", "Requirements"),
                          tuple((i.item_id, i.summary, ", ".join(i.clauses) or "-", ", ".join(i.requirements) or "-")
                                for i in fw.items), (18, 40, 24, 18))
        else:
            table = Table(("Item", "Summary", "Covered by, or why not"),
                          tuple((i.item_id, i.summary, _covered_by(i) if i.covered else
                                 "\n".join(("Not covered:",) + i.reasons)) for i in fw.items), (18, 42, 40))
        sections.append(Section(str(n), fw.title, (
            Part(f"{n}.1", f"{fw.framework}: {fw.covered} of {len(fw.items)} items covered", table=table),)))
    return Document(document_id="coverage-report", title=coverage.title, subtitle=coverage.scope,
                    marking=coverage.marking, client="", supplier="", profile_title=coverage.profile_id or "",
                    library_name=coverage.library.split(" ")[0], library_version=coverage.library.split(" ")[-1],
                    sections=tuple(sections))


def output(coverage: Coverage, fmt: str, created: datetime) -> bytes:
    """table | json | md | html | docx. HTML and DOCX use the shipped default templates."""
    if fmt == "table":
        return format_text(coverage).encode("utf-8")
    if fmt == "json":
        return format_json(coverage).encode("utf-8")
    return export_report(document(coverage), fmt, created=created)


def run(args: argparse.Namespace) -> int:
    needs_out(args)
    project = load_project(inputs(args))
    if args.profile is None:
        result = library_coverage(project)
    else:
        loaded = loading.load_profile(args.profile)
        result = profile_coverage(select(loaded.profile, project, loaded.located), project)
    emit(output(result, args.format, report_date(project.library, source_date_epoch(dict(os.environ)))), args.out)
    return 0
