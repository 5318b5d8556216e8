"""Word-level redlines of clause text: coloured for a terminal, marked for Markdown, and as real
Word tracked changes (w:ins / w:del) that a lawyer can accept or reject one by one.

A text is split into blocks (paragraphs and list items) as the one Markdown walker reads it; the blocks of the
old and the new text are aligned, and the words of each aligned pair are compared. Emphasis is
part of a word, so a word that only turned bold shows as deleted and inserted. Template
placeholders (`{{ deletion_days }}`) count as one word.

The DOCX revisions follow ECMA-376 and the way Word records typing (see `marks`); tests check that
accepting every change gives the new text and rejecting every change the old, styles included.
LibreOffice 7.4 merges two revisions of the same author and minute that end one paragraph and
start the next into one, across the paragraph mark between them, so its Reject All would join the
two paragraphs; alternate paragraphs are therefore dated two minutes apart.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from clausegen.models import tree
from clausegen.rendering import terminal as terminal_text
from clausegen.rendering.environment import escape_markdown
from clausegen.rendering.walker import parse
from clausegen.syntax import TEMPLATE_TAG

Token = tuple[str, bool, bool]  # text, bold, italic
AUTHOR = "clausegen"

# A template tag is one word: a changed placeholder shows as one replaced tag, not as changed braces.
_WORD = re.compile(TEMPLATE_TAG.pattern + r"|\w+(?:['’]\w+)*|\s+|[^\w\s]", re.DOTALL)
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s")


@dataclass(frozen=True)
class Change:
    kind: str  # "=" same, "-" deleted, "+" inserted
    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        return "".join(t[0] for t in self.tokens)


@dataclass(frozen=True)
class Paragraph:
    """One block of the compared text. `kind` is "=" (unchanged), "~" (changed inside),
    "+" (a whole new paragraph) or "-" (a whole paragraph removed). Styles are body, bullet or
    number; a new paragraph has no old style and a removed one no new style."""

    kind: str
    old_style: str
    new_style: str
    changes: tuple[Change, ...]

    @property
    def style(self) -> str:
        return self.new_style or self.old_style


# --- Comparison ---------------------------------------------------------------------------------

def compare(old: str, new: str) -> tuple[Paragraph, ...]:
    """The redline from `old` to `new`, both Markdown (clause bodies) or plain text."""
    a, b = _blocks(old), _blocks(new)
    plain_a = [_plain(tokens) for _, tokens in a]
    plain_b = [_plain(tokens) for _, tokens in b]
    out: list[Paragraph] = []
    matcher = difflib.SequenceMatcher(None, [f"{style}\0{text}" for (style, _), text in zip(a, plain_a, strict=True)],
                                      [f"{style}\0{text}" for (style, _), text in zip(b, plain_b, strict=True)], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += [Paragraph("=", a[i][0], b[j1 + n][0], (Change("=", tuple(a[i][1])),))
                    for n, i in enumerate(range(i1, i2))]
            continue
        j = j1
        for i in range(i1, i2):
            # Pair an old block with the next new block that still shares most of its words.
            k = next((k for k in range(j, j2) if _similar(plain_a[i], plain_b[k])), None)
            if k is None:
                out.append(_whole("-", a[i]))
                continue
            out += [_whole("+", b[n]) for n in range(j, k)]
            out.append(Paragraph("~", a[i][0], b[k][0], words(a[i][1], b[k][1])))
            j = k + 1
        out += [_whole("+", b[n]) for n in range(j, j2)]
    return tuple(out)


def changed(paragraphs: tuple[Paragraph, ...]) -> bool:
    return any(p.kind != "=" for p in paragraphs)


def words(old: list[Token], new: list[Token]) -> tuple[Change, ...]:
    """Word-level changes between two token lists; short unchanged gaps inside a change are folded
    into it, so a rewritten phrase reads as one deletion and one insertion."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    raw: list[Change] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            raw.append(Change("=", tuple(old[i1:i2])))
            continue
        if i2 > i1:
            raw.append(Change("-", tuple(old[i1:i2])))
        if j2 > j1:
            raw.append(Change("+", tuple(new[j1:j2])))
    merged: list[Change] = []
    for n, change in enumerate(raw):
        between = 0 < n < len(raw) - 1 and raw[n - 1].kind != "=" and raw[n + 1].kind != "="
        if change.kind == "=" and between and not any(_is_word(t[0]) for t in change.tokens):
            merged += [Change("-", change.tokens), Change("+", change.tokens)]
        else:
            merged.append(change)
    # Coalesce each run of changes into one deletion followed by one insertion.
    out: list[Change] = []
    run: dict[str, list[Token]] = {"-": [], "+": []}
    for change in merged + [Change("=", ())]:
        if change.kind == "=":
            out += [Change(k, tuple(run[k])) for k in "-+" if run[k]]
            run = {"-": [], "+": []}
            if change.tokens:
                out.append(change)
        else:
            run[change.kind] += change.tokens
    return tuple(out)


def _whole(kind: str, block: tuple[str, list[Token]]) -> Paragraph:
    old_style, new_style = (block[0], "") if kind == "-" else ("", block[0])
    return Paragraph(kind, old_style, new_style, (Change(kind, tuple(block[1])),))


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio() >= 0.4


def _is_word(text: str) -> bool:
    return bool(re.search(r"\w", text))


def _plain(tokens: list[Token]) -> str:
    return "".join(t[0] for t in tokens)


def _blocks(text: str) -> list[tuple[str, list[Token]]]:
    """(style, tokens) for each paragraph and list item, as the one Markdown walker reads them."""
    blocks: list[tuple[str, list[Token]]] = []

    def walk(nodes: tuple[tree.Block, ...], style: str) -> None:
        for node in nodes:
            if isinstance(node, (tree.Paragraph, tree.Note)):
                blocks.append((style, _tokens(node.inlines)))
            elif isinstance(node, tree.ListBlock):
                for item in node.items:
                    walk(item.blocks, "bullet" if node.kind == "bullet" else "number")
            elif isinstance(node, tree.Table):
                blocks.extend(("body", _split(cell, False, False)) for row in (node.columns, *node.rows) for cell in row)

    walk(parse(text), "body")
    return blocks


def _tokens(inlines: tuple[tree.Inline, ...], bold: bool = False, italic: bool = False) -> list[Token]:
    out: list[Token] = []
    pending: list[str] = []
    for node in inlines:
        if isinstance(node, (tree.Strong, tree.Emphasis, tree.Term)):
            out += _split("".join(pending), bold, italic)
            pending.clear()
            if isinstance(node, tree.Term):
                out += _split(node.text, True, italic)
            else:
                strong = isinstance(node, tree.Strong)
                out += _tokens(node.children, bold or strong, italic or not strong)
        elif isinstance(node, tree.NoBreak):  # as the DOCX writer keeps it on one line
            pending.append(node.text.replace(" ", "\u00a0"))
        else:
            pending.append(tree.plain((node,)))
    return out + _split("".join(pending), bold, italic)


def _split(text: str, bold: bool, italic: bool) -> list[Token]:
    return [(w, bold, italic) for w in _WORD.findall(text)]


# --- Terminal and Markdown ----------------------------------------------------------------------

_MARKERS = {"bullet": "- ", "number": "1. ", "body": ""}


def in_context(paragraphs: tuple[Paragraph, ...], context: int = 1) -> list[Paragraph | int]:
    """The changed paragraphs with `context` unchanged ones around them; each longer stretch of
    unchanged paragraphs becomes the number of paragraphs left out."""
    near = {k for k, p in enumerate(paragraphs) if p.kind != "="}
    keep = {k + d for k in near for d in range(-context, context + 1)}
    out: list[Paragraph | int] = []
    for k, p in enumerate(paragraphs):
        if k in keep:
            out.append(p)
        elif out and isinstance(out[-1], int):
            out[-1] += 1
        else:
            out.append(1)
    return out


def _skipped(n: int) -> str:
    return f"[… {n} unchanged paragraph{'s' if n > 1 else ''} …]"


def terminal(paragraphs: tuple[Paragraph, ...], color: bool, indent: str = "    ") -> str:
    """Deletions red and struck through, insertions green and underlined; without colour
    `[-deleted-]` and `{+inserted+}` (the wdiff convention). Unchanged paragraphs away from a
    change are left out and counted."""
    return terminal_text.paint(terminal_parts(paragraphs, color, indent), color)


def terminal_parts(paragraphs: tuple[Paragraph, ...], color: bool, indent: str = "    ") -> list[terminal_text.Part]:
    """What terminal() prints, as styled parts, for a caller that paints a whole report at once."""
    parts: list[terminal_text.Part] = []
    for p, marker in _numbered(in_context(paragraphs)):
        if parts:
            parts.append(("\n", ""))
        if isinstance(p, int):
            parts.append((indent + _skipped(p), ""))
            continue
        parts.append((indent + marker, ""))
        parts += [_term(c, color) for c in p.changes]
    return parts


def _numbered(items: list[Paragraph | int]):
    """Each paragraph with its list marker; numbered items count up until something else comes."""
    n = 0
    for p in items:
        if isinstance(p, int) or p.style != "number":
            n = 0
            yield p, "" if isinstance(p, int) else _MARKERS[p.style]
        else:
            n += 1
            yield p, f"{n}. "


def _term(change: Change, color: bool) -> terminal_text.Part:
    if change.kind == "=":
        return change.text, ""
    if color:
        return change.text, "deleted" if change.kind == "-" else "inserted"
    return f"[-{change.text}-]" if change.kind == "-" else f"{{+{change.text}+}}", ""


def markdown(paragraphs: tuple[Paragraph, ...]) -> str:
    """Deletions in <del>, insertions in <ins>: GitHub, pandoc and most previews show them struck
    through and underlined. Tags never span two blocks, so list markers stay valid. Unchanged
    paragraphs away from a change are left out and counted."""
    out = []
    for p, marker in _numbered(in_context(paragraphs)):
        if isinstance(p, int):
            out.append(escape_markdown(_skipped(p)))
            continue
        parts = []
        for change in p.changes:
            text = "".join(_emphasis(run, b, i) for run, b, i in _runs(change.tokens))
            parts.append(text if change.kind == "=" else
                         f"<del>{text}</del>" if change.kind == "-" else f"<ins>{text}</ins>")
        out.append(marker + "".join(parts))
    return "\n\n".join(out)


def _runs(tokens: tuple[Token, ...]) -> list[Token]:
    runs: list[list[Any]] = []
    for text, bold, italic in tokens:
        if runs and runs[-1][1] == bold and runs[-1][2] == italic:
            runs[-1][0] += text
        else:
            runs.append([text, bold, italic])
    return [(r[0], r[1], r[2]) for r in runs]


def _emphasis(text: str, bold: bool, italic: bool) -> str:
    """One run inside a line: its spaces stay as they are (they sit between words, where Markdown
    keeps them), the words are escaped and, if bold or italic, marked."""
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    mark = "***" if bold and italic else "**" if bold else "*" if italic else ""
    return f"{lead}{mark}{escape_markdown(core)}{mark}{trail}"


# --- Word tracked changes -----------------------------------------------------------------------

_STYLES = {"body": "Body Text", "bullet": "List Bullet", "number": "List Number"}


@dataclass(frozen=True)
class Mark:
    """The paragraph mark that ends one paragraph element: kept ("="), inserted ("+") or deleted
    ("-"), with the style of the paragraph it ends in the new and in the old text."""

    status: str
    new_style: str
    old_style: str


def marks(paragraphs: tuple[Paragraph, ...]) -> list[Mark]:
    """Which paragraph marks are inserted, deleted or kept, the way Word records typing.

    The text is cut into segments, each an unchanged or changed paragraph (the anchor) followed by
    whole paragraphs inserted or removed. In each view (old text, new text) a segment needs one
    mark at the end of each of its paragraphs in that view; it gets the mark just before the next
    paragraph visible in that view, and the segment's last mark (paragraphs before the first
    anchor keep their own marks). A mark visible in both views is
    kept, one visible only in the new text is inserted, only in the old text deleted. So, as in
    Word, inserting paragraphs after X marks X's paragraph mark as inserted and the last new
    paragraph ends with X's original mark; where that mark's style differs between the views a
    w:pPrChange records the old one. Accepting every change gives exactly the new text with its
    styles, rejecting every change exactly the old text."""
    segments: list[list[int]] = []
    for k, p in enumerate(paragraphs):
        if p.kind in "=~" or not segments:
            segments.append([k])
        else:
            segments[-1].append(k)
    out: list[Mark | None] = [None] * len(paragraphs)
    for segment in segments:
        if paragraphs[segment[0]].kind not in "=~":
            # Paragraphs before the first unchanged or changed one: each keeps its own mark.
            for k in segment:
                p = paragraphs[k]
                out[k] = Mark(p.kind, p.new_style, p.old_style)
            continue
        in_old = _ends([k for k in segment if paragraphs[k].kind in "=~-"], segment)
        in_new = _ends([k for k in segment if paragraphs[k].kind in "=~+"], segment)
        for k in segment:
            status = "=" if k in in_old and k in in_new else "-" if k in in_old else "+"
            out[k] = Mark(status, paragraphs[in_new[k]].new_style if k in in_new else "",
                          paragraphs[in_old[k]].old_style if k in in_old else "")
    return [m for m in out if m is not None]


def _ends(visible: list[int], segment: list[int]) -> dict[int, int]:
    """mark position -> the paragraph it ends, for the paragraphs visible in one view."""
    if not visible:
        return {}
    ends = {b - 1: a for a, b in zip(visible, visible[1:], strict=False)}
    ends[segment[-1]] = visible[-1]
    return ends


class TrackedChanges:
    """Writes redline paragraphs into a python-docx body as w:ins / w:del revisions by one author
    at one fixed date, so the same input gives the same file."""

    def __init__(self, date: str, style_ids: dict[str, str], author: str = AUTHOR) -> None:
        # Alternate paragraphs are dated two minutes later: LibreOffice merges revisions of one
        # author and minute that meet at a paragraph mark, and its Reject All then joins the two
        # paragraphs (see redlines/docx.py).
        later = datetime.strptime(date, "%Y-%m-%dT%H:%M:%SZ") + timedelta(minutes=2)
        self.dates = (date, later.strftime("%Y-%m-%dT%H:%M:%SZ"))
        self.date = date
        self.paragraph = -1  # the first paragraph gets the first date
        self.author = author
        self.style_ids = style_ids  # Word style name -> style id, for w:pPrChange
        self.next_id = 1

    def paragraphs(self, body: Any, paragraphs: tuple[Paragraph, ...]) -> None:
        for p, mark in zip(paragraphs, marks(paragraphs), strict=True):
            self.paragraph += 1
            style = _STYLES[mark.old_style if mark.status == "-" else mark.new_style]
            paragraph = body.add_paragraph(style=style)
            element = paragraph._p
            for change in p.changes:
                runs = [_run(text, b, i, deleted=change.kind == "-") for text, b, i in _runs(change.tokens)]
                if change.kind == "=":
                    for run in runs:
                        element.append(run)
                else:
                    element.append(self._revision("w:ins" if change.kind == "+" else "w:del", runs))
            p_pr = element.get_or_add_pPr()
            if mark.status != "=":
                r_pr = OxmlElement("w:rPr")
                r_pr.append(self._revision("w:ins" if mark.status == "+" else "w:del", []))
                p_pr.append(r_pr)
            elif mark.old_style != mark.new_style:
                change = self._revision("w:pPrChange", [])
                old = OxmlElement("w:pPr")
                style_element = OxmlElement("w:pStyle")
                style_element.set(qn("w:val"), self.style_ids[_STYLES[mark.old_style]])
                old.append(style_element)
                change.append(old)
                p_pr.append(change)

    def _revision(self, tag: str, children: list[Any]) -> Any:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self.next_id))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.dates[self.paragraph % 2])
        self.next_id += 1
        for child in children:
            element.append(child)
        return element


def _run(text: str, bold: bool, italic: bool, deleted: bool) -> Any:
    run = OxmlElement("w:r")
    if bold or italic:
        r_pr = OxmlElement("w:rPr")
        if bold:
            r_pr.append(OxmlElement("w:b"))
        if italic:
            r_pr.append(OxmlElement("w:i"))
        run.append(r_pr)
    t = OxmlElement("w:delText" if deleted else "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    return run
