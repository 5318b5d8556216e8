"""The one Markdown walker: clause Markdown to the document tree (models/tree.py).

Every reader of clause Markdown goes through here: assembly builds the tree with `parse`, the
redline compares `parse` results, and validate and lint look for what a clause body may not hold
with `located_tokens`. There is no other markdown-it parser in clausegen.

What a clause may not contain never reaches the tree as markup: raw HTML becomes literal text,
an image becomes its description, a link to anything but the web or mail becomes its text. So
the pandoc AST made from the tree has no raw, image or file-link node to contain.

Lists: `-` items are bullets; `1.` items are numbered 1., 2.; `1)` items are obligations,
lettered (a), (b), with (i), (ii) one level down (docs/format.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from clausegen.models.tree import (
    REF_CLOSE,
    REF_OPEN,
    Block,
    CrossRef,
    Emphasis,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Note,
    Paragraph,
    SoftBreak,
    Strong,
    Table,
    Term,
    Text,
    text_inlines,
)

_MD = MarkdownIt("commonmark").enable("table")
_MD.validateLink = lambda url: True  # type: ignore[method-assign]  # see every link, also file: and data: ones, to refuse or reduce them
WEB_LINK = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)

_REF = re.compile(f"{REF_OPEN}([^{REF_CLOSE}]*){REF_CLOSE}")


def tokens(markdown: str) -> list[Token]:
    return _MD.parse(markdown)


def located_tokens(markdown: str) -> Iterator[tuple[Token, int]]:
    """Every token with its 0-based line in `markdown`, inline tokens included; a token inside a
    paragraph counts the line breaks before it."""
    yield from _located(tokens(markdown), 0)


def _located(items: list[Token], parent_line: int) -> Iterator[tuple[Token, int]]:
    line = parent_line
    for token in items:
        if token.map:
            line = token.map[0]
        yield token, line
        if token.children:
            yield from _located(token.children, line)
        if token.type in ("softbreak", "hardbreak"):
            line += 1


def parse(markdown: str, resolve: Any = None) -> tuple[Block, ...]:
    """The blocks of a rendered clause. `resolve(target_id) -> CrossRef` turns the references that
    `ref()` printed into nodes; without it a reference is kept as its target id."""
    stream = tokens(markdown)
    blocks, _ = _blocks(stream, 0, len(stream), resolve, 0)
    return tuple(blocks)


def _blocks(stream: list[Token], i: int, end: int, resolve: Any, depth: int) -> tuple[list[Block], int]:
    out: list[Block] = []
    while i < end:
        token = stream[i]
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            close = _close(stream, i)
            out.append(_list(stream, i, close, resolve, depth))
            i = close
        elif kind == "blockquote_open":
            close = _close(stream, i)
            inner, _ = _blocks(stream, i + 1, close, resolve, depth)
            out += [Note(b.inlines) if isinstance(b, Paragraph) else b for b in inner]
            i = close
        elif kind == "table_open":
            close = _close(stream, i)
            out.append(_table(stream[i:close]))
            i = close
        elif kind == "inline":
            out.append(Paragraph(_inlines(token.children or [], resolve)))
        elif kind in ("fence", "code_block", "html_block"):
            out.append(Paragraph(text_inlines(token.content.strip("\n"))))
        i += 1
    return out, i


def _close(stream: list[Token], i: int) -> int:
    """Index of the token that closes the one opened at i."""
    level = 0
    for j in range(i, len(stream)):
        level += stream[j].nesting
        if level == 0:
            return j
    return len(stream) - 1


def _list(stream: list[Token], i: int, close: int, resolve: Any, depth: int) -> ListBlock:
    opener = stream[i]
    if opener.type == "bullet_list_open":
        kind = "bullet"
    elif opener.markup == ")":
        kind = "roman" if depth % 2 else "alpha"
    else:
        kind = "decimal"
    items: list[ListItem] = []
    j = i + 1
    while j < close:
        item_close = _close(stream, j)
        inner, _ = _blocks(stream, j + 1, item_close, resolve, depth + (1 if kind in ("alpha", "roman") else 0))
        items.append(ListItem(tuple(inner)))
        j = item_close + 1
    return ListBlock(kind, tuple(items))


def _table(stream: list[Token]) -> Table:
    rows: list[list[str]] = []
    for token in stream:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline":
            rows[-1].append(_plain_text(token.children or []))
    header, *body = rows
    return Table(tuple(header), tuple(tuple(r) for r in body), tuple(1 for _ in header))


def _plain_text(children: list[Token]) -> str:
    return "".join(" " if c.type in ("softbreak", "hardbreak") else c.content for c in children
                   if c.type in ("text", "code_inline", "html_inline", "softbreak", "hardbreak"))


def _inlines(children: list[Token], resolve: Any) -> tuple[Inline, ...]:
    """Inline tokens to nodes: nesting of strong, emphasis and links kept, text merged."""
    stack: list[tuple[str, str, list[Inline]]] = [("", "", [])]
    pending: list[str] = []

    def flush() -> None:
        if pending:
            _extend(stack[-1][2], _text("".join(pending), resolve))
            pending.clear()

    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            pending.append(child.content)
        elif kind == "image":
            pending.append(_plain_text(child.children or []))
        elif kind in ("softbreak", "hardbreak"):
            flush()
            stack[-1][2].append(SoftBreak() if kind == "softbreak" else LineBreak())
        elif kind in ("strong_open", "em_open", "link_open"):
            flush()
            stack.append((kind, str(child.attrs.get("href", "")), []))
        elif kind in ("strong_close", "em_close", "link_close"):
            flush()
            opened, href, inner = stack.pop()
            _extend(stack[-1][2], _wrap(opened, href, tuple(inner)))
    flush()
    return _terms(tuple(stack[0][2]))


def _extend(nodes: list[Inline], more: Any) -> None:
    """Append, joining text that meets text (a link reduced to its text, say)."""
    for node in more:
        if nodes and isinstance(node, Text) and isinstance(nodes[-1], Text):
            nodes[-1] = Text(nodes[-1].text + node.text)
        else:
            nodes.append(node)


def _wrap(opened: str, href: str, inner: tuple[Inline, ...]) -> tuple[Inline, ...]:
    if opened == "strong_open":
        return (Strong(inner),)
    if opened == "em_open":
        return (Emphasis(inner),)
    return (Link(href, inner),) if WEB_LINK.match(href) else inner


def _text(text: str, resolve: Any) -> list[Inline]:
    out: list[Inline] = []
    position = 0
    for match in _REF.finditer(text):
        out += text_inlines(text[position:match.start()])
        target = match.group(1)
        out.append(resolve(target) if resolve is not None else CrossRef(target, target))
        position = match.end()
    out += text_inlines(text[position:])
    return out


def _terms(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """`**Client Data** means ...`: the bold words a definition starts with are a defined term."""
    out = list(inlines)
    for k, node in enumerate(out[:-1]):
        following = out[k + 1]
        if isinstance(node, Strong) and len(node.children) == 1 and isinstance(node.children[0], Text) \
                and isinstance(following, Text) and following.text.startswith(" means"):
            out[k] = Term(node.children[0].text)
    return tuple(out)
