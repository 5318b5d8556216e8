"""Validate stage: cross-file checks on a loaded library, catalogue and source register.

Produces a Project: the inputs plus everything derived from them once (parsed conditions, the
global parameter table). Every problem in every file is collected before anything is raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clausegen import analysis, references
from clausegen import conditions as cond
from clausegen.errors import Collector, Diagnostic
from clausegen.models.catalogue import Catalogue, Requirement
from clausegen.models.framework import Framework
from clausegen.models.library import Library
from clausegen.models.location import Locator
from clausegen.models.names import DOCUMENT_IDS
from clausegen.models.project import Project
from clausegen.parameters import check_value, declaration_differences, is_looser

TENDER_DOCUMENT = "tender-requirements"
GENERATED_NEEDS = {"timeline": ("exit_period_months", "exit_kickoff_days", "exit_access_revocation_hours", "deletion_days",
                                "deletion_certificate_days", "exit_log_retention_months")}


def validate(library: Library, catalogue: Catalogue, frameworks: list[Framework],
             located: Mapping[str, Locator]) -> tuple[Project | None, list[Diagnostic]]:
    """Every cross-file check, each in its own function; all problems are collected before any is returned."""
    ctx = _Context(library, catalogue, located)
    _check_register(frameworks, ctx.out)
    ctx.items = {item.id: item.summary for fw in frameworks for item in fw.items}
    ctx.law_items = frozenset(item.id for fw in frameworks if fw.law for item in fw.items)
    document_conditions = _check_documents(ctx)
    tier_conditions = _check_tiers(ctx)
    clause_conditions = _check_clauses(ctx)
    references.check(library, catalogue, ctx.out)
    requirement_conditions = _check_catalogue(ctx)
    _check_ladders(ctx)
    _check_generated_sections(ctx)
    if ctx.out.diagnostics:
        return None, ctx.out.diagnostics
    return Project(library, catalogue, tuple(frameworks), ctx.fields, clause_conditions, requirement_conditions,
                   document_conditions, tuple(tier_conditions), ctx.parameters, ctx.items,
                   ctx.mandatory_conditions, ctx.law_items), []


class _Context:
    """What the checks share: the inputs, where each path was written, the problems, the parameter table."""

    def __init__(self, library: Library, catalogue: Catalogue, located: Mapping[str, Locator]) -> None:
        self.library, self.catalogue, self.located = library, catalogue, located
        self.out = Collector()
        self.fields = cond.schema(catalogue.level_ids(), [t.id for t in library.meta.risk_tiers])
        self.items: dict[str, str] = {}
        self.law_items: frozenset[str] = frozenset()
        self.mandatory_conditions: dict[str, cond.Condition] = {}
        # What a tier or requirement condition may test: not the facts that follow from the requirements.
        self.profile_fields = {k: v for k, v in self.fields.items() if k not in cond.FROM_REQUIREMENTS}
        self.lib_file = f"{library.root}/library.yaml"
        self.parameters: dict[str, Any] = {}  # one declaration per name, from clauses and requirements
        self.declared_in: dict[str, str] = {}

    def where(self, file: str, path: tuple) -> int | None:
        loc = self.located.get(file)
        return loc.line(path) if loc else None

    def parse_condition(self, raw: Any, file: str, path: tuple,
                        schema: dict[str, cond.FieldSpec]) -> cond.Condition | None:
        try:
            return cond.parse(raw, schema, path)
        except cond.ConditionError as e:
            self.out.add(file, self.where(file, e.path), _dotted(e.path), e.message, e.hint)
            return None

    def check_event(self, event: str | None, file: str, path: tuple) -> None:
        events = self.library.meta.events
        if event is not None and event not in events:
            self.out.add(file, self.where(file, path), _dotted(path), f"event {event!r} is not registered",
                         "register it under `events:` in library.yaml" + (
                             "; registered: " + ", ".join(sorted(events)) if events else ""))

    def check_periods(self, lint: Any, file: str, base: tuple) -> None:
        for phrase, event in (lint.periods.items() if lint else ()):
            self.check_event(event, file, base + ("lint", "periods", phrase))

    def declare(self, name: str, decl: Any, file: str, path: tuple) -> None:
        self.check_event(decl.event, file, path + ("event",))
        if name in analysis.template_names("markdown"):
            self.out.add(file, self.where(file, path), _dotted(path),
                         f"parameter name {name!r} is a profile field; rename it")
        elif name not in self.parameters:
            self.parameters[name] = decl
            self.declared_in[name] = file
        elif differences := declaration_differences(self.parameters[name], decl):
            self.out.add(file, self.where(file, path), _dotted(path),
                         f"parameter {name!r} is declared differently in {self.declared_in[name]} "
                         f"({', '.join(differences)})",
                         "a parameter name is global: copy the first declaration exactly")
        problem = check_value(decl, decl.default)
        if problem:
            self.out.add(file, self.where(file, path + ("default",)), _dotted(path + ("default",)), problem)


def _check_documents(ctx: _Context) -> dict[str, cond.Condition]:
    """The library's documents: known ids, a parseable `when`, unique section ids."""
    library = ctx.library
    document_conditions: dict[str, cond.Condition] = {}
    for doc_id in library.meta.documents:
        if doc_id not in DOCUMENT_IDS:
            ctx.out.add(ctx.lib_file, ctx.where(ctx.lib_file, ("documents", doc_id)), f"documents.{doc_id}",
                        "unknown document id", "documents: " + ", ".join(DOCUMENT_IDS))
    for doc_id in DOCUMENT_IDS:
        spec = library.meta.documents.get(doc_id)
        if spec is None:
            ctx.out.add(ctx.lib_file, ctx.where(ctx.lib_file, ("documents",)), "documents", f"document {doc_id!r} is not defined")
            continue
        c = ctx.parse_condition(spec.when, ctx.lib_file, ("documents", doc_id, "when"), ctx.fields)
        if c is not None:
            document_conditions[doc_id] = c
        seen: set[str] = set()
        for i, section in enumerate(spec.sections):
            if section.id in seen:
                ctx.out.add(ctx.lib_file, ctx.where(ctx.lib_file, ("documents", doc_id, "sections", i)),
                            f"documents.{doc_id}.sections[{i}].id", f"duplicate section id {section.id!r}")
            seen.add(section.id)
    return document_conditions


def _check_tiers(ctx: _Context) -> list[tuple[str, cond.Condition]]:
    """Risk tiers: parseable conditions, and the lowest one applies always."""
    library = ctx.library
    tier_fields = {k: v for k, v in ctx.profile_fields.items() if k != "risk_tier"}
    tier_conditions = []
    for i, tier in enumerate(library.meta.risk_tiers):
        c = ctx.parse_condition(tier.when, ctx.lib_file, ("risk_tiers", i, "when"), tier_fields)
        if c is not None:
            tier_conditions.append((tier.id, c))
    if library.meta.risk_tiers and library.meta.risk_tiers[0].when != "always":
        ctx.out.add(ctx.lib_file, ctx.where(ctx.lib_file, ("risk_tiers", 0, "when")), "risk_tiers[0].when",
                    "the lowest risk tier must apply `always`, so every profile gets a tier")

    return tier_conditions


def _check_clauses(ctx: _Context) -> dict[tuple[str, str], cond.Condition]:
    """Every clause version: unique, placed in a known section, condition, citations, parameters, template."""
    library = ctx.library
    clause_conditions: dict[tuple[str, str], cond.Condition] = {}
    seen_versions: dict[tuple[str, str], str] = {}
    for clause in library.clauses:
        f = clause.file
        if (clause.id, clause.version) in seen_versions:
            ctx.out.add(f, ctx.where(f, ("version",)), "version",
                        f"{clause.id}@{clause.version} is also defined in {seen_versions[(clause.id, clause.version)]}")
        seen_versions[(clause.id, clause.version)] = f
        for doc_id, section_id in clause.documents.items():
            spec = library.meta.documents.get(doc_id)
            if spec is None:
                ctx.out.add(f, ctx.where(f, ("documents", doc_id)), f"documents.{doc_id}", "unknown document id",
                            "documents: " + ", ".join(DOCUMENT_IDS))
            elif section_id not in {s.id for s in spec.sections}:
                ctx.out.add(f, ctx.where(f, ("documents", doc_id)), f"documents.{doc_id}",
                            f"document {doc_id} has no section {section_id!r}",
                            "sections: " + ", ".join(s.id for s in spec.sections))
        c = ctx.parse_condition(clause.condition, f, ("condition",), ctx.fields)
        if c is not None:
            clause_conditions[(clause.id, clause.version)] = c
        _check_sources(clause.sources, ctx.items, f, ctx.where(f, ("sources",)), ctx.out)
        ctx.check_periods(clause.lint, f, ())
        for name, decl in clause.parameters.items():
            ctx.declare(name, decl, f, ("parameters", name))
        _check_template(clause.body, "markdown", set(clause.parameters), f, clause.body_line, "body", ctx.out)
        _check_markdown(clause.body, f, clause.body_line, ctx.out)
        if TENDER_DOCUMENT in clause.documents and (line := analysis.template_facts(clause.body).first_use.get("supplier")):
            ctx.out.add(f, clause.body_line + line - 1, "body", "uses `supplier`, but the tender specification never "
                        "names the supplier: the tender chooses it", "write \"the tenderer\" instead")
        entry_versions = [e.version for e in clause.changelog]
        if clause.version not in entry_versions:
            ctx.out.add(f, ctx.where(f, ("changelog",)), "changelog", f"no changelog entry for version {clause.version}")

    return clause_conditions


def _check_catalogue(ctx: _Context) -> dict[str, cond.Condition]:
    """Every requirement: unique id, known area, condition, citations, parameters, templates; unique levels."""
    catalogue = ctx.catalogue
    requirement_conditions: dict[str, cond.Condition] = {}
    areas = {a.id for a in catalogue.meta.areas}
    seen_req: dict[str, str] = {}
    for level in catalogue.levels:
        for i, req in enumerate(level.requirements):
            f, base = req.file, ("requirements", i)
            if req.id in seen_req:
                ctx.out.add(f, ctx.where(f, base + ("id",)), f"requirements[{i}].id",
                            f"duplicate requirement id {req.id} (also in {seen_req[req.id]})")
            seen_req[req.id] = f
            if req.area not in areas:
                ctx.out.add(f, ctx.where(f, base + ("area",)), f"requirements[{i}].area", f"unknown area {req.area!r}",
                            "areas: " + ", ".join(sorted(areas)))
            c = ctx.parse_condition(req.condition, f, base + ("condition",), ctx.profile_fields)
            if c is not None:
                requirement_conditions[req.id] = c
            _check_mandatory(ctx, req, i)
            _check_sources(req.sources, ctx.items, f, ctx.where(f, base + ("sources",)), ctx.out, f"requirements[{i}].sources")
            ctx.check_periods(req.lint, f, base)
            for name, decl in req.parameters.items():
                ctx.declare(name, decl, f, base + ("parameters", name))
            for part in ("text", "verification"):
                _check_template(getattr(req, part), "text", set(req.parameters), f,
                                ctx.where(f, base + (part,)) or 1, f"requirements[{i}].{part}", ctx.out, req.id)
    level_ids = catalogue.level_ids()
    if len(set(level_ids)) != len(level_ids):
        cat_file = f"{catalogue.root}/catalogue.yaml"
        ctx.out.add(cat_file, ctx.where(cat_file, ("levels",)), "levels", "level ids must be unique")

    return requirement_conditions


def _check_mandatory(ctx: _Context, req: Requirement, i: int) -> None:
    """A requirement the law makes mandatory cites that law, and is never an award criterion by default."""
    if req.mandatory is None:
        return
    f, base = req.file, ("requirements", i)
    c = ctx.parse_condition(req.mandatory, f, base + ("mandatory",), ctx.profile_fields)
    if c is not None:
        ctx.mandatory_conditions[req.id] = c
    if not ctx.law_items.intersection(req.sources):
        ctx.out.add(f, ctx.where(f, base + ("mandatory",)), f"requirements[{i}].mandatory",
                    f"{req.id} is marked as a duty of law but cites no item of a framework marked `law: true`",
                    "cite the article it implements in `sources`, or remove `mandatory`")
    if req.default_as == "award":
        ctx.out.add(f, ctx.where(f, base + ("default_as",)), f"requirements[{i}].default_as",
                    f"{req.id} is marked as a duty of law (`mandatory`), so it cannot be an award criterion",
                    "write default_as: minimum")


def _check_ladders(ctx: _Context) -> None:
    """Level and tier parameter values: known, well typed, never looser going up."""
    library, catalogue = ctx.library, ctx.catalogue
    _check_ladder([(lvl.level, lvl.parameters, f"{catalogue.root}/{lvl.level}.yaml") for lvl in catalogue.levels],
                  ("parameters",), ctx.parameters, ctx.where, ctx.out, "level")
    _check_ladder([(t.id, t.parameters, ctx.lib_file) for t in library.meta.risk_tiers],
                  None, ctx.parameters, ctx.where, ctx.out, "risk tier", tier_paths=True)



def _check_generated_sections(ctx: _Context) -> None:
    """A generated section (the exit timeline) needs its parameters declared somewhere in the library."""
    for doc_id, spec in ctx.library.meta.documents.items():
        for i, section in enumerate(spec.sections):
            missing = [n for n in GENERATED_NEEDS.get(section.generated or "", ()) if n not in ctx.parameters]
            if missing:
                ctx.out.add(ctx.lib_file, ctx.where(ctx.lib_file, ("documents", doc_id, "sections", i)),
                            f"documents.{doc_id}.sections[{i}].generated",
                            f"`generated: {section.generated}` needs the parameters {', '.join(missing)}",
                            "declare them in a clause of this library")



def _check_ladder(rungs, path_prefix, parameters, where, out: Collector, what: str, tier_paths: bool = False) -> None:
    effective: dict[str, Any] = {}
    for index, (rung_id, values, file) in enumerate(rungs):
        for name, value in values.items():
            path = ("risk_tiers", index, "parameters", name) if tier_paths else path_prefix + (name,)
            line = where(file, path)
            decl = parameters.get(name)
            if decl is None:
                out.add(file, line, _dotted(path), f"{what} {rung_id} sets {name!r}, which no clause or requirement declares")
                continue
            problem = check_value(decl, value)
            if problem:
                out.add(file, line, _dotted(path), problem)
                continue
            before = effective.get(name, decl.default)
            if is_looser(decl, value, before):
                out.add(file, line, _dotted(path),
                        f"{what} {rung_id} loosens {name} to {value!r} (below it: {before!r})",
                        f"a higher {what} must keep the value or make it stricter ({_stricter_word(decl)})")
            effective[name] = value


def _stricter_word(decl: Any) -> str:
    return {"lower": "lower is stricter", "higher": "higher is stricter", "later": "later choices are stricter"}.get(
        str(getattr(decl, "stricter", "")), "see the parameter's `stricter`")


def _check_register(frameworks: list[Framework], out: Collector) -> None:
    seen: dict[str, str] = {}
    for fw in frameworks:
        for item in fw.items:
            if item.id in seen:
                out.add(fw.file, None, "items", f"source item {item.id} is registered twice (also in {seen[item.id]})")
            seen[item.id] = fw.file


def _check_sources(sources: list[str], items: dict[str, str], file: str, line: int | None, out: Collector,
                   field_name: str = "sources") -> None:
    for source, _closest in analysis.unregistered(sources, items):
        out.add(file, line, field_name, f"source item {source!r} is not in the register (frameworks/)",
                "cite an item id from frameworks/*.yaml, or register the item")


def _check_template(source: str, kind: str, params: set[str], file: str, first_line: int, field_name: str,
                    out: Collector, owner: str = "") -> None:
    facts = analysis.template_facts(source)
    if facts.syntax:
        lineno, message = facts.syntax
        out.add(file, first_line + lineno - 1, field_name, f"template syntax: {message}")
        return
    if facts.unreadable:
        out.add(file, first_line, field_name, f"template cannot be read: {facts.unreadable}")
        return
    for lineno, message in facts.forbidden:
        out.add(file, first_line + lineno - 1, field_name, message,
                "declare a parameter with a default instead" if "missing value" in message or "other files" in message
                else "see 'What a clause body may use' in docs/format.md")
    if facts.forbidden or facts.names is None:
        return
    allowed = params | analysis.template_names(kind)
    for name in sorted(set(facts.names) - allowed):
        out.add(file, first_line + facts.names[name] - 1, field_name,
                f"{{{{ {name} }}}} is neither a declared parameter nor a profile field",
                f"declare `{name}` under parameters" + (f" of {owner}" if owner else ""))
    for lineno, message in facts.attributes:
        out.add(file, first_line + lineno - 1, field_name, message)


_MARKUP_ERRORS = {
    "heading": ("headings are not allowed in a clause body",
                "clauses get their numbered heading from the title; split long clauses"),
    "html": ("raw HTML is not allowed: {!r}", "write Markdown; a literal < must be escaped as \\<"),
    "image": ("images are not allowed in a clause body", ""),
    "raw-block": ("raw output block {!r} is not allowed", ""),
    "file-link": ("link to {!r} is not allowed; only http(s) and mailto links", ""),
    "raw-attribute": ("raw output attribute `{{=format}}` is not allowed", ""),
}


def _check_markdown(body: str, file: str, first_line: int, out: Collector) -> None:
    """Clause bodies are plain contract prose: no headings, raw HTML/OpenXML, images or file links."""
    for markup in analysis.markdown_markup(body):
        message, hint = _MARKUP_ERRORS[markup.kind]
        shown = markup.text.strip()[:40] if markup.kind == "html" else markup.text
        out.add(file, first_line + markup.offset, "body", message.format(shown), hint)


def _dotted(path: tuple) -> str:
    from clausegen.loading.strict_yaml import dotted

    return dotted(path)
