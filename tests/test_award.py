"""`build --answers WINNER.xlsx`: the winner's committed answers become part of the contract."""

import hashlib
import json
import shutil

import docx
import openpyxl
import pypdf
import pytest
from conftest import DATA, edit
from test_evaluate import answer

WINNER = DATA / "answers/acme-libreoffice.xlsx"


def issued(tiny):
    return tiny / "issued/tiny-case/tender-requirements.xlsx"


@pytest.fixture
def winner(tiny):
    """Acme's answers, with Acme entered as the supplier the contract is made with."""
    edit(tiny / "profiles/case.yaml", 'name: "Supplier Ltd"', 'name: "Acme & Søn <Drift> A/S"')
    return shutil.copy(WINNER, tiny / "winner.xlsx")


def test_the_appendix_carries_the_committed_answers(tiny, cli, winner):
    result = cli("build", "profiles/case.yaml", "--format", "md,docx,pdf,xlsx", "--answers", "winner.xlsx")
    assert result.code == 0, result.err
    folder = tiny / "output/tiny-case"
    text = (folder / "security-appendix.md").read_text()
    assert "## 4 Schedule: the Supplier's committed solution (Acme & Søn \\<Drift\\> A/S)" in text
    assert "| SR-INC-01 | Yes, in full | Our 24/7 SOC notifies within 4 hours; see \"Incident procedure\" & " \
           "\\<annex 3\\>, æøå. | \\=Annex 3, section 2 |" in text
    assert "| SR-ACC-01 | Partly: to the extent described | \\-Quarterly reviews of privileged accounts" in text
    assert "binds the Supplier to the extent described" in text
    cells = {c.text for t in docx.Document(str(folder / "security-appendix.docx")).tables for r in t.rows
             for c in r.cells}
    assert {"Partly: to the extent described", "=Annex 3, section 2", "27001"} <= cells
    pdf = "".join(page.extract_text() for page in pypdf.PdfReader(str(folder / "security-appendix.pdf")).pages)
    assert "Quarterly reviews of privileged accounts" in pdf
    ws = openpyxl.load_workbook(folder / "security-appendix.xlsx")["Requirements"]
    assert [c.value for c in ws[1]][5:] == ["Offered", "Supplier's description", "Evidence or reference"]
    assert ws["H2"].value == "=Annex 3, section 2" and ws["H2"].data_type == "s"
    assert "Schedule" not in (folder / "tender-requirements.md").read_text()


def test_the_manifest_records_the_answers_file(tiny, cli, winner):
    assert cli("build", "profiles/case.yaml", "--format", "md", "--answers", "winner.xlsx").code == 0
    manifest = json.loads((tiny / "output/tiny-case/manifest.json").read_text())
    assert manifest["answers"] == {"file": "winner.xlsx", "tenderer": "Acme & Søn <Drift> A/S",
                                   "sha256": hashlib.sha256(WINNER.read_bytes()).hexdigest()}
    assert cli("build", "profiles/case.yaml", "--format", "md").out.startswith("built")  # other inputs: rebuilt
    assert "answers" not in json.loads((tiny / "output/tiny-case/manifest.json").read_text())


def test_a_minimum_requirement_not_answered_yes_is_an_error(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(issued(tiny), tiny / "loser.xlsx", {"F2": "partly", "F3": "yes"}, "Supplier Ltd")
    result = cli("build", "profiles/case.yaml", "--format", "md", "--answers", "loser.xlsx")
    assert result.code == 1
    assert ("loser.xlsx: Requirements!F2: SR-INC-01 is a minimum requirement answered partly; a tender that does "
            "not meet every minimum requirement cannot be awarded") in result.err
    assert not (tiny / "output").exists()


def test_the_winner_matrix_is_checked_like_any_other(tiny, cli, winner):
    wb = openpyxl.load_workbook(winner)
    wb["Requirements"]["C3"].value = "The supplier must review privileged accounts once a year."
    wb.save(tiny / "edited.xlsx")
    result = cli("build", "profiles/case.yaml", "--format", "md", "--answers", "edited.xlsx")
    assert result.code == 1
    assert "edited.xlsx: Requirements!C3: the requirement text of SR-ACC-01 was edited" in result.err


def test_text_the_pdf_cannot_show_is_named(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(issued(tiny), tiny / "w.xlsx", {"F2": "yes", "G2": "Fast 🚀"}, "Supplier Ltd")
    result = cli("build", "profiles/case.yaml", "--format", "md,pdf", "--answers", "w.xlsx")
    assert result.code == 1
    assert "w.xlsx: Requirements!G2: the character '🚀' (U+1F680 ROCKET) cannot be shown" in result.err
    assert cli("build", "profiles/case.yaml", "--format", "md,docx", "--answers", "w.xlsx").code == 0


def test_answers_with_several_profiles_is_a_usage_error(tiny, cli, winner):
    shutil.copy(tiny / "profiles/case.yaml", tiny / "profiles/other.yaml")
    result = cli("build", "profiles/case.yaml", "profiles/other.yaml", "--answers", "winner.xlsx")
    assert result.code == 2 and "--answers: the winner's answers belong to one tender" in result.err


def test_only_requirements_of_both_tender_and_contract_go_in_the_schedule(tiny, cli):
    edit(tiny / "catalogues/confidential.yaml", "    default_as: award\n", "    default_as: award\n    scope: tender\n")
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(issued(tiny), tiny / "w.xlsx", {"F2": "yes", "F3": "yes"}, "Supplier Ltd")
    assert cli("build", "profiles/case.yaml", "--format", "md,xlsx", "--answers", "w.xlsx").code == 0
    schedule = (tiny / "output/tiny-case/security-appendix.md").read_text().split("Schedule:")[1]
    assert "SR-INC-01" in schedule and "SR-ACC-01" not in schedule  # a tender-only requirement binds nothing


def test_a_contract_only_requirement_is_not_in_the_tender(tiny, cli):
    edit(tiny / "catalogues/confidential.yaml", "    default_as: award\n", "    default_as: award\n    scope: contract\n")
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(issued(tiny), tiny / "w.xlsx", {"F2": "yes"}, "Supplier Ltd")
    assert cli("build", "profiles/case.yaml", "--format", "md,xlsx", "--answers", "w.xlsx").code == 0
    ws = openpyxl.load_workbook(tiny / "output/tiny-case/security-appendix.xlsx")["Requirements"]
    rows = {row[0].value: [c.value for c in row[5:]] for row in ws.iter_rows(min_row=2)}
    assert rows["SR-ACC-01"] == ["Not in the tender", "(none)", "(none)"]
    assert rows["SR-INC-01"][0] == "Yes, in full"


def test_another_tenderers_answers_are_refused(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(issued(tiny), tiny / "w.xlsx", {"F2": "yes"}, "Other  Bidder A/S")
    result = cli("build", "profiles/case.yaml", "--format", "md", "--answers", "w.xlsx")
    assert result.code == 1
    assert ("w.xlsx: Instructions!B3: these are the answers of 'Other  Bidder A/S', but the contract is made with "
            "'Supplier Ltd' (profiles/case.yaml:6: supplier.name)") in result.err
    assert not (tiny / "output").exists()
    answer(issued(tiny), tiny / "w.xlsx", {"F2": "yes"}, " supplier   LTD")
    assert cli("build", "profiles/case.yaml", "--format", "md", "--answers", "w.xlsx").code == 0  # case and spaces


def test_answers_without_a_tenderer_name_are_refused(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(issued(tiny), tiny / "w.xlsx", {"F2": "yes"}, "")
    result = cli("build", "profiles/case.yaml", "--format", "md", "--answers", "w.xlsx")
    assert result.code == 1
    assert "w.xlsx: Instructions!B3: the tenderer's name is empty" in result.err


def test_answers_need_the_winner_as_supplier(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(issued(tiny), tiny / "w.xlsx", {"F2": "yes"}, "Supplier Ltd")
    edit(tiny / "profiles/case.yaml", 'supplier: {name: "Supplier Ltd", country: DK, relative_size: larger}\n', "")
    result = cli("build", "profiles/case.yaml", "--format", "md", "--answers", "w.xlsx")
    assert result.code == 1
    assert ("profiles/case.yaml:1: supplier: the contract with the winner needs the winner's name; w.xlsx is the "
            "answers of Supplier Ltd") in result.err


def test_text_outside_the_answer_cells_stops_the_contract(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(issued(tiny), tiny / "w.xlsx", {"F2": "yes", "J7": "Only if the Client pays travel."}, "Supplier Ltd")
    result = cli("build", "profiles/case.yaml", "--format", "md", "--answers", "w.xlsx")
    assert result.code == 1
    assert ("w.xlsx: Requirements!J7: text outside the answer cells ('Only if the Client pays travel.') would not "
            "reach the contract") in result.err


def test_a_partial_offer_is_not_overridden_by_the_stricter_clause(tiny, cli, winner):
    assert cli("build", "profiles/case.yaml", "--format", "md", "--answers", "winner.xlsx").code == 0
    text = (tiny / "output/tiny-case/security-appendix.md").read_text()
    assert "binds the Supplier to the extent described here" in text
    assert "For every other requirement, where this schedule and clause" in text
