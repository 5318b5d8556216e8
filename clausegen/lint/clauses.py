"""Clause and template rules: C-DEFAULT, C-PARAM-UNUSED, C-PARAM-UNDECLARED, C-RAW, C-SOURCES,
C-DEPRECATED and C-SYNTAX. The template rules apply to clause bodies and requirement texts alike."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, meta, nodes
from packaging.version import Version

from clausegen.errors import Diagnostic
from clausegen.lint.findings import Item, finding
from clausegen.models.catalogue import Catalogue, Requirement
from clausegen.models.framework import Framework
from clausegen.models.library import Clause, Library
from clausegen.models.profile import TEMPLATE_FIELDS
from clausegen.rendering.template_filters import FORMAT_FILTERS
from clausegen.rendering.walker import located_tokens
from clausegen.validation import DERIVED_NAMES, GENERATED_NEEDS, TEMPLATE_GLOBALS

HIDING_FILTERS = {"default", "d"}
HIDING_TESTS = {"defined", "undefined", "none"}
PROFILE_NAMES = set(TEMPLATE_FIELDS) | DERIVED_NAMES | TEMPLATE_GLOBALS

# Lint only reads the syntax tree and never renders, so a plain environment parses: it accepts the
# filters and constructs the sandbox refuses, which is what C-DEFAULT is there to point at.
_PARSER = Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_PARSER.filters.update(FORMAT_FILTERS)  # find_undeclared_variables compiles, and needs every filter name
_LATEX = re.compile(r"\\(?:[A-Za-z]{2,})(?:\{|\b)|\$\$")
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
_TAG = re.compile(r"<\?xml|<!--|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
# OpenXML (<w:p>, <w:br/>, <?xml ...?>): CommonMark does not read a prefixed name as HTML, so it
# would print as text. A run of tags on one line is one finding.
_XML_TAG = r"(?:<\?xml[^>]*>|</?[a-z]+:[A-Za-z][\w.-]*(?:\s[^<>]*)?/?>)"
_OPENXML = re.compile(rf"(?<!\\){_XML_TAG}(?:[^<>\n]*{_XML_TAG})*")


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
    parsed_all = True
    for source, first_line, part in parts:
        try:
            ast = _PARSER.parse(source)
        except TemplateSyntaxError as e:
            parsed_all = False
            out.append(finding(item.file, first_line + (0 if one_line else (e.lineno or 1) - 1), "C-SYNTAX",
                               f"{part}: template syntax: {e.message}", "run `clausegen validate` for details",
                               item.label))
            continue

        def line_of(node: Any, first_line: int = first_line) -> int:
            return first_line if one_line else first_line + node.lineno - 1

        names = meta.find_undeclared_variables(ast)
        used |= names
        for node in ast.find_all((nodes.Filter, nodes.Test)):
            hides = (isinstance(node, nodes.Filter) and node.name in HIDING_FILTERS) or \
                    (isinstance(node, nodes.Test) and node.name in HIDING_TESTS)
            if not hides:
                continue
            subject = _dotted(node.node)
            what = f"`|{node.name}`" if isinstance(node, nodes.Filter) else f"`is {node.name}`"
            root = subject.split(".")[0]
            if root in declared:
                fix = f"{root} always has a value (its declared default, or the profile's); print {{{{ {subject} }}}} as it is"
            elif root in PROFILE_NAMES:
                fix = f"a valid profile always sets {subject}; use it as it is"
            else:
                fix = f"declare {root or 'the value'} under parameters with a default, and print {{{{ {subject} }}}}"
            out.append(finding(item.file, line_of(node), "C-DEFAULT",
                               f"{part}: {what} on {subject or 'an expression'} hides a missing value", fix,
                               item.label, subject))
        for name in sorted(names - declared - PROFILE_NAMES):
            name_node = next((n for n in ast.find_all(nodes.Name) if n.name == name), None)
            close = difflib.get_close_matches(name, sorted(declared), n=1)
            fix = (f"did you mean {{{{ {close[0]} }}}}? " if close else "") + \
                f"otherwise declare it: parameters: {{{name}: {{type: integer, default: ..., description: \"...\"}}}}"
            out.append(finding(item.file, line_of(name_node) if name_node else first_line, "C-PARAM-UNDECLARED",
                               f"{part}: {{{{ {name} }}}} is neither a declared parameter nor a profile field", fix,
                               item.label, name))
    if parsed_all:
        for name in sorted(declared - used - needed):
            out.append(finding(item.file, item.line(*params_path, name), "C-PARAM-UNUSED",
                               f"parameter {name} is declared but the text never uses it",
                               f"use {{{{ {name} }}}} in the text, or remove the declaration", item.label, name))
    return out


def _raw_in_markdown(body: str, first_line: int, item: Item) -> list[Diagnostic]:
    """Raw HTML/OpenXML tokens and raw-format blocks, found by the Markdown parser; LaTeX and entities by pattern."""
    out: list[Diagnostic] = []
    for token, offset in located_tokens(_blank_tags(body)):
        line = first_line + offset
        if token.type in ("html_block", "html_inline"):
            out.append(_raw_finding(token.content.strip(), line, "body", item))
        elif (token.type == "fence" and "{=" in token.info) or (token.type in ("text", "code_inline")
                                                                 and "{=" in token.content):
            shown = token.info if token.type == "fence" else token.content
            out.append(finding(item.file, line, "C-RAW", f"body: raw output block {_clip(shown)!r}",
                               "write plain Markdown; every format is produced from it", item.label, shown))
    for m in _OPENXML.finditer(_blank_tags(body)):
        out.append(_raw_finding(m.group(), first_line + body.count("\n", 0, m.start()), "body", item))
    out += _patterns(body, first_line, "body", item, (_LATEX, _ENTITY))
    return out


def _raw_in_text(text: str, line: int | None, part: str, item: Item) -> list[Diagnostic]:
    """Requirement texts are printed verbatim in tables, so any markup shows up as literal characters."""
    out = [_raw_finding(m.group(), line, part, item) for m in _TAG.finditer(_blank_tags(text))]
    return out + _patterns(text, line, part, item, (_LATEX, _ENTITY), one_line=True)


def _raw_finding(markup: str, line: int | None, part: str, item: Item) -> Diagnostic:
    kind = "OpenXML" if re.search(r"</?w:|<\?xml", markup) else "HTML"
    return finding(item.file, line, "C-RAW", f"{part}: raw {kind} {_clip(markup)!r}",
                   "write plain text with Markdown emphasis or lists; escape a literal < as \\<", item.label,
                   _clip(markup))


def _patterns(text: str, first_line: int | None, part: str, item: Item, patterns, one_line: bool = False):
    out = []
    for pattern in patterns:
        for m in pattern.finditer(_blank_tags(text)):
            line = first_line if one_line or first_line is None else first_line + text.count("\n", 0, m.start())
            if pattern is _ENTITY:
                message, fix = f"{part}: HTML entity {m.group()!r}", "write the character itself"
            else:
                message, fix = f"{part}: LaTeX {m.group()!r}", "write plain text; layout comes from the templates"
            out.append(finding(item.file, line, "C-RAW", message, fix, item.label, m.group()))
    return out


def _blank_tags(text: str) -> str:
    """Template tags replaced by spaces, so positions (and lines) stay where they were."""
    return re.sub(r"\{\{.*?\}\}|\{%.*?%\}", lambda m: " " * len(m.group()), text, flags=re.DOTALL)


def _sources(sources: list[str], frameworks: Sequence[Framework], item: Item, line: int | None) -> list[Diagnostic]:
    known = [i.id for fw in frameworks for i in fw.items]
    out = []
    for source in sources:
        if source not in set(known):
            close = difflib.get_close_matches(source, known, n=1)
            out.append(finding(item.file, line, "C-SOURCES", f"cites {source}, which the register does not list",
                               (f"did you mean {close[0]}? " if close else "") +
                               "cite an item id from frameworks/*.yaml, or register the item there",
                               item.label, source))
    return out


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


def _dotted(node: Any) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        inner = _dotted(node.node)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _clip(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
