"""Profile values stay literal in every format (issue 10): a title that starts with "= ", "- ",
"+ " or "/ ", or holds "...", is text in the Markdown, the DOCX, the PDF and the HTML, never a
heading, a list, a term or an ellipsis. A hypothesis property over every profile text field that
reaches a document.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import string
from html.parser import HTMLParser
from pathlib import Path

import docx
import pypdf
import pytest
from conftest import TINY
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_properties import yaml_quoted

from clausegen.pipeline import BuildOptions, Inputs, load_project, render

FIELDS = ("title", "client.name", "supplier.name", "service.description", "sub_suppliers[0].name",
          "sub_suppliers[0].service")
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)

# Words of at most four characters never hyphenate, so the PDF text can be compared as it is.
WORD = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + string.punctuation.replace("{", "").replace("}", "")
            + "æøåÆØÅé§€", min_size=1, max_size=4),
    st.sampled_from(["...", "--", "---", "-?", "-1", "~", "//", "/*", "*/", "#set", "$x$", "@ref", "<l>", "\\",
                     "1.", "1)", "http://x.y"]),
)
START = st.sampled_from(["", "= ", "- ", "+ ", "/ ", "1. ", "# ", "> ", "* ", "| ", "== "])
VALUE = st.builds(lambda start, words: start + " ".join(words), START, st.lists(WORD, min_size=1, max_size=5))


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("literal") / "project"
    shutil.copytree(TINY, root)
    clause = root / "clauses/core/general.parties@1.0.0.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace(
        "(the *Supplier*).", "(the *Supplier*) for this service: {{ service.description }} (end)."), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def project(project_dir):
    return load_project(Inputs(project_dir / "clauses", project_dir / "catalogues", project_dir / "frameworks"))


def profile(values: dict[str, str]) -> str:
    q = {k: yaml_quoted(v) for k, v in values.items()}
    return f"""profile: 1
id: literal-case
title: {q["title"]}
language: en
client: {{name: {q["client.name"]}, country: DK, sector: public}}
supplier: {{name: {q["supplier.name"]}, country: DK, relative_size: larger}}
service:
  description: {q["service.description"]}
  kinds: [hosting]
  cloud: false
data: {{classification: confidential, personal_data: false, special_categories: false, locations: [DK]}}
criticality: {{business_critical: false, critical_to_society: false}}
sub_suppliers:
  - {{name: {q["sub_suppliers[0].name"]}, country: DE, service: {q["sub_suppliers[0].service"]}, access_to_data: true}}
procurement: {{mode: direct, requirements_as: mixed}}
contract: {{start: "2027-01-01", term_months: 48}}
"""


_MD = MarkdownIt("commonmark").enable("table")


def markdown_text(source: str) -> str:
    """What a CommonMark reader sees, one line per block or table cell."""
    parts = []
    for token in _MD.parse(source):
        if token.type == "inline":
            parts.append("".join(c.content if c.type in ("text", "code_inline") else " "
                                 for c in token.children or [] if c.type in ("text", "code_inline", "softbreak")))
    return "\n".join(parts)


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join(parts).replace("\u00a0", " ")  # identifiers are kept on one line with no-break spaces


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "head")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "head")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    parser = _Text()
    parser.feed(data.decode("utf-8"))
    return html.unescape("".join(parser.parts))


def nospace(text: str) -> str:
    return re.sub(r"\s+", "", text)


@SETTINGS
@given(values=st.fixed_dictionaries({field: VALUE for field in FIELDS}))
@example(values={"title": "= Heading... -? -1", "client.name": "- not a list", "supplier.name": "+ not a list",
                 "service.description": "/ not: a term", "sub_suppliers[0].name": "1. not a list",
                 "sub_suppliers[0].service": "# not a heading"})
def test_every_profile_text_field_is_literal_in_every_format(project_dir, project, values):
    values = {k: v.strip() or "x" for k, v in values.items()}
    path = project_dir / "profiles" / "literal.yaml"
    path.write_text(profile(values), encoding="utf-8")
    options = BuildOptions(out=project_dir / "output", formats=("md", "docx", "pdf", "html"),
                           documents=("security-appendix",))
    _, files = render(path, project, options)
    md = markdown_text(files["security-appendix.md"].decode("utf-8"))
    word = docx_text(files["security-appendix.docx"])
    page = html_text(files["security-appendix.html"])
    pdf = nospace("".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(files["security-appendix.pdf"])).pages))
    for field, value in values.items():
        for name, text in (("Markdown", md), ("DOCX", word), ("HTML", page)):
            assert value in text, f"{field}={value!r} not verbatim in the {name}"
        assert nospace(value) in pdf, f"{field}={value!r} not verbatim in the PDF"
    assert "…" not in pdf + page + word + md and "\u2212" not in pdf
