"""`clausegen coverage`: the register against the library, and against one profile's documents."""

import json
import zipfile

import docx
import pytest
from conftest import ROOT, edit

from clausegen.commands import coverage
from clausegen.pipeline import Inputs, load_project

SPARE = '  - {id: "DEMO:4/spare", section: "4", summary: "Nothing implements this."}\n'


def test_every_register_item_is_covered_by_the_shipped_library():
    """The coverage test of issue 3: each source item in frameworks/ is cited by a clause (the version
    a profile gets by default) or a requirement."""
    project = load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))
    result = coverage.library_coverage(project)
    assert sum(len(fw.items) for fw in result.frameworks) == len(project.source_items)
    assert [(item.item_id, item.reasons) for item in result.uncovered] == []


def test_library_matrix(tiny, cli):
    (tiny / "frameworks/demo.yaml").write_text((tiny / "frameworks/demo.yaml").read_text() + SPARE)
    result = cli("coverage")
    assert result.code == 0
    assert result.out == (
        "Source coverage of the clause library\n"
        "Every source item in the register against the clauses of tiny 0.1.0 (the version a profile gets by "
        "default) and the requirements of tiny-catalogue 0.1.0 (every level) that cite it.\n"
        "\n"
        "DEMO  3/4 covered  A tiny register for unit tests\n"
        "  + DEMO:1/exit       exit.assets@1.1.0; SR-ACC-02\n"
        "  + DEMO:2/nda        general.parties@1.0.0\n"
        "  + DEMO:3/incidents  general.audit@1.0.0; SR-INC-01\n"
        "  - DEMO:4/spare      NOT COVERED: nothing in the library or the catalogue cites it\n"
        "\n"
        "GDPR  2/2 covered  GDPR processor duties\n"
        "  + GDPR:Art28(3)(a)  SR-ACC-01\n"
        "  + GDPR:ChapterV     dpa.transfers@1.0.0\n"
        "\n"
        "5 of 6 source items covered; 1 not covered:\n"
        "  - DEMO:4/spare: Nothing implements this.\n"
        "      nothing in the library or the catalogue cites it\n")


def test_an_item_cited_only_by_a_version_profiles_do_not_get(tiny, cli):
    edit(tiny / "clauses/core/exit.assets@2.0.0.md", 'sources: ["DEMO:1/exit"]', 'sources: ["DEMO:1/exit", "GDPR:ChapterV"]')
    edit(tiny / "clauses/core/dpa.transfers@1.0.0.md", 'sources: ["GDPR:ChapterV"]', 'sources: ["DEMO:1/exit"]')
    assert "  - GDPR:ChapterV     NOT COVERED: cited only by exit.assets@2.0.0, which profiles do not get by " \
           "default\n" in cli("coverage").out


def test_profile_coverage_says_why_each_item_is_not_covered(tiny, cli):
    profile = tiny / "profiles/case.yaml"
    edit(profile, "locations: [DK, US]", "locations: [DK]")
    profile.write_text(profile.read_text() + "tailoring: {exclude: [{id: SR-ACC-01, reason: \"Done in-house.\"}]}\n")
    result = cli("coverage", "profiles/case.yaml")
    assert result.code == 0
    assert result.out.splitlines()[-5:] == [
        "3 of 5 source items covered; 2 not covered:",
        "  - GDPR:Art28(3)(a): Processing only on documented instructions.",
        "      SR-ACC-01: excluded by tailoring: Done in-house.",
        "  - GDPR:ChapterV: Transfers outside the EU/EEA have a legal basis.",
        "      dpa.transfers@1.0.0: condition false: transfers_outside_eea = true (is false)"]


def test_profile_coverage_names_the_level_and_the_document_not_built(tiny, cli):
    profile = tiny / "profiles/case.yaml"
    edit(profile, "classification: confidential", "classification: public")
    edit(profile, "personal_data: true", "personal_data: false")
    (tiny / "frameworks/demo.yaml").write_text((tiny / "frameworks/demo.yaml").read_text() + SPARE)
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "documents: {security-appendix: general, nda: duty}",
         "documents: {dpa-checklist: checklist}")
    lines = cli("coverage", "profiles/case.yaml").out.splitlines()
    assert lines[lines.index("  - GDPR:Art28(3)(a): Processing only on documented instructions.") + 1] == \
        "      SR-ACC-01: belongs to level confidential, above the profile's level public (tailoring.add can take it in)"
    assert lines[lines.index("  - DEMO:2/nda: Confidentiality that survives the contract.") + 1] == \
        "      general.parties: document dpa-checklist not built, condition false: data.personal_data = true (is false)"
    assert lines[lines.index("  - DEMO:4/spare: Nothing implements this.") + 1] == \
        "      nothing in the library or the catalogue cites it"


def test_pinned_version_that_does_not_cite_the_item(tiny, cli):
    edit(tiny / "clauses/core/exit.assets@1.1.0.md", 'sources: ["DEMO:1/exit"]', 'sources: ["DEMO:1/exit", "GDPR:Art28(3)(a)"]')
    edit(tiny / "profiles/case.yaml", "deletion_days: 20}", "deletion_days: 20}\ntailoring: {exclude: [SR-ACC-01]}")
    lines = cli("coverage", "profiles/case.yaml").out.splitlines()
    assert lines[-2:] == ["      exit.assets: the profile pinned to 1.0.0, which does not cite it (cited by 1.1.0)",
                          "      SR-ACC-01: excluded by tailoring"]


def test_json_output(tiny, cli):
    data = json.loads(cli("coverage", "--format", "json").out)
    assert data["summary"] == {"items": 5, "covered": 5, "not_covered": []}
    assert data["frameworks"][0]["items"][0] == {
        "item_id": "DEMO:1/exit", "section": "1", "summary": "Exit with data returned.",
        "clauses": ["exit.assets@1.1.0"], "requirements": ["SR-ACC-02"], "reasons": [], "covered": True}


def test_markdown_report(tiny, cli):
    out = cli("coverage", "profiles/case.yaml", "--format", "md").out
    assert out.startswith("# Source coverage of Hosting of the test system\n")
    assert "| DEMO | A tiny register for unit tests | 3 | 3 | 0 |" in out
    assert "### 1.2 Items not covered\n\nNone: every source item is covered.\n" in out


def test_docx_report_for_an_approval(tiny, cli):
    result = cli("coverage", "profiles/case.yaml", "--format", "docx", "--out", "coverage.docx")
    assert (result.code, result.out) == (0, "wrote coverage.docx\n")
    document = docx.Document(str(tiny / "coverage.docx"))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Summary"), ("Heading 2", "Coverage by framework"),
                        ("Heading 2", "Items not covered"), ("Heading 1", "A tiny register for unit tests"),
                        ("Heading 2", "DEMO: 3 of 3 items covered"), ("Heading 1", "GDPR processor duties"),
                        ("Heading 2", "GDPR: 2 of 2 items covered")]
    table = document.tables[1]
    assert [c.text for c in table.rows[1].cells] == ["DEMO:1/exit", "Exit with data returned.", "exit.assets@1.0.0"]
    assert document.core_properties.keywords == "CONFIDENTIAL"


def test_html_report(tiny, cli):
    assert cli("coverage", "--format", "html", "--out", "coverage.html").code == 0
    html = (tiny / "coverage.html").read_text()
    assert "<table" in html and "DEMO:3/incidents" in html


def test_docx_needs_an_output_file(tiny, cli):
    result = cli("coverage", "--format", "docx")
    assert (result.code, result.err) == (2, "--out: a DOCX report needs a file to go to\n"
                                            "    hint: add --out report.docx (clausegen coverage ... --format docx "
                                            "--out FILE)\n")


def test_a_broken_profile_is_reported_with_its_line(tiny, cli):
    edit(tiny / "profiles/case.yaml", "cloud: false", "cloud: maybe")
    result = cli("coverage", "profiles/case.yaml")
    assert (result.code, result.err) == (1, "profiles/case.yaml:10: service.cloud: should be a valid boolean; "
                                            "found text 'maybe'\n")


def test_help_teaches(cli, capsys):
    with pytest.raises(SystemExit):
        cli("coverage", "--help")
    text = capsys.readouterr().out
    for fragment in ("examples:", "--format", "docx", "tailoring", "condition"):
        assert fragment in text


def test_docx_report_is_dated_by_the_library_release(tiny, cli, monkeypatch):
    edit(tiny / "clauses/library.yaml", '{version: "0.1.0", changes', '{version: "0.1.0", date: "2026-11-30", changes')
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert cli("coverage", "--format", "docx", "--out", "coverage.docx").code == 0
    with zipfile.ZipFile(tiny / "coverage.docx") as z:
        core = z.read("docProps/core.xml").decode()
    assert "2026-11-30T00:00:00Z" in core and "1980" not in core
