"""A document redline as pandoc's JSON AST, for its HTML and PDF: here too pandoc reads no Markdown.

Text goes through the contract documents' AST writer (rendering/pandoc_ast.py), so it is only ever
Str and the structure around it. Insertions and deletions are marked with fixed raw pieces,
<ins>/<del> in HTML and green underlined or red struck-through text in Typst; no raw piece holds
text from an input.
"""

from __future__ import annotations

from typing import Any

from clausegen.redlines.structure import Block, DocumentDiff, TableDiff
from clausegen.rendering.pandoc_ast import Writer, dump
from clausegen.rendering.redline import Change, Token, _runs

_MARKS = {
    "html": {"+": ("<ins>", "</ins>"), "-": ("<del>", "</del>")},
    "typst": {"+": ('#underline[#text(fill: rgb("#1a7f37"))[', "]]"), "-": ('#strike[#text(fill: rgb("#b3261e"))[', "]]")},
}
_HEADINGS = {"h1": 2, "h2": 3}  # the template writes the title as the one level-1 heading
_NO_ATTR: list[Any] = ["", [], []]
_CALLS = frozenset({"Strong", "Emph"})


def document(diff: DocumentDiff, target: str, meta: dict[str, str]) -> bytes:
    """The redline body after a legend; `target` is the pandoc writer (typst or html5)."""
    writer = _RedlineWriter(target == "typst")
    legend = [*writer.plain("Changes since the earlier build: inserted text "), *writer.marked("+", "looks like this"),
              *writer.plain(", deleted text "), *writer.marked("-", "like this"), *writer.plain(".")]
    blocks = [{"t": "Para", "c": [{"t": "Emph", "c": writer.escaped(legend)}]}, *writer.body(diff.blocks)]
    return dump(writer, meta, blocks)


class _RedlineWriter(Writer):
    def body(self, blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
        """Headings, paragraphs, and runs of numbered or bulleted paragraphs as one list each."""
        out: list[dict[str, Any]] = []
        items: list[list[dict[str, Any]]]
        run_style, items = "", []  # the list being gathered: its style and items
        for block in (*blocks, None):
            style = "" if block is None or isinstance(block, TableDiff) else block.style
            if items and style != run_style:
                out.append(self._list(run_style, items))
                items = []
            if block is None:
                break
            if isinstance(block, TableDiff):
                out.append(self._table(block))
            elif style in ("number", "bullet"):
                run_style = style
                items.append([{"t": "Para", "c": self.line_start(self.changes(block.changes))}])
            elif style in _HEADINGS:
                out.append({"t": "Header", "c": [_HEADINGS[style], _NO_ATTR, self.changes(block.changes)]})
            else:
                out.append({"t": "Para", "c": self.line_start(self.changes(block.changes))})
        return out

    def _list(self, style: str, items: list[list[dict[str, Any]]]) -> dict[str, Any]:
        if style == "bullet":
            return {"t": "BulletList", "c": items}
        return {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], items]}

    def _table(self, table: TableDiff) -> dict[str, Any]:
        total = sum(table.widths)
        specs = [[{"t": "AlignDefault"}, {"t": "ColWidth", "c": w / total}] for w in table.widths]
        head, *body = [[_NO_ATTR, [self._cell(cell) for cell in cells]]
                       for cells in (table.columns, *(row.cells for row in table.rows))]
        return {"t": "Table", "c": [_NO_ATTR, [None, []], specs, [_NO_ATTR, [head]],
                                    [[_NO_ATTR, 0, [], body]], [_NO_ATTR, []]]}

    def _cell(self, changes: tuple[Change, ...]) -> list[Any]:
        inlines = self.line_start(self.escaped([node for c in changes for node in self.marked(c.kind, c.text)]))
        return [_NO_ATTR, {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": inlines}] if inlines else []]

    def changes(self, changes: tuple[Change, ...]) -> list[dict[str, Any]]:
        """A paragraph's changes: bold and italic runs, changed ones marked, spaces outside the marks."""
        out: list[dict[str, Any]] = []
        for change in changes:
            runs = _runs(change.tokens)
            text = "".join(run[0] for run in runs)
            core = text.strip()
            if change.kind == "=" or not core:
                out += self.runs(runs)
                continue
            lead, trail = len(text) - len(text.lstrip()), len(text) - len(text.rstrip())
            open_mark, close_mark = _MARKS["typst" if self.typst else "html"][change.kind]
            out += [*self.plain(text[:lead]), self._raw(open_mark), *self.runs(_trim(runs, lead, trail)),
                    self._raw(close_mark), *self.plain(text[len(text) - trail:] if trail else "")]
        return self.escaped(out)

    def runs(self, runs: list[Token]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for text, bold, italic in runs:
            core = text.strip()
            if not core or not (bold or italic):
                out += self.plain(text)
                continue
            node: list[dict[str, Any]] = self.plain(core)
            if italic:
                node = [{"t": "Emph", "c": node}]
            if bold:
                node = [{"t": "Strong", "c": node}]
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
            out += [*self.plain(lead), *node, *self.plain(trail)]
        return out

    def marked(self, kind: str, text: str) -> list[dict[str, Any]]:
        """`text` marked as an insertion or a deletion (kind + or -), or plain (kind =)."""
        if kind == "=" or not text.strip():
            return self.plain(text)
        return self.changes((Change(kind, ((text, False, False),)),))

    def plain(self, text: str) -> list[dict[str, Any]]:
        # A line break inside a paragraph reads as a space; a Typst line must never start with text.
        return self.text(text.replace("\n", " ")) if text else []

    def _raw(self, code: str) -> dict[str, Any]:
        return {"t": "RawInline", "c": ["typst" if self.typst else "html", code]}

    def escaped(self, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """In Typst a "." or bracket right after a call (bold, italic, a mark) would continue it: escaped."""
        if not self.typst:
            return nodes
        out: list[dict[str, Any]] = []
        for node in nodes:
            after_call = out and (out[-1]["t"] in _CALLS or (out[-1]["t"] == "RawInline" and out[-1]["c"][1] == "]]"))
            if after_call and node["t"] == "Str" and node["c"][:1] in ".([":
                out.append(self._raw("\\" + node["c"][0]))
                node = {"t": "Str", "c": node["c"][1:]}
                if not node["c"]:
                    continue
            out.append(node)
        return out


def _trim(runs: list[Token], lead: int, trail: int) -> list[Token]:
    """The runs without their first `lead` and last `trail` characters."""
    out: list[Token] = []
    position, end = 0, sum(len(r[0]) for r in runs) - trail
    for text, bold, italic in runs:
        start, stop = max(lead - position, 0), min(end - position, len(text))
        if start < stop:
            out.append((text[start:stop], bold, italic))
        position += len(text)
    return out
