"""Properties and fuzzing (hypothesis). RELIABILITY.md cases 12, 38 and 39.

- Any text in a profile's names and descriptions either appears verbatim in the Markdown (as
  CommonMark reads it), the DOCX text and the PDF text, or is refused with an error naming the
  field, and then only for a documented reason.
- Random YAML into the profile loader and random template text into the clause loader and the
  renderer raise only clausegen's own errors: no crash, and no hang (renders have a time limit).
"""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from pathlib import Path

import docx
import pypdf
import pytest
import yaml
from conftest import TINY
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from clausegen.errors import ClausegenError, InputError, RenderError
from clausegen.export.pdf import shows
from clausegen.loading import load_profile
from clausegen.pipeline import BuildOptions, Inputs, load_project, render
from clausegen.rendering.markdown import render_template

NAMES = ("title", "client.name", "supplier.name", "sub_suppliers[0].name")
PROPERTY = settings(max_examples=int(__import__("os").environ.get("PROPERTY_EXAMPLES", 25)), deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=not __import__("os").environ.get("PROPERTY_EXAMPLES"))
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory) -> Path:
    """The tiny project, with the service description printed in a clause."""
    root = tmp_path_factory.mktemp("property") / "project"
    shutil.copytree(TINY, root)
    clause = root / "clauses/core/general.parties@1.0.0.md"
    clause.write_text(clause.read_text(encoding="utf-8").replace(
        "(the *Supplier*).", "(the *Supplier*) for this service: {{ service.description }} (end)."), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def project(project_dir):
    return load_project(Inputs(project_dir / "clauses", project_dir / "catalogues", project_dir / "frameworks"))


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly `text`, whatever it contains."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F or (code > 0xA0 and unicodedata.category(char) not in ("Cs", "Zl", "Zp")
                                      and code not in (0xFEFF, 0xFFFE, 0xFFFF)):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02X}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04X}")
        else:
            out.append(f"\\U{code:08X}")
    return '"' + "".join(out) + '"'


def profile_text(name: str, description: str) -> str:
    q, d = yaml_quoted(name), yaml_quoted(description)
    return f"""profile: 1
id: prop-case
title: {q}
language: en
client: {{name: {q}, country: DK, sector: public}}
supplier: {{name: {q}, country: DK, relative_size: larger}}
service:
  description: {d}
  kinds: [hosting]
  cloud: false
data: {{classification: confidential, personal_data: false, special_categories: false, locations: [DK]}}
criticality: {{business_critical: false, critical_to_society: false}}
sub_suppliers:
  - {{name: {q}, country: DE, service: "Off-site backup", access_to_data: true}}
procurement: {{mode: direct, requirements_as: mixed}}
contract: {{start: "2027-01-01", term_months: 48}}
"""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def refusal(text: str, single_line: bool) -> str | None:
    """The documented reason a value is refused, if there is one."""
    if _CONTROL.search(text):
        return "control character"
    if "\t" in text:
        return "tab"
    if not text.strip():
        return "empty"
    if single_line and "\n" in text:
        return "line break"
    if text != text.strip():
        return "space or line break at an end"
    if any(tag in text for tag in ("{{", "{%", "{#", "}}", "%}")):
        return "template syntax"
    if not all(shows(c) for c in text):
        return "not in the PDF fonts"
    return None


_MD = MarkdownIt("commonmark").enable("table")


def markdown_text(source: str) -> str:
    """The text a CommonMark reader sees: what the Markdown file means, escapes resolved."""
    parts = []
    for token in _MD.parse(source):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
        parts.append("\n")
    return "".join(parts)


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    """Without whitespace and hyphens: how PDF text survives line breaks, justification and hyphenation."""
    return re.sub(r"[\s\-\u2010\u00ad]", "", text)


# Letters, digits, punctuation and symbols from every script, spaces, and the characters that mean
# something in Markdown, Typst, XML or Jinja; now and then a control character or a line break.
TEXT = st.lists(st.one_of(
    st.characters(exclude_categories=("Cs", "Cc")),
    st.sampled_from(list("&<>\"'*_[]\\`#|~-+.!$@=^{}%()/:;?, ") + ["--", "...", "1.", "# ", "\u00a0", "ß", "Ærø"]),
    st.sampled_from(["\n", "\t", "\x0b", "\x00", "\u2028", "\ufeff", "\u202e", "漢", "😀", "e\u0301"]),
), min_size=1, max_size=16).map("".join)
LATIN = st.lists(st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x24F, exclude_categories=("Cc", "Cs")),
                           st.sampled_from(list("&<>\"'*_[]\\`#|~-+.!$@=^{}% "))), min_size=1, max_size=24).map("".join)


@PROPERTY
@given(name=st.one_of(LATIN, TEXT), description=st.one_of(LATIN, TEXT))
@example(name='Smith & Jones <Hosting> "A/S" Ærø', description="Line one\nline * two_ [x](y) #3")
@example(name="Ω 漢 😀", description="ok")
@example(name="*a* _b_ `c` \\d <e> &amp; ~f~ | g", description="1. not a list\n- nor this\n# nor a heading")
@example(name=" leading and trailing ", description="ok")
@example(name="ok", description="a\n    not code\n  - not a list\nend")
@example(name="- not a list", description="x\n = not a heading\n / not: a term\n 1. not a list\n + nor this")
def test_profile_text_is_verbatim_in_every_format_or_refused_naming_the_field(project_dir, project, name, description):
    path = project_dir / "profiles" / "prop.yaml"
    path.write_text(profile_text(name, description), encoding="utf-8")
    expected = refusal(name, single_line=True) or refusal(description, single_line=False)
    options = BuildOptions(out=project_dir / "output", formats=("md", "docx", "pdf"), documents=("security-appendix",))
    try:
        _, files = render(path, project, options)
    except InputError as e:
        fields = {d.field for d in e.diagnostics}
        assert expected is not None, f"refused without a documented reason: {e}"
        assert fields & {*NAMES, "service.description"}, f"the error does not name the field: {e}"
        assert all(d.file.endswith("prop.yaml") and d.line for d in e.diagnostics), str(e)
        event(f"refused: {expected}")
        return
    event("verbatim")
    assert expected is None, f"accepted although {expected}: {name!r} {description!r}"
    name, description = unicodedata.normalize("NFC", name), unicodedata.normalize("NFC", description)
    md = markdown_text(files["security-appendix.md"].decode("utf-8"))
    word = docx_text(files["security-appendix.docx"])
    pdf = squeeze(pdf_text(files["security-appendix.pdf"]))
    for value in (name, f"this service: {description} (end)"):
        assert value in md, f"{value!r} not verbatim in the Markdown"
        assert value in word, f"{value!r} not verbatim in the DOCX"
    assert squeeze(name) in pdf, f"{name!r} not in the PDF text"
    assert squeeze(f"this service: {description} (end)") in pdf, f"{description!r} not in the PDF text"


# --- 38: fuzzing --------------------------------------------------------------------------------------

YAML_BITS = st.sampled_from([
    "profile: 1\n", "id: x\n", "client:\n", "  name: ", "- ", "[", "]", "{", "}", ": ", ", ", "&a ", "*a", "!!python/object ",
    "!!binary ", "'", '"', "\\", "\n", "  ", "\t", "#", "---\n", "...\n", "? ", "|\n", ">\n", "~", "null", "yes", "1.10",
    "2024-01-01", "0x1F", "<<: ", "%YAML 1.1\n", "\ufeff", "\x00", "é", "9" * 5000,
])


@FUZZ
@given(st.one_of(st.text(max_size=300), st.lists(YAML_BITS, max_size=40).map("".join),
                 st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                              lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                          max_size=4), max_leaves=20)
                 .map(lambda data: yaml.safe_dump(data, allow_unicode=True))))
def test_random_yaml_into_the_profile_loader_raises_only_input_errors(tmp_path_factory, text):
    path = tmp_path_factory.getbasetemp() / "fuzz-profile.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        load_profile(path)
    except InputError as e:
        assert all(d.file and d.message for d in e.diagnostics)


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_into_the_profile_loader_raise_only_input_errors(tmp_path_factory, data):
    path = tmp_path_factory.getbasetemp() / "fuzz-bytes.yaml"
    path.write_bytes(data)
    try:
        load_profile(path)
    except InputError:
        pass


JINJA_BITS = st.sampled_from([
    "{{", "}}", "{%", "%}", "{#", "#}", " if ", " elif ", " else ", " endif ", " for ", " in ", " endfor ", " set ",
    " macro ", " include ", " raw ", " endraw ", "client.name", "client", "sub_suppliers", "third_countries", "range(",
    "loop.index", "loop", "|join(', ')", "|upper", "|default", "|attr('format')", "|center(9)", "(", ")", "[", "]", "'",
    '"', "~", "*", "**", "+", "%", "/", "-", "1", "0", "10", "100000", ".", ",", ":", "__class__", ".format(", "none",
    "true", "\n", " ", "x", "![", "](", "{=html}", "`", "<b>", "# ", "- ", "1. ", "&amp;", "\\", "is defined",
])
TEMPLATES = st.one_of(st.lists(JINJA_BITS, max_size=30).map("".join), st.text(max_size=120))
CONTEXT = {"client": {"name": "Ærø & Co", "country": "DK", "sector": "public"}, "sub_suppliers": [{"name": "B"}],
           "third_countries": ["US"], "title": "T"}


@FUZZ
@given(TEMPLATES)
@example("{% for a in client.name * 10000 %}{% for b in client.name * 10000 %}{% endfor %}{% endfor %}")
@example("{{ ((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))) }}" * 50)
def test_random_template_text_renders_or_raises_only_render_errors(source):
    try:
        render_template("markdown", source, CONTEXT, "fuzz.md", 1, "fuzz")
    except RenderError as e:
        assert all(d.file == "fuzz.md" and d.line for d in e.diagnostics)


@pytest.fixture(scope="module")
def fuzz_library(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "project"
    shutil.copytree(TINY, root)
    return root


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(TEMPLATES)
def test_random_template_text_into_the_clause_loader_raises_only_input_errors(fuzz_library, body):
    path = fuzz_library / "clauses/core/general.parties@1.0.0.md"
    head = (TINY / "clauses/core/general.parties@1.0.0.md").read_text(encoding="utf-8").split("---\n")[1]
    path.write_text(f"---\n{head}---\n{body}\n", encoding="utf-8", errors="surrogatepass")
    inputs = Inputs(fuzz_library / "clauses", fuzz_library / "catalogues", fuzz_library / "frameworks")
    try:
        project = load_project(inputs)
        render(fuzz_library / "profiles/case.yaml", project, BuildOptions(formats=("md",)))
    except ClausegenError as e:
        assert type(e) in (InputError, RenderError), type(e)
        assert all(d.file for d in e.diagnostics)


def test_the_pdf_character_table_belongs_to_the_pinned_typst():
    """scripts/make_pdf_coverage.py regenerates it; run it after changing the typst version."""
    import typst

    from clausegen.export import pdf_glyphs

    assert pdf_glyphs.TYPST_VERSION == typst.__version__
    assert all(shows(c) for c in "AaÆæØøÅåÄÖÜßΔλЖ€§½“”‘’–—…\u00a0") and not any(shows(c) for c in "漢😀\u202e")
