"""A document redline as DOCX: the new document, in the new build's template (styles, heading
numbering, tables), with every difference from the old document as a Word revision.

- words: w:ins / w:del runs;
- paragraphs added or removed: their paragraph marks are inserted or deleted the way Word records
  typing (rendering.redline.marks), a changed style is a w:pPrChange;
- table rows added or removed: w:ins / w:del in the row properties, their text inserted or deleted.

Accepting every revision gives the new document's paragraphs, rejecting every one the old
document's (tests/test_document_redline.py applies both to the XML).

LibreOffice merges two revisions of the same kind, author and date (to the minute) that touch,
also across an unchanged paragraph mark; its Reject All then deletes that mark and joins the two
paragraphs. So paragraphs alternate between two dates two minutes apart: SOURCE_DATE_EPOCH and two
minutes later. Output stays byte-identical for the same inputs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import escape  # XML-escapes text; quote=True also for attribute values in "..."
from typing import Any

from clausegen.models.document import Document
from clausegen.redlines.structure import Block, TableDiff, compare
from clausegen.rendering import docx as docx_rendering
from clausegen.rendering import signatures
from clausegen.rendering.docx_body import landscape_section
from clausegen.rendering.redline import AUTHOR, Change, Paragraph, _runs, marks

STYLES = {"h1": "Heading 1", "h2": "Heading 2", "body": "Body Text", "note": "Body Text",
          "bullet": "List Bullet", "number": "List Number"}
DATE_STEP = timedelta(minutes=2)


class _Revisions:
    """Revision ids in document order; the date alternates by paragraph (see the module note)."""

    def __init__(self, epoch: int) -> None:
        start = datetime.fromtimestamp(epoch, tz=UTC)
        self.dates = [(start + step).strftime("%Y-%m-%dT%H:%M:%SZ") for step in (timedelta(0), DATE_STEP)]
        self.next_id = 1
        self.paragraph = 0

    def new_paragraph(self) -> None:
        self.paragraph += 1

    def attributes(self) -> str:
        rev_id = self.next_id
        self.next_id += 1
        return f'w:id="{rev_id}" w:author="{AUTHOR}" w:date="{self.dates[self.paragraph % 2]}"'


def build(document_id: str, old: Document | None, new: Document | None, template: tuple[bytes, str],
          properties: docx_rendering.Properties, epoch: int) -> bytes:
    document = new or old
    assert document is not None
    revisions = _Revisions(epoch)

    def write(writer: Any) -> None:
        # Headings carry their numbers in the text only where the template's styles do not number them.
        diff = compare(document_id, old, new, numbers=not writer.numbered_headings)
        body = _Body(writer, revisions)
        body.blocks(diff.blocks)
        body.signatures(old, new)

    return docx_rendering.build(document, template[0], template[1], properties, write)


class _Body:
    def __init__(self, writer: Any, revisions: _Revisions) -> None:
        self.writer = writer
        self.revisions = revisions
        self.style_ids: dict[str, str] = writer.style_ids

    def blocks(self, blocks: tuple[Block, ...]) -> None:
        """As the documents do (models/document.py pages()), a part whose table is landscape is
        turned whole, in a section of its own shared by consecutive such parts."""
        for wide, run in _pages(blocks):
            if wide:
                self.writer._emit(f"<w:p><w:pPr>{self.writer.section_xml}</w:pPr></w:p>")
            self._blocks(run, wide)
            if wide:
                self.writer._emit(f"<w:p><w:pPr>{landscape_section(self.writer.section_xml)}</w:pPr></w:p>")

    def _blocks(self, blocks: tuple[Block, ...], wide: bool) -> None:
        pending: list[Paragraph] = []
        for block in blocks:
            if isinstance(block, TableDiff):
                self.paragraphs(tuple(pending))
                pending = []
                self.table(block, wide)
            else:
                pending.append(block)
        self.paragraphs(tuple(pending))

    def paragraphs(self, paragraphs: tuple[Paragraph, ...]) -> None:
        num_id = None
        previous = ""
        for p, mark in zip(paragraphs, marks(paragraphs), strict=True):
            self.revisions.new_paragraph()
            style = mark.old_style if mark.status == "-" else mark.new_style
            if style == "number" and previous != "number":
                num_id = self.writer.restart_numbering()
            previous = style
            numbering = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>' \
                if style == "number" and num_id is not None else ""
            mark_xml = ""
            if mark.status != "=":
                tag = "w:ins" if mark.status == "+" else "w:del"
                mark_xml = f"<w:rPr><{tag} {self.revisions.attributes()}/></w:rPr>"
            elif mark.old_style != mark.new_style:
                mark_xml = (f"<w:pPrChange {self.revisions.attributes()}><w:pPr>"
                            f'<w:pStyle w:val="{self._style(mark.old_style)}"/></w:pPr></w:pPrChange>')
            self.writer._emit(f'<w:p><w:pPr><w:pStyle w:val="{self._style(style)}"/>{numbering}{mark_xml}</w:pPr>'
                              + self.runs(p.changes) + "</w:p>")

    def signatures(self, old: Document | None, new: Document | None) -> None:
        """The signature block after the body: as it is when both sides have the same one, else the
        old one deleted and the new one inserted."""
        a, b = (old.signatures if old else ()), (new.signatures if new else ())
        width = self.writer.text_width // 635
        if a == b:
            if a:
                self.writer._emit(signatures.docx_xml(a, self.style_ids, width))
            return
        for kind, signatories in (("-", a), ("+", b)):
            if signatories:
                self.revisions.new_paragraph()
                self.writer._emit(_tracked_block(signatures.docx_xml(signatories, self.style_ids, width),
                                                 kind, self.revisions))

    def _style(self, style: str) -> str:
        return escape(self.style_ids[STYLES[style]])

    def runs(self, changes: tuple[Change, ...]) -> str:
        out = []
        for change in changes:
            runs = "".join(_run(text, b, i, change.kind == "-") for text, b, i in _runs(change.tokens))
            if change.kind == "=":
                out.append(runs)
            elif runs:
                tag = "w:ins" if change.kind == "+" else "w:del"
                out.append(f"<{tag} {self.revisions.attributes()}>{runs}</{tag}>")
        return "".join(out)

    def table(self, table: TableDiff, wide: bool = False) -> None:
        start, twips = self.writer.table_start(table.widths, self.writer.wide_width if wide else self.writer.text_width)
        out = [start]
        header_kind = table.kind if table.kind in "+-" else "="
        for index, (kind, cells) in enumerate([(header_kind, table.columns), *((r.kind, r.cells) for r in table.rows)]):
            style = escape(self.style_ids["Table Heading" if index == 0 else "Table Text"])
            self.revisions.new_paragraph()
            revision = ""
            if kind in "+-":
                tag = "w:ins" if kind == "+" else "w:del"
                revision = f"<{tag} {self.revisions.attributes()}/>"
            out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if index == 0 else "") + revision + "</w:trPr>")
            for changes, width in zip(cells, twips, strict=True):
                self.revisions.new_paragraph()
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                           f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{self.runs(changes)}</w:p></w:tc>')
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self.writer._emit("".join(out))


def _tracked_block(xml: str, kind: str, revisions: _Revisions) -> str:
    """A signature block (rendering/signatures.py) wholly inserted or deleted: each row, run and
    paragraph mark between its tables marked as a revision."""
    tag = "w:ins" if kind == "+" else "w:del"
    if kind == "-":
        xml = xml.replace("<w:t ", "<w:delText ").replace("</w:t>", "</w:delText>")
    xml = re.sub(r"<w:r>.*?</w:r>", lambda m: f"<{tag} {revisions.attributes()}>{m.group(0)}</{tag}>", xml)
    xml = re.sub(r"(<w:tr><w:trPr>.*?)(</w:trPr>)", lambda m: f"{m.group(1)}<{tag} {revisions.attributes()}/>{m.group(2)}",
                 xml)
    return re.sub(r"(</w:tbl><w:p><w:pPr><w:pStyle [^>]*/>)(</w:pPr>)",
                  lambda m: f"{m.group(1)}<w:rPr><{tag} {revisions.attributes()}/></w:rPr>{m.group(2)}", xml)


def _run(text: str, bold: bool, italic: bool, deleted: bool) -> str:
    props = ("<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + "</w:rPr>") if bold or italic else ""
    tag = "w:delText" if deleted else "w:t"
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        if line:
            pieces.append(f'<{tag} xml:space="preserve">{escape(line, quote=False)}</{tag}>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>" if pieces else ""


def _pages(blocks: tuple[Block, ...]) -> list[tuple[bool, tuple[Block, ...]]]:
    """The blocks in runs (landscape, blocks): a part runs from its heading (a section's heading
    goes with its first part) to the next heading, and is landscape when one of its tables is."""
    parts: list[list[Block]] = []
    for block in blocks:
        heading = isinstance(block, Paragraph) and (block.old_style in ("h1", "h2") or block.new_style in ("h1", "h2"))
        only_headings = parts and all(isinstance(b, Paragraph) and (b.old_style in ("h1", "h2")
                                                                   or b.new_style in ("h1", "h2")) for b in parts[-1])
        if heading and not only_headings or not parts:
            parts.append([])
        parts[-1].append(block)
    runs: list[tuple[bool, list[Block]]] = []
    for part in parts:
        wide = any(isinstance(b, TableDiff) and b.landscape for b in part)
        if runs and runs[-1][0] == wide:
            runs[-1][1].extend(part)
        else:
            runs.append((wide, list(part)))
    return [(wide, tuple(run)) for wide, run in runs]

