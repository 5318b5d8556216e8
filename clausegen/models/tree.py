"""The document tree: what every writer (Markdown, DOCX, pandoc's AST for PDF and HTML) reads.

Clause Markdown is parsed into these nodes once (rendering/walker.py); nothing downstream parses
text again. Plain frozen data: a node never holds markup of any output format, only text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# --- Inlines ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    """A web or mail link (http, https, mailto); any other target is kept as its text only."""

    target: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class CrossRef:
    """A reference to a clause or requirement, resolved at assembly: `text` is what the reader sees
    ("clause 12.1"), `anchor` the target in this document ("" when it lies in another document)."""

    target_id: str
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Term:
    """A defined term, e.g. *Client Data* where the clause defines it."""

    text: str


@dataclass(frozen=True)
class NoBreak:
    """An identifier that must not break across lines: SR-GOV-05, Art. 28(3)(a)."""

    text: str


@dataclass(frozen=True)
class SoftBreak:
    """A line end inside a paragraph of the source: a space in print."""


@dataclass(frozen=True)
class LineBreak:
    """A forced line break (a line break inside a profile value)."""


Inline = Text | Strong | Emphasis | Link | CrossRef | Term | NoBreak | SoftBreak | LineBreak


# --- Blocks -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    level: int  # 1 section, 2 clause
    number: str  # "3.2"
    title: str
    anchor: str = ""  # link target; "" for none


@dataclass(frozen=True)
class Paragraph:
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class Note:
    """A remark set apart from the contract text (Markdown `>` quotes, a part's note)."""

    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class ListItem:
    blocks: tuple[Block, ...]
    anchor: str = ""


# List kinds: bullet; decimal 1. 2.; alpha (a) (b), whose nested lists are (i) (ii) ("roman").
LIST_KINDS = ("bullet", "decimal", "alpha", "roman")


@dataclass(frozen=True)
class ListBlock:
    kind: str
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # plain text cells, shown verbatim
    widths: tuple[int, ...]  # relative column widths
    header_rows: int = 1  # the first row (the columns) repeats on each page
    landscape: bool = False  # wide tables: a landscape page of their own in DOCX and PDF
    row_anchors: tuple[str, ...] = ()  # link targets of the body rows (requirement ids), "" for none


@dataclass(frozen=True)
class Signatory:
    party: str  # "For the Client"
    name: str  # the party's name


@dataclass(frozen=True)
class SignatureBlock:
    signatories: tuple[Signatory, ...]


Block = Heading | Paragraph | Note | ListBlock | Table | SignatureBlock


# A cross-reference as the `ref()` template function prints it into clause Markdown: private-use
# delimiters around the target, which no value may contain. The walker turns it into a CrossRef.
REF_OPEN, REF_CLOSE = "\ue000", "\ue001"


# --- Identifiers ------------------------------------------------------------------------------

# Requirement ids and article references a reader cites; a line break inside one misleads.
IDENTIFIER = re.compile(r"\bSR-[A-Z]{2,5}-\d{2,3}\b|\bArt(?:icle|\.) \d+(?:\(\w{1,4}\))*")


def text_inlines(text: str) -> tuple[Inline, ...]:
    """Plain text as inlines, identifiers in no-break runs."""
    out: list[Inline] = []
    position = 0
    for match in IDENTIFIER.finditer(text):
        if match.start() > position:
            out.append(Text(text[position:match.start()]))
        out.append(NoBreak(match.group()))
        position = match.end()
    if position < len(text):
        out.append(Text(text[position:]))
    return tuple(out)


def plain(inlines: tuple[Inline, ...]) -> str:
    """The text a reader sees."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, (Strong, Emphasis, Link)):
            parts.append(plain(node.children))
        elif isinstance(node, (Text, CrossRef, Term, NoBreak)):
            parts.append(node.text)
        elif isinstance(node, SoftBreak):
            parts.append(" ")
        elif isinstance(node, LineBreak):
            parts.append("\n")
    return "".join(parts)


_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40),
          ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def number_label(kind: str, n: int) -> str:
    """The label of item n (from 1) of a numbered list: 3 -> "c" (alpha), "iii" (roman), "3"."""
    if kind == "alpha":
        label = ""
        while n:
            n, rest = divmod(n - 1, 26)
            label = chr(ord("a") + rest) + label
        return label
    if kind == "roman":
        out = ""
        for letters, value in _ROMAN:
            count, n = divmod(n, value)
            out += letters * count
        return out
    return str(n)


def nobreak_text(text: str) -> str:
    """Plain text as the writers show it: the spaces inside identifiers are no-break spaces."""
    return IDENTIFIER.sub(lambda m: m.group().replace(" ", "\u00a0"), text)


# --- Walking the tree ---------------------------------------------------------------------------

# The method a writer has for each node type: visit_heading, visit_text ...
NODE_METHODS: dict[type, str] = {
    Heading: "visit_heading", Paragraph: "visit_paragraph", Note: "visit_note", ListBlock: "visit_list_block",
    Table: "visit_table", SignatureBlock: "visit_signature_block",
    Text: "visit_text", Strong: "visit_strong", Emphasis: "visit_emphasis", Link: "visit_link",
    CrossRef: "visit_cross_ref", Term: "visit_term", NoBreak: "visit_no_break", SoftBreak: "visit_soft_break",
    LineBreak: "visit_line_break",
}


class Visitor:
    """The base of the tree's writers: `visit(node, *args)` calls the writer's method for the node's
    type, with the same arguments. A node type a writer has no method for is a TypeError, never a
    node silently left out of one format."""

    def visit(self, node: Block | Inline, *args: Any) -> Any:
        method = getattr(self, NODE_METHODS.get(type(node), ""), None)
        if method is None:
            raise TypeError(f"{type(self).__name__} cannot write {type(node).__name__}")
        return method(node, *args)
