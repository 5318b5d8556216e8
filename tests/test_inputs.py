"""Bad input files end to end: the whole located message, exit 1, no traceback, nothing written.

The loaders are unit-tested in test_strict_yaml.py, test_profile.py and test_validation.py; here
the same traps go through `clausegen build` (or `validate`), plus the cases those files do not
reach. RELIABILITY.md cases 9, 13, 14, 16-18, 25, 26 and 36 (see tests/README.md).
"""

import docx
import pytest
from conftest import edit

CLAUSE = "clauses/core/general.audit@1.0.0.md"
PROFILE = "profiles/case.yaml"


def refused(tiny, cli, *messages: str, command: str = "build") -> str:
    args = ("build", PROFILE, "--format", "md,docx") if command == "build" else ("validate",)
    result = cli(*args)
    assert result.code == 1
    assert "Traceback" not in result.err
    for message in messages:
        assert message + "\n" in result.err, result.err
    assert not (tiny / "output").exists()
    return result.err


# --- 14, 16, 17, 18: YAML traps, through the whole build ----------------------------------------

def test_duplicate_key_in_clause_front_matter_names_both_lines(tiny, cli):
    edit(tiny / CLAUSE, "order: 2\n", "order: 2\ntitle: Audit again\n")
    refused(tiny, cli, f"{CLAUSE}:8: title: duplicate key 'title' (first on line 4, again on line 8)\n"
                       "    hint: keep one of the two")


def test_duplicate_key_in_a_catalogue_names_both_lines(tiny, cli):
    edit(tiny / "catalogues/confidential.yaml", "    control: preventive\n    default_as: award",
         "    control: preventive\n    default_as: award\n    control: detective")
    refused(tiny, cli, "catalogues/confidential.yaml:11: requirements[0].control: duplicate key 'control' (first on "
                       "line 9, again on line 11)\n    hint: keep one of the two")


@pytest.mark.parametrize("value", ["yes", "on", "off", "True", "y"])
def test_yaml_1_1_booleans_are_not_booleans(tiny, cli, value):
    edit(tiny / PROFILE, "cloud: false", f"cloud: {value}")
    refused(tiny, cli, f"{PROFILE}:10: service.cloud: should be a valid boolean; found text '{value}'")


def test_a_version_written_as_a_number_is_not_rounded(tiny, cli):
    edit(tiny / PROFILE, 'pins: {exit.assets: "1.0.0"}', "pins: {exit.assets: 1.10}")
    refused(tiny, cli, f"{PROFILE}:22: pins.exit.assets: version '1.10' does not exist\n"
                       "    hint: available versions: 1.0.0, 1.1.0, 2.0.0")


def test_a_python_tag_is_refused_and_never_run(tiny, cli):
    edit(tiny / PROFILE, 'title: Hosting of the test system',
         "title: !!python/object/apply:os.system ['touch PWNED']")
    refused(tiny, cli, f"{PROFILE}:3: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; remove it")
    assert not (tiny / "PWNED").exists()


def test_an_alias_bomb_in_a_profile_is_refused(tiny, cli):
    text = (tiny / PROFILE).read_text(encoding="utf-8")
    bomb = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]\n" for i in range(1, 9))
    (tiny / PROFILE).write_text(text + "l0: &l0 lol\n" + bomb, encoding="utf-8")
    refused(tiny, cli, f"{PROFILE}:23: anchors (&name) are not allowed; write the value out")


def test_a_clause_file_that_is_not_utf8_names_the_byte(tiny, cli):
    path = tiny / CLAUSE
    path.write_bytes(path.read_bytes().replace(b"Client", "Cli\xe9nt".encode("latin-1"), 1))
    refused(tiny, cli, f"{CLAUSE}:14: not valid UTF-8 at byte offset 395\n    hint: save the file as UTF-8")


def test_bom_and_windows_line_endings_are_read_as_documented(tiny, cli):
    for path in (tiny / PROFILE, tiny / CLAUSE):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = cli("build", PROFILE, "--format", "md", "--documents", "security-appendix")
    assert result.code == 0, result.err
    text = (tiny / "output/tiny-case/security-appendix.md").read_text(encoding="utf-8")
    assert "\r" not in text and "\ufeff" not in text and "every 12 months:" in text


# --- 13: newlines and tabs --------------------------------------------------------------------------

def test_newlines_in_a_value_become_line_breaks_and_tabs_are_refused(tiny, cli):
    edit(tiny / CLAUSE, "every {{ audit_interval_months }} months:", "every {{ audit_interval_months }} months "
                                                                         "({{ service.description }}):")
    edit(tiny / PROFILE, 'description: "Hosting."', 'description: "Hosting of\\nthe platform."')
    assert cli("build", PROFILE, "--format", "md,docx", "--documents", "security-appendix").code == 0
    out = tiny / "output/tiny-case"
    assert "(Hosting of\\\nthe platform.):" in (out / "security-appendix.md").read_text(encoding="utf-8")
    paragraph = next(p for p in docx.Document(str(out / "security-appendix.docx")).paragraphs
                     if "the platform" in p.text)
    assert "Hosting of\nthe platform." in paragraph.text  # a w:br line break inside the paragraph
    assert paragraph._p.xml.count("<w:br/>") == 1
    edit(tiny / PROFILE, 'description: "Hosting of\\nthe platform."', 'description: "Hosting\\tof"')
    result = cli("build", PROFILE, "--format", "md", "--force")
    assert result.code == 1
    assert result.err.startswith(f"{PROFILE}:8: service.description: contains a tab; use spaces; found text "
                                 "'Hosting\\tof'\n")


# --- 25, 26: raw markup, images and local files in a clause -------------------------------------------

@pytest.mark.parametrize("body, line, message", [
    ("![logo](/etc/passwd)", 19, "images are not allowed in a clause body"),
    ("See [the policy](../../secret.md).", 19, "link to '../../secret.md' is not allowed; only http(s) and mailto links"),
    ("Text on one line\nand [the policy](file:///etc/passwd).", 20, "link to 'file:///etc/passwd' is not allowed; only http(s) and "
                                                  "mailto links"),
    ("```{=openxml}\n<w:p><w:r><w:t>x</w:t></w:r></w:p>\n```", 19, "raw output block '{=openxml}' is not allowed"),
    ("Text `<w:br/>`{=openxml} here.", 19, "raw output attribute `{=format}` is not allowed"),
    ("Text <span style='color:red'>red</span>.", 19, "raw HTML is not allowed: \"<span style='color:red'>\""),
])
def test_raw_markup_images_and_local_files_in_a_clause_are_refused(tiny, cli, body, line, message):
    edit(tiny / CLAUSE, "2. at the Supplier's premises.", f"2. at the Supplier's premises.\n\n{body}")
    refused(tiny, cli, f"{CLAUSE}:{line}: body: {message}")


# --- 9: links out of the library ----------------------------------------------------------------------

def test_a_symlinked_folder_in_the_library_is_refused(tiny, cli, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "leak.x@1.0.0.md").write_text("---\n---\nsecret\n", encoding="utf-8")
    (tiny / "clauses/linked").symlink_to(outside)
    refused(tiny, cli, "clauses/linked: symbolic links are not allowed in a library\n"
                       "    hint: copy the file into the library instead")


def test_a_symlinked_house_template_is_refused(tiny, cli, tmp_path):
    from clausegen.loading import DEFAULT_TEMPLATES

    (tiny / "house").mkdir()
    (tiny / "house/base.docx").symlink_to(DEFAULT_TEMPLATES / "base.docx")
    result = cli("build", PROFILE, "--format", "docx", "--templates", "house")
    assert result.code == 1
    assert result.err.startswith("house/base.docx: symbolic links are not allowed for templates\n")
    assert not (tiny / "output").exists()


# --- 36: library content ------------------------------------------------------------------------------

def test_one_clause_version_in_two_files_is_refused(tiny, cli):
    (tiny / "clauses/extra").mkdir()
    (tiny / "clauses/extra/exit.assets@1.1.0.md").write_bytes((tiny / "clauses/core/exit.assets@1.1.0.md").read_bytes())
    refused(tiny, cli, "clauses/extra/exit.assets@1.1.0.md:3: version: exit.assets@1.1.0 is also defined in "
                       "clauses/core/exit.assets@1.1.0.md")


def test_a_risk_tier_that_loosens_a_parameter_is_refused(tiny, cli):
    edit(tiny / "clauses/library.yaml", "parameters: {audit_interval_months: 12}", "parameters: {audit_interval_months: 36}")
    refused(tiny, cli, "clauses/library.yaml:11: risk_tiers[1].parameters.audit_interval_months: risk tier high loosens "
                       "audit_interval_months to 36 (below it: 24)\n    hint: a higher risk tier must keep the value or "
                       "make it stricter (lower is stricter)")


def test_a_document_nothing_applies_to_is_an_error_not_an_empty_document(tiny, cli):
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "order: 1\n",
         "order: 1\ncondition: {field: procurement.mode, equals: direct}\n")
    result = cli("build", PROFILE, "--format", "md", "--documents", "nda")
    assert result.code == 1
    assert result.err.startswith(
        "clauses/library.yaml: documents.nda: nothing in the library applies to nda for profile tiny-case; left out: "
        "general.parties@1.0.0: procurement.mode = direct (is tender)\n"
        "    hint: add a clause whose condition holds, or give the document a `when` so that it is not built for such "
        "a profile\n")
    assert not (tiny / "output").exists()


def test_when_every_version_is_deprecated_the_clause_is_left_out_with_the_reason(tiny, cli):
    for version in ("1.0.0", "1.1.0"):
        edit(tiny / f"clauses/core/exit.assets@{version}.md", "status: active", "status: deprecated")
    edit(tiny / PROFILE, 'pins: {exit.assets: "1.0.0"}', "pins: {}")
    result = cli("build", PROFILE, "--format", "md", "--documents", "termination-plan")
    assert result.code == 1
    assert result.err.startswith("clauses/library.yaml: documents.termination-plan: nothing in the library applies to "
                                 "termination-plan for profile tiny-case; left out: exit.assets@-: every version is "
                                 "deprecated\n")


# --- 12: characters that cannot be shown ---------------------------------------------------------------

def test_a_character_the_pdf_cannot_show_is_an_error_naming_the_field(tiny, cli):
    edit(tiny / PROFILE, 'supplier: {name: "Supplier Ltd"', 'supplier: {name: "Supplier 漢字 Ltd"')
    result = cli("build", PROFILE, "--format", "md,pdf")
    assert result.code == 1
    assert result.err.startswith(
        f"{PROFILE}:6: supplier.name: the character '漢' (U+6F22 CJK UNIFIED IDEOGRAPH-6F22) cannot be shown in the "
        "PDF: its fonts have no glyph for it\n"
        "    hint: write the value without it, or build without PDF (--format md,docx)\n")
    assert not (tiny / "output").exists()
    assert cli("build", PROFILE, "--format", "md,docx").code == 0  # Word and Markdown show it
    assert "Supplier 漢字 Ltd" in (tiny / "output/tiny-case/nda.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("yaml_value, message", [
    ('"Supplier\\ud800 Ltd"', "YAML syntax: found invalid Unicode character escape code"),  # a lone surrogate
    ('"Supplier\\u0000"', "supplier.name: contains the control character U+0000 at position 8, which a document "
                          "cannot show; found text 'Supplier\\x00'"),
    ('"Supplier Ltd "', "supplier.name: starts or ends with a space or line break; remove it (for a block of text, "
                        "write |- instead of |); found text 'Supplier Ltd '"),
    ('"Supplier\\nLtd"', "supplier.name: must be a single line; found text 'Supplier\\nLtd'"),
])
def test_a_value_that_cannot_be_shown_verbatim_is_an_error_naming_the_field(tiny, cli, yaml_value, message):
    edit(tiny / PROFILE, 'supplier: {name: "Supplier Ltd"', f"supplier: {{name: {yaml_value}")
    refused(tiny, cli, f"{PROFILE}:6: {message}")


# --- 4: lists of any length ------------------------------------------------------------------------------

def test_every_sub_supplier_appears_however_many_there_are(tiny, cli):
    subs = "".join(f'\n  - {{name: "Sub {i} & Co", country: DE, service: "Service {i}", access_to_data: true}}'
                   for i in range(1, 4))
    edit(tiny / PROFILE, '\n  - {name: "Backup GmbH", country: DE, service: "Off-site backup", access_to_data: true}', subs)
    assert cli("build", PROFILE, "--format", "md,docx", "--documents", "security-appendix").code == 0
    out = tiny / "output/tiny-case"
    md = (out / "security-appendix.md").read_text(encoding="utf-8")
    rows = [[c.text for c in row.cells] for t in docx.Document(str(out / "security-appendix.docx")).tables
            for row in t.rows]
    for i in range(1, 4):
        assert f"| Sub {i} & Co | DE | Service {i} | Yes |" in md
        assert [f"Sub {i} & Co", "DE", f"Service {i}", "Yes"] in rows
