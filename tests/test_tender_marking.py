"""The tender specification is sent to every interested tenderer: it carries the catalogue's lowest
marking, not the level of the information the service handles (review #55, docs/format.md)."""

import openpyxl
from conftest import ROOT


def test_a_secret_level_tender_specification_is_marked_public_and_the_contract_secret(cli, tmp_path):
    result = cli("build", str(ROOT / "profiles/dk-agency-emergency-alerting.yaml"), "--documents",
                 "tender-requirements,security-appendix", "--format", "md,xlsx", "--out", str(tmp_path))
    assert result.code == 0, result.err
    folder = tmp_path / "dk-agency-emergency-alerting"
    tender = (folder / "tender-requirements.md").read_text(encoding="utf-8")
    assert "**Classification:** PUBLIC" in tender and "SECRET" not in tender
    assert "classified at the level **Secret**" in tender  # the information it protects, as before
    assert "**Classification:** SECRET" in (folder / "security-appendix.md").read_text(encoding="utf-8")
    book = openpyxl.load_workbook(folder / "tender-requirements.xlsx")
    assert book.properties.keywords == "PUBLIC"
    sheet = book["Requirements"]
    assert sheet.oddHeader.right.text == sheet.oddFooter.right.text == "PUBLIC"
    assert openpyxl.load_workbook(folder / "security-appendix.xlsx").properties.keywords == "SECRET"
