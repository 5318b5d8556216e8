"""Document control (`document:` profile key): shown in every format, recorded in the manifest."""

import json

from conftest import edit


def build(cli, formats: str = "md") -> None:
    result = cli("build", "profiles/case.yaml", "--format", formats)
    assert result.code == 0, result.err


def test_defaults_draft_revision_1_and_no_date(tiny, cli):
    build(cli)
    text = (tiny / "output/tiny-case/nda.md").read_text(encoding="utf-8")
    assert "**Status:** DRAFT  \n**Document:** nda · tiny 0.1.0 · revision 1\n" in text
    manifest = json.loads((tiny / "output/tiny-case/manifest.json").read_text(encoding="utf-8"))
    assert manifest["document_control"] == {"status": "draft", "revision": 1}


def test_given_values_in_markdown_and_manifest(tiny, cli):
    edit(tiny / "profiles/case.yaml", "pins:", 'document: {status: final, revision: 4, date: "2027-01-15"}\npins:')
    build(cli)
    text = (tiny / "output/tiny-case/nda.md").read_text(encoding="utf-8")
    assert "**Status:** FINAL  \n**Document:** nda · tiny 0.1.0 · revision 4 · 15 January 2027\n" in text
    manifest = json.loads((tiny / "output/tiny-case/manifest.json").read_text(encoding="utf-8"))
    assert manifest["document_control"] == {"status": "final", "revision": 4, "date": "2027-01-15"}


# --- The look: one typeface, marking on every page, DRAFT, metadata, valid OOXML -----------------

import re  # noqa: E402
import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402

import docx  # noqa: E402
import pypdf  # noqa: E402
from openxml_audit import OpenXmlValidator  # noqa: E402

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FINAL = 'document: {status: final, revision: 3, date: "2027-01-15"}\npins:'


def built(tiny: Path, cli, formats: str, final: bool = False) -> Path:
    if final:
        edit(tiny / "profiles/case.yaml", "pins:", FINAL)
    build(cli, formats)
    return tiny / "output/tiny-case"


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


def test_pdf_is_set_in_the_shipped_font_with_marking_and_draft_on_every_page(tiny, cli):
    out = built(tiny, cli, "pdf")
    reader = pypdf.PdfReader(str(out / "security-appendix.pdf"))
    fonts = {str(f["/BaseFont"]).split("+")[-1] for page in reader.pages
             for f in (ref.get_object() for ref in page["/Resources"]["/Font"].values())}
    assert "Carlito" in fonts and fonts <= {"Carlito", "Carlito-Bold", "Carlito-Italic", "Carlito-BoldItalic"}
    for page in reader.pages:
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        text = " ".join(lines)
        assert text.count("CONFIDENTIAL") >= 2, text  # top and bottom
        assert "DRAFT" in text and "Draft · revision 1" in text and "0.1.0" not in text


def test_pdf_metadata_title_subject_language_and_document_date(tiny, cli):
    out = built(tiny, cli, "pdf", final=True)
    reader = pypdf.PdfReader(str(out / "nda.pdf"))
    info = reader.metadata
    assert info["/Title"] == "Non-disclosure agreement"
    assert info["/Subject"] == "Hosting of the test system"
    assert info["/Keywords"] == "CONFIDENTIAL, final, revision 3, 2027-01-15, nda · tiny 0.1.0"
    assert info["/CreationDate"].startswith("D:20270115")
    root = reader.trailer["/Root"]
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) and root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "DRAFT" not in text and "Final · revision 3 · 15 January 2027" in text and "2027-01-15" not in text


def test_pdf_has_no_date_when_the_profile_gives_none(tiny, cli):
    out = built(tiny, cli, "pdf")
    info = pypdf.PdfReader(str(out / "nda.pdf")).metadata
    assert "/CreationDate" not in info and "/ModDate" not in info
    assert info["/Keywords"] == "CONFIDENTIAL, draft, revision 1, nda · tiny 0.1.0"


def test_docx_header_footer_marking_watermark_and_properties(tiny, cli):
    out = built(tiny, cli, "docx")
    d = docx.Document(str(out / "nda.docx"))
    header, footer = d.sections[0].header, d.sections[0].footer
    assert [p.text for p in header.paragraphs][:2] == ["CONFIDENTIAL", "Non-disclosure agreement\tDRAFT"]
    assert [p.text for p in footer.paragraphs] == ["Draft · revision 1\tPage 1 of 1", "CONFIDENTIAL"]
    assert header.paragraphs[0].style.name == "Marking Line" == footer.paragraphs[1].style.name
    assert 'string="DRAFT"' in part(out / "nda.docx", "word/header1.xml")
    core = d.core_properties
    assert (core.content_status, core.revision, core.language, core.version) == ("Draft", 1, "en", "revision 1")
    xml = part(out / "nda.docx", "docProps/core.xml")
    assert not re.search(r"<(dc|cp|dcterms):\w+(/>|[^>]*></)", xml), xml  # no empty property


def test_final_docx_has_no_draft_and_records_the_date(tiny, cli):
    out = built(tiny, cli, "docx", final=True)
    d = docx.Document(str(out / "nda.docx"))
    assert d.sections[0].header.paragraphs[1].text == "Non-disclosure agreement\t"
    assert d.sections[0].footer.paragraphs[0].text == "Final · revision 3 · 15 January 2027\tPage 1 of 1"
    assert d.core_properties.comments == "nda · tiny 0.1.0"  # traceability in the properties, not the footer
    assert "DRAFT" not in part(out / "nda.docx", "word/header1.xml")
    assert d.core_properties.content_status == "Final" and d.core_properties.revision == 3
    assert 'name="clausegen.document_date"><vt:lpwstr>2027-01-15<' in part(out / "nda.docx", "docProps/custom.xml")


def test_docx_has_no_empty_runs_and_passes_the_ooxml_validator(tiny, cli):
    out = built(tiny, cli, "docx")
    validator = OpenXmlValidator()
    for path in sorted(out.glob("*.docx")):
        for name in ("word/document.xml", "word/header1.xml", "word/footer1.xml"):
            assert "<w:r/>" not in part(path, name) and "<w:r></w:r>" not in part(path, name), (path.name, name)
        result = validator.validate(path)
        assert result.is_valid, (path.name, [str(e) for e in result.errors])


def test_the_ooxml_validator_catches_a_schema_error(tiny, cli, tmp_path):
    """So that the test above can fail: an element the schema does not allow is reported."""
    out = built(tiny, cli, "docx")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(out / "nda.docx") as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:pPr>", b"<w:bogus/></w:pPr>", 1)
            dst.writestr(item, data)
    assert not OpenXmlValidator().validate(broken).is_valid


def test_html_has_one_h1_and_the_marking_on_every_printed_page(tiny, cli):
    out = built(tiny, cli, "html")
    html = (out / "nda.html").read_text(encoding="utf-8")
    assert html.count("<h1") == 1 and "<h2" in html  # the NDA's one section holds one clause: no <h3>
    appendix = (out / "security-appendix.html").read_text(encoding="utf-8")
    assert appendix.count("<h1") == 1 and "<h2" in appendix and "<h3" in appendix
    assert '@top-center { content: "CONFIDENTIAL"' in html and '@bottom-center { content: "CONFIDENTIAL"' in html
    assert '@top-right { content: "DRAFT"' in html and "font-family: Carlito, Calibri" in html
    assert '<p class="doc-control"><strong>DRAFT</strong> · revision 1</p>' in html


def test_shipped_template_names_carlito_through_the_theme_with_calibri_as_alternative():
    import clausegen

    base = Path(clausegen.__file__).parent / "templates" / "default" / "base.docx"
    theme = part(base, "word/theme/theme1.xml")
    assert theme.count('<a:latin typeface="Carlito"') == 2  # major (headings) and minor (body) fonts
    assert '<w:font w:name="Carlito"><w:altName w:val="Calibri"/>' in part(base, "word/fontTable.xml")
    styles = part(base, "word/styles.xml")
    assert 'w:asciiTheme="majorHAnsi"' in styles and 'w:asciiTheme="minorHAnsi"' in styles
    assert '<w:autoHyphenation w:val="false"/>' in part(base, "word/settings.xml")
    assert OpenXmlValidator().validate(base).is_valid
    fonts = Path(clausegen.__file__).parent / "fonts"
    assert sorted(f.name for f in fonts.glob("*.ttf")) == [
        "Carlito-Bold.ttf", "Carlito-BoldItalic.ttf", "Carlito-Italic.ttf", "Carlito-Regular.ttf"]
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text(encoding="utf-8")


# --- Signature blocks ---------------------------------------------------------------------------

def test_signature_block_in_markdown_after_the_last_section_not_numbered(tiny, cli):
    build(cli)
    text = (tiny / "output/tiny-case/nda.md").read_text(encoding="utf-8")
    block = text[text.index("**For the Client**"):]
    assert block == (
        "**For the Client**: Smith & Jones \\<Hosting\\> \"A/S\" Ærø  \n"
        "Signature: ........................................  \nName: ........................................  \n"
        "Title: ........................................  \nDate and place: ........................................\n\n"
        "**For the Supplier**: Supplier Ltd  \n"
        "Signature: ........................................  \nName: ........................................  \n"
        "Title: ........................................  \nDate and place: ........................................\n")
    assert "**For the Client**" not in (tiny / "output/tiny-case/security-appendix.md").read_text(encoding="utf-8")


def test_signature_block_in_docx_is_one_unsplittable_table_in_the_signature_styles(tiny, cli):
    out = built(tiny, cli, "docx")
    d = docx.Document(str(out / "nda.docx"))
    table = d.tables[-1]
    assert table.style.name == "Signature Table"
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[:3] == [["For the Client", "", "For the Supplier"],
                        ['Smith & Jones <Hosting> "A/S" Ærø', "", "Supplier Ltd"], ["", "", ""]]
    assert [r[0] for r in rows[3::2]] == ["Signature", "Name", "Title", "Date and place"]
    for row in table.rows:
        assert row._tr.find(f"{W}trPr/{W}cantSplit") is not None
        for cell in row.cells:
            assert all(p.style.name == "Signature" for p in cell.paragraphs)
    heights = [row._tr.find(f"{W}trPr/{W}trHeight") for row in table.rows]
    assert int(heights[2].get(f"{W}val")) >= 1134  # 2 cm to sign in
    assert d.styles["Signature"].paragraph_format.keep_with_next  # the block stays on one page
    before = table._tbl.getprevious()  # the sentence on signing goes with the block
    assert before.tag == f"{W}p" and before.find(f"{W}pPr/{W}keepNext") is not None


def test_signature_block_in_the_pdf(tiny, cli):
    out = built(tiny, cli, "pdf")
    last = pypdf.PdfReader(str(out / "nda.pdf")).pages[-1].extract_text()
    for text in ("For the Client", "For the Supplier", "Supplier Ltd", "Signature", "Date and place"):
        assert text in last, last


def test_signature_block_reaches_pandoc_as_a_labelled_table_the_templates_keep_together(tiny, cli):
    out = built(tiny, cli, "html")
    html = (out / "nda.html").read_text(encoding="utf-8")
    block = html[html.index('<div id="signature-block">'):]
    assert "<th>For the Client</th>" in block and "<td>Supplier Ltd</td>" in block
    assert "#signature-block { break-inside: avoid;" in html
    import clausegen

    typ = (Path(clausegen.__file__).parent / "templates" / "default" / "document.typ").read_text(encoding="utf-8")
    assert "#show <signature-block>: it => {" in typ and "block(breakable: false, width: 100%, it)" in typ


def test_docx_keeps_what_introduces_a_table_with_it(tiny, cli):
    out = built(tiny, cli, "docx")
    body = docx.Document(str(out / "security-appendix.docx")).element.body
    children = list(body)
    tables = [i for i, child in enumerate(children) if child.tag == f"{W}tbl"]
    assert tables
    for i in tables:
        before = children[i - 1]
        style = before.find(f"{W}pPr/{W}pStyle").get(f"{W}val")
        assert style.startswith("Heading") or before.find(f"{W}pPr/{W}keepNext") is not None, style


def test_a_fenced_div_in_clause_text_carries_no_attributes_into_the_html():
    """Clause text is parsed by the one walker, which knows no fenced divs: the text stays text.
    Only the engine's signature block becomes a div `signature-block`."""
    import clausegen
    from clausegen.export.pandoc import convert
    from clausegen.models.document import Document, Part, Section
    from clausegen.rendering import pandoc_ast
    from clausegen.rendering.walker import parse

    template = Path(clausegen.__file__).parent / "templates" / "default" / "document.html"
    body = parse('::: {#x onclick="alert(1)"}\nHello.\n:::\n\n::: {#signature-block .y data-x="1"}\nBye.\n:::\n')
    document = Document("t", "T", "", "", "", "", "", "lib", "1", (Section("1", "S", (Part("1.1", "P", blocks=body),)),),
                        signatures=(("For the Client", "C"),))
    html = convert(pandoc_ast.document(document, "html5", {"title": "T"}), "html5", template, "t")
    import re

    assert not re.search(r"<[^>]*(onclick|data-x|id=\"x\"|class=\"y\")", html)  # no tag carries them
    assert "::: {#x onclick=" in html and html.count('<div id="signature-block">') == 1


def test_a_house_typst_template_without_a_title_heading_still_builds_untagged(tiny, cli):
    import clausegen

    default = Path(clausegen.__file__).parent / "templates" / "default" / "document.typ"
    (tiny / "house").mkdir()
    text = default.read_text(encoding="utf-8").replace("heading(level: 1, cg-title)", "cg-title")
    (tiny / "house" / "document.typ").write_text(text, encoding="utf-8")
    result = cli("build", "profiles/case.yaml", "--format", "pdf", "--documents", "nda", "--templates", "house")
    assert result.code == 0, result.err
    root = pypdf.PdfReader(str(tiny / "output/tiny-case/nda.pdf")).trailer["/Root"]
    assert "/DisplayDocTitle" not in root.get("/ViewerPreferences", {})


def _created(path: Path) -> tuple[str, str]:
    core = part(path, "docProps/core.xml")
    return (re.search(r"<dcterms:created[^>]*>([^<]+)<", core).group(1),
            re.search(r"<dcterms:modified[^>]*>([^<]+)<", core).group(1))


def test_docx_and_xlsx_are_dated_by_the_document_date(tiny, cli):
    out = built(tiny, cli, "docx,xlsx", final=True)
    assert _created(out / "nda.docx") == ("2027-01-15T00:00:00Z", "2027-01-15T00:00:00Z")
    assert _created(out / "tender-requirements.xlsx") == ("2027-01-15T00:00:00Z", "2027-01-15T00:00:00Z")


def test_without_a_document_date_the_files_are_dated_by_the_library_release(tiny, cli, monkeypatch):
    edit(tiny / "clauses/library.yaml", '{version: "0.1.0", changes', '{version: "0.1.0", date: "2026-11-30", changes')
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = built(tiny, cli, "docx,xlsx")
    assert _created(out / "nda.docx") == ("2026-11-30T00:00:00Z", "2026-11-30T00:00:00Z")
    assert _created(out / "tender-requirements.xlsx")[0] == "2026-11-30T00:00:00Z"
