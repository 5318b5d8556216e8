"""A document redline as Markdown: the whole new document, deletions in <del> and insertions in
<ins>, tables row by row. HTML and PDF are written from the same comparison as pandoc's AST
(pandoc_ast.py), not from this Markdown.
"""

from __future__ import annotations

from clausegen.redlines.structure import Block, DocumentDiff, TableDiff
from clausegen.rendering.environment import escape_markdown
from clausegen.rendering.markdown import cell as plain_cell
from clausegen.rendering.redline import Change, _emphasis, _runs

LEGEND = "Changes since the earlier build: inserted text is underlined, deleted text is struck through."
_HEADINGS = {"h1": "## ", "h2": "### "}
_MARKERS = {"bullet": "- ", "body": "", "note": ""}


def write(diff: DocumentDiff) -> str:
    """The Markdown a user reads."""
    document = diff.new or diff.old
    assert document is not None
    head = [f"# {escape_markdown(document.title)}", escape_markdown(document.subtitle),
            f"**Classification:** {escape_markdown(document.marking)}  \n"
            f"**Document:** {escape_markdown(document.head)}"]
    if diff.status in ("added", "removed"):
        head.append(escape_markdown(f"This document is {'new in' if diff.status == 'added' else 'not in'} "
                                    "the later build."))
    head.append(f"*{escape_markdown(LEGEND)}*")
    return "\n\n".join(head + body(diff.blocks)) + "\n"


def body(blocks: tuple[Block, ...]) -> list[str]:
    out: list[str] = []
    number = 0
    for block in blocks:
        if isinstance(block, TableDiff):
            out.append(_table(block))
            number = 0
            continue
        style = block.style
        if style == "number":
            number += 1
            marker = f"{number}. "
        else:
            number = 0
            marker = _HEADINGS.get(style, _MARKERS.get(style, ""))
        out.append(marker + _inline(block.changes))
    return out


def _inline(changes: tuple[Change, ...]) -> str:
    parts = []
    for change in changes:
        text = "".join(_emphasis(run, b, i) for run, b, i in _runs(change.tokens))
        parts.append(_mark(text, change.kind))
    return "".join(parts)


def _mark(text: str, kind: str) -> str:
    if kind == "=" or not text:
        return text
    return f"<del>{text}</del>" if kind == "-" else f"<ins>{text}</ins>"


def _cell(changes: tuple[Change, ...]) -> str:
    text = "".join(_mark(plain_cell(c.text), c.kind) for c in changes)
    return text or " "


def _table(table: TableDiff) -> str:
    lines = ["| " + " | ".join(_cell(c) for c in table.columns) + " |",
             "|" + "|".join("-" * max(3, w) for w in table.widths) + "|"]
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(c) for c in row.cells) + " |")
    return "\n".join(lines)
