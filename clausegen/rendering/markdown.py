"""Clause templates to Markdown, and the Markdown writer: a document tree to one Markdown file."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SecurityError

from clausegen.errors import Diagnostic, RenderError
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
    number_label,
)
from clausegen.rendering import signatures
from clausegen.rendering.environment import (
    UnsafeTemplateError,
    environment,
    escape_markdown,
    keep_line_start_spaces,
    render_limited,
)
from clausegen.syntax import template_residue


@lru_cache(maxsize=4096)
def _compile(kind: str, source: str) -> Template:
    return environment(kind).from_string(source)


def render_template(kind: str, source: str, context: dict[str, Any], file: str, first_line: int, owner: str) -> str:
    """Render one clause body (`markdown`) or requirement text (`text`). Raises RenderError located."""
    try:
        text = render_limited(_compile(kind, source), context)
    except UnsafeTemplateError as e:
        raise RenderError(Diagnostic(file, first_line + (e.lineno or 1) - 1, owner,
                                     f"unsafe template construct: {e.message}")) from e
    except SecurityError as e:
        raise RenderError(Diagnostic(file, first_line, owner, f"unsafe template construct: {e}",
                                     "templates may only print parameters and profile fields")) from e
    except TemplateSyntaxError as e:
        raise RenderError(Diagnostic(file, first_line + (e.lineno or 1) - 1, owner, f"template syntax: {e.message}")) from e
    except TemplateError as e:
        line = _template_line(e.__cause__ or e)
        raise RenderError(Diagnostic(file, first_line + line - 1 if line else first_line, owner, str(e))) from e
    except (SyntaxError, RecursionError, ValueError) as e:  # Python refused the compiled template
        raise RenderError(Diagnostic(file, first_line, owner, f"template too deeply nested or too large: {e}")) from e
    residue = template_residue(text)
    if residue:
        raise RenderError(Diagnostic(file, first_line, owner, f"the rendered text contains template syntax {residue!r}",
                                     "a template printed a tag; write the text without {{ }} or {% %}"))
    return text


def _template_line(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def cell(text: str) -> str:
    return escape_markdown(text).replace("\\\n", " ")


def table(t: Table) -> str:
    lines = ["| " + " | ".join(cell(c) for c in t.columns) + " |",
             "|" + "|".join("-" * max(3, w) for w in t.widths) + "|"]
    for row in t.rows:
        lines.append("| " + " | ".join(cell(c) if c else " " for c in row) + " |")
    return "\n".join(lines)


def inlines(nodes: tuple[Inline, ...]) -> str:
    return _WRITERS[False].inlines(nodes)


def blocks(nodes: Iterable[Block], source: bool = False) -> str:
    """The blocks as Markdown. `source`: as clause source, obligations as `1)` lists that the
    walker reads back as the same tree (the redline compares such text), not as "(a)" lines."""
    return _WRITERS[source].blocks(nodes)


class _Writer(Visitor):
    def __init__(self, source: bool) -> None:
        self.source = source

    def blocks(self, nodes: Iterable[Block]) -> str:
        return "\n\n".join(self.visit(node) for node in nodes)

    def visit_heading(self, node: Heading) -> str:
        return f"{'#' * (node.level + 1)} {node.number} {escape_markdown(node.title)}"

    def visit_paragraph(self, node: Paragraph) -> str:
        return self.inlines(node.inlines)

    def visit_note(self, node: Note) -> str:
        return "\n".join("> " + line for line in self.inlines(node.inlines).split("\n"))

    def visit_table(self, node: Table) -> str:
        return table(node)

    def visit_signature_block(self, node: SignatureBlock) -> str:
        return signatures.markdown([(s.party, s.name) for s in node.signatories], escape_markdown)

    def visit_list_block(self, node: ListBlock) -> str:
        """Bullets as `-` and numbered items as `1.` Markdown lists; obligations as paragraphs that
        start with their label, (a) or (i), which Markdown has no list for."""
        if node.kind in ("alpha", "roman") and not self.source:
            return "\n\n".join(f"({number_label(node.kind, n)}) " + self.blocks(item.blocks)
                                 for n, item in enumerate(node.items, start=1))
        items = []
        for n, item in enumerate(node.items, start=1):
            marker = "-" if node.kind == "bullet" else f"{n}." if node.kind == "decimal" else f"{n})"
            indent = " " * (len(marker) + 1)
            lines = self.blocks(item.blocks).split("\n")
            items.append(marker + " " + "\n".join([lines[0]] + [indent + line if line else "" for line in lines[1:]]))
        return "\n".join(items)

    def inlines(self, nodes: tuple[Inline, ...]) -> str:
        out: list[str] = []
        after_break = False
        for node in nodes:
            out.append(self.visit(node, after_break))
            after_break = isinstance(node, LineBreak)
        return "".join(out)

    def visit_text(self, node: Text, after_break: bool) -> str:
        text = escape_markdown(node.text)
        return keep_line_start_spaces("\n" + text)[1:] if after_break else text

    def visit_no_break(self, node: NoBreak | CrossRef, after_break: bool) -> str:
        return escape_markdown(node.text)

    visit_cross_ref = visit_no_break

    def visit_strong(self, node: Strong, after_break: bool) -> str:
        return "**" + self.inlines(node.children) + "**"

    def visit_term(self, node: Term, after_break: bool) -> str:
        return "**" + escape_markdown(node.text) + "**"

    def visit_emphasis(self, node: Emphasis, after_break: bool) -> str:
        return "*" + self.inlines(node.children) + "*"

    def visit_link(self, node: Link, after_break: bool) -> str:
        return f"[{self.inlines(node.children)}](<{node.target.replace('>', '%3E')}>)"

    def visit_soft_break(self, node: SoftBreak, after_break: bool) -> str:
        return "\n"

    def visit_line_break(self, node: LineBreak, after_break: bool) -> str:
        return "\\\n"


_WRITERS = {False: _Writer(False), True: _Writer(True)}


def write(document: Document) -> str:
    """The Markdown file a user reads: title block, then the body."""
    head = [
        f"# {escape_markdown(document.title)}",
        escape_markdown(document.subtitle),
        f"**Classification:** {escape_markdown(document.marking)}  \n"
        + (f"**Status:** {document.status.upper()}  \n" if document.status else "") +
        f"**Document:** {escape_markdown(document.head)}",
    ]
    return "\n\n".join(head) + "\n\n" + blocks(document.blocks()) + "\n"
