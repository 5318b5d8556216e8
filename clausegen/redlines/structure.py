"""Compare two assembled documents by their structure.

Sections are matched by title, clauses by clause id, generated parts (requirement areas, the DPA
checklist, the exit dates) by title, table rows by their first cell (the requirement id, the
checklist item, the phase); only then are the words of each matched pair compared. A clause whose
number changed because something before it came or went is therefore matched to itself, and only
its number shows as changed.

The result is a flat list of blocks in reading order: paragraphs (headings, clause text, notes)
and tables, each marked unchanged, changed inside, inserted or removed. Removed items stand where
they stood in the old document, so that rejecting every change gives the old document back.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from clausegen.models.document import Document, Part, Table
from clausegen.models.tree import nobreak_text
from clausegen.rendering import markdown as markdown_writer
from clausegen.rendering import redline, walker
from clausegen.rendering.redline import Change, Paragraph, Token


@dataclass(frozen=True)
class Row:
    kind: str  # "=" | "~" | "+" | "-"
    cells: tuple[tuple[Change, ...], ...]
    key: str  # the first cell: requirement id, checklist item, phase


@dataclass(frozen=True)
class TableDiff:
    kind: str  # "=" | "~" | "+" | "-"
    columns: tuple[tuple[Change, ...], ...]
    widths: tuple[int, ...]
    rows: tuple[Row, ...]
    landscape: bool = False  # the table's part is turned landscape, as in the documents


Block = Paragraph | TableDiff


@dataclass(frozen=True)
class PartChange:
    """One clause or generated part that is not the same in both documents, for the summary."""

    kind: str  # "~" | "+" | "-"
    key: str  # clause id, or the part's title
    title: str
    old_number: str
    new_number: str
    old_version: str
    new_version: str
    renumbered_only: bool = False


@dataclass(frozen=True)
class DocumentDiff:
    document_id: str
    old: Document | None
    new: Document | None
    blocks: tuple[Block, ...]
    parts: tuple[PartChange, ...]

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed" if any(_changed(b) for b in self.blocks) else "unchanged"


def _changed(block: Block) -> bool:
    return block.kind != "="


@dataclass(frozen=True)
class _Item:
    key: tuple[str, ...]
    heading_level: int  # 1 section, 2 part
    number: str
    title: str
    part: Part | None


def _items(document: Document | None) -> list[_Item]:
    out: list[_Item] = []
    for section in document.sections if document else ():
        out.append(_Item(("section", section.title), 1, section.number, section.title, None))
        for part in section.parts:
            key = ("clause", part.clause_id) if part.clause_id else ("part", section.title, part.title)
            out.append(_Item(key, 2, part.number, part.title, part))
    return out


def compare(document_id: str, old: Document | None, new: Document | None, numbers: bool = True) -> DocumentDiff:
    """The structural redline from `old` to `new` (either may be None: a document added or
    removed as a whole). `numbers`: whether headings carry their numbers in the text (Word
    templates with numbered heading styles number them themselves)."""
    a, b = _items(old), _items(new)
    blocks: list[Block] = []
    parts: list[PartChange] = []
    matcher = difflib.SequenceMatcher(None, [i.key for i in a], [i.key for i in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                blocks += _pair(x, y, numbers, parts)
            continue
        for x in a[i1:i2]:
            blocks += _whole(x, "-", numbers, parts)
        for y in b[j1:j2]:
            blocks += _whole(y, "+", numbers, parts)
    return DocumentDiff(document_id, old, new, tuple(blocks), tuple(parts))


def _text(part: Part) -> str:
    """A clause's text as Markdown, written from the document tree."""
    return markdown_writer.blocks(part.blocks, source=True)


def _heading(item: _Item, numbers: bool) -> list[Token]:
    text = f"{item.number} {item.title}" if numbers else item.title
    return redline._split(text, False, False)


def _heading_style(item: _Item) -> str:
    return f"h{item.heading_level}"


def _pair(x: _Item, y: _Item, numbers: bool, parts: list[PartChange]) -> list[Block]:
    heading = _headings(x, y, numbers)
    if x.part is None or y.part is None:
        return heading
    pa, pb = x.part, y.part
    out: list[Block] = _clause_text(_text(pa), _text(pb))
    if pa.note or pb.note:
        out += _texts(pa.note, pb.note)
    if pa.table is not None or pb.table is not None:
        out += _tables(pa.table, pb.table)
    body_changed = any(_changed(b) for b in out) or x.title != y.title or \
        pa.clause_version != pb.clause_version
    if body_changed or x.number != y.number:
        parts.append(PartChange("~", x.key[-1], y.title, x.number, y.number, pa.clause_version, pb.clause_version,
                                renumbered_only=not body_changed))
    return heading + out


def _headings(x: _Item, y: _Item, numbers: bool) -> list[Block]:
    """The heading of an item in both documents. The only clause of a section has none (its
    section's heading stands for it), so its heading can come or go as clauses join it."""
    has_x, has_y = x.part is None or x.part.heading, y.part is None or y.part.heading
    style = _heading_style(y)
    if has_x and has_y:
        return [_paragraph(_heading(x, numbers), _heading(y, numbers), style, style)]
    if has_x:
        return [Paragraph("-", style, "", (Change("-", tuple(_heading(x, numbers))),))]
    if has_y:
        return [Paragraph("+", "", style, (Change("+", tuple(_heading(y, numbers))),))]
    return []


def _whole(item: _Item, kind: str, numbers: bool, parts: list[PartChange]) -> list[Block]:
    """An item that is only in one of the two documents."""
    tokens = _heading(item, numbers)
    style = _heading_style(item)
    part = item.part
    out: list[Block] = [] if part is not None and not part.heading else [
        Paragraph(kind, style if kind == "-" else "", style if kind == "+" else "", (Change(kind, tuple(tokens)),))]
    if part is None:
        return out
    old_text, new_text = (_text(part), "") if kind == "-" else ("", _text(part))
    out += _clause_text(old_text, new_text)
    if part.note:
        out += _texts(part.note, "") if kind == "-" else _texts("", part.note)
    if part.table is not None:
        out += _tables(part.table, None) if kind == "-" else _tables(None, part.table)
    number = item.number
    parts.append(PartChange(kind, item.key[-1], item.title, number if kind == "-" else "",
                            number if kind == "+" else "", part.clause_version if kind == "-" else "",
                            part.clause_version if kind == "+" else ""))
    return out


def _segments(markdown: str) -> list[str | Table]:
    """A clause body cut into its text and its Markdown tables (shown as Word tables)."""
    lines = markdown.splitlines()
    out: list[str | Table] = []
    tokens = walker.tokens(markdown)
    done = 0
    for i, token in enumerate(tokens):
        if token.type != "table_open" or token.map is None:
            continue
        start, end = token.map
        if start > done:
            out.append("\n".join(lines[done:start]))
        out.append(_table_of(tokens, i))
        done = end
    if done < len(lines) or not out:
        out.append("\n".join(lines[done:]))
    return [s for s in out if not isinstance(s, str) or s.strip()] or [""]


def _table_of(tokens, i: int) -> Table:
    """The cells as the DOCX writer shows them (rendering.docx._Writer._markdown_table)."""
    rows: list[list[str]] = []
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline":
            rows[-1].append(token.content and "".join(c.content for c in token.children or []))
        i += 1
    header, *body = rows
    return Table(tuple(header), tuple(tuple(r) for r in body), tuple(1 for _ in header))


def _clause_text(old: str, new: str) -> list[Block]:
    """Text compared paragraph by paragraph, tables row by row; the tables of the two texts are
    paired in order when both have the same shape of text and tables, else replaced."""
    a, b = _segments(old) if old else [], _segments(new) if new else []
    if [isinstance(x, Table) for x in a] == [isinstance(y, Table) for y in b]:
        out: list[Block] = []
        for x, y in zip(a, b, strict=True):
            out += _tables(x, y) if isinstance(x, Table) and isinstance(y, Table) else \
                list(redline.compare(str(x), str(y)))
        return out
    removed: list[Block] = []
    for x in a:
        removed += _tables(x, None) if isinstance(x, Table) else list(redline.compare(x, ""))
    for y in b:
        removed += _tables(None, y) if isinstance(y, Table) else list(redline.compare("", y))
    return removed


def _paragraph(a: list[Token], b: list[Token], old_style: str, new_style: str) -> Paragraph:
    changes = redline.words(a, b)
    kind = "=" if all(c.kind == "=" for c in changes) and old_style == new_style else "~"
    return Paragraph(kind, old_style, new_style, changes)


def _texts(old: str, new: str) -> list[Paragraph]:
    """A plain-text note (shown before a table) as one paragraph."""
    if not new:
        return [Paragraph("-", "note", "", (Change("-", tuple(_plain(old))),))]
    if not old:
        return [Paragraph("+", "", "note", (Change("+", tuple(_plain(new))),))]
    return [_paragraph(_plain(old), _plain(new), "note", "note")]


def _plain(text: str) -> list[Token]:
    return redline._split(nobreak_text(text), False, False)


def _cells(values: tuple[str, ...], kind: str) -> tuple[tuple[Change, ...], ...]:
    return tuple((Change(kind, tuple(_plain(v))),) if v else () for v in values)


def _tables(old: Table | None, new: Table | None) -> list[TableDiff]:
    if new is None or old is None or len(old.columns) != len(new.columns):
        out = []
        if old is not None:
            out.append(TableDiff("-", _cells(old.columns, "-"), old.widths,
                                 tuple(Row("-", _cells(r, "-"), r[0]) for r in old.rows), old.landscape))
        if new is not None:
            out.append(TableDiff("+", _cells(new.columns, "+"), new.widths,
                                 tuple(Row("+", _cells(r, "+"), r[0]) for r in new.rows), new.landscape))
        return out
    columns = tuple(_cell(x, y) for x, y in zip(old.columns, new.columns, strict=True))
    rows: list[Row] = []
    matcher = difflib.SequenceMatcher(None, [r[0] for r in old.rows], [r[0] for r in new.rows], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for x, y in zip(old.rows[i1:i2], new.rows[j1:j2], strict=True):
                cells = tuple(_cell(p, q) for p, q in zip(x, y, strict=True))
                same = all(c.kind == "=" for cell in cells for c in cell)
                rows.append(Row("=" if same else "~", cells, y[0]))
            continue
        rows += [Row("-", _cells(r, "-"), r[0]) for r in old.rows[i1:i2]]
        rows += [Row("+", _cells(r, "+"), r[0]) for r in new.rows[j1:j2]]
    same = all(r.kind == "=" for r in rows) and all(c.kind == "=" for cell in columns for c in cell)
    return [TableDiff("=" if same else "~", columns, new.widths, tuple(rows), new.landscape)]


def _cell(old: str, new: str) -> tuple[Change, ...]:
    if not old and not new:
        return ()
    return redline.words(_plain(old), _plain(new))
