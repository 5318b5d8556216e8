"""The published tender specification says how each requirement is verified, as the matrix does
(review T3): some verifications ask for a document with the tender."""

import openpyxl
from conftest import ROOT

from clausegen.rendering.markdown import cell


def test_the_spec_table_shows_each_requirements_verification_as_the_matrix_does(cli, tmp_path):
    result = cli("build", str(ROOT / "profiles/dk-agency-emergency-alerting.yaml"), "--documents",
                 "tender-requirements", "--format", "md,xlsx", "--out", str(tmp_path))
    assert result.code == 0, result.err
    folder = tmp_path / "dk-agency-emergency-alerting"
    spec = (folder / "tender-requirements.md").read_text(encoding="utf-8")
    sheet = openpyxl.load_workbook(folder / "tender-requirements.xlsx")["Requirements"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["ID", "Area", "Requirement", "Verification", "Type"]
    rows = [[c.value for c in row[:5]] for row in sheet.iter_rows(min_row=2) if row[0].value]
    assert len(rows) > 50
    assert "| ID | Requirement | Verification | Type | Complies (yes, partly or no) |" in spec
    for req_id, _area, text, verification, kind in rows:
        assert f"| {req_id} | {cell(text)} | {cell(verification)} | {kind} |" in spec, req_id
    assert "submits the ISMS scope statement and Statement of Applicability with its tender" in spec
