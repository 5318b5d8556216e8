"""`clausegen lint`: SMART checks on requirements and hygiene checks on clauses.

Lint reads the loaded library, catalogue and register (it does not need them to pass `validate`,
so it can point at the same mistakes with a rule id and a fix) and returns findings. Requirement
rules follow CFCS appendix 5: specific, measurable, one obligation, time-bound, verifiable.

A finding can be silenced for one clause or requirement, with a recorded reason, by a
`lint: {suppress: [{rule: R-VAGUE, subject: reasonable, reason: "..."}]}` key on that item.
Everything here is a pure function of its inputs; cli.py prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from clausegen.errors import Diagnostic, UsageError, display_path
from clausegen.lint import clauses, definitions, events, requirements
from clausegen.lint.findings import RULES, Item, Rule, finding
from clausegen.models.catalogue import Catalogue
from clausegen.models.framework import Framework
from clausegen.models.library import Clause, Library
from clausegen.models.lint import LintTerms, Suppression
from clausegen.models.location import Locator

# The consistency rules (E-EVENT-*, T-*) read whole documents; the tests of the per-item rules
# switch them off to keep their expected output about one rule.
CONSISTENCY = True


@dataclass(frozen=True)
class Report:
    findings: tuple[Diagnostic, ...]
    suppressed: tuple[tuple[Diagnostic, Suppression], ...]
    requirements: int
    clauses: int

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def lint(library: Library, catalogue: Catalogue, frameworks: list[Framework] | tuple[Framework, ...],
         located: Mapping[str, Locator], terms: LintTerms) -> Report:
    """Every finding in the library and catalogue, with suppressions applied."""
    def where_in(file: str) -> Callable[[tuple], int | None]:
        loc = located.get(file)
        return (lambda path: loc.line(path)) if loc else (lambda path: None)

    items: list[Item] = []
    found: list[Diagnostic] = []
    needed = clauses.generated_needs(library)
    reqs = [(level, i, req) for level in catalogue.levels for i, req in enumerate(level.requirements)]
    for _level, i, req in reqs:
        item = Item(req.id, req.file, ("requirements", i), tuple(req.lint.suppress if req.lint else ()),
                    where_in(req.file))
        items.append(item)
        found += requirements.check(req, item, terms)
        found += clauses.check_requirement_templates(req, item, frameworks)
    found += requirements.duplicates([(req, items[n]) for n, (_l, _i, req) in enumerate(reqs)], terms)
    for clause in library.clauses:
        item = Item(f"{clause.id}@{clause.version}", clause.file, (), tuple(clause.lint.suppress if clause.lint else ()),
                    where_in(clause.file))
        items.append(item)
        found += clauses.check_clause(clause, item, frameworks, needed)
    by_label = {i.label: i for i in items}
    found += clauses.deprecated(library, by_label)
    if CONSISTENCY:
        found += events.check(library, catalogue, by_label)
        found += _definitions(library, catalogue, by_label, terms)
    found += clauses.undeclared_settings(library, catalogue, where_in)
    shown, suppressed, used = _apply_suppressions(found, items)
    shown += _suppression_findings(items, used)
    ordered = sorted(dict.fromkeys(shown), key=lambda f: (f.file, f.line or 0))  # found order within a line
    return Report(tuple(ordered), tuple(suppressed), len(reqs), len(library.clauses))


def document_sources(library: Library, catalogue: Catalogue, items: dict[str, Item]) -> dict[str, list]:
    """Document id -> the texts that can go into it: the newest active version of each clause placed
    in it, and the requirements where the document has a requirement table."""
    newest: dict[str, Clause] = {}
    for clause in library.clauses:
        if clause.status == "active" and (clause.id not in newest or clause.key > newest[clause.id].key):
            newest[clause.id] = clause
    out: dict[str, list] = {}
    for doc_id, spec in library.meta.documents.items():
        sources = [definitions.Source(c.body, c.body_line, items[f"{c.id}@{c.version}"])
                   for c in sorted(newest.values(), key=lambda c: c.id) if doc_id in c.documents]
        if any(s.generated == "requirements" for s in spec.sections):
            for level in catalogue.levels:
                for req in level.requirements:
                    if req.scope == "both" or (req.scope == "tender") == (doc_id == "tender-requirements"):
                        item = items[req.id]
                        sources += [definitions.Source(req.text, item.line("text"), item, True),
                                    definitions.Source(req.verification, item.line("verification"), item, True)]
        out[doc_id] = sources
    return out


def _definitions(library: Library, catalogue: Catalogue, items: dict[str, Item], terms: LintTerms) -> list[Diagnostic]:
    known = frozenset(terms.known_names or ())
    ordinary = tuple(terms.ordinary_phrases or ())
    out: list[Diagnostic] = []
    for doc_id, sources in document_sources(library, catalogue, items).items():
        out += definitions.check(doc_id, sources, known, ordinary)
    return out


def _apply_suppressions(found: list[Diagnostic], items: list[Item]):
    by_label = {i.label: i for i in items}
    shown, suppressed, used = [], [], set()
    for found_one in found:
        item = by_label.get(found_one.field)
        match = None
        if item is not None and RULES[found_one.rule].suppressible:
            match = next((s for s in item.suppressions if s.rule == found_one.rule and s.reason.strip()
                          and (s.subject is None or s.subject.lower() == found_one.subject.lower())), None)
        if match is None:
            shown.append(found_one)
        else:
            suppressed.append((found_one, match))
            used.add((found_one.field, id(match)))
    return shown, suppressed, used


def _suppression_findings(items: list[Item], used: set) -> list[Diagnostic]:
    out = []
    for item in items:
        for k, s in enumerate(item.suppressions):
            line = item.line("lint", "suppress", k)
            rule = RULES.get(s.rule)
            if rule is None:
                out.append(finding(item.file, line, "L-SUPPRESS", f"suppression of unknown rule {s.rule}",
                                   "rules: " + ", ".join(r for r, v in RULES.items() if v.suppressible),
                                   item.label, s.rule))
            elif not rule.suppressible:
                fix = ("fix the suppression itself" if s.rule.startswith("L-") else
                       "fix the finding; `clausegen validate` refuses it as well")
                out.append(finding(item.file, line, "L-SUPPRESS", f"{s.rule} cannot be suppressed", fix,
                                   item.label, s.rule))
            elif not s.reason.strip():
                out.append(finding(item.file, line, "L-SUPPRESS", f"suppression of {s.rule} has no reason",
                                   f"add reason: \"why {s.rule} does not apply here\", so a reviewer can judge it",
                                   item.label, s.rule))
            elif (item.label, id(s)) not in used:
                what = f"{s.rule} about {s.subject!r}" if s.subject else s.rule
                out.append(finding(item.file, line, "L-UNUSED", f"suppression of {what} silences nothing",
                                   "remove it: the finding it was for is gone", item.label, s.rule))
    return out


def scope(paths: list[Path], roots: list[Path]) -> list[str]:
    """The display paths to keep findings for; each PATH must exist inside the library or catalogues."""
    out = []
    for path in paths:
        if not path.exists():
            raise UsageError(Diagnostic(display_path(path), None, "", "no such file or folder"))
        inside = [root for root in roots if path.resolve() == root.resolve() or root.resolve() in path.resolve().parents]
        if not inside:
            raise UsageError(Diagnostic(display_path(path), None, "",
                                        "is not in the clause library or the catalogues ("
                                        + ", ".join(display_path(r) for r in roots) + ")",
                                        "to lint another library, pass --library DIR --catalogue DIR"))
        out.append(display_path(path))
    return out


def within(report: Report, prefixes: list[str]) -> Report:
    """Only the findings in the given files or folders (display paths)."""
    if not prefixes:
        return report

    def inside(file: str) -> bool:
        return any(file == p or file.startswith(p.rstrip("/") + "/") for p in prefixes)

    return Report(tuple(f for f in report.findings if inside(f.file)),
                  tuple(s for s in report.suppressed if inside(s[0].file)), report.requirements, report.clauses)


SUPPRESS_HINT = ("to accept a finding for one clause or requirement, add to it:\n"
                 "    lint: {suppress: [{rule: R-VAGUE, subject: reasonable, reason: \"why it is right here\"}]}")


def format_text(report: Report) -> str:
    lines = [f.format() for f in report.findings]
    summary = (f"{report.errors} error(s), {report.warnings} warning(s) in {report.requirements} requirements "
               f"and {report.clauses} clause versions")
    if report.suppressed:
        summary += f"; {len(report.suppressed)} suppressed with a reason"
    if report.findings:
        lines += ["", summary, SUPPRESS_HINT]
    else:
        lines.append("clean: " + summary)
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    def one(f: Diagnostic) -> dict:
        return {"file": f.file, "line": f.line, "rule_id": f.rule, "message": f.message, "fix": f.hint,
                "item": f.field, "subject": f.subject, "severity": f.severity}

    data = {
        "findings": [one(f) for f in report.findings],
        "suppressed": [{**one(f), "reason": s.reason} for f, s in report.suppressed],
        "summary": {"errors": report.errors, "warnings": report.warnings, "suppressed": len(report.suppressed),
                    "requirements": report.requirements, "clauses": report.clauses},
        "rules": {rule_id: {"severity": r.severity, "title": r.title, "suppressible": r.suppressible}
                  for rule_id, r in RULES.items()},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


__all__ = ["RULES", "Item", "Report", "Rule", "format_json", "format_text", "lint", "scope", "within"]
