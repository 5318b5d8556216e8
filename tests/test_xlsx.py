"""The xlsx format: a compliance matrix a tenderer can fill in, with the guarantees of every output."""

import hashlib
import io
import json
import time
import zipfile

import openpyxl
import pytest
from conftest import edit

from clausegen.matrices import ANSWERS, row_hash

NAME = 'Smith & Jones <Hosting> "A/S" Ærø'


def workbook(path):
    return openpyxl.load_workbook(path)


@pytest.fixture
def built(tiny, cli):
    result = cli("build", "profiles/case.yaml", "--format", "md,xlsx")
    assert result.code == 0, result.err
    return tiny / "output/tiny-case"


def test_xlsx_for_the_documents_that_are_tables_and_listed_in_the_manifest(built):
    names = sorted(p.name for p in built.glob("*.xlsx"))
    assert names == ["dpa-checklist.xlsx", "security-appendix.xlsx", "tender-requirements.xlsx"]
    manifest = json.loads((built / "manifest.json").read_text())
    for name in names:
        entry = manifest["documents"][name.removesuffix(".xlsx")]["files"]["xlsx"]
        assert entry == {"path": name, "sha256": hashlib.sha256((built / name).read_bytes()).hexdigest()}
    assert "xlsx" not in manifest["documents"]["nda"]["files"]


def test_tender_matrix_rows_answer_columns_and_drop_down(built):
    wb = workbook(built / "tender-requirements.xlsx")
    assert wb.sheetnames == ["Instructions", "Requirements", "clausegen"]
    ws = wb["Requirements"]
    header = [c.value for c in ws[1]]
    assert header == ["ID", "Area", "Requirement", "Verification", "Type", "Complies", "Description",
                      "Evidence or reference"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == ["SR-INC-01", "SR-ACC-01"]
    assert rows[0][2] == "The supplier must notify the client of a security incident within 24 hours."
    assert rows[0][4] == "Minimum requirement" and rows[1][4] == "Award criterion"
    assert all(r[5:] == [None, None, None] for r in rows)
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list" and validation.formula1 == '"' + ",".join(ANSWERS) + '"'
    assert str(validation.sqref) == "F2:F3" and validation.showErrorMessage


def test_requirement_columns_locked_without_password_and_answers_unlocked(built):
    ws = workbook(built / "tender-requirements.xlsx")["Requirements"]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.deleteRows and ws.protection.insertRows  # rows cannot be deleted or added
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            answer = cell.column >= 6 and cell.row >= 2
            assert cell.protection.locked is not answer, cell.coordinate
    instructions = workbook(built / "tender-requirements.xlsx")["Instructions"]
    assert instructions["A3"].value == "Tenderer" and instructions["B3"].protection.locked is False


def test_frozen_header_wrapped_text_and_landscape_print_setup(built):
    ws = workbook(built / "tender-requirements.xlsx")["Requirements"]
    assert ws.freeze_panes == "B2"
    assert ws["C2"].alignment.wrap_text and ws["G2"].alignment.wrap_text
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    # The tender specification goes to every tenderer: the lowest marking (docs/format.md, Markings).
    assert ws.oddHeader.right.text == "PUBLIC" and ws.oddFooter.right.text == "PUBLIC"
    appendix = workbook(built / "security-appendix.xlsx")["Requirements"]
    assert appendix.oddHeader.right.text == "CONFIDENTIAL" and appendix.oddFooter.right.text == "CONFIDENTIAL"
    assert ws.row_dimensions[2].height >= 30  # room to write in


def test_hidden_sheet_and_properties_match_the_build(built):
    wb = workbook(built / "tender-requirements.xlsx")
    meta = wb["clausegen"]
    assert meta.sheet_state == "hidden" and meta.protection.sheet
    values = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, 6)}
    assert values == {"format": "clausegen-matrix 1", "document": "tender-requirements", "profile": "tiny-case",
                      "library": "tiny 0.1.0", "catalogue": "tiny-catalogue 0.1.0 confidential"}
    ws = wb["Requirements"]
    for r in (2, 3):
        fixed = tuple(ws.cell(r, c).value for c in range(1, 6))
        assert meta.cell(r + 6, 1).value == fixed[0]
        assert meta.cell(r + 6, 2).value == row_hash(fixed)
    custom = {p.name: p.value for p in wb.custom_doc_props.props}
    assert custom["clausegen.profile"] == "tiny-case" and custom["clausegen.library"] == "tiny 0.1.0"


def test_values_verbatim_and_never_a_formula(tiny, cli):
    title = '=HYPERLINK("http://example.invalid","click") & <b>'
    edit(tiny / "profiles/case.yaml", "title: Hosting of the test system", f"title: '{title}'")
    edit(tiny / "profiles/case.yaml", "Off-site backup", "+cmd|' /C calc'!A0")
    assert cli("build", "profiles/case.yaml", "--format", "xlsx").code == 0
    folder = tiny / "output/tiny-case"
    instructions = workbook(folder / "tender-requirements.xlsx")["Instructions"]
    subtitle = instructions["A2"]
    assert subtitle.value == f"{title}: tender by {NAME}"  # the tender never names the supplier
    assert subtitle.data_type == "s" and subtitle.quotePrefix
    with zipfile.ZipFile(folder / "tender-requirements.xlsx") as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)


def test_dpa_checklist_has_a_status_drop_down(built):
    ws = workbook(built / "dpa-checklist.xlsx")["Checklist"]
    assert [c.value for c in ws[1]] == ["Item", "Article", "Check", "Addressed in", "Status", "Notes"]
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"met,not met,not applicable"'
    assert ws["E2"].protection.locked is False and ws["C2"].protection.locked is True


def test_appendix_requirement_list_is_read_only(built):
    ws = workbook(built / "security-appendix.xlsx")["Requirements"]
    assert [c.value for c in ws[1]] == ["ID", "Area", "Requirement", "Verification", "Binds"]
    assert all(cell.protection.locked for row in ws.iter_rows() for cell in row)


def test_byte_identical_across_runs_time_zones_and_clocks(tiny, cli, monkeypatch):
    assert cli("build", "profiles/case.yaml", "--format", "xlsx").code == 0
    first = {p.name: p.read_bytes() for p in (tiny / "output/tiny-case").glob("*.xlsx")}
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--force").code == 0
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    second = {p.name: p.read_bytes() for p in (tiny / "output/tiny-case").glob("*.xlsx")}
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first["tender-requirements.xlsx"])) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "<dcterms:created" in core and "1980-01-01T00:00:00Z" in core and core.count("1980-01-01") == 2


def test_source_date_epoch_dates_the_workbook(tiny, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli("build", "profiles/case.yaml", "--format", "xlsx").code == 0
    with zipfile.ZipFile(tiny / "output/tiny-case/tender-requirements.xlsx") as archive:
        assert "2023-11-14T22:13:20Z" in archive.read("docProps/core.xml").decode()
