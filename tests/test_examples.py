"""End-to-end snapshots of every example profile with the real library.

The Markdown of each document is a .md snapshot; the DOCX is snapshotted as its paragraphs with
their style names (and table rows), never as bytes.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from conftest import ROOT

from clausegen.pipeline import BuildOptions, Inputs, load_project, render

PROFILES = sorted((ROOT / "profiles").glob("*.yaml"))


@pytest.fixture(scope="module")
def project():
    return load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))


@pytest.fixture(scope="module")
def built(project):
    options = BuildOptions(formats=("md", "docx"))
    return {path.stem: render(path, project, options)[1] for path in PROFILES}


def docx_outline(data: bytes) -> list[str]:
    import io

    document = docx.Document(io.BytesIO(data))
    lines = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(child, document)
            lines.append(f"[{paragraph.style.name}] {paragraph.text}")
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                lines.append("[row] " + " | ".join(cell.text for cell in row.cells))
    for section in document.sections:
        lines += [f"[header] {p.text}" for p in section.header.paragraphs]
        lines += [f"[footer] {p.text}" for p in section.footer.paragraphs]
    return lines


def test_there_are_at_least_five_example_profiles():
    assert len(PROFILES) >= 5


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_markdown_snapshots(built, path: Path, md_snapshot):
    files = built[path.stem]
    for name in sorted(n for n in files if n.endswith(".md")):
        assert files[name].decode("utf-8") == md_snapshot(name=name.removesuffix(".md"))


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_docx_snapshots(built, path: Path, snapshot):
    files = built[path.stem]
    outline = {name: docx_outline(files[name]) for name in sorted(n for n in files if n.endswith(".docx"))}
    assert outline == snapshot


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_no_placeholder_or_none_reaches_a_document(built, path: Path):
    for name, data in built[path.stem].items():
        if name.endswith(".md"):
            text = data.decode("utf-8")
            for residue in ("{{", "{%", "None", "Undefined", "True", "False"):
                assert residue not in text, f"{residue!r} in {path.stem}/{name}"
