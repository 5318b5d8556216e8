"""A document's .xlsx carries the same core and custom properties as its .docx (review T9): the
client as author, the subject, language, status and version, not "clausegen"."""

import zipfile

from conftest import ROOT
from lxml import etree


def properties(path, part):
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(part))
    return {etree.QName(child).localname: (child.get("name"), child.text or child[0].text) for child in root}


def test_xlsx_and_docx_of_a_document_have_the_same_core_and_custom_properties(cli, tmp_path):
    result = cli("build", str(ROOT / "profiles/aero-municipality-managed-service.yaml"), "--format", "docx,xlsx",
                 "--documents", "tender-requirements,security-appendix,dpa-checklist", "--out", str(tmp_path))
    assert result.code == 0, result.err
    folder = tmp_path / "aero-municipality-managed-service"
    for name in ("tender-requirements", "security-appendix", "dpa-checklist"):
        core = properties(folder / f"{name}.xlsx", "docProps/core.xml")
        assert core == properties(folder / f"{name}.docx", "docProps/core.xml"), name
        assert core["creator"] == (None, "Ærø Kommune") and core["contentStatus"] == (None, "Draft")
        assert {"language", "subject", "version", "revision", "keywords", "title", "description"} <= set(core)
        with zipfile.ZipFile(folder / f"{name}.xlsx") as x, zipfile.ZipFile(folder / f"{name}.docx") as d:
            assert x.read("docProps/custom.xml") == d.read("docProps/custom.xml")
