"""Document control (`document:` profile key): shown in every format, recorded in the manifest."""

import json

from conftest import edit


def build(cli, formats: str = "md") -> None:
    result = cli("build", "profiles/case.yaml", "--format", formats)
    assert result.code == 0, result.err


def test_defaults_draft_revision_1_and_no_date(tiny, cli):
    build(cli)
    text = (tiny / "output/tiny-case/nda.md").read_text(encoding="utf-8")
    assert "**Status:** DRAFT  \n**Document:** nda · 0.1.0 · revision 1\n" in text
    manifest = json.loads((tiny / "output/tiny-case/manifest.json").read_text(encoding="utf-8"))
    assert manifest["document_control"] == {"status": "draft", "revision": 1}


def test_given_values_in_markdown_and_manifest(tiny, cli):
    edit(tiny / "profiles/case.yaml", "pins:", 'document: {status: final, revision: 4, date: "2027-01-15"}\npins:')
    build(cli)
    text = (tiny / "output/tiny-case/nda.md").read_text(encoding="utf-8")
    assert "**Status:** FINAL  \n**Document:** nda · 0.1.0 · revision 4 · 2027-01-15\n" in text
    manifest = json.loads((tiny / "output/tiny-case/manifest.json").read_text(encoding="utf-8"))
    assert manifest["document_control"] == {"status": "final", "revision": 4, "date": "2027-01-15"}
