import pytest

from clausegen.loading import strict_yaml
from clausegen.loading.strict_yaml import YamlError, decode, read


@pytest.fixture(autouse=True, params=["libyaml", "python"])
def loader(request, monkeypatch):
    """Every test runs with libyaml's parser (when present) and with PyYAML's pure-Python one."""
    if request.param == "python":
        monkeypatch.setattr(strict_yaml, "_Loader", strict_yaml._PyLoader)
    return request.param


def message(text: str) -> str:
    with pytest.raises(YamlError) as info:
        read(text, "f.yaml")
    return info.value.diagnostic.format()


def test_scalars_keep_what_the_author_wrote():
    data = read('a: 1\nb: NO\nc: 1.10\nd: 2024-01-01\ne: "3"\nf: yes\ng: true\nh:\ni: on\n', "f.yaml").data
    assert data == {"a": 1, "b": "NO", "c": "1.10", "d": "2024-01-01", "e": "3", "f": "yes", "g": True,
                    "h": None, "i": "on"}


def test_duplicate_key_names_both_lines():
    assert message("a: 1\nb: 2\na: 3\n") == (
        "f.yaml:3: a: duplicate key 'a' (first on line 1, again on line 3)\n    hint: keep one of the two")


def test_nested_duplicate_key_has_dotted_path():
    assert message("client:\n  name: x\n  name: y\n").startswith("f.yaml:3: client.name: duplicate key 'name'")


def test_anchor_refused():
    assert message("a: &x 1\nb: *x\n") == "f.yaml:1: anchors (&name) are not allowed; write the value out"


def test_alias_bomb_refused_fast():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n"
    assert "anchors (&name) are not allowed" in message(bomb)


def test_python_tag_refused():
    assert message("a: !!python/object/apply:os.system ['id']\n") == (
        "f.yaml:1: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; remove it")


def test_deep_nesting_refused():
    assert message("[" * 100 + "]" * 100) == "f.yaml:1: nesting deeper than 40 levels"


def test_syntax_error_located():
    assert message("a: [1, 2\nb: 3\n").startswith("f.yaml:2: YAML syntax:")


def test_non_utf8_names_byte_offset():
    with pytest.raises(YamlError) as info:
        decode(b"a: 1\nb: \xff\n", "f.yaml")
    assert info.value.diagnostic.format() == (
        "f.yaml:2: not valid UTF-8 at byte offset 8\n    hint: save the file as UTF-8")


def test_bom_and_crlf_are_normalised():
    assert decode(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n", "f.yaml") == "a: 1\nb: 2\n"


def test_line_offset_applies_to_front_matter():
    located = read("id: x\nversion: y\n", "c.md", line_offset=1)
    assert located.line(("version",)) == 3
    assert located.line(("missing", "deeper")) == 2  # falls back to the document
