"""House templates: --templates DIR overrides the shipped ones file by file."""

import io
import shutil
import zipfile
from pathlib import Path

import docx

from clausegen.loading import DEFAULT_TEMPLATES


def rewrite(source: Path, target: Path, part: str, old: str, new: str) -> None:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new).encode("utf-8")
            dst.writestr(info, data)


def header(path: Path) -> str:
    """The header's title line (below the centred marking)."""
    return docx.Document(str(path)).sections[0].header.paragraphs[1].text


def test_a_document_specific_word_template_wins(tiny, cli):
    house = tiny / "house"
    house.mkdir()
    rewrite(DEFAULT_TEMPLATES / "base.docx", house / "nda.docx", "word/header1.xml",
            "{{ document.title }}", "Acme Legal · {{ document.title }}")
    shutil.copy(DEFAULT_TEMPLATES / "document.html", house / "document.html")
    text = (house / "document.html").read_text(encoding="utf-8").replace("<body", "<!-- house --><body", 1)
    (house / "document.html").write_text(text, encoding="utf-8")
    result = cli("build", "profiles/case.yaml", "--templates", "house", "--format", "docx,html",
                 "--documents", "nda,security-appendix")
    assert result.code == 0, result.err
    out = tiny / "output/tiny-case"
    assert header(out / "nda.docx") == "Acme Legal · Non-disclosure agreement\tDRAFT"
    assert header(out / "security-appendix.docx") == "Security appendix\tDRAFT"
    assert "<!-- house -->" in (out / "nda.html").read_text(encoding="utf-8")


def test_a_template_without_the_needed_styles_is_refused(tiny, cli):
    house = tiny / "house"
    house.mkdir()
    plain = io.BytesIO()
    docx.Document().save(plain)
    document = docx.Document(io.BytesIO(plain.getvalue()))
    document.add_paragraph("{{p body }}")
    document.save(str(house / "base.docx"))
    result = cli("build", "profiles/case.yaml", "--templates", "house", "--format", "docx", "--documents", "nda")
    assert result.code == 1
    assert result.err.startswith(
        "house/base.docx: styles: the Word template lacks the styles Note, Table Text, Table Heading, Clause Table\n"
        "    hint: copy them from the shipped base.docx (see docs/templates.md)\n")
    assert not (tiny / "output").exists()


def test_missing_templates_folder(tiny, cli):
    result = cli("build", "profiles/case.yaml", "--templates", "nowhere", "--format", "md")
    assert (result.code, result.err.splitlines()[0]) == (1, "nowhere: templates folder not found")
