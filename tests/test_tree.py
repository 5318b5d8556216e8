"""The document tree: the one Markdown walker, and the DOCX, Markdown and pandoc writers from it."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pypdf
from conftest import ROOT

from clausegen.export.pandoc import convert
from clausegen.export.pdf import compile_pdf
from clausegen.loading import DEFAULT_TEMPLATES
from clausegen.models.document import Document, Part, Section
from clausegen.models.tree import (
    REF_CLOSE,
    REF_OPEN,
    CrossRef,
    Emphasis,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    NoBreak,
    Note,
    Paragraph,
    SoftBreak,
    Strong,
    Table,
    Term,
    Text,
    number_label,
)
from clausegen.rendering import docx as docx_rendering
from clausegen.rendering import markdown, pandoc_ast
from clausegen.rendering.docx_body import bookmark_name
from clausegen.rendering.walker import parse

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def document(*blocks, title: str = "Clause") -> Document:
    parts = (Part("1.1", title, blocks=tuple(blocks), anchor="clause-x.one"), Part("1.2", "Other", blocks=()))
    return Document("test", "Test document", "Sub", "INTERNAL", "Client", "Supplier", "Profile", "lib", "1.0.0",
                    (Section("1", "Section", parts, anchor="section-one"),))


def docx_xml(doc: Document) -> tuple[str, str]:
    template = DEFAULT_TEMPLATES / "base.docx"
    data = docx_rendering.build(doc, template.read_bytes(), str(template),
                                docx_rendering.Properties("1980-01-01T00:00:00+00:00", {}))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode(), z.read("word/numbering.xml").decode()


# --- the walker --------------------------------------------------------------------------------

def test_paragraphs_emphasis_and_soft_breaks():
    assert parse("The **Supplier** shall *promptly*\nact.") == (Paragraph((
        Text("The "), Strong((Text("Supplier"),)), Text(" shall "), Emphasis((Text("promptly"),)), SoftBreak(),
        Text("act."))),)


def test_list_kinds_follow_the_marker():
    blocks = parse("- bullet\n\n1. one\n2. two\n\n1) first\n   1) sub\n2) second\n")
    assert [b.kind for b in blocks if isinstance(b, ListBlock)] == ["bullet", "decimal", "alpha"]
    alpha = blocks[-1]
    assert isinstance(alpha, ListBlock) and len(alpha.items) == 2
    nested = alpha.items[0].blocks[1]
    assert isinstance(nested, ListBlock) and nested.kind == "roman"


def test_raw_html_images_and_file_links_become_text():
    blocks = parse('<b>x</b> ![alt text](/etc/passwd) [local](file:///etc/passwd) [web](https://a.example)\n\n'
                   '<div>block</div>\n')
    first = blocks[0]
    assert isinstance(first, Paragraph)
    assert first.inlines[:1] == (Text("<b>x</b> alt text local "),)
    assert len(first.inlines) == 2
    assert first.inlines[1] == Link("https://a.example", (Text("web"),))
    assert blocks[1] == Paragraph((Text("<div>block</div>"),))


def test_identifiers_are_no_break_runs_and_definitions_are_terms():
    (para,) = parse("**Client Data** means data under Art. 28(3)(a) and SR-GOV-05.")
    assert isinstance(para, Paragraph)
    assert para.inlines == (Term("Client Data"), Text(" means data under "), NoBreak("Art. 28(3)(a)"),
                            Text(" and "), NoBreak("SR-GOV-05"), Text("."))


def test_references_printed_by_ref_become_cross_references():
    resolved = parse(f"see {REF_OPEN}exit.plan{REF_CLOSE}.",
                     lambda target: CrossRef(target, "clause 4.2", "clause-" + target))
    assert resolved == (Paragraph((Text("see "), CrossRef("exit.plan", "clause 4.2", "clause-exit.plan"), Text("."))),)


def test_blockquotes_are_notes():
    assert parse("> Mark each item.") == (Note((Text("Mark each item."),)),)


def test_there_is_one_markdown_parser():
    users = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "clausegen").rglob("*.py")
                   if re.search(r"\bmarkdown_it\b", p.read_text(encoding="utf-8")))
    assert users == ["clausegen/rendering/walker.py"]


def test_list_labels():
    assert [number_label("alpha", n) for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]
    assert [number_label("roman", n) for n in (1, 4, 9, 14)] == ["i", "iv", "ix", "xiv"]


# --- writers -------------------------------------------------------------------------------------

OBLIGATIONS = "The Supplier shall:\n\n1) report;\n2) cooperate:\n   1) on site; and\n   2) remotely.\n\nAnd:\n\n1) again.\n"


def test_markdown_writer_writes_obligations_with_their_labels():
    text = markdown.write(document(*parse(OBLIGATIONS)))
    assert "(a) report;\n\n(b) cooperate:\n\n(i) on site; and\n\n(ii) remotely.\n\nAnd:\n\n(a) again." in text


def test_a_section_of_one_clause_has_one_heading():
    doc = Document("d", "T", "", "", "", "", "", "lib", "1", (
        Section("9", "Governing law", (Part("9", "Applicable law", blocks=parse("Danish law."), heading=False,
                                            anchor="clause-law"),)),))
    assert list(doc.blocks()) == [Heading(1, "9", "Governing law", "clause-law"), Paragraph((Text("Danish law."),))]
    assert "## 9 Governing law\n\nDanish law.\n" in markdown.write(doc)


def test_docx_obligation_lists_use_word_numbering_that_restarts_per_list():
    body, numbering = docx_xml(document(*parse(OBLIGATIONS)))
    nums = re.findall(r'<w:numPr><w:ilvl w:val="(\d)"/><w:numId w:val="(\d+)"/></w:numPr>', body)
    assert [level for level, _ in nums] == ["0", "0", "1", "1", "0"]
    first, second = nums[0][1], nums[-1][1]
    assert nums[1][1] == nums[2][1] == first and second != first  # (i) under (b); the second list restarts
    abstract = next(re.finditer(r'<w:abstractNum [^>]*w:abstractNumId="(\d+)"[^>]*>(?:(?!</w:abstractNum>).)*'
                                r'clausegen Obligations.*?</w:abstractNum>', numbering, re.S))
    assert '<w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%1)"/>' in abstract.group()
    assert '<w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%2)"/>' in abstract.group()
    for num_id in (first, second):
        num = re.search(rf'<w:num w:numId="{num_id}">(.*?)</w:num>', numbering, re.S)
        assert num is not None and f'<w:abstractNumId w:val="{abstract.group(1)}"/>' in num.group(1)
        assert '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>' in num.group(1)


def test_docx_identifiers_do_not_break_and_references_link_to_bookmarks():
    ref = CrossRef("x.one", "clause 1.1", "clause-x.one")
    body, _ = docx_xml(document(Paragraph((Text("See "), ref, Text(" and "), NoBreak("SR-GOV-05"),
                                           Text(" under "), NoBreak("Art. 28(3)(a)")))))
    name = bookmark_name("clause-x.one")
    assert re.search(rf'<w:bookmarkStart w:id="\d+" w:name="{name}"/>', body)
    assert f'<w:hyperlink w:anchor="{name}" w:history="1">' in body
    assert ('<w:t xml:space="preserve">SR</w:t><w:noBreakHyphen/><w:t xml:space="preserve">GOV</w:t>'
            '<w:noBreakHyphen/><w:t xml:space="preserve">05</w:t>') in body
    assert '<w:t xml:space="preserve">Art.\u00a028(3)(a)</w:t>' in body


def test_pandoc_ast_carries_headings_with_anchors_links_and_list_kinds():
    ref = CrossRef("x.one", "clause 1.1", "clause-x.one")
    ast = json.loads(pandoc_ast.document(document(Paragraph((ref,)), *parse(OBLIGATIONS)), "html5"))
    header = ast["blocks"][1]
    assert header["t"] == "Header" and header["c"][:2] == [3, ["clause-x.one", [], []]]  # title 1, section 2
    assert ast["blocks"][2]["c"][0]["t"] == "Link" and ast["blocks"][2]["c"][0]["c"][2] == ["#clause-x.one", ""]
    lists = [b["c"][0] for b in ast["blocks"] if b["t"] == "OrderedList"]
    assert lists[0][1:] == [{"t": "LowerAlpha"}, {"t": "TwoParens"}]


def test_html_has_anchors_links_and_obligation_lists():
    ref = CrossRef("x.one", "clause 1.1", "clause-x.one")
    html = convert(pandoc_ast.document(document(Paragraph((ref,)), *parse(OBLIGATIONS)), "html5"), "html5",
                   DEFAULT_TEMPLATES / "document.html", "test")
    assert '<h3 id="clause-x.one">1.1 Clause</h3>' in html
    assert '<a href="#clause-x.one">' in html
    assert '<ol type="a">' in html and '<ol type="i">' in html


TRICKY = ("a...b", "c-?d", "x -1 y", "= heading", "- item", "+ item", "/ term: x", "1. x", "#set", "$m$",
          "<l> @r", "a -- b --- c", "~x", "'q' \"q\"", "http://x.example", "* s *", "_u_")


def pdf_lines(doc: Document) -> str:
    source = convert(pandoc_ast.document(doc, "typst"), "typst", DEFAULT_TEMPLATES / "document.typ", "test")
    pdf = compile_pdf(source, "test")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_text_stays_literal_in_the_pdf_even_where_typst_has_shorthands():
    paragraphs = [Paragraph((Text(t),)) for t in TRICKY]
    after_breaks = Paragraph(tuple(node for t in TRICKY for node in (LineBreak(), Text("  " + t))))
    text = pdf_lines(document(*paragraphs, after_breaks, Table(("A", "B"), ((TRICKY[0], TRICKY[3]),), (1, 1)),
                              title="= a... -? -1"))
    squeezed = re.sub(r"\s+", " ", text)
    for t in TRICKY:
        assert squeezed.count(t) >= 2, t
    assert "1.1 = a... -? -1" in squeezed
    assert "…" not in text and "\u2212" not in text and "\xad" not in text


def test_identifiers_and_references_in_the_pdf():
    ref = CrossRef("x.one", "clause 1.1", "clause-x.one")
    text = pdf_lines(document(Paragraph((Text("See "), ref, Text(" and "), NoBreak("SR-GOV-05"), Text(" and "),
                                         NoBreak("Art. 28(3)(a)"), Text(".")))))
    assert "See clause 1.1 and SR-GOV-05 and Art. 28(3)(a)." in re.sub(r"\s+", " ", text)


def test_a_list_item_with_two_paragraphs_keeps_both():
    item = ListItem((Paragraph((Text("first"),)), Paragraph((Text("second"),))))
    doc = document(ListBlock("bullet", (item,)))
    assert "- first\n\n  second" in markdown.write(doc)
    body, _ = docx_xml(doc)
    assert body.index(">first<") < body.index(">second<")


def test_the_writers_agree_on_the_text():
    doc = document(*parse(OBLIGATIONS + "\n> A note with **bold** and [a link](https://a.example).\n"))
    md = markdown.write(doc)
    body, _ = docx_xml(doc)
    docx_text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", body))
    for phrase in ("report;", "on site; and", "A note with", "bold", "a link"):
        assert phrase in md and phrase in docx_text


def test_landscape_parts_share_one_turned_section_in_docx_and_one_page_run_in_pdf():
    wide = Table(("A", "B"), (("x", "y"),), (1, 1), landscape=True)
    parts = (Part("1.1", "Before", blocks=(Paragraph((Text("Before."),)),)),
             Part("1.2", "First wide", table=wide), Part("1.3", "Second wide", note="Note.", table=wide),
             Part("1.4", "After", blocks=(Paragraph((Text("After."),)),)))
    doc = Document("test", "Test document", "Sub", "INTERNAL", "Client", "Supplier", "Profile", "lib", "1.0.0",
                   (Section("1", "Section", parts),))
    assert [(turned, len(blocks)) for turned, blocks in doc.pages()] == [(False, 3), (True, 5), (False, 2)]
    body, _ = docx_xml(doc)
    sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", body, re.S)
    assert len(sections) == 3  # portrait up to the first wide part, both wide parts turned, the template's after
    assert 'w:orient="landscape"' in sections[1] and 'w:w="16838" w:h="11906"' in sections[1]
    assert "landscape" not in sections[0] + sections[2]
    assert body.index(">Before.<") < body.index(sections[0]) < body.index(">First wide<") \
        < body.index(">Second wide<") < body.index(sections[1]) < body.index(">After.<")
    source = convert(pandoc_ast.document(doc, "typst"), "typst", DEFAULT_TEMPLATES / "document.typ", "t")
    assert source.count("#page(flipped: true)[") == 1
    reader = pypdf.PdfReader(io.BytesIO(compile_pdf(source, "test")))
    shapes = [(float(p.mediabox.width) > float(p.mediabox.height)) for p in reader.pages]
    assert shapes == [False, True, False]


def test_text_right_after_bold_italic_or_a_link_does_not_continue_the_typst_call():
    """pandoc writes #strong[US]; ".Before" right after it was read as a field of strong and failed."""
    doc = document(Paragraph((Strong((Text("US"),)), Text(".Before"), Emphasis((Text("x"),)), Text("(y)"),
                              Strong((Text("z"),)), Text("[w]"))))
    source = convert(pandoc_ast.document(doc, "typst"), "typst", DEFAULT_TEMPLATES / "document.typ", "t")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(compile_pdf(source, "t"))).pages)
    assert "US.Before" in text and "x(y)" in text and "z[w]" in text
