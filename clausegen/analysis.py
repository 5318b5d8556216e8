"""What a clause body or requirement text holds, found once for validate and lint.

Placeholders (with the line of their first use), constructs the sandbox refuses, values hidden
behind `|default` or `is defined`, attribute typos, raw markup (HTML, OpenXML, LaTeX, entities,
raw output blocks, headings, images, file links) and citations the register does not list.
validate turns these facts into errors and lint into findings with a rule and a fix; neither
parses a template or walks Markdown itself.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, meta, nodes

from clausegen.loading import cache
from clausegen.models.profile import TEMPLATE_FIELDS
from clausegen.rendering.environment import FORBIDDEN_TESTS, HIDING_FILTERS, environment, forbidden_constructs
from clausegen.rendering.template_filters import FORMAT_FILTERS
from clausegen.rendering.walker import located_tokens
from clausegen.syntax import TEMPLATE_TAG

# Names every template may use besides its parameters: the profile's fields, what selection
# derives from them (assembly.context gives both), and the environment's globals.
DERIVED_NAMES = frozenset({
    "risk_tier", "risk_tier_title", "level", "level_title", "transfers_outside_eea", "third_countries",
    "transfer_mechanism_missing", "transfer_mechanisms", "supplier_known", "sub_suppliers_without_transfer",
    "supplier_outside_eea", "award_criteria_listed", "remote_access_countries",
})
PROFILE_NAMES = frozenset(TEMPLATE_FIELDS) | DERIVED_NAMES


def template_names(kind: str) -> frozenset[str]:
    """What a template of this kind (markdown: a clause body, text: a requirement) may use unprefixed:
    ref() only in clause bodies, as a table cell has no place for a link."""
    return PROFILE_NAMES | frozenset(environment(kind).globals)


# Analysis only reads the syntax tree and never renders, so a plain environment parses (the lexer
# settings are the sandbox's): it knows the filters the sandbox refuses, so the names used around
# a |default are still found. find_undeclared_variables compiles, and needs every filter name.
_PARSER = Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_PARSER.filters.update(FORMAT_FILTERS)


@dataclass(frozen=True)
class Hidden:
    """A `|default` or `is defined` that hides a missing value."""

    line: int
    construct: str  # "`|default`" or "`is defined`"
    subject: str  # the dotted name it applies to, "" for an expression


@dataclass(frozen=True)
class TemplateFacts:
    """Lines are 1-based within the template."""

    syntax: tuple[int, str] | None = None  # it does not parse: (line, message)
    unreadable: str | None = None  # nesting deeper than the parser follows; a huge number
    forbidden: tuple[tuple[int, str], ...] = ()  # what the sandbox refuses before rendering
    names: dict[str, int] | None = field(default_factory=dict)  # undeclared name -> first line; None: unknown
    first_use: dict[str, int] = field(default_factory=dict)  # every name -> its first line
    attributes: tuple[tuple[int, str], ...] = ()  # `client.nme`: profile attributes that do not exist
    hidden: tuple[Hidden, ...] = ()
    refs: tuple[tuple[int, str | None], ...] = ()  # (line, target) of each ref() call; None: not a quoted text

    @property
    def parsed(self) -> bool:
        return self.syntax is None and self.unreadable is None


def template_facts(source: str) -> TemplateFacts:
    """The facts of one template. They depend only on the text, so they are cached on disk as JSON.

    Not compiled here: with thousands of clauses that would double the load time. Templates Python
    cannot compile (too deeply nested) are refused when they first render, located.
    """
    return _memo(source)


# validate, its dangling-reference check and assembly all ask for a clause's facts; without the
# disk cache (CLAUSEGEN_CACHE=off, or the first run) each would otherwise analyse it again.
@functools.lru_cache(maxsize=16384)
def _memo(source: str) -> TemplateFacts:
    store = cache.current()
    entry_key = cache.key("template", source)
    hit = store.get(entry_key)
    if isinstance(hit, dict) and set(hit) == _FIELDS:
        return _from_json(hit)
    facts = _analyse(source)
    store.put(entry_key, _to_json(facts))
    return facts


def _analyse(source: str) -> TemplateFacts:
    try:
        ast = _PARSER.parse(source)
    except TemplateSyntaxError as e:
        return TemplateFacts(syntax=(e.lineno or 1, e.message or ""))
    except (RecursionError, ValueError) as e:
        return TemplateFacts(unreadable=str(e))
    first_use: dict[str, int] = {}
    for node in ast.find_all(nodes.Name):
        first_use.setdefault(node.name, node.lineno)
    try:
        undeclared: dict[str, int] | None = {n: first_use.get(n, 1) for n in meta.find_undeclared_variables(ast)}
    except TemplateSyntaxError:  # a filter or test no environment knows: forbidden, and reported as such
        undeclared = None
    return TemplateFacts(forbidden=tuple(forbidden_constructs(ast)), names=undeclared, first_use=first_use,
                         attributes=tuple(_attribute_problems(ast)), hidden=tuple(_hidden(ast)), refs=tuple(_refs(ast)))


def _refs(ast: nodes.Template) -> list[tuple[int, str | None]]:
    out: list[tuple[int, str | None]] = []
    for call in ast.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "ref":
            arg = call.args[0] if len(call.args) == 1 and not call.kwargs else None
            out.append((call.lineno, arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str)
                        else None))
    return out


_FIELDS = {"syntax", "unreadable", "forbidden", "names", "first_use", "attributes", "hidden", "refs"}


def _to_json(facts: TemplateFacts) -> dict[str, Any]:
    return {"syntax": list(facts.syntax) if facts.syntax else None, "unreadable": facts.unreadable,
            "forbidden": [list(p) for p in facts.forbidden], "names": facts.names, "first_use": facts.first_use,
            "attributes": [list(p) for p in facts.attributes],
            "hidden": [[h.line, h.construct, h.subject] for h in facts.hidden],
            "refs": [list(r) for r in facts.refs]}


def _from_json(data: dict[str, Any]) -> TemplateFacts:
    return TemplateFacts(syntax=tuple(data["syntax"]) if data["syntax"] else None,
                         unreadable=data["unreadable"], forbidden=tuple((ln, m) for ln, m in data["forbidden"]),
                         names=data["names"], first_use=data["first_use"],
                         attributes=tuple((ln, m) for ln, m in data["attributes"]),
                         hidden=tuple(Hidden(*h) for h in data["hidden"]),
                         refs=tuple((ln, t) for ln, t in data["refs"]))


def _hidden(ast: nodes.Template) -> list[Hidden]:
    out = []
    for node in ast.find_all((nodes.Filter, nodes.Test)):
        if isinstance(node, nodes.Filter) and node.name in HIDING_FILTERS:
            out.append(Hidden(node.lineno, f"`|{node.name}`", _dotted(node.node)))
        elif isinstance(node, nodes.Test) and node.name in FORBIDDEN_TESTS:
            out.append(Hidden(node.lineno, f"`is {node.name}`", _dotted(node.node)))
    return out


def _attribute_problems(ast: nodes.Template) -> list[tuple[int, str]]:
    """`client.nme`-style typos: attributes of profile models that do not exist."""
    loop_types: dict[str, Any] = {}
    for loop in ast.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name):
            annotation = TEMPLATE_FIELDS.get(loop.iter.name)
            args = getattr(annotation, "__args__", ())
            if args:
                loop_types[loop.target.name] = args[0]
    problems = []
    for node in ast.find_all(nodes.Getattr):
        if not isinstance(node.node, nodes.Name):
            continue
        owner = TEMPLATE_FIELDS.get(node.node.name) or loop_types.get(node.node.name)
        fields = getattr(owner, "model_fields", None)
        if fields is not None and node.attr not in fields:
            problems.append((node.lineno, f"{node.node.name}.{node.attr} does not exist; "
                                          f"{node.node.name} has: {', '.join(fields)}"))
    return problems


def _dotted(node: Any) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        inner = _dotted(node.node)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


# --- Markdown and raw markup -------------------------------------------------------------------

# Markdown produces headings, HTML, images, links and raw blocks only from these characters;
# a body without any of them needs no parse (most clauses, and a large library's load time).
_MARKUP_HINT = re.compile(r"[<#\[!`~]|\{=|^[ ]{0,3}(=+|-+)[ \t]*$", re.MULTILINE)
_ALLOWED_LINK = ("https://", "http://", "mailto:")


@dataclass(frozen=True)
class Markup:
    """Markdown a clause body may not hold."""

    kind: str  # heading | html | image | raw-block | file-link | raw-attribute
    offset: int  # 0-based line within the text
    text: str  # the HTML, the fence's info string, the link target or the text holding `{=`


def markdown_markup(text: str) -> list[Markup]:
    """Headings, raw HTML, images, raw output blocks and attributes, and links to anything but
    the web or mail, as the one Markdown walker finds them."""
    if not _MARKUP_HINT.search(text):
        return []
    out = []
    for token, offset in located_tokens(text):
        if token.type == "heading_open":
            out.append(Markup("heading", offset, ""))
        elif token.type in ("html_block", "html_inline"):
            out.append(Markup("html", offset, token.content))
        elif token.type == "image":
            out.append(Markup("image", offset, ""))
        elif token.type == "fence" and "{=" in token.info:
            out.append(Markup("raw-block", offset, token.info))
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if not href.startswith(_ALLOWED_LINK):
                out.append(Markup("file-link", offset, href))
        elif token.type in ("text", "code_inline") and "{=" in token.content:
            out.append(Markup("raw-attribute", offset, token.content))
    return out


LATEX = re.compile(r"\\(?:[A-Za-z]{2,})(?:\{|\b)|\$\$")
ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")
HTML_TAG = re.compile(r"<\?xml|<!--|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
# OpenXML (<w:p>, <w:br/>, <?xml ...?>): CommonMark does not read a prefixed name as HTML, so it
# would print as text. A run of tags on one line is one match.
_XML_TAG = r"(?:<\?xml[^>]*>|</?[a-z]+:[A-Za-z][\w.-]*(?:\s[^<>]*)?/?>)"
OPENXML = re.compile(rf"(?<!\\){_XML_TAG}(?:[^<>\n]*{_XML_TAG})*")


def blank_tags(text: str) -> str:
    """Template tags replaced by spaces, so positions (and lines) stay where they were."""
    return TEMPLATE_TAG.sub(lambda m: " " * len(m.group()), text)


def raw_matches(text: str, patterns: Iterable[re.Pattern[str]]) -> list[tuple[re.Pattern[str], int, str]]:
    """(pattern, 0-based line, match) of each pattern in the text outside its template tags."""
    blank = blank_tags(text)
    return [(pattern, blank.count("\n", 0, m.start()), m.group())
            for pattern in patterns for m in pattern.finditer(blank)]


# --- Citations -----------------------------------------------------------------------------------

def unregistered(sources: Iterable[str], registered: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(citation, the closest registered id or None) for each citation the register does not list;
    `registered` maps the register's ids, in the register's order, to anything."""
    return [(s, next(iter(difflib.get_close_matches(s, list(registered), n=1)), None))
            for s in sources if s not in registered]
