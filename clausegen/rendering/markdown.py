"""Clause templates to Markdown, and a whole Document to one Markdown file."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SecurityError

from clausegen.errors import Diagnostic, RenderError
from clausegen.models.document import Document, Table
from clausegen.rendering import signatures
from clausegen.rendering.environment import UnsafeTemplateError, environment, escape_markdown, render_limited
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


def body(document: Document, pandoc: bool = False) -> str:
    """The numbered sections, without the title block. For pandoc (`pandoc=True`) the signature
    block is a table in a div the Typst and HTML templates lay out and keep on one page."""
    out: list[str] = []
    for section in document.sections:
        out.append(f"## {section.number} {escape_markdown(section.title)}")
        for part in section.parts:
            out.append(f"### {part.number} {escape_markdown(part.title)}")
            if part.markdown:
                out.append(part.markdown.strip())
            if part.note:
                out.append(escape_markdown(part.note))
            if part.table is not None:
                out.append(table(part.table))
    if document.signatures:
        out.append(signatures.pandoc_markdown(document.signatures, cell) if pandoc
                   else signatures.markdown(document.signatures, escape_markdown))
    return "\n\n".join(out) + "\n"


def write(document: Document) -> str:
    """The Markdown file a user reads: title block, then the body."""
    head = [
        f"# {escape_markdown(document.title)}",
        escape_markdown(document.subtitle),
        f"**Classification:** {escape_markdown(document.marking)}  \n"
        + (f"**Status:** {document.status.upper()}  \n" if document.status else "") +
        f"**Document:** {escape_markdown(document.footer)}",
    ]
    return "\n\n".join(head) + "\n\n" + body(document)
