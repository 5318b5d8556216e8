"""The DOCX writer's body: the document tree as WordprocessingML in the Word template's styles.

Paragraphs and tables are written as XML text (values escaped here): python-docx's element-by-
element API was most of the DOCX time. Headings of clauses carry a bookmark, cross-references are
internal hyperlinks to it, numbered lists use real Word numbering that restarts for each list,
and identifiers (SR-GOV-05, Art. 28(3)(a)) are kept on one line with non-breaking hyphens and
spaces.
"""

from __future__ import annotations

import hashlib
import re
from html import escape  # XML-escapes text; quote=True also for attribute values in "..."
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

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

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# (a)/(b) with (i)/(ii) below: added to the template's numbering when a document first needs it.
OBLIGATION_LEVELS = (("lowerLetter", "(%1)", 357), ("lowerRoman", "(%2)", 714))


def bookmark_name(anchor: str) -> str:
    """Word bookmark names: a letter first, then letters, digits and _, at most 40 characters."""
    return "cg_" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:16]


class Writer(Visitor):
    """Writes the document body with the template's styles: headings, paragraphs, lists, tables.

    This class adds them to a docxtpl Subdoc, for the reports that also add their own python-docx
    paragraphs (`build(write_body=...)`); XmlWriter keeps them as text for whole documents."""

    def __init__(self, tpl: DocxTemplate, body: Any) -> None:
        self.tpl = tpl
        self.body = body
        self.docx = tpl.get_docx()
        self.numbered_headings = _style_has_numbering(self.docx, "Heading 1")
        # Style ids looked up once: python-docx's per-paragraph lookup scans every style.
        self.style_ids = {style.name: style.style_id for style in self.docx.styles}
        section = self.docx.sections[0]
        self.text_width = int(section.page_width - section.left_margin - section.right_margin)
        self.wide_width = int(section.page_height - section.left_margin - section.right_margin)
        self.section_xml = etree.tostring(section._sectPr, encoding="unicode")
        self.bookmarks = 0
        self.landscape = False  # inside a landscape run: tables take the turned page's width
        self.obligation_abstract: str | None = None

    def document(self, document: Document) -> None:
        """A landscape run is a section of its own: a paragraph with the template's page setup ends
        the portrait section before it, one with that setup turned ends the run."""
        for landscape, blocks in document.pages():
            if landscape:
                self._emit(f"<w:p><w:pPr>{self.section_xml}</w:pPr></w:p>")
            self.landscape = landscape
            self.blocks(blocks, 0, None)
            if landscape:
                self._emit(f"<w:p><w:pPr>{landscape_section(self.section_xml)}</w:pPr></w:p>")
        self.landscape = False

    def blocks(self, blocks: Any, depth: int, num: tuple[str, int] | None) -> None:
        previous = None
        for block in blocks:
            if isinstance(block, (Table, ListBlock)) and isinstance(previous, Paragraph):
                self._keep_with_next()  # the line that introduces a table or list never ends a page without it
            self.block(block, depth, num)
            previous = block

    def block(self, block: Block, depth: int = 0, num: tuple[str, int] | None = None) -> None:
        self.visit(block, depth, num)

    def visit_heading(self, block: Heading, depth: int, num: tuple[str, int] | None) -> None:
        self.heading(block.number, block.title, block.level, block.anchor)

    def visit_paragraph(self, block: Paragraph, depth: int, num: tuple[str, int] | None) -> None:
        self._paragraph("Body Text", self.inlines(block.inlines))

    def visit_note(self, block: Note, depth: int, num: tuple[str, int] | None) -> None:
        self._paragraph("Note", self.inlines(block.inlines))

    def visit_list_block(self, block: ListBlock, depth: int, num: tuple[str, int] | None) -> None:
        self.list_block(block, depth, num)

    def visit_table(self, block: Table, depth: int, num: tuple[str, int] | None) -> None:
        self.table(block)

    def visit_signature_block(self, block: SignatureBlock, depth: int, num: tuple[str, int] | None) -> None:
        self._keep_with_next()  # the sentence before the block never stays behind on its own page
        pairs = [(s.party, s.name) for s in block.signatories]
        self._emit(signatures.docx_xml(pairs, self.style_ids, self.text_width // 635))

    def heading(self, number: str, title: str, level: int, anchor: str = "") -> None:
        # Word numbers the headings itself when the template's heading style is numbered; a house
        # template without numbering still gets the numbers, written out.
        text = title if self.numbered_headings else f"{number} {title}"
        self._paragraph(f"Heading {level}", self._bookmark(anchor) + _run(text))

    def paragraph(self, style: str, text: str = "") -> None:
        self._paragraph(style, _run(text) if text else "")

    def list_block(self, block: ListBlock, depth: int, num: tuple[str, int] | None) -> None:
        """Bullets and 1./2. in the template's list styles; (a)/(i) in the obligation numbering.
        Each list at the top restarts its numbering; a nested list is one level down in it."""
        if block.kind == "bullet":
            style, item_num = "List Bullet" + (" 2" if depth else ""), None
        elif block.kind == "decimal":
            style = "List Number" + (" 2" if depth else "")
            num_id = self._restart("List Number")
            item_num = (num_id, min(depth, 1)) if num_id else None
        else:
            style = "List Number" + (" 2" if block.kind == "roman" else "")
            num_id = num[0] if block.kind == "roman" and num else self._obligation_list()
            item_num = (num_id, 1 if block.kind == "roman" else 0)
        for item in block.items:
            for k, inner in enumerate(item.blocks):
                if isinstance(inner, Paragraph) and k == 0:
                    self._paragraph(style, self.inlines(inner.inlines), item_num)
                elif isinstance(inner, Paragraph):
                    self._paragraph(style, self.inlines(inner.inlines), None, continued=True)
                else:
                    self.block(inner, depth + 1, item_num)

    def table(self, table: Table) -> None:
        """A table as wide as the page: the turned page's inside a landscape run (see document())."""
        self._table(table, self.wide_width if self.landscape else self.text_width)

    def table_start(self, widths: tuple[int, ...], width: int) -> tuple[str, list[int]]:
        """A fixed-layout table in the template's Clause Table style, `width` (EMU) shared out by
        `widths`: its opening XML up to the rows, and each column's width in twips."""
        total = sum(widths)
        twips = [width * w // total // 635 for w in widths]
        xml = (f'<w:tbl><w:tblPr><w:tblStyle w:val="{escape(self.style_ids["Clause Table"])}"/>'
               f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
               '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
               + "".join(f'<w:gridCol w:w="{w}"/>' for w in twips) + "</w:tblGrid>")
        return xml, twips

    def _table(self, table: Table, width: int) -> None:
        start, twips = self.table_start(table.widths, width)
        out = [start]
        anchors = ("",) + (table.row_anchors or ("",) * len(table.rows))  # the columns row has none
        for row_index, (values, anchor) in enumerate(zip([table.columns, *table.rows], anchors, strict=True)):
            head = row_index < table.header_rows
            style = escape(self.style_ids["Table Heading" if head else "Table Text"])
            out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if head else "") + "</w:trPr>")
            for column, (value, width) in enumerate(zip(values, twips, strict=True)):
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                           f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>' + self._bookmark(anchor if column == 0 else "")
                           + self.inlines(text_inlines(value)) + "</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self._emit("".join(out))

    def inlines(self, nodes: tuple[Inline, ...], bold: bool = False, italic: bool = False) -> str:
        return "".join(self.visit(node, bold, italic) for node in nodes)

    def visit_text(self, node: Text, bold: bool, italic: bool) -> str:
        return _run(node.text, bold, italic)

    def visit_strong(self, node: Strong, bold: bool, italic: bool) -> str:
        return self.inlines(node.children, True, italic)

    def visit_emphasis(self, node: Emphasis, bold: bool, italic: bool) -> str:
        return self.inlines(node.children, bold, True)

    def visit_term(self, node: Term, bold: bool, italic: bool) -> str:
        return _run(node.text, True, italic)

    def visit_no_break(self, node: NoBreak, bold: bool, italic: bool) -> str:
        return _run(node.text, bold, italic, nobreak=True)

    def visit_soft_break(self, node: SoftBreak, bold: bool, italic: bool) -> str:
        return _run(" ", bold, italic)

    def visit_line_break(self, node: LineBreak, bold: bool, italic: bool) -> str:
        return _run("\n")

    def visit_cross_ref(self, node: CrossRef, bold: bool, italic: bool) -> str:
        """In the body's own style, as a contract prints it."""
        if not node.anchor:
            return _run(node.text, bold, italic)
        return f'<w:hyperlink w:anchor="{bookmark_name(node.anchor)}" w:history="1">{_run(node.text, bold, italic)}</w:hyperlink>'

    def visit_link(self, node: Link, bold: bool, italic: bool) -> str:
        rel = self.docx.part.relate_to(node.target, RT.HYPERLINK, is_external=True)
        return self._hyperlink(f'r:id="{escape(rel)}"', self.inlines(node.children, bold, italic))

    def _hyperlink(self, target: str, runs: str) -> str:
        """A web link, in the template's Hyperlink style where it has one (merged into a run's own
        properties: a run has one w:rPr, with w:rStyle first)."""
        style = self.style_ids.get("Hyperlink")
        if style:
            tag = f'<w:rStyle w:val="{escape(style)}"/>'
            runs = re.sub(r"<w:r>(<w:rPr>)?", lambda m: f"<w:r><w:rPr>{tag}" + ("" if m.group(1) else "</w:rPr>"), runs)
        return f'<w:hyperlink {target} w:history="1">{runs}</w:hyperlink>'

    def _bookmark(self, anchor: str) -> str:
        if not anchor:
            return ""
        self.bookmarks += 1
        n = self.bookmarks
        return f'<w:bookmarkStart w:id="{n}" w:name="{bookmark_name(anchor)}"/><w:bookmarkEnd w:id="{n}"/>'

    def _paragraph(self, style: str, runs: str, num: tuple[str, int] | None = None, continued: bool = False) -> None:
        numbering = f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>' if num else ""
        if continued:  # a second paragraph of a list item: indented like it, without a number
            numbering = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
        self._emit(f'<w:p><w:pPr><w:pStyle w:val="{escape(self.style_ids[style])}"/>{numbering}</w:pPr>'
                   + runs + "</w:p>")

    def _emit(self, xml: str) -> None:
        """Add one paragraph or table to a python-docx body (reports that add their own paragraphs)."""
        body = self.body.element.body
        for element in parse_xml(f'<w:body xmlns:w="{_W}" xmlns:r="{_R}">{xml}</w:body>'):
            if body.sectPr is not None:
                body.sectPr.addprevious(element)
            else:
                body.append(element)

    def restart_numbering(self) -> str | None:
        """A new numbering for a `List Number` list, starting at 1 (the redline's DOCX uses it)."""
        return self._restart("List Number")

    def _restart(self, style_name: str) -> str | None:
        """A new w:num for a list in `style_name`'s numbering, so the list starts at 1."""
        style = self.docx.styles[style_name]
        num_pr = style.element.pPr.find(qn("w:numPr")) if style.element.pPr is not None else None
        if num_pr is None or num_pr.find(qn("w:numId")) is None:
            return None
        numbering = self.docx.part.numbering_part.element
        base_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
        base = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == base_id)
        return self._new_num(base.find(qn("w:abstractNumId")).get(qn("w:val")))

    def _obligation_list(self) -> str:
        if self.obligation_abstract is None:
            self.obligation_abstract = _add_obligation_numbering(self.docx.part.numbering_part.element)
        return self._new_num(self.obligation_abstract)

    def _new_num(self, abstract_id: str) -> str:
        numbering = self.docx.part.numbering_part.element
        new_id = str(max([int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))] + [0]) + 1)
        overrides = "".join(f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="1"/></w:lvlOverride>'
                            for level in (0, 1))
        numbering.append(parse_xml(f'<w:num xmlns:w="{_W}" w:numId="{new_id}"><w:abstractNumId w:val="{abstract_id}"/>'
                                   f'{overrides}</w:num>'))
        return new_id


    def _keep_with_next(self) -> None:
        """Body paragraphs written by python-docx (reports) are left as they are."""


class XmlWriter(Writer):
    """The body kept as text and inserted by `{{p body }}` through `__html__`, as docxtpl does
    with a Subdoc: no python-docx objects at all for whole documents."""

    def __init__(self, tpl: DocxTemplate) -> None:
        super().__init__(tpl, None)
        self.parts: list[str] = []

    def __html__(self) -> str:
        return "".join(self.parts)

    def _emit(self, xml: str) -> None:
        self.parts.append(xml)

    def _keep_with_next(self) -> None:
        last = self.parts[-1] if self.parts else ""
        style = re.match(r'<w:p><w:pPr>(<w:pStyle w:val="[^"]*"/>)', last)
        if style:
            self.parts[-1] = last[:style.end()] + "<w:keepNext/>" + last[style.end():]


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _add_obligation_numbering(numbering: Any) -> str:
    """An abstract numbering (a), (b) / (i), (ii), placed before the first w:num as the schema asks."""
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = str(max(ids + [0]) + 1)
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{indent + 357}" w:hanging="357"/></w:pPr></w:lvl>'
        for i, (fmt, text, indent) in enumerate(OBLIGATION_LEVELS))
    element = parse_xml(f'<w:abstractNum xmlns:w="{_W}" w:abstractNumId="{abstract_id}">'
                        f'<w:multiLevelType w:val="multilevel"/><w:name w:val="clausegen Obligations"/>{levels}'
                        '</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(element)
    else:
        numbering.append(element)
    return abstract_id


def landscape_section(section_xml: str) -> str:
    """The template's section properties turned landscape: page width and height swapped."""
    size = re.search(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"[^>]*/>', section_xml)
    if size is None:
        return section_xml
    turned = f'<w:pgSz w:w="{size.group(2)}" w:h="{size.group(1)}" w:orient="landscape"/>'
    return section_xml[:size.start()] + turned + section_xml[size.end():]


def _run(text: str, bold: bool = False, italic: bool = False, nobreak: bool = False) -> str:
    props = ("<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + "</w:rPr>") if bold or italic else ""
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if nobreak:
                pieces += _nobreak(chunk)
            elif chunk:
                pieces.append(f'<w:t xml:space="preserve">{escape(chunk, quote=False)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


def _nobreak(text: str) -> list[str]:
    """Hyphens as Word's non-breaking hyphen (text readers still see "-"), spaces as no-break spaces."""
    out = []
    for k, chunk in enumerate(text.replace(" ", "\u00a0").split("-")):
        if k:
            out.append("<w:noBreakHyphen/>")
        if chunk:
            out.append(f'<w:t xml:space="preserve">{escape(chunk, quote=False)}</w:t>')
    return out


def _style_has_numbering(docx: Any, name: str) -> bool:
    try:
        style = docx.styles[name]
    except KeyError:
        return False
    p_pr = style.element.pPr
    return p_pr is not None and p_pr.find(qn("w:numPr")) is not None
