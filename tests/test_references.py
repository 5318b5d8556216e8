"""Cross-references: {{ ref("...") }} to clauses, sections and requirements, in every format."""

from __future__ import annotations

import io
import re
import zipfile

import pypdf
import pytest
from conftest import edit

from clausegen.errors import InputError, RenderError
from clausegen.pipeline import BuildOptions, Inputs, load_project, render
from clausegen.references import running_title
from clausegen.rendering.docx_body import bookmark_name

PARTIES = "clauses/core/general.parties@1.0.0.md"
SENTENCE = "(the *Supplier*)."


def refer(tiny, text: str) -> None:
    edit(tiny / PARTIES, SENTENCE, SENTENCE + "\n\n" + text)


def build(tiny, formats=("md",), documents=None) -> dict[str, bytes]:
    project = load_project(Inputs(tiny / "clauses", tiny / "catalogues", tiny / "frameworks"))
    options = BuildOptions(formats=formats, documents=documents)
    return render(tiny / "profiles/case.yaml", project, options)[1]


def test_a_clause_reference_shows_the_number_here_and_the_place_elsewhere(tiny):
    refer(tiny, 'Audits follow {{ ref("general.audit") }}; assets, {{ ref("termination-plan#assets") }}.')
    files = build(tiny)
    appendix = files["security-appendix.md"].decode()
    assert "Audits follow clause 1.2; assets, clause 1 of the exit plan." in appendix
    assert "### 1.2 Audit" in appendix
    nda = files["nda.md"].decode()  # general.parties is in the NDA too; the audit clause is not
    # No defined term for the other documents: their titles, in lower case mid-sentence.
    assert "Audits follow clause 1.2 of the security appendix; assets, clause 1 of the exit plan." in nda


def test_another_document_is_named_by_the_term_the_referring_document_defines(tiny):
    library = tiny / "clauses/library.yaml"
    edit(library, "    title: Security appendix\n", "    title: Security appendix\n    term: Appendix\n")
    edit(library, "    title: Exit plan\n", "    title: Exit plan\n    term: Exit Plan\n")
    refer(tiny, 'This text (the **Appendix**) refers to {{ ref("general.audit") }} and {{ ref("termination-plan#assets") }}.')
    nda = build(tiny)["nda.md"].decode()
    # The NDA defines Appendix, so it uses the term; it does not define Exit Plan, so it uses the title.
    assert "refers to clause 1.2 of the Appendix and clause 1 of the exit plan." in nda


def test_a_title_keeps_its_capitals_when_it_starts_with_an_acronym():
    assert running_title("Contract security appendix") == "contract security appendix"
    assert running_title("DPA checklist") == "DPA checklist"
    assert running_title("NIS2 report") == "NIS2 report"


def test_a_reference_from_one_document_to_another_works_in_a_partial_build(tiny):
    refer(tiny, 'Audits follow {{ ref("general.audit") }}.')
    files = build(tiny, documents=("nda",))
    assert list(files) == ["nda.md", "manifest.json"]
    assert "Audits follow clause 1.2 of the security appendix." in files["nda.md"].decode()


def test_a_requirement_reference_is_its_id_linked_to_its_row(tiny):
    refer(tiny, 'See {{ ref("SR-ACC-01") }}.')
    files = build(tiny, ("md", "docx", "html"))
    assert "See SR-ACC-01." in files["security-appendix.md"].decode()
    html = files["security-appendix.html"].decode()
    assert '<a href="#req-SR-ACC-01">' in html and 'id="req-SR-ACC-01"' in html
    nda_html = files["nda.html"].decode()  # the NDA has no requirement table: the id, without a link
    assert "req-SR-ACC-01" not in nda_html and "SR-ACC-01" in nda_html


def test_links_and_targets_in_docx_html_and_pdf(tiny):
    refer(tiny, 'Audits follow {{ ref("general.audit") }}.')
    files = build(tiny, ("docx", "html", "pdf"), ("security-appendix",))
    with zipfile.ZipFile(io.BytesIO(files["security-appendix.docx"])) as z:
        xml = z.read("word/document.xml").decode()
    name = bookmark_name("clause-general.audit")
    assert f'w:name="{name}"' in xml and f'<w:hyperlink w:anchor="{name}"' in xml
    html = files["security-appendix.html"].decode()
    assert '<a href="#clause-general.audit"><span class="nobreak">clause 1.2</span></a>' in html and 'id="clause-general.audit"' in html
    reader = pypdf.PdfReader(io.BytesIO(files["security-appendix.pdf"]))
    links = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])
             if a.get_object().get("/Subtype") == "/Link"]
    assert any("/Dest" in link or "/GoTo" in str(link.get("/A", "")) for link in links)


def test_a_reference_to_a_clause_the_profile_leaves_out_is_a_build_error(tiny):
    refer(tiny, 'Audits follow {{ ref("general.audit") }}.')
    edit(tiny / "profiles/case.yaml", "classification: confidential", "classification: public")
    with pytest.raises(RenderError) as e:
        build(tiny)
    (problem,) = e.value.diagnostics
    assert problem.file.endswith("general.parties@1.0.0.md") and problem.line == 13
    assert problem.message.startswith('general.parties refers to general.audit (ref("general.audit")), which this '
                                      "profile leaves out: general.audit@1.0.0 is left out: ")
    assert "risk_tier" in problem.message


def test_a_reference_to_a_requirement_above_the_level_is_a_build_error(tiny):
    refer(tiny, 'See {{ ref("SR-ACC-01") }}.')
    edit(tiny / "profiles/case.yaml", "classification: confidential", "classification: public")
    with pytest.raises(RenderError, match="SR-ACC-01 belongs to level confidential, above this profile's level public"):
        build(tiny)


def test_a_reference_to_a_document_not_built_names_its_condition(tiny):
    refer(tiny, 'See {{ ref("tender-requirements#requirements") }}.')
    edit(tiny / "profiles/case.yaml", "mode: tender", "mode: direct")
    with pytest.raises(RenderError, match=r"document tender-requirements is not built: .*procurement\.mode"):
        build(tiny)


def test_validate_refuses_unknown_and_computed_targets(tiny, cli):
    refer(tiny, '{{ ref("general.audits") }} {{ ref("nda#nothing") }} {{ ref("SR-ACC-99") }}\n'
                '{{ ref(client.name) }} {{ ref("Not an id") }}')
    result = cli("validate")
    assert result.code == 1
    file = "clauses/core/general.parties@1.0.0.md"
    assert f'{file}:13: body: ref("general.audits"): general.parties refers to a clause the library does not have' \
        in result.err
    assert "did you mean general.audit?" in result.err
    assert f'{file}:13: body: ref("nda#nothing"): general.parties refers to a section' in result.err
    assert f'{file}:13: body: ref("SR-ACC-99"): general.parties refers to a requirement' in result.err
    assert f'{file}:14: body: ref() takes one id in quotes' in result.err
    assert f'{file}:14: body: ref("Not an id"): not a clause id' in result.err


def test_ref_is_for_clause_bodies_only(tiny, cli):
    edit(tiny / "catalogues/public.yaml", "text: \"", "text: \"{{ ref('general.audit') }} ")
    result = cli("validate")
    assert result.code == 1 and "{{ ref }} is neither a declared parameter nor a profile field" in result.err


def test_a_value_cannot_forge_a_reference(tiny):
    edit(tiny / "profiles/case.yaml", 'description: "Hosting."', 'description: "Hosting \\uE000general.audit\\uE001."')
    edit(tiny / PARTIES, SENTENCE, SENTENCE + " {{ service.description }}")
    with pytest.raises((InputError, RenderError), match="U\\+E000"):
        build(tiny)


def test_validate_warns_when_a_reference_can_dangle(tiny, cli):
    """general.parties always applies; general.audit only from risk tier high."""
    refer(tiny, 'Audits follow {{ ref("general.audit") }}.')
    result = cli("validate")
    assert result.code == 0
    assert ('warning: clauses/core/general.parties@1.0.0.md:13: body: ref("general.audit") can dangle: '
            "general.parties applies when always, its target only when risk_tier at least high") in result.err


def test_no_warning_when_the_condition_implies_the_target(tiny, cli):
    refer(tiny, 'Audits follow {{ ref("general.audit") }}.')
    edit(tiny / PARTIES, "order: 1", "order: 1\ncondition: {field: risk_tier, at_least: high}")
    result = cli("validate")
    assert result.code == 0 and "can dangle" not in result.err


def test_the_shipped_library_refers_to_sections_by_id_not_by_title():
    from conftest import ROOT

    titled = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "clauses").rglob("*.md"))
              for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
              if re.search(r"\bsection \*[A-Z]", line)]
    assert titled == []


def _fills(pdf: bytes) -> dict[str, tuple[float, ...]]:
    """text shown on the first page -> the fill colour it is drawn in."""
    colour: list[tuple[float, ...]] = [()]
    out: dict[str, tuple[float, ...]] = {}

    def before(op, args, cm, tm):
        if op in (b"rg", b"g", b"sc", b"scn"):
            colour[0] = tuple(float(a) for a in args if isinstance(a, (int, float)))

    def shown(text, cm, tm, font, size):
        if text.strip():
            out.setdefault(text.strip(), colour[0])

    pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_operand_before=before, visitor_text=shown)
    return out


def test_a_cross_reference_is_in_the_body_colour_and_a_web_link_in_the_accent(tiny):
    # Coloured text in a contract reads as a tracked change: only web addresses stand out.
    refer(tiny, 'Audits follow {{ ref("general.audit") }}, see <https://example.org>.')
    fills = _fills(build(tiny, ("pdf",), ("security-appendix",))["security-appendix.pdf"])
    assert fills["clause 1.2"] == fills["Audits follow"] == (0.0,)
    assert fills["https://example.org"] != (0.0,)
    html = build(tiny, ("html",), ("security-appendix",))["security-appendix.html"].decode()
    assert '<a href="#clause-general.audit">' in html
    assert 'a[href^="#"] { color: inherit; text-decoration: none; }' in html


HYPERLINK_STYLE = ('<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
                   '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>')


def test_docx_cross_reference_in_body_style_and_web_link_in_the_house_hyperlink_style(tiny):
    from clausegen.loading import DEFAULT_TEMPLATES

    with zipfile.ZipFile(DEFAULT_TEMPLATES / "base.docx") as z:
        members = {name: z.read(name) for name in z.namelist()}
    members["word/styles.xml"] = members["word/styles.xml"].replace(b"</w:styles>", HYPERLINK_STYLE.encode() + b"</w:styles>")
    (tiny / "house").mkdir()
    with zipfile.ZipFile(tiny / "house/nda.docx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    refer(tiny, 'Confidentiality follows {{ ref("nda#duty") }}, see **<https://example.org>**.')
    project = load_project(Inputs(tiny / "clauses", tiny / "catalogues", tiny / "frameworks"))
    options = BuildOptions(formats=("docx",), documents=("nda",), templates=tiny / "house")
    files = render(tiny / "profiles/case.yaml", project, options)[1]
    with zipfile.ZipFile(io.BytesIO(files["nda.docx"])) as z:
        xml = z.read("word/document.xml").decode()
    web = re.search(r'<w:hyperlink r:id="[^"]+" w:history="1">(.*?)</w:hyperlink>', xml).group(1)
    # One w:rPr per run, the style first, the run's own bold kept.
    assert web.startswith('<w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:b/>') and web.count("<w:rPr>") == 1
    assert "Hyperlink" not in re.search(r'<w:hyperlink w:anchor=.*?</w:hyperlink>', xml).group(0)
