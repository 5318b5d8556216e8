"""A Document to DOCX through a docxtpl Word template.

The template owns the look (styles, letterhead, header and footer); the body is built here as
real Word paragraphs in the template's own named styles and inserted with `{{p body }}`. The
template's Jinja runs in the sandboxed environment with XML autoescape on.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import docx.oxml.ns
import docxcompose.utils  # noqa: F401  (imported by docxtpl's subdocuments; see below)
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SecurityError
from markdown_it import MarkdownIt

from clausegen.errors import Diagnostic, InputError, RenderError
from clausegen.models.document import Document, Table
from clausegen.rendering import signatures
from clausegen.rendering.environment import TEMPLATE_FAULTS, environment

# docxcompose rebinds python-docx's "cp" prefix to the custom-properties namespace on import,
# which makes python-docx write core properties (keywords, revision...) into the wrong namespace.
docx.oxml.ns.nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

_MD = MarkdownIt("commonmark").enable("table")
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Properties:
    """Core and custom document properties. `created` is an ISO timestamp fixed by the caller."""

    created: str
    custom: dict[str, str]


REQUIRED_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Body Text", "List Bullet", "List Bullet 2",
                   "List Number", "List Number 2", "Note", "Table Text", "Table Heading", "Clause Table")


def build(document: Document, template_bytes: bytes, template_name: str, properties: Properties,
          write_body: Callable[[Any], None] | None = None) -> bytes:
    """The DOCX of `document`. `write_body`, if given, writes the body instead of the document's
    sections; it gets the body writer (headings, tables, `.body` for raw paragraphs)."""
    tpl = DocxTemplate(io.BytesIO(template_bytes))
    tpl.render_init()
    names = {style.name for style in tpl.docx.styles}
    missing = [name for name in REQUIRED_STYLES if name not in names]
    if missing:
        raise InputError(Diagnostic(template_name, None, "styles", f"the Word template lacks the styles {', '.join(missing)}",
                                    "copy them from the shipped base.docx (see docs/templates.md)"))
    if write_body is None:
        body: Any = _XmlWriter(tpl)
        body.document(document)
    else:
        body = tpl.new_subdoc()
        write_body(_Writer(tpl, body))
    context = {
        "document": {"id": document.document_id, "title": document.title, "subtitle": document.subtitle,
                     "status": document.status, "revision": document.revision, "date": document.date,
                     "control": document.control, "footer": document.footer},
        "marking": document.marking,
        "client": {"name": document.client},
        "supplier": None if document.supplier is None else {"name": document.supplier},
        "profile": {"title": document.profile_title},
        "library": {"name": document.library_name, "version": document.library_version},
        "body": body,
    }
    try:
        tpl.render(context, jinja_env=environment("docx"), autoescape=True)  # each part in its own budget
    except TEMPLATE_FAULTS as e:
        raise RenderError(Diagnostic(template_name, None, _part_name(tpl), f"Word template: {type(e).__name__}: {e}")) from e
    except SecurityError as e:
        raise RenderError(Diagnostic(template_name, None, _part_name(tpl), f"unsafe template construct: {e}")) from e
    except TemplateError as e:
        near = " ".join(t.strip() for t in getattr(e, "docx_context", []) if t.strip())[:120]
        raise RenderError(Diagnostic(template_name, None, _part_name(tpl), f"Word template: {e}",
                                     f"near: {near}" if near else "check the Jinja tags in the template")) from e
    docx = tpl.docx  # not get_docx(): after render that reloads the unrendered template
    core = docx.core_properties
    core.title = document.title
    core.subject = document.profile_title
    core.author = document.client
    core.keywords = document.marking
    core.comments = f"{document.document_id} · {document.library_name} {document.library_version}"
    core.last_modified_by = "clausegen"
    core.revision = document.revision
    core.language = document.language
    if document.status:
        core.content_status = document.status.capitalize()  # Draft | Final
        core.version = document.control
    stamp = datetime.fromisoformat(properties.created)
    core.created = stamp
    core.modified = stamp
    _drop_empty_core_properties(core)
    custom = dict(properties.custom)
    if document.date:
        custom["clausegen.document_date"] = document.date
    _set_custom_properties(docx, custom)
    buffer = io.BytesIO()
    docx.save(buffer)
    return normalise_zip(buffer.getvalue())


def _part_name(tpl: DocxTemplate) -> str:
    """The part docxtpl was rendering when it failed, e.g. word/header1.xml (core properties: docProps/core.xml)."""
    part = getattr(tpl, "current_rendering_part", None)
    return str(part.partname).lstrip("/") if part is not None else "docProps/core.xml"


def _drop_empty_core_properties(core: Any) -> None:
    """docxtpl renders every core property, writing the ones it has no value for as empty
    elements (<dc:identifier/>); an empty property says nothing, so it is left out."""
    element = core._element
    for child in list(element):
        if not (child.text or "").strip() and len(child) == 0:
            element.remove(child)


def _set_custom_properties(document: Any, values: dict[str, str]) -> None:
    """docProps/custom.xml, replacing any the template had."""
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(values.items()), start=2))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{props}</Properties>').encode()
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[rel_id]
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CT, xml, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def normalise_zip(data: bytes) -> bytes:
    """Fixed timestamps and attributes, so the same document gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


Run = tuple[str, bool, bool]  # text ("\n" is a line break), bold, italic


class _Writer:
    """Writes the document body with the template's styles: sections, clauses, lists, tables.

    This class adds them to a docxtpl Subdoc, for the reports that also add their own python-docx
    paragraphs (`build(write_body=...)`); _XmlWriter keeps them as text for whole documents."""

    def __init__(self, tpl: DocxTemplate, body: Any) -> None:
        self.tpl = tpl
        self.body = body
        self.docx = tpl.get_docx()
        self.numbered_headings = _style_has_numbering(self.docx, "Heading 1")
        # Style ids looked up once: python-docx's per-paragraph lookup scans every style.
        self.style_ids = {style.name: style.style_id for style in self.docx.styles}
        section = self.docx.sections[0]
        self.text_width = int(section.page_width - section.left_margin - section.right_margin)

    def document(self, document: Document) -> None:
        for section in document.sections:
            self.heading(section.number, section.title, 1)
            for part in section.parts:
                self.heading(part.number, part.title, 2)
                if part.markdown:
                    self.markdown(part.markdown)
                if part.note:  # the line introducing a table stays on its page
                    self._paragraph("Body Text", [(part.note, False, False)], keep_next=part.table is not None)
                if part.table is not None:
                    self.table(part.table)
        if document.signatures:
            self._keep_last_with_next()  # the sentence on signing stays on the signature page
            self._emit(signatures.docx_xml(document.signatures, self.style_ids, self.text_width // 635, escape))

    def _keep_last_with_next(self) -> None:
        """Only whole documents (_XmlWriter) carry signature blocks."""

    def heading(self, number: str, title: str, level: int) -> None:
        # Word numbers the headings itself when the template's heading style is numbered; a house
        # template without numbering still gets the numbers, written out.
        text = title if self.numbered_headings else f"{number} {title}"
        self.paragraph(f"Heading {level}", text)

    def paragraph(self, style: str, text: str = "") -> None:
        self._paragraph(style, [(text, False, False)] if text else [])

    def table(self, table: Table) -> None:
        total = sum(table.widths)
        widths = [self.text_width * w // total for w in table.widths]  # EMU
        self._table(table.columns, table.rows, widths)

    def markdown(self, text: str) -> None:
        tokens = _MD.parse(text)
        lists: list[tuple[str, Any]] = []  # (kind, numId for ordered lists)
        quotes = 0
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type in ("bullet_list_open", "ordered_list_open"):
                kind = "bullet" if token.type == "bullet_list_open" else "number"
                lists.append((kind, self._restart_numbering() if kind == "number" else None))
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif token.type in ("blockquote_open", "blockquote_close"):
                quotes += 1 if token.type == "blockquote_open" else -1
            elif token.type == "inline":
                if lists:
                    kind, num_id = lists[-1]
                    style = ("List Bullet" if kind == "bullet" else "List Number") + ("" if len(lists) == 1 else " 2")
                    num = (num_id, min(len(lists), 2) - 1) if num_id is not None else None
                else:
                    style, num = ("Note" if quotes else "Body Text"), None
                self._paragraph(style, _runs(token.children or []), num)
            elif token.type in ("fence", "code_block"):
                self.paragraph("Body Text", token.content.rstrip("\n"))
            elif token.type == "table_open":
                i = self._markdown_table(tokens, i)
            i += 1

    def _markdown_table(self, tokens, i) -> int:
        rows: list[list[str]] = []
        while tokens[i].type != "table_close":
            token = tokens[i]
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline":
                rows[-1].append(token.content and "".join(c.content for c in token.children or []))
            i += 1
        header, *body = rows
        self.table(Table(tuple(header), tuple(tuple(r) for r in body), tuple(1 for _ in header)))
        return i

    # Paragraphs and tables are generated as WordprocessingML text (values escaped here) and handed
    # to _emit: python-docx's element-by-element API was most of the DOCX time.

    def _paragraph(self, style: str, runs: list[Run], num: tuple[str, int] | None = None,
                   keep_next: bool = False) -> None:
        numbering = f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>' if num else ""
        keep = "<w:keepNext/>" if keep_next else ""
        self._emit(f'<w:p><w:pPr><w:pStyle w:val="{escape(self.style_ids[style], _ATTR)}"/>{keep}{numbering}</w:pPr>'
                   + "".join(_run_xml(*run) for run in runs) + "</w:p>")

    def _table(self, columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...], widths: list[int]) -> None:
        twips = [w // 635 for w in widths]
        out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{escape(self.style_ids["Clause Table"], _ATTR)}"/>'
               f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
               '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
        out += [f'<w:gridCol w:w="{w}"/>' for w in twips]
        out.append("</w:tblGrid>")
        for row_index, values in enumerate([columns, *rows]):
            style = escape(self.style_ids["Table Heading" if row_index == 0 else "Table Text"], _ATTR)
            out.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if row_index == 0 else "") + "</w:trPr>")
            for value, width in zip(values, twips, strict=True):
                out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                           f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
                           + (_run_xml(value, False, False) if value else "") + "</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
        self._emit("".join(out))

    def _emit(self, xml: str) -> None:
        """Add one paragraph or table to a python-docx body (reports that add their own paragraphs)."""
        body = self.body.element.body
        for element in parse_xml(f'<w:body xmlns:w="{_W}">{xml}</w:body>'):
            if body.sectPr is not None:
                body.sectPr.addprevious(element)
            else:
                body.append(element)

    def _restart_numbering(self) -> Any:
        """A new w:num for each ordered list, so every list starts at 1."""
        numbering = self.docx.part.numbering_part.element
        style = self.docx.styles["List Number"]
        num_pr = style.element.pPr.find(qn("w:numPr")) if style.element.pPr is not None else None
        if num_pr is None or num_pr.find(qn("w:numId")) is None:
            return None
        base_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
        base = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == base_id)
        abstract_id = base.find(qn("w:abstractNumId")).get(qn("w:val"))
        new_id = str(max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1)
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), new_id)
        abstract = OxmlElement("w:abstractNumId")
        abstract.set(qn("w:val"), abstract_id)
        num.append(abstract)
        for level in ("0", "1"):
            override = OxmlElement("w:lvlOverride")
            override.set(qn("w:ilvl"), level)
            start = OxmlElement("w:startOverride")
            start.set(qn("w:val"), "1")
            override.append(start)
            num.append(override)
        numbering.append(num)
        return new_id


class _XmlWriter(_Writer):
    """The body kept as text and inserted by `{{p body }}` through `__html__`, as docxtpl does
    with a Subdoc: no python-docx objects at all for whole documents."""

    def __init__(self, tpl: DocxTemplate) -> None:
        super().__init__(tpl, None)
        self.parts: list[str] = []

    def __html__(self) -> str:
        return "".join(self.parts)

    def _emit(self, xml: str) -> None:
        self.parts.append(xml)

    def _keep_last_with_next(self) -> None:
        last = self.parts[-1] if self.parts else ""
        if last.startswith("<w:p><w:pPr>") and "<w:keepNext/>" not in last:
            self.parts[-1] = last.replace("/>", "/><w:keepNext/>", 1)  # right after the pStyle


_ATTR = {'"': "&quot;"}
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """XML text escaping (xml.sax.saxutils would import urllib and ssl: 40 ms at start-up)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char, entity in (entities or {}).items():
        text = text.replace(char, entity)
    return text


def _run_xml(text: str, bold: bool, italic: bool) -> str:
    if not text:
        return ""  # an empty <w:r/> is noise Word and validators complain about
    props = ("<w:rPr>" + ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + "</w:rPr>") if bold or italic else ""
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


def _runs(children: list[Any]) -> list[Run]:
    """Markdown inline tokens as runs: bold and italic kept, soft breaks as spaces."""
    runs: list[Run] = []
    bold = italic = False
    for child in children:
        if child.type in ("strong_open", "strong_close"):
            bold = child.type == "strong_open"
        elif child.type in ("em_open", "em_close"):
            italic = child.type == "em_open"
        elif child.type in ("text", "code_inline"):
            runs.append((child.content, bold, italic))
        elif child.type == "softbreak":
            runs.append((" ", bold, italic))
        elif child.type == "hardbreak":
            runs.append(("\n", False, False))
    return runs


def _style_has_numbering(docx: Any, name: str) -> bool:
    try:
        style = docx.styles[name]
    except KeyError:
        return False
    p_pr = style.element.pPr
    return p_pr is not None and p_pr.find(qn("w:numPr")) is not None

