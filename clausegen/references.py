"""Cross-references: `{{ ref("...") }}` in a clause body, resolved when documents are assembled.

A target is one of (docs/format.md, "Cross-references"):
- a clause id, `exit.log-retention`: shown as "clause 8.2";
- a section, `termination-plan#timeline` (document id, then section id): shown as "clause 3";
- a requirement id, `SR-GOV-03`: shown as the id, linked to its row in this document's tables.
Every numbered unit is a "clause", as contracts cite them. A target in another document adds the
term the referring document defines for it ("clause 3 of the Termination Plan"), or, where that
document defines no such term, its title in lower case ("clause 3 of the termination and exit plan").

A target that exists in the library but that this profile leaves out is a build error naming
both clauses and the condition that dropped the target; `validate` checks that every target
exists and warns when one can be left out for some profiles.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from clausegen.analysis import template_facts
from clausegen.errors import Diagnostic, RenderError
from clausegen.models.document import Document
from clausegen.models.library import Clause
from clausegen.models.tree import CrossRef
from clausegen.syntax import DEFINITION, defined_term

if TYPE_CHECKING:  # validation checks references too, so these are for type checkers only
    from clausegen.errors import Collector
    from clausegen.models.catalogue import Catalogue
    from clausegen.models.library import Library
    from clausegen.models.project import Project
    from clausegen.selection import Selection

CLAUSE = re.compile(r"^[a-z0-9]+(?:\.[a-z0-9-]+)+$")
SECTION = re.compile(r"^([a-z0-9-]+)#([a-z0-9-]+)$")
REQUIREMENT = re.compile(r"^SR-[A-Z]{2,5}-[0-9]{2,3}$")


def kind(target: str) -> str | None:
    """clause, section or requirement; None for text that is none of them."""
    if CLAUSE.match(target):
        return "clause"
    if SECTION.match(target):
        return "section"
    if REQUIREMENT.match(target):
        return "requirement"
    return None


def requirement_anchor(requirement_id: str) -> str:
    return f"req-{requirement_id}"


def calls(body: str) -> tuple[tuple[int, str | None], ...]:
    """(line in the body, target) of every ref() call; target None when it is not a quoted text.
    From the one template analysis, so a body is not parsed again (and a syntax error, reported
    by validation, has none)."""
    return template_facts(body).refs if "ref" in body else ()


@dataclass(frozen=True)
class Place:
    document_id: str
    number: str
    anchor: str


@dataclass(frozen=True)
class Index:
    """Where each clause, section and requirement landed in this build, and why others did not."""

    titles: dict[str, str]  # document id -> title
    terms: dict[str, str]  # document id -> the defined term other documents use for it, e.g. Appendix
    defined: dict[str, frozenset[str]]  # document id -> the terms that document defines in this build
    clauses: dict[str, tuple[Place, ...]]
    sections: dict[str, Place]  # "document#section" -> place
    requirements: dict[str, tuple[str, ...]]  # requirement id -> documents whose tables list it
    missing: dict[str, str]  # target -> why this profile has no such place

    def resolver(self, document_id: str, clause: Clause) -> Callable[[str], CrossRef]:
        def resolve(target: str) -> CrossRef:
            return self.resolve(target, document_id, clause)

        return resolve

    def resolve(self, target: str, document_id: str, clause: Clause) -> CrossRef:
        found = kind(target)
        if found == "requirement" and target in self.requirements:
            here = document_id in self.requirements[target]
            return CrossRef(target, target, requirement_anchor(target) if here else "")
        place: Place | None = None
        if found == "clause" and target in self.clauses:
            places = self.clauses[target]
            place = next((p for p in places if p.document_id == document_id), places[0])
        elif found == "section":
            place = self.sections.get(target)
        if place is None:
            raise RenderError(self._dangling(target, clause))
        if place.document_id == document_id:
            return CrossRef(target, f"clause {place.number}", place.anchor)
        return CrossRef(target, f"clause {place.number} of the {self.name(place.document_id, document_id)}")

    def name(self, target_document: str, referring_document: str) -> str:
        """How the referring document names another: its defined term where the referring document
        defines it ("Termination Plan"), else the title in running text ("termination and exit plan")."""
        term = self.terms.get(target_document)
        if term and term in self.defined.get(referring_document, frozenset()):
            return term
        return running_title(self.titles[target_document])

    def _dangling(self, target: str, clause: Clause) -> Diagnostic:
        line = next((n for n, t in calls(clause.body) if t == target), 1)
        why = self.missing.get(target, "the library has no such clause, section or requirement")
        return Diagnostic(clause.file, clause.body_line + line - 1, "body",
                          f"{clause.id} refers to {target} (ref(\"{target}\")), which this profile leaves out: {why}",
                          f"give {clause.id} a condition that implies the target's, or refer to it in words")


def running_title(title: str) -> str:
    """A title as it reads mid-sentence: "Contract security appendix" -> "contract security
    appendix"; a title that starts with an acronym or a name ("NIS2 …", "GDPR …") is kept."""
    first = title.split(" ", 1)[0]
    return title[0].lower() + title[1:] if first[1:] == first[1:].lower() else title


def defined_terms(texts: Iterable[str]) -> frozenset[str]:
    """The terms rendered clause texts define: "(the **Appendix**)", "**Termination Plan** means"."""
    return frozenset(defined_term(m) for text in texts for m in DEFINITION.finditer(text))


def index(documents: tuple[Document, ...], requirement_documents: dict[str, tuple[str, ...]],
          missing: dict[str, str], terms: dict[str, str], defined: dict[str, frozenset[str]]) -> Index:
    """The places of this build's documents (laid out, numbers final). `terms`: the defined term
    of each document (library.yaml); `defined`: the terms each referring document defines."""
    clauses: dict[str, list[Place]] = {}
    sections: dict[str, Place] = {}
    for document in documents:
        for section in document.sections:
            if section.section_id:
                sections[f"{document.document_id}#{section.section_id}"] = Place(
                    document.document_id, section.number, section.heading_anchor)
            for part in section.parts:
                if part.clause_id:
                    clauses.setdefault(part.clause_id, []).append(Place(document.document_id, part.number, part.anchor))
    titles = {d.document_id: d.title for d in documents}
    return Index(titles, terms, defined, {k: tuple(v) for k, v in clauses.items()}, sections, requirement_documents,
                 missing)


def missing(selection: Selection, project: Project) -> dict[str, str]:
    """Why each clause, section and requirement this profile leaves out is not there."""
    why: dict[str, str] = {}
    for document_id, condition in selection.skipped_documents:
        spec = project.library.meta.documents[document_id]
        for section in spec.sections:
            why[f"{document_id}#{section.id}"] = f"document {document_id} is not built: {condition}"
        for clause in project.library.clauses:
            if document_id in clause.documents:
                why.setdefault(clause.id, f"document {document_id} is not built: {condition}")
    for doc in selection.documents:
        sections = {c.id: c.documents[doc.document_id] for c in project.library.clauses
                    if doc.document_id in c.documents}
        for omission in doc.omitted:
            why[omission.clause_id] = f"{omission.clause_id}@{omission.version} is left out: {omission.reason}"
        for section in doc.spec.sections:
            omitted = [o for o in doc.omitted if sections.get(o.clause_id) == section.id]
            why.setdefault(f"{doc.document_id}#{section.id}", "the section is empty for this profile" + "".join(
                f"; {o.clause_id}@{o.version} is left out: {o.reason}" for o in omitted))
    for left_out in selection.omitted_requirements:
        why[left_out.requirement.id] = f"{left_out.requirement.id} is left out: {left_out.reason}"
    level = selection.facts.level.id
    for catalogue_level in project.catalogue.levels:
        for requirement in catalogue_level.requirements:
            why.setdefault(requirement.id, f"{requirement.id} belongs to level {catalogue_level.level}, "
                                           f"above this profile's level {level}")
    return why



def check(library: Library, catalogue: Catalogue, out: Collector) -> None:
    """Every ref() in every clause names a clause, section or requirement that exists."""
    clause_ids = sorted({c.id for c in library.clauses})
    sections = sorted(f"{doc_id}#{s.id}" for doc_id, spec in library.meta.documents.items() for s in spec.sections)
    requirements = sorted({r.id for level in catalogue.levels for r in level.requirements})
    known = {"clause": clause_ids, "section": sections, "requirement": requirements}
    for clause in library.clauses:
        for line, target in calls(clause.body):
            where = clause.body_line + line - 1
            if target is None:
                out.add(clause.file, where, "body", "ref() takes one id in quotes, e.g. ref(\"exit.log-retention\")")
                continue
            found = kind(target)
            if found is None:
                out.add(clause.file, where, "body", f"ref(\"{target}\"): not a clause id, a section "
                        "(document#section) or a requirement id", "see Cross-references in docs/format.md")
            elif target not in known[found]:
                close = difflib.get_close_matches(target, known[found], n=1)
                out.add(clause.file, where, "body", f"ref(\"{target}\"): {clause.id} refers to a {found} "
                        "the library does not have", f"did you mean {close[0]}?" if close else "")


def dangling(project: Project) -> list[Diagnostic]:
    """Warnings: references whose target some profile can leave out while keeping the clause
    that refers to it. A conservative check: a target is safe when its condition (and its
    document's) holds always or follows from the referring clause's own condition."""

    library = project.library
    out: list[Diagnostic] = []
    for clause in library.clauses:
        if clause.status != "active":
            continue
        own = _all([project.clause_conditions[(clause.id, clause.version)],
                    *[project.document_conditions[d] for d in clause.documents]])
        for line, target in calls(clause.body):
            if target is None or kind(target) is None:
                continue
            needed = _conditions_of(target, project)
            if needed is not None and not any(all(_implies(own, c, project) for c in option) for option in needed):
                options = " | ".join(_all(list(option)).describe() for option in needed) or "never"
                out.append(Diagnostic(clause.file, clause.body_line + line - 1, "body",
                                      f"ref(\"{target}\") can dangle: {clause.id} applies when {own.describe()}, "
                                      f"its target only when {options}",
                                      "a build for such a profile fails; narrow the clause's condition or drop the reference"))
    return out


def _conditions_of(target: str, project: Project) -> list[tuple[Any, ...]] | None:
    """The ways the target can be present: each a tuple of conditions that together put it there.
    None when it is always there or does not exist (validation reports that)."""
    library = project.library
    found = kind(target)
    if found == "clause":
        versions = [c for c in library.clauses if c.id == target and c.status == "active"]
        return [(project.clause_conditions[(c.id, c.version)], project.document_conditions[d])
                for c in versions for d in c.documents] or None
    if found == "section":
        document_id, section_id = target.split("#")
        spec = library.meta.documents.get(document_id)
        section = next((s for s in spec.sections if s.id == section_id), None) if spec else None
        if section is None:
            return None
        document = project.document_conditions[document_id]
        if section.generated:
            return [(document,)]
        return [(project.clause_conditions[(c.id, c.version)], document) for c in library.clauses
                if c.status == "active" and c.documents.get(document_id) == section_id]
    levels = project.catalogue.level_ids()
    for level in project.catalogue.levels:
        for requirement in level.requirements:
            if requirement.id == target:
                at_level = _level_test(level.level, levels)
                return [(at_level, project.requirement_conditions[requirement.id])]
    return None


def _all(items: list[Any]) -> Any:
    from clausegen import conditions as cond

    items = [i for i in items if not isinstance(i, cond.Always)]
    return items[0] if len(items) == 1 else cond.All(tuple(items)) if items else cond.Always()


def _level_test(level: str, levels: list[str]) -> Any:
    from clausegen import conditions as cond

    return cond.Always() if level == levels[0] else cond.Test("data.classification", "at_least", level)


def _implies(a: Any, b: Any, project: Project) -> bool:
    """Whether condition a being true makes b true, for the shapes conditions take in practice."""
    from clausegen import conditions as cond

    if isinstance(b, cond.Always) or a == b:
        return True
    if isinstance(b, cond.All):
        return all(_implies(a, item, project) for item in b.items)
    if isinstance(b, cond.AnyOf) and any(_implies(a, item, project) for item in b.items):
        return True
    if isinstance(a, cond.All):
        return any(_implies(item, b, project) for item in a.items)
    if isinstance(a, cond.Test) and isinstance(b, cond.Test) and a.field == b.field and a.op == b.op == "at_least":
        order = list(project.fields[a.field].values)
        return order.index(a.value) >= order.index(b.value)
    return False
