"""The DOCX, the PDF and the Markdown of a document say the same thing.

For every document of every example profile, every heading number with its title and every
requirement id of the Markdown must appear in the DOCX text (Word numbers headings itself, so the
numbers are recomputed from the heading styles) and in the PDF text, in the same order.
"""

from __future__ import annotations

import io
import re

import docx
import pypdf
import pytest
from conftest import ROOT

from clausegen.pipeline import BuildOptions, Inputs, load_project, render

PROFILES = sorted((ROOT / "profiles").glob("*.yaml"))
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?) (.+)$", re.MULTILINE)
REQUIREMENT = re.compile(r"^\| (SR-[A-Z]+-\d+) \|", re.MULTILINE)


@pytest.fixture(scope="module")
def built():
    project = load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))
    options = BuildOptions(formats=("md", "docx", "pdf"))
    return {path.stem: render(path, project, options)[1] for path in PROFILES}


def expected(markdown: str) -> list[str]:
    """Heading numbers with titles, and requirement ids, in document order."""
    found = [(m.start(), f"{m.group(1)} {_unescape(m.group(2))}") for m in HEADING.finditer(markdown)]
    found += [(m.start(), m.group(1)) for m in REQUIREMENT.finditer(markdown)]
    return [text for _, text in sorted(found)]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    numbers = [0, 0]
    lines = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = docx.text.paragraph.Paragraph(child, document)
            style = paragraph.style.name
            if style == "Heading 1":
                numbers = [numbers[0] + 1, 0]
                lines.append(f"{numbers[0]} {paragraph.text}")
            elif style == "Heading 2":
                numbers[1] += 1
                lines.append(f"{numbers[0]}.{numbers[1]} {paragraph.text}")
            else:
                lines.append(paragraph.text)
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            lines += [" ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return text.replace("\xad", "-")  # pypdf reads a hyphen Typst may break at as a soft hyphen


def assert_in_order(needles: list[str], haystack: str, what: str) -> None:
    squeezed = re.sub(r"\s+", "", haystack)
    position = 0
    for needle in needles:
        found = squeezed.find(re.sub(r"\s+", "", needle), position)
        assert found >= 0, f"{what}: {needle!r} missing or out of order"
        position = found + 1


def test_every_document_has_headings_to_compare(built):
    for files in built.values():
        for name, data in files.items():
            if name.endswith(".md"):
                assert len(expected(data.decode("utf-8"))) >= 3, name


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_docx_and_pdf_match_the_markdown(built, path):
    files = built[path.stem]
    for name in sorted(n for n in files if n.endswith(".md")):
        stem = name.removesuffix(".md")
        needles = expected(files[name].decode("utf-8"))
        assert_in_order(needles, docx_text(files[f"{stem}.docx"]), f"{path.stem}/{stem}.docx")
        assert_in_order(needles, pdf_text(files[f"{stem}.pdf"]), f"{path.stem}/{stem}.pdf")


def test_the_comparison_fails_when_something_is_missing():
    with pytest.raises(AssertionError, match="'2 Scope' missing or out of order"):
        assert_in_order(["1 Parties", "2 Scope"], "1 Parties\n3 Other", "x")
    with pytest.raises(AssertionError, match="out of order"):
        assert_in_order(["2 Scope", "1 Parties"], "1 Parties 2 Scope", "x")
