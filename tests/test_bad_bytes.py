"""Issue 14, point 9: every bad byte and every malformed string in a profile is refused with the
profile's file, line and field, the same way for every kind of string (names, texts, list items,
string parameters). Edge whitespace is refused, never trimmed: a trimmed value would no longer
be the value the author wrote, and the documents promise values verbatim."""

import pytest
from conftest import edit

PROFILE = "profiles/case.yaml"
AUDIT = "clauses/core/general.audit@1.0.0.md"
# Raw characters YAML refuses (or, NEL, reads as a line break) and one C1 control.
RAW = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f"]
# (text in the tiny profile, the field, its line, column of the first character after the text)
PLACES = [
    ('name: "Supplier', "supplier.name", 6, 27),
    ('description: "Host', "service.description", 8, 21),
    ('{name: "Backup', "sub_suppliers[0].name", 18, 19),
]


def build(cli, *extra: str):
    result = cli("build", PROFILE, "--format", "md", *extra)
    assert "Traceback" not in result.err
    return result


@pytest.mark.parametrize("char", RAW, ids=[f"U+{ord(c):04X}" for c in RAW])
@pytest.mark.parametrize("text, field, line, column", PLACES, ids=[p[1] for p in PLACES])
def test_a_raw_control_character_names_file_line_column_and_field(tiny, cli, char, text, field, line, column):
    edit(tiny / PROFILE, text, text + char)
    result = build(cli)
    assert result.code == 1
    assert result.err.startswith(
        f"{PROFILE}:{line}: {field}: contains the control character U+{ord(char):04X} at column {column}, "
        "which a document cannot show\n    hint: delete it (it is invisible in most editors)\n"), result.err
    assert not (tiny / "output").exists()


def test_a_control_character_in_a_key_or_a_comment_is_located_too(tiny, cli):
    edit(tiny / PROFILE, "parameters: {deletion_days: 20}", "parameters: {deletion_days: 20}  # note\x0b")
    assert build(cli).err.startswith(f"{PROFILE}:21: contains the control character U+000B at column 40")
    edit(tiny / PROFILE, "  # note\x0b", "")
    edit(tiny / PROFILE, "deletion_days:", "deletion\x00_days:")
    assert build(cli).err.startswith(f"{PROFILE}:21: parameters: contains the control character U+0000 at "
                                     "column 22")


def test_an_escaped_control_character_is_refused_naming_the_field(tiny, cli):
    edit(tiny / PROFILE, 'description: "Hosting."', 'description: "Host\\x1bing."')
    assert build(cli).err.startswith(f"{PROFILE}:8: service.description: contains the control character U+001B")


@pytest.mark.parametrize("tag", ["{{", "}}", "{%", "%}", "{#", "#}"])
def test_template_syntax_in_a_name_is_reported_against_the_profile(tiny, cli, tag):
    edit(tiny / PROFILE, 'name: "Supplier Ltd"', f'name: "Supplier {tag} Ltd"')
    result = build(cli)
    assert result.code == 1
    assert result.err.startswith(f"{PROFILE}:6: supplier.name: contains template syntax {tag!r}; a value is "
                                 "printed as it is, never run"), result.err
    assert "clauses/" not in result.err


def _string_parameter(tiny) -> None:
    edit(tiny / AUDIT, "parameters:\n", 'parameters:\n  auditor: {type: string, default: "an auditor", '
                                         'max_length: 80, description: "Who audits."}\n')
    edit(tiny / AUDIT, "with notice;", "with notice, by {{ auditor }};")


@pytest.mark.parametrize("value", ['" KPMG"', '"KPMG "', '"KPMG\\n"', '"\\u00a0KPMG"'])
def test_edge_whitespace_is_refused_in_a_string_parameter_as_in_every_other_string(tiny, cli, value):
    _string_parameter(tiny)
    edit(tiny / PROFILE, "parameters: {deletion_days: 20}", f"parameters: {{deletion_days: 20, auditor: {value}}}")
    result = build(cli)
    assert result.code == 1
    assert f"{PROFILE}:21: parameters.auditor: text starts or ends with a space or line break" in result.err, result.err
    edit(tiny / PROFILE, f"auditor: {value}", 'auditor: "KPMG"')
    assert build(cli).code == 0
    assert "by KPMG;" in (tiny / "output/tiny-case/security-appendix.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, field, line", [
    ('name: "Supplier Ltd"', "supplier.name", 6),
    ('description: "Hosting."', "service.description", 8),
    ('title: Hosting of the test system', "title", 3),
    ('service: "Off-site backup"', "sub_suppliers[0].service", 18),
])
def test_edge_whitespace_is_refused_in_every_profile_string(tiny, cli, text, field, line):
    key, value = text.split(": ", 1)
    edit(tiny / PROFILE, text, f'{key}: " {value.strip(chr(34))}"')
    result = build(cli)
    assert result.code == 1
    assert result.err.startswith(f"{PROFILE}:{line}: {field}: starts or ends with a space or line break"), result.err
