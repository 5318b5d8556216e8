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
    SoftBreak,
    Strong,
    Table,
    Term,
    Text,
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
    out: list[str] = []
    after_break = False
    for node in nodes:
        if isinstance(node, Text):
            text = escape_markdown(node.text)
            out.append(keep_line_start_spaces("\n" + text)[1:] if after_break else text)
        elif isinstance(node, (NoBreak, CrossRef)):
            out.append(escape_markdown(node.text))
        elif isinstance(node, (Strong, Term)):
            out.append("**" + (inlines(node.children) if isinstance(node, Strong) else escape_markdown(node.text)) + "**")
        elif isinstance(node, Emphasis):
            out.append("*" + inlines(node.children) + "*")
        elif isinstance(node, Link):
            out.append(f"[{inlines(node.children)}](<{node.target.replace('>', '%3E')}>)")
        elif isinstance(node, SoftBreak):
            out.append("\n")
        elif isinstance(node, LineBreak):
            out.append("\\\n")
        after_break = isinstance(node, LineBreak)
    return "".join(out)


def blocks(nodes: Iterable[Block], source: bool = False) -> str:
    """The blocks as Markdown. `source`: as clause source, obligations as `1)` lists that the
    walker reads back as the same tree (the redline compares such text), not as "(a)" lines."""
    return "\n\n".join(_block(node, source) for node in nodes)


def _block(node: Block, source: bool) -> str:
    if isinstance(node, Heading):
        return f"{'#' * (node.level + 1)} {node.number} {escape_markdown(node.title)}"
    if isinstance(node, Paragraph):
        return inlines(node.inlines)
    if isinstance(node, Note):
        return "\n".join("> " + line for line in inlines(node.inlines).split("\n"))
    if isinstance(node, ListBlock):
        return _list(node, source)
    if isinstance(node, Table):
        return table(node)
    return signatures.markdown([(s.party, s.name) for s in node.signatories], escape_markdown)


def _list(node: ListBlock, source: bool) -> str:
    """Bullets as `-` and numbered items as `1.` Markdown lists; obligations as paragraphs that
    start with their label, (a) or (i), which Markdown has no list for."""
    if node.kind in ("alpha", "roman") and not source:
        return "\n\n".join(f"({number_label(node.kind, n)}) " + blocks(item.blocks)
                             for n, item in enumerate(node.items, start=1))
    items = []
    for n, item in enumerate(node.items, start=1):
        marker = "-" if node.kind == "bullet" else f"{n}." if node.kind == "decimal" else f"{n})"
        indent = " " * (len(marker) + 1)
        lines = blocks(item.blocks, source).split("\n")
        items.append(marker + " " + "\n".join([lines[0]] + [indent + line if line else "" for line in lines[1:]]))
    return "\n".join(items)


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
