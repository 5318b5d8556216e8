"""Clause and template rules: C-DEFAULT, C-PARAM-UNUSED, C-PARAM-UNDECLARED, C-RAW, C-SOURCES,
C-DEPRECATED and C-SYNTAX. The template rules apply to clause bodies and requirement texts alike."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any

from packaging.version import Version

from clausegen import analysis
from clausegen.analysis import ENTITY, HTML_TAG, LATEX, OPENXML
from clausegen.errors import Diagnostic
from clausegen.lint.findings import Item, finding
from clausegen.models.catalogue import Catalogue, Requirement
from clausegen.models.framework import Framework
from clausegen.models.library import Clause, Library
from clausegen.validation import GENERATED_NEEDS

# C-DEFAULT tells which fix applies: a parameter, a profile field, or neither (then declare one).
PROFILE_NAMES = analysis.template_names("markdown")


def check_clause(clause: Clause, item: Item, frameworks: Sequence[Framework],
                 needed_parameters: frozenset[str]) -> list[Diagnostic]:
    out = _template_rules([(clause.body, clause.body_line, "body")], set(clause.parameters), item,
                          needed_parameters, ("parameters",))
    out += _raw_in_markdown(clause.body, clause.body_line, item)
    out += _sources(clause.sources, frameworks, item, item.line("sources"))
    return out


def check_requirement_templates(req: Requirement, item: Item, frameworks: Sequence[Framework]) -> list[Diagnostic]:
    parts = [(req.text, item.line("text"), "text"), (req.verification, item.line("verification"), "verification")]
    out = _template_rules([(s, line or 1, name) for s, line, name in parts], set(req.parameters), item,
                          frozenset(), ("parameters",), one_line=True)
    for source, line, name in parts:
        out += _raw_in_text(source, line, name, item)
    out += _sources(req.sources, frameworks, item, item.line("sources"))
    return out


def _template_rules(parts: list[tuple[str, int, str]], declared: set[str], item: Item,
                    needed: frozenset[str], params_path: tuple, one_line: bool = False) -> list[Diagnostic]:
    """C-SYNTAX, C-DEFAULT, C-PARAM-UNDECLARED over the parts; C-PARAM-UNUSED over them together."""
    out: list[Diagnostic] = []
    used: set[str] = set()
    known_all = True
    for source, first_line, part in parts:
        facts = analysis.template_facts(source)

        def line_of(lineno: int, first_line: int = first_line) -> int:
            return first_line if one_line else first_line + lineno - 1

        if facts.syntax or facts.unreadable:
            known_all = False
            message = f"template syntax: {facts.syntax[1]}" if facts.syntax else \
                f"template cannot be read: {facts.unreadable}"
            out.append(finding(item.file, line_of(facts.syntax[0] if facts.syntax else 1), "C-SYNTAX",
                               f"{part}: {message}", "run `clausegen validate` for details", item.label))
            continue
        for hidden in facts.hidden:
            out.append(_hiding_finding(hidden, declared, line_of(hidden.line), part, item))
        if facts.names is None:  # a filter no environment knows (validate names it): the names are unknown
            known_all = False
            continue
        used |= set(facts.names)
        for name in sorted(set(facts.names) - declared - PROFILE_NAMES):
            close = difflib.get_close_matches(name, sorted(declared), n=1)
            fix = (f"did you mean {{{{ {close[0]} }}}}? " if close else "") + \
                f"otherwise declare it: parameters: {{{name}: {{type: integer, default: ..., description: \"...\"}}}}"
            out.append(finding(item.file, line_of(facts.names[name]), "C-PARAM-UNDECLARED",
                               f"{part}: {{{{ {name} }}}} is neither a declared parameter nor a profile field", fix,
                               item.label, name))
    if known_all:
        for name in sorted(declared - used - needed):
            out.append(finding(item.file, item.line(*params_path, name), "C-PARAM-UNUSED",
                               f"parameter {name} is declared but the text never uses it",
                               f"use {{{{ {name} }}}} in the text, or remove the declaration", item.label, name))
    return out


def _hiding_finding(hidden: analysis.Hidden, declared: set[str], line: int, part: str, item: Item) -> Diagnostic:
    subject = hidden.subject
    root = subject.split(".")[0]
    if root in declared:
        fix = f"{root} always has a value (its declared default, or the profile's); print {{{{ {subject} }}}} as it is"
    elif root in PROFILE_NAMES:
        fix = f"a valid profile always sets {subject}; use it as it is"
    else:
        fix = f"declare {root or 'the value'} under parameters with a default, and print {{{{ {subject} }}}}"
    return finding(item.file, line, "C-DEFAULT", f"{part}: {hidden.construct} on {subject or 'an expression'} "
                   "hides a missing value", fix, item.label, subject)


def _raw_in_markdown(body: str, first_line: int, item: Item) -> list[Diagnostic]:
    """Raw HTML/OpenXML tokens and raw-format blocks, found by the Markdown parser; LaTeX and entities by pattern."""
    out: list[Diagnostic] = []
    for markup in analysis.markdown_markup(analysis.blank_tags(body)):
        line = first_line + markup.offset
        if markup.kind == "html":
            out.append(_raw_finding(markup.text.strip(), line, "body", item))
        elif markup.kind in ("raw-block", "raw-attribute"):
            out.append(finding(item.file, line, "C-RAW", f"body: raw output block {_clip(markup.text)!r}",
                               "write plain Markdown; every format is produced from it", item.label, markup.text))
    for _pattern, offset, markup_text in analysis.raw_matches(body, (OPENXML,)):
        out.append(_raw_finding(markup_text, first_line + offset, "body", item))
    out += _patterns(body, first_line, "body", item)
    return out


def _raw_in_text(text: str, line: int | None, part: str, item: Item) -> list[Diagnostic]:
    """Requirement texts are printed verbatim in tables, so any markup shows up as literal characters."""
    out = [_raw_finding(markup, line, part, item) for _p, _o, markup in analysis.raw_matches(text, (HTML_TAG,))]
    return out + _patterns(text, line, part, item, one_line=True)


def _raw_finding(markup: str, line: int | None, part: str, item: Item) -> Diagnostic:
    kind = "OpenXML" if re.search(r"</?w:|<\?xml", markup) else "HTML"
    return finding(item.file, line, "C-RAW", f"{part}: raw {kind} {_clip(markup)!r}",
                   "write plain text with Markdown emphasis or lists; escape a literal < as \\<", item.label,
                   _clip(markup))


def _patterns(text: str, first_line: int | None, part: str, item: Item, one_line: bool = False) -> list[Diagnostic]:
    out = []
    for pattern, offset, found in analysis.raw_matches(text, (LATEX, ENTITY)):
        line = first_line if one_line or first_line is None else first_line + offset
        if pattern is ENTITY:
            message, fix = f"{part}: HTML entity {found!r}", "write the character itself"
        else:
            message, fix = f"{part}: LaTeX {found!r}", "write plain text; layout comes from the templates"
        out.append(finding(item.file, line, "C-RAW", message, fix, item.label, found))
    return out


def _sources(sources: list[str], frameworks: Sequence[Framework], item: Item, line: int | None) -> list[Diagnostic]:
    registered = dict.fromkeys(i.id for fw in frameworks for i in fw.items)
    return [finding(item.file, line, "C-SOURCES", f"cites {source}, which the register does not list",
                    (f"did you mean {close}? " if close else "") +
                    "cite an item id from frameworks/*.yaml, or register the item there", item.label, source)
            for source, close in analysis.unregistered(sources, registered)]


def generated_needs(library: Library) -> frozenset[str]:
    """Parameters the library's generated sections (such as the exit timeline) use."""
    return frozenset(name for spec in library.meta.documents.values() for section in spec.sections
                     for name in GENERATED_NEEDS.get(section.generated or "", ()))


def deprecated(library: Library, items: dict[str, Item]) -> list[Diagnostic]:
    """A deprecated version needs a newer active version of the same clause to replace it."""
    out = []
    for clause_id in sorted({c.id for c in library.clauses}):
        versions = library.versions(clause_id)
        for clause in versions:
            if clause.status != "deprecated":
                continue
            newer = [c for c in versions if c.status == "active" and Version(c.version) > Version(clause.version)]
            if newer:
                continue
            older = [c for c in versions if c.status == "active"]
            effect = (f"profiles get the older {older[-1].version} unless they pin another" if older
                      else "no version is active, so no profile gets this clause")
            item = items[f"{clause.id}@{clause.version}"]
            out.append(finding(item.file, item.line("status"), "C-DEPRECATED",
                               f"deprecated, and no newer active version replaces it: {effect}",
                               f"add {clause.id}@<newer version>.md with status: active and name it in this "
                               "version's changelog; if the clause is withdrawn on purpose, suppress this with "
                               "the reason", item.label))
    return out


def undeclared_settings(library: Library, catalogue: Catalogue,
                        where_in: Callable[[str], Callable[[tuple], int | None]]) -> list[Diagnostic]:
    """Level files and risk tiers that set a parameter no clause or requirement declares."""
    declared = {n for c in library.clauses for n in c.parameters} | \
               {n for lvl in catalogue.levels for r in lvl.requirements for n in r.parameters}
    settings: list[tuple[str, tuple[Any, ...], str, dict[str, Any]]]
    settings = [(f"{catalogue.root}/{lvl.level}.yaml", ("parameters",), f"level {lvl.level}", lvl.parameters)
                for lvl in catalogue.levels]
    settings += [(f"{library.root}/library.yaml", ("risk_tiers", i, "parameters"), f"risk tier {t.id}", t.parameters)
                 for i, t in enumerate(library.meta.risk_tiers)]
    out = []
    for file, path, owner, values in settings:
        for name in values:
            if name in declared:
                continue
            close = difflib.get_close_matches(name, sorted(declared), n=1)
            out.append(finding(file, where_in(file)(path + (name,)), "C-PARAM-UNDECLARED",
                               f"{owner} sets {name}, which no clause or requirement declares",
                               (f"did you mean {close[0]}? " if close else "") +
                               "declare it under parameters of the clause or requirement that uses it",
                               "", name))
    return out


def _clip(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
