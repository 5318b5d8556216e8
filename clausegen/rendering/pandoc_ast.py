"""The pandoc writer: the document tree as pandoc's JSON AST, which pandoc turns into Typst (for
the PDF) and HTML without reading any Markdown.

Text only ever becomes Str, Space and the structure around it, so nothing in a value or a clause
is read as markup: the AST holds no raw, image or file-link node from any input. The one
exception is for Typst, whose markup has shorthands pandoc's Typst writer does not escape
(`...` an ellipsis, `-?` a soft hyphen, `-1` a minus sign) and has no no-break run: there this
writer adds raw Typst of its own, a fixed set of escapes and `#box[...]`, never text from input.
"""

from __future__ import annotations

import json
import re
from typing import Any

from clausegen.models.document import Document
from clausegen.models.tree import (
    Block,
    CrossRef,
    Emphasis,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    NoBreak,
    Note,
    Paragraph,
    SignatureBlock,
    SoftBreak,
    Strong,
    Table,
    Term,
    Text,
    Visitor,
    text_inlines,
)
from clausegen.rendering import signatures

API_VERSION = [1, 23, 1, 1]
# Values the templates put inside a quoted string or a CSS string, not into content: clausegen's own
# words and codes (draft, 3, en), never profile text.
PLAIN_META = frozenset({"status", "revision", "lang", "draft", "marking-css", "footer-css"})
_NO_ATTR: list[Any] = ["", [], []]
# The line that introduces a table or a list ("The Supplier shall:") never ends a page without it
# (Word: keepNext): a sticky block, spaced as the paragraph it holds.
_KEEP_WITH_NEXT = {"t": "RawBlock", "c": ["typst", "#context block(sticky: true, spacing: par.spacing)["]}
_LIST_STYLES = {"decimal": ("Decimal", "Period"), "alpha": ("LowerAlpha", "TwoParens"),
                "roman": ("LowerRoman", "TwoParens")}
# Typst shorthands pandoc leaves alone: a dot after a dot (`...`), `?` after `-` (`-?`), a `-`
# before a digit (a minus sign). Each is escaped with a backslash.
_CALLS = frozenset({"Strong", "Emph", "Link"})  # inlines pandoc's Typst writer writes as #name[...]
_TYPST_SHORTHAND = re.compile(r"(?<=\.)\.|(?<=-)\?|-(?=\d)")


def document(doc: Document, target: str, meta: dict[str, str] | None = None) -> bytes:
    """The JSON AST of `doc`; `target` is the pandoc writer it is for (typst or html5), `meta` the
    values its template reads (title, subtitle, marking, ...), each shown as literal text."""
    writer = Writer(target == "typst")
    return dump(writer, meta, [node for landscape, blocks in doc.pages() for node in writer.run(landscape, blocks)])


def dump(writer: Writer, meta: dict[str, str] | None, blocks: list[dict[str, Any]]) -> bytes:
    """The AST's bytes: `meta` for the template (each value literal text) and the body's blocks."""
    ast = {"pandoc-api-version": API_VERSION,
           "meta": {key: {"t": "MetaString", "c": value} if key in PLAIN_META else
                    {"t": "MetaInlines", "c": writer.meta(value)} for key, value in (meta or {}).items() if value},
           "blocks": blocks}
    return json.dumps(ast, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Writer(Visitor):
    """The tree as pandoc AST nodes; also writes the text of the redline reports (redlines/pandoc_ast.py)."""

    def __init__(self, typst: bool) -> None:
        self.typst = typst

    def meta(self, value: str) -> list[dict[str, Any]]:
        """A document value for the template. Typst templates put it in a content block, where
        pandoc does not know it starts a line: an empty block in front keeps "= " or "- " text."""
        inlines = self.inlines(text_inlines(value))
        return [_raw("#[]"), *inlines] if self.typst else inlines

    def line_start(self, inlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Typst reads "/ ", "= ", "- ", "1. " at the start of a table cell or list item as markup,
        where pandoc's Typst writer does not escape them: an empty block in front keeps them text."""
        first = inlines[0] if inlines else None
        if self.typst and first and first["t"] == "Str" and not first["c"][:1].isalpha():
            return [_raw("#[]"), *inlines]
        return inlines

    def run(self, landscape: bool, blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
        """Blocks of the body. A landscape run is one turned page in Typst (a page is allowed only at
        the top level of the document); HTML has no pages and shows it as it is."""
        nodes = []
        for index, block in enumerate(blocks):
            introduces = index + 1 < len(blocks) and isinstance(blocks[index + 1], (Table, ListBlock))
            if self.typst and introduces and isinstance(block, Paragraph):
                nodes += [_KEEP_WITH_NEXT, *self.top(block), {"t": "RawBlock", "c": ["typst", "]"]}]
            else:
                nodes += self.top(block)
        if landscape and self.typst:  # the turned page's columns are wide enough to need no hyphens
            return [{"t": "RawBlock", "c": ["typst", "#page(flipped: true)[#show table: set text(hyphenate: false)"]},
                    *nodes,
                    {"t": "RawBlock", "c": ["typst", "]"]}]
        return nodes

    def top(self, block: Block) -> list[dict[str, Any]]:
        """One block of the body as nodes: a signature block goes in as the contents of its Div."""
        if isinstance(block, SignatureBlock):
            return list(self.block(block)["c"][1])
        return [self.block(block)]

    def block(self, block: Block, tight: bool = False) -> dict[str, Any]:
        node: dict[str, Any] = self.visit(block, tight)
        return node

    def visit_heading(self, block: Heading, tight: bool) -> dict[str, Any]:
        # The templates write the document title as the one level-1 heading.
        return {"t": "Header", "c": [block.level + 1, [block.anchor, [], []],
                                     self.inlines(text_inlines(f"{block.number} {block.title}"))]}

    def visit_paragraph(self, block: Paragraph, tight: bool) -> dict[str, Any]:
        return {"t": "Plain" if tight else "Para", "c": self.line_start(self.inlines(block.inlines))}

    def visit_note(self, block: Note, tight: bool) -> dict[str, Any]:
        return {"t": "BlockQuote", "c": [{"t": "Para", "c": self.inlines(block.inlines)}]}

    def visit_list_block(self, block: ListBlock, tight: bool) -> dict[str, Any]:
        return self.list_block(block)

    def visit_table(self, block: Table, tight: bool) -> dict[str, Any]:
        return self.table(block)

    def visit_signature_block(self, block: SignatureBlock, tight: bool) -> dict[str, Any]:
        """The templates draw `signature-block` as lines to sign on."""
        pairs = [(s.party, s.name) for s in block.signatories]
        return {"t": "Div", "c": [_NO_ATTR, [
            {"t": "Div", "c": [["signature-block", [], []], [self.table(Table(
                rows[0][1], tuple(row for _, row in rows[1:]), (1,) * len(rows[0][1])))]]}
            for rows in signatures.grid(pairs)]]}

    def list_block(self, block: ListBlock) -> dict[str, Any]:
        tight = all(len(item.blocks) <= 2 for item in block.items)
        items = [[self.block(inner, tight) for inner in item.blocks] for item in block.items]
        if block.kind == "bullet":
            return {"t": "BulletList", "c": items}
        style, delimiter = _LIST_STYLES[block.kind]
        return {"t": "OrderedList", "c": [[1, {"t": style}, {"t": delimiter}], items]}

    def table(self, table: Table) -> dict[str, Any]:
        total = sum(table.widths)
        specs = [[{"t": "AlignDefault"}, {"t": "ColWidth", "c": w / total}] for w in table.widths]
        anchors = ("",) + (table.row_anchors or ("",) * len(table.rows))  # the columns row has none
        rows = [self._row(r, anchor) for r, anchor in zip((table.columns, *table.rows), anchors, strict=True)]
        head, body = rows[:table.header_rows], rows[table.header_rows:]
        return {"t": "Table", "c": [_NO_ATTR, [None, []], specs, [_NO_ATTR, head],
                                    [[_NO_ATTR, 0, [], body]], [_NO_ATTR, []]]}

    def _row(self, values: tuple[str, ...], anchor: str) -> list[Any]:
        contents = [self.line_start(self.inlines(text_inlines(value))) for value in values]
        if anchor and contents:  # the first cell is the row's link target (a requirement id)
            contents[0] = [{"t": "Span", "c": [[anchor, [], []], contents[0]]}]
        cells = [[_NO_ATTR, {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": inlines}] if inlines else []]
                 for inlines in contents]
        return [_NO_ATTR, cells]

    def inlines(self, nodes: tuple[Inline, ...]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for node in nodes:
            out += self.visit(node, out)
        return out

    def visit_text(self, node: Text, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.typst and before and before[-1]["t"] in _CALLS and node.text[:1] in ".([":
            # pandoc writes strong, emph and link as function calls: a "." or bracket right
            # after one would continue the call ("#strong[US].Before"), so it is escaped.
            return [_raw("\\" + node.text[0]), *self.text(node.text[1:])]
        return self.text(node.text, after_break=bool(before) and before[-1]["t"] == "LineBreak")

    def visit_strong(self, node: Strong, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"t": "Strong", "c": self.inlines(node.children)}]

    def visit_term(self, node: Term, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"t": "Strong", "c": self.inlines((Text(node.text),))}]

    def visit_emphasis(self, node: Emphasis, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"t": "Emph", "c": self.inlines(node.children)}]

    def visit_no_break(self, node: NoBreak, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.nobreak(node.text)

    def visit_cross_ref(self, node: CrossRef, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        shown = self.nobreak(node.text)
        return [{"t": "Link", "c": [_NO_ATTR, shown, ["#" + node.anchor, ""]]}] if node.anchor else shown

    def visit_link(self, node: Link, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"t": "Link", "c": [_NO_ATTR, self.inlines(node.children), [node.target, ""]]}]

    def visit_soft_break(self, node: SoftBreak, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"t": "Space"}]  # a Typst line must never start with a value's text

    def visit_line_break(self, node: LineBreak, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"t": "LineBreak"}]

    def text(self, text: str, after_break: bool = False) -> list[dict[str, Any]]:
        """One Str for a whole run of text, spaces included: pandoc's writers print a Str's spaces
        as spaces, and an AST of one node per word is several times larger to write and read."""
        out: list[dict[str, Any]] = []
        if self.typst and after_break and text[:1].isspace():
            # Typst drops the spaces and reads "- " or "= " after them as markup: an empty
            # content block in front keeps the line's text as text.
            out.append(_raw("#[]"))
        return out + self._str(text) if text else out

    def _str(self, word: str) -> list[dict[str, Any]]:
        if not self.typst:
            return [{"t": "Str", "c": word}]
        out: list[dict[str, Any]] = []
        position = 0
        for match in _TYPST_SHORTHAND.finditer(word):
            if match.start() > position:
                out.append({"t": "Str", "c": word[position:match.start()]})
            out.append(_raw("\\" + match.group()))
            position = match.end()
        if position < len(word):
            out.append({"t": "Str", "c": word[position:]})
        return out

    def nobreak(self, text: str) -> list[dict[str, Any]]:
        inner = self.text(text)
        if self.typst:
            return [_raw("#box["), *inner, _raw("]")]
        return [{"t": "Span", "c": [["", ["nobreak"], []], inner]}]


def _raw(typst: str) -> dict[str, Any]:
    return {"t": "RawInline", "c": ["typst", typst]}
