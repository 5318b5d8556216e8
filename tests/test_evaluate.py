"""`clausegen evaluate`: answered matrices checked against the tender, the report, and every bad input."""

import datetime
import json
import re
import shutil
import zipfile

import docx
import openpyxl
import pytest
from conftest import DATA, edit

from clausegen.export.xlsx import save
from clausegen.loading import answers as answers_module
from clausegen.models.document import Document

LIBREOFFICE = DATA / "answers/acme-libreoffice.xlsx"  # answered, then saved by LibreOffice 7.4 (see its README)


@pytest.fixture
def matrix(tiny, cli):
    """The tender matrix as issued, in a folder of its own."""
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    return tiny / "issued/tiny-case/tender-requirements.xlsx"


class Formula(str):
    """A value typed as a formula; every other text is typed as text."""


def answer(source, target, cells: dict[str, object], tenderer: str | None = None):
    """A tenderer's copy: `cells` maps Requirements!<cell> to a value (None empties it)."""
    wb = openpyxl.load_workbook(source)
    for ref, value in cells.items():
        sheet, cell = ref.split("!") if "!" in ref else ("Requirements", ref)
        wb[sheet][cell].value = value
        if isinstance(value, str) and not isinstance(value, Formula):
            wb[sheet][cell].data_type = "s"
    if tenderer is not None:
        wb["Instructions"]["B3"].value = tenderer
    about = Document("answers", "answers", "", "CONFIDENTIAL", "Client", None, "", "lib", "1.0.0", ())
    target.write_bytes(save(wb, about, datetime.datetime(2027, 2, 1), {}))  # fixed bytes
    return target


def test_a_matrix_saved_by_libreoffice_is_evaluated(tiny, cli, md_snapshot):
    shutil.copy(LIBREOFFICE, tiny / "acme.xlsx")
    result = cli("evaluate", "profiles/case.yaml", "acme.xlsx")
    assert result.code == 0, result.err
    folder = tiny / "output/tiny-case"
    text = (folder / "evaluation.md").read_text()
    assert "Acme & Søn \\<Drift\\> A/S" in text and "| SR-INC-01 | Minimum requirement | yes |" in text
    assert "\\-Quarterly reviews of privileged accounts" in text and "| 27001 |" in text
    assert text == md_snapshot


def test_report_with_weights_rejections_and_missing_answers(tiny, cli, matrix, md_snapshot):
    edit(tiny / "profiles/case.yaml", "requirements_as: mixed}",
         "requirements_as: mixed, award_weights: {SR-ACC-01: 15}}")
    assert cli("build", "profiles/case.yaml", "--format", "xlsx", "--out", "issued").code == 0
    answer(matrix, tiny / "north.xlsx", {"F2": "yes", "F3": "Partly", "G3": "=Monthly reviews of admin accounts.",
                                         "H3": "Annex 4"}, "Nordic Hosting")
    answer(matrix, tiny / "south.xlsx", {"F2": "no", "G2": "We notify within 48 hours."}, "South & Co <IT>")
    answer(matrix, tiny / "west.xlsx", {"F2": "yes", "F3": "yes"}, "")
    result = cli("evaluate", "profiles/case.yaml", "north.xlsx", "south.xlsx", "west.xlsx")
    assert result.code == 0, result.err
    folder = tiny / "output/tiny-case"
    text = (folder / "evaluation.md").read_text()
    assert "| Nordic Hosting | 1 of 1 | Compliant: every minimum requirement answered yes | 7\\.5 of 15 |" in text
    assert ("| South & Co \\<IT\\> | 0 of 1 | Reject: 1 minimum requirement not answered yes | Not scored: rejected |"
            in text)  # a rejected tender is not evaluated, as the tender documents say
    assert "| west | 1 of 1 |" in text  # no name given: the file's name, with a warning naming the cell
    assert ("warning: west.xlsx: Instructions!B3: no tenderer name; the report calls this tender 'west' after the "
            "file\n    hint: ask the tenderer to write its name in cell B3") in result.err
    assert "north.xlsx" not in result.err
    assert "No answer in Complies: SR-ACC-01 (Requirements!F3)." in text
    assert re.sub(r"\b[0-9a-f]{64}\b", "<sha256 of the file>", text) == md_snapshot  # files made in the test
    record = json.loads((folder / "evaluation.json").read_text())
    assert [a["file"] for a in record["answers"]] == ["north.xlsx", "south.xlsx", "west.xlsx"]
    assert set(record["files"]) == {"evaluation.md", "evaluation.docx", "evaluation.xlsx"}
    document = docx.Document(str(folder / "evaluation.docx"))
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert {"South & Co <IT>", "=Monthly reviews of admin accounts.", "7.5 of 15"} <= cells
    wb = openpyxl.load_workbook(folder / "evaluation.xlsx")
    assert wb.sheetnames == ["Summary", "Side by side", "Answers"]
    description = next(c for row in wb["Answers"].iter_rows() for c in row
                       if c.value == "=Monthly reviews of admin accounts.")
    assert description.data_type == "s"


def test_the_report_is_byte_identical_across_runs(tiny, cli):
    shutil.copy(LIBREOFFICE, tiny / "acme.xlsx")
    assert cli("evaluate", "profiles/case.yaml", "acme.xlsx").code == 0
    folder = tiny / "output/tiny-case"
    first = {p.name: p.read_bytes() for p in folder.glob("evaluation*")}
    assert cli("evaluate", "profiles/case.yaml", "acme.xlsx").code == 0
    assert first == {p.name: p.read_bytes() for p in folder.glob("evaluation*")}
    assert len(first) == 4


def bad(cli, tiny, *files):
    result = cli("evaluate", "profiles/case.yaml", *files)
    assert result.code == 1
    assert not list((tiny / "output").glob("*/evaluation*"))  # nothing written
    return result.err


@pytest.mark.parametrize("cells, message", [
    ({"C2": "The supplier must notify the client of a security incident within 72 hours."},
     "t.xlsx: Requirements!C2: the requirement text of SR-INC-01 was edited: its hash no longer matches the "
     "tender\n    hint: restore the requirement columns; write comments in Description\n"),
    ({"A3": "SR-XYZ-99"}, "t.xlsx: Requirements!A3: 'SR-XYZ-99' is not a requirement of this tender\n"),
    ({"A4": "SR-INC-01", "F4": "yes"}, "t.xlsx: Requirements!A4: SR-INC-01 appears twice (also in row 2)\n"),
    ({"F2": "maybe"}, "t.xlsx: Requirements!F2: 'maybe' is not an answer\n    hint: write yes, partly or no\n"),
    ({"G2": Formula("=1+1")}, "t.xlsx: Requirements!G2: a formula (=1+1) where an answer belongs\n"),
    ({"F1": "Compliance"}, "t.xlsx: Requirements!F1: header 'Compliance' where 'Complies' belongs\n"),
    ({"clausegen!B3": "another-case"}, "t.xlsx: clausegen!B3: the matrix was written for profile 'another-case'; "
                                       "this evaluation uses profile 'tiny-case'\n"),
    ({"clausegen!B8": "0" * 64}, "t.xlsx: clausegen!B8: SR-INC-01 has changed since the matrix was issued"),
    ({"G2": "we use {{ tooling }}"}, "t.xlsx: Requirements!G2: contains '{{', which clausegen refuses in documents"),
    ({"Instructions!B3": "Two\nlines"}, "t.xlsx: Instructions!B3: the tenderer's name must be one line"),
])
def test_bad_answers_name_file_sheet_and_cell(tiny, cli, matrix, cells, message):
    answer(matrix, tiny / "t.xlsx", {"F2": "yes", **cells})
    assert message in bad(cli, tiny, "t.xlsx")


def test_a_deleted_row_is_named(tiny, cli, matrix):
    wb = openpyxl.load_workbook(matrix)
    wb["Requirements"].delete_rows(2)
    wb.save(tiny / "t.xlsx")
    err = bad(cli, tiny, "t.xlsx")
    assert "t.xlsx: Requirements!A2: no row for SR-INC-01: the row was deleted\n" in err


def test_a_matrix_from_another_library_version(tiny, cli, matrix):
    shutil.copy(matrix, tiny / "t.xlsx")
    edit(tiny / "clauses/library.yaml", 'version: "0.1.0"', 'version: "0.2.0"')
    err = bad(cli, tiny, "t.xlsx")
    assert ("t.xlsx: clausegen!B4: the matrix was written for library 'tiny 0.1.0'; this evaluation uses library "
            "'tiny 0.2.0'\n    hint: evaluate with the clause library version the tender was issued with\n") in err


def test_a_matrix_issued_before_the_profile_changed(tiny, cli, matrix):
    shutil.copy(matrix, tiny / "t.xlsx")
    edit(tiny / "profiles/case.yaml", "parameters: {deletion_days: 20}",
         "parameters: {deletion_days: 20, incident_notice_hours: 12}")
    err = bad(cli, tiny, "t.xlsx")
    assert "t.xlsx: clausegen!B8: SR-INC-01 has changed since the matrix was issued (the profile, a parameter or " \
           "the requirement text is not the same)" in err


def test_the_hidden_sheet_deleted(tiny, cli, matrix):
    wb = openpyxl.load_workbook(matrix)
    del wb["clausegen"]
    wb.save(tiny / "t.xlsx")
    assert "t.xlsx: sheet clausegen: missing: this is not a compliance matrix written by clausegen" in \
        bad(cli, tiny, "t.xlsx")


def test_files_that_are_not_workbooks(tiny, cli, monkeypatch):
    (tiny / "notes.xlsx").write_text("Our answers: yes to everything.\n")
    (tiny / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500
                                       + "EncryptionInfo".encode("utf-16-le") + b"\0" * 500)
    (tiny / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"))
    (tiny / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    err = bad(cli, tiny, "notes.xlsx", "locked.xlsx", "old.xlsx", "broken.xlsx")
    assert "notes.xlsx: not a workbook: an .xlsx file is a zip archive, and this is not one" in err
    assert "locked.xlsx: the workbook is password-protected (encrypted), so it cannot be read" in err
    assert "old.xlsx: this is an Excel 97-2003 (.xls) file, not an .xlsx workbook" in err
    assert "broken.xlsx: not a readable workbook: the zip archive is damaged" in err


def test_a_file_too_large(tiny, cli, matrix, monkeypatch):
    monkeypatch.setattr(answers_module, "MAX_FILE_BYTES", 1000)
    shutil.copy(matrix, tiny / "t.xlsx")
    assert "t.xlsx: the file is" in bad(cli, tiny, "t.xlsx") and "may be at most 1000" in bad(cli, tiny, "t.xlsx")


def test_a_zip_bomb_and_a_doctype_are_refused(tiny, cli, matrix, monkeypatch):
    monkeypatch.setattr(answers_module, "MAX_INFLATED", 10_000)
    shutil.copy(matrix, tiny / "t.xlsx")
    assert "t.xlsx: the workbook unpacks to more than 10000 bytes" in bad(cli, tiny, "t.xlsx")


def test_two_files_for_one_tenderer(tiny, cli, matrix):
    answer(matrix, tiny / "a.xlsx", {"F2": "yes"}, "Acme")
    answer(matrix, tiny / "b.xlsx", {"F2": "no"}, "Acme")
    shutil.copy(tiny / "a.xlsx", tiny / "c.xlsx")
    err = bad(cli, tiny, "a.xlsx", "b.xlsx", "c.xlsx")
    assert "b.xlsx: Instructions!B3: names the tenderer 'Acme', like a.xlsx" in err
    assert "c.xlsx: the same file as a.xlsx" in err


def test_every_file_is_checked_and_nothing_is_written(tiny, cli, matrix):
    shutil.copy(LIBREOFFICE, tiny / "acme.xlsx")
    assert cli("evaluate", "profiles/case.yaml", "acme.xlsx").code == 0
    before = {p.name: p.read_bytes() for p in (tiny / "output/tiny-case").iterdir()}
    answer(matrix, tiny / "t.xlsx", {"F2": "maybe"})
    result = cli("evaluate", "profiles/case.yaml", "acme.xlsx", "t.xlsx")
    assert result.code == 1 and "t.xlsx: Requirements!F2" in result.err
    assert before == {p.name: p.read_bytes() for p in (tiny / "output/tiny-case").iterdir()}


def test_a_profile_without_a_tender(tiny, cli):
    edit(tiny / "profiles/case.yaml", "mode: tender", "mode: direct")
    shutil.copy(LIBREOFFICE, tiny / "acme.xlsx")
    result = cli("evaluate", "profiles/case.yaml", "acme.xlsx")
    assert result.code == 1
    assert "profiles/case.yaml:19: procurement.mode: this profile has no tender" in result.err


def test_weights_only_on_award_criteria_of_the_profile(tiny, cli):
    edit(tiny / "profiles/case.yaml", "requirements_as: mixed}",
         "requirements_as: mixed, award_weights: {SR-INC-01: 5, SR-NOPE-01: 3}}")
    result = cli("build", "profiles/case.yaml", "--format", "md")
    assert result.code == 1
    assert ("profiles/case.yaml:19: procurement.award_weights.SR-INC-01: SR-INC-01 is a minimum requirement here; "
            "only award criteria are weighted") in result.err
    assert "profiles/case.yaml:19: procurement.award_weights.SR-NOPE-01: SR-NOPE-01 is not a requirement" in result.err


def test_the_report_is_dated_by_the_document_date_never_1980_by_default(tiny, cli):
    edit(tiny / "profiles/case.yaml", "pins:", 'document: {status: draft, revision: 1, date: "2027-03-01"}\npins:')
    shutil.copy(LIBREOFFICE, tiny / "acme.xlsx")
    assert cli("evaluate", "profiles/case.yaml", "acme.xlsx").code == 0
    for name in ("evaluation.docx", "evaluation.xlsx"):
        with zipfile.ZipFile(tiny / "output/tiny-case" / name) as z:
            core = z.read("docProps/core.xml").decode()
        assert "2027-03-01T00:00:00Z" in core and "1980" not in core, name


def test_text_outside_the_answer_cells_is_shown_to_the_evaluator(tiny, cli, matrix):
    """A bidder can unprotect the sheet (it has no password) and write a reservation anywhere."""
    answer(matrix, tiny / "north.xlsx", {"F2": "yes", "F3": "yes", "I2": "Subject to our standard terms.",
                                         "Instructions!B4": "Prices exclude VAT."}, "Nordic Hosting")
    result = cli("evaluate", "profiles/case.yaml", "north.xlsx")
    assert result.code == 0, result.err
    assert ("warning: north.xlsx: Requirements!I2: text outside the answer cells: 'Subject to our standard terms.'"
            in result.err)
    assert "warning: north.xlsx: Instructions!B4: text outside the answer cells: 'Prices exclude VAT.'" in result.err
    text = (tiny / "output/tiny-case/evaluation.md").read_text()
    assert "### 2.4 Text outside the answer cells" in text
    assert "| Requirements!I2 | Subject to our standard terms. |" in text
    assert "| Instructions!B4 | Prices exclude VAT. |" in text


def test_a_clean_matrix_has_no_text_outside_the_answer_cells(tiny, cli, matrix):
    answer(matrix, tiny / "north.xlsx", {"F2": "yes", "F3": "yes"}, "Nordic Hosting")
    result = cli("evaluate", "profiles/case.yaml", "north.xlsx")
    assert result.code == 0 and "outside the answer cells" not in result.err
    assert "Text outside the answer cells" not in (tiny / "output/tiny-case/evaluation.md").read_text()
