"""The line that introduces a table or a list never ends a page without it: keepNext in DOCX, a sticky block
in PDF."""

from __future__ import annotations

import io
import re
import zipfile

import pypdf

from clausegen.export.pandoc import convert
from clausegen.export.pdf import compile_pdf
from clausegen.loading import DEFAULT_TEMPLATES
from clausegen.models.document import Document, Part, Section
from clausegen.models.tree import ListBlock, ListItem, Paragraph, Table, Text
from clausegen.rendering import docx as docx_rendering
from clausegen.rendering import pandoc_ast

INTRO = "The table below lists the assets."


TABLE = Table(("Asset", "Owner"), tuple((f"a{k}", f"o{k}") for k in range(30)), (1, 1))
OBLIGATIONS = ListBlock("alpha", tuple(ListItem((Paragraph((Text(f"do thing {k};"),)),)) for k in range(3)))


def document(fillers: int, intro: str = INTRO, follows=TABLE) -> Document:
    blocks = tuple(Paragraph((Text(f"Filler paragraph {k}."),)) for k in range(fillers)) + (
        Paragraph((Text(intro),)), follows)
    return Document("test", "Test document", "Sub", "INTERNAL", "Client", "Supplier", "Profile", "lib", "1.0.0",
                    (Section("1", "Section", (Part("1.1", "Clause", blocks=blocks),)),))


def pdf_pages(doc: Document) -> list[str]:
    source = convert(pandoc_ast.document(doc, "typst"), "typst", DEFAULT_TEMPLATES / "document.typ", "t")
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(compile_pdf(source, "t"))).pages]


def page(pages: list[str], text: str) -> int:
    return next(i for i, p in enumerate(pages) if text in p)


def test_pdf_moves_the_introducing_line_to_the_page_of_its_table():
    # With 30 paragraphs before it, the line fits as the last of page 1 and the table does not.
    pages = pdf_pages(document(30))
    assert page(pages, "Filler paragraph 29.") == 0
    assert page(pages, INTRO) == page(pages, "Asset") == 1


def test_pdf_moves_the_introducing_line_to_the_page_of_its_list():
    pages = pdf_pages(document(31, "The Supplier shall:", OBLIGATIONS))
    assert page(pages, "Filler paragraph 30.") == 0
    assert page(pages, "The Supplier shall:") == page(pages, "do thing 0") == 1


def test_only_a_paragraph_right_before_a_table_is_kept_with_it():
    template = DEFAULT_TEMPLATES / "base.docx"
    data = docx_rendering.build(document(2), template.read_bytes(), str(template),
                                docx_rendering.Properties("1980-01-01T00:00:00+00:00", {}))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    kept = re.findall(r"<w:p>(?:(?!</w:p>).)*<w:keepNext/>(?:(?!</w:p>).)*</w:p>", xml)
    assert len(kept) == 1 and INTRO in kept[0]
    source = convert(pandoc_ast.document(document(2), "typst"), "typst", DEFAULT_TEMPLATES / "document.typ", "t")
    assert source.count("block(sticky: true, spacing: par.spacing)") == 1
    assert re.search(r"block\(sticky: true, spacing: par\.spacing\)\[\s*The table below lists the assets\.\s*\]", source)


def test_docx_keeps_the_line_before_a_list_with_its_first_item():
    template = DEFAULT_TEMPLATES / "base.docx"
    data = docx_rendering.build(document(1, "The Supplier shall:", OBLIGATIONS), template.read_bytes(), str(template),
                                docx_rendering.Properties("1980-01-01T00:00:00+00:00", {}))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
    kept = re.findall(r"<w:p>(?:(?!</w:p>).)*<w:keepNext/>(?:(?!</w:p>).)*</w:p>", xml)
    assert len(kept) == 1 and "The Supplier shall:" in kept[0]
