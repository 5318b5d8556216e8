"""Checks on a Word template's bytes before docxtpl or python-docx open them.

A house template (`--templates DIR`) is a zip of XML parts from outside the project. Before any
library parses it, `check()` makes sure that:

- the zip is readable, is at most MAX_FILE_BYTES, has at most MAX_MEMBERS members with unique,
  relative, forward-slash names (no `..`, no absolute or drive paths, no backslashes), stored or
  deflated and not encrypted; all members together inflate to at most MAX_TOTAL_BYTES, and no
  member above RATIO_FLOOR bytes inflates more than MAX_RATIO times. Members are read with those
  caps whatever their headers claim;
- every XML part parses with lxml with no DTD, no entity resolution, no network and no huge-tree
  mode, and has no DOCTYPE (so no external entities and no billion laughs);
- relationships point inside the package at parts that exist, or, when External, are http(s) or
  mailto hyperlinks: no attached templates, linked images, OLE links or mail-merge data sources;
- the main part is a Word document (not macro-enabled) and has no VBA project;
- every part docxtpl renders (body, headers, footers, footnotes, core properties), after
  docxtpl's own joining of Jinja tags split across Word runs, is a template in the sandbox's
  language that uses only the values clausegen gives a Word template (WORD_TEMPLATE_FIELDS).
  A tag split across paragraphs or cells, or an unbalanced `{% if %}`, is reported with the
  part and the text around it.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from urllib.parse import unquote

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, meta, nodes
from lxml import etree

from clausegen.errors import Diagnostic, InputError
from clausegen.rendering.environment import environment, forbidden_constructs
from clausegen.syntax import TEMPLATE_TAG, template_residue

MAX_FILE_BYTES = 20_000_000
MAX_MEMBERS = 1_000
MAX_TOTAL_BYTES = 50_000_000
MAX_RATIO = 200
RATIO_FLOOR = 1_000_000

# What docx.build() gives a Word template, and the keys of each mapping.
WORD_TEMPLATE_FIELDS: dict[str, frozenset[str] | None] = {
    "document": frozenset({"id", "title", "subtitle", "status", "revision", "date", "control", "footer", "reference"}),
    "marking": None,
    "client": frozenset({"name"}),
    "supplier": frozenset({"name"}),
    "profile": frozenset({"title"}),
    "library": frozenset({"name", "version"}),
    "body": frozenset(),
}

_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_RENDERED_RELS = {_REL + "header", _REL + "footer", _REL + "footnotes"}
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CORE_NS = {"dc": "http://purl.org/dc/elements/1.1/",
            "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
# The core properties docxtpl renders as templates (TemplateDocx.render_properties).
_CORE_TEMPLATES = ("dc:creator", "dc:description", "dc:identifier", "dc:language", "dc:subject", "dc:title")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_T = _W + "p", _W + "t"


class _Refused(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def check(data: bytes, file: str) -> None:
    """Raise InputError naming the template file and the part if the template is not safe to open."""
    try:
        _check(data)
    except _Refused as e:
        raise InputError(Diagnostic(file, None, "", e.message, e.hint)) from e


def _check(data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(f"the Word template is {len(data)} bytes; the limit is {MAX_FILE_BYTES}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise _Refused(f"not a Word file: the zip cannot be read ({e})",
                       "save the template again from Word as .docx") from e
    with archive:
        members = _members(archive)
        parts = _read(archive, members)
    xml = {name: _parse(name, blob) for name, blob in parts.items() if name.endswith((".xml", ".rels", ".vml"))}
    main = _main_part(xml)
    _check_relationships(xml, parts)
    _check_main(main, xml, parts)
    for name in _rendered_parts(main, xml):
        _check_paragraphs(name, xml[name])
        _check_jinja(name, etree.tostring(xml[name], encoding="unicode"))  # as docxtpl sees it, any encoding
    if "docProps/core.xml" in xml:
        for tag in _CORE_TEMPLATES:
            for element in xml["docProps/core.xml"].findall(tag, _CORE_NS):
                if element.text:
                    _check_jinja(f"docProps/core.xml ({tag})", element.text)


def _members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _Refused(f"the Word template has {len(members)} zip members; the limit is {MAX_MEMBERS}")
    duplicates = sorted(name for name, n in Counter(m.filename for m in members).items() if n > 1)
    if duplicates:
        raise _Refused(f"duplicate zip member name {duplicates[0]!r}",
                       "two members with one name can be read differently by different programs")
    total = 0
    for m in members:
        name = m.filename
        if name.startswith("/") or re.match(r"[A-Za-z]:", name) or "\\" in name or "\x00" in name \
                or ".." in name.split("/"):
            raise _Refused(f"unsafe zip member name {name!r}", "member names are relative paths without '..'")
        if m.flag_bits & 0x1:
            raise _Refused(f"zip member {name!r} is encrypted")
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Refused(f"zip member {name!r} uses an unsupported compression method ({m.compress_type})")
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise _Refused(f"zip member {name!r} inflates {m.file_size // max(m.compress_size, 1)} times "
                           f"(to {m.file_size} bytes); the limit is {MAX_RATIO} times above {RATIO_FLOOR} bytes",
                           "this looks like a zip bomb")
        total += m.file_size
    if total > MAX_TOTAL_BYTES:
        raise _Refused(f"the Word template inflates to {total} bytes; the limit is {MAX_TOTAL_BYTES}")
    return members


def _read(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> dict[str, bytes]:
    """Every member, read in chunks with the caps applied to what actually comes out."""
    parts: dict[str, bytes] = {}
    total = 0
    for m in members:
        if m.is_dir():
            continue
        chunks = []
        try:
            with archive.open(m) as handle:
                while chunk := handle.read(65536):
                    total += len(chunk)
                    if total > MAX_TOTAL_BYTES:
                        raise _Refused(f"the Word template inflates to more than {MAX_TOTAL_BYTES} bytes")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as e:
            raise _Refused(f"zip member {m.filename!r} cannot be read ({e})",
                           "the file is damaged or truncated; save it again from Word") from e
        parts[m.filename] = b"".join(chunks)
    return parts


def _parse(name: str, blob: bytes) -> etree._Element:
    if b"<!DOCTYPE" in blob:
        raise _Refused(f"DOCTYPE not allowed in {name}",
                       "Word never writes one; a DOCTYPE can declare entities that read files or expand without end")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(blob, parser)
    except etree.XMLSyntaxError as e:
        raise _Refused(f"{name} is not well-formed XML (line {e.lineno}): {e.msg}",
                       "save the template again from Word") from e
    if root.getroottree().docinfo.doctype:
        raise _Refused(f"DOCTYPE not allowed in {name}",
                       "Word never writes one; a DOCTYPE can declare entities that read files or expand without end")
    return root


def _main_part(xml: dict[str, etree._Element]) -> str:
    for required in ("[Content_Types].xml", "_rels/.rels"):
        if required not in xml:
            raise _Refused(f"not a Word file: {required} is missing", "save the template again from Word as .docx")
    for rel in xml["_rels/.rels"].iter(f"{{{_PKG_REL}}}Relationship"):
        if rel.get("Type") == _OFFICE_DOCUMENT:
            return _resolve("", rel.get("Target", ""))
    raise _Refused("not a Word file: _rels/.rels names no main document part")


def _resolve(source_dir: str, target: str) -> str:
    path = target[1:] if target.startswith("/") else posixpath.join(source_dir, target)
    return posixpath.normpath(path)


def _check_relationships(xml: dict[str, etree._Element], parts: dict[str, bytes]) -> None:
    for name, root in sorted(xml.items()):
        if not name.endswith(".rels"):
            continue
        # word/_rels/document.xml.rels describes word/document.xml: targets are relative to word/.
        source_dir = posixpath.dirname(posixpath.dirname(name))
        for rel in root.iter(f"{{{_PKG_REL}}}Relationship"):
            rel_id, kind, target = rel.get("Id", "?"), rel.get("Type", "").rsplit("/", 1)[-1], rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                if kind == "hyperlink" and re.match(r"(https?|mailto):", target, re.IGNORECASE):
                    continue
                raise _Refused(f"external relationship in {name}: {rel_id} ({kind}) -> {target}",
                               "Word would fetch it when the document opens; remove the link "
                               "(only http(s) and mailto hyperlinks may point outside)")
            resolved = _resolve(source_dir, unquote(target))
            if resolved.startswith("..") or resolved not in parts:
                raise _Refused(f"relationship in {name}: {rel_id} ({kind}) points to {target!r}, "
                               "which is not in the template", "save the template again from Word")


def _check_main(main: str, xml: dict[str, etree._Element], parts: dict[str, bytes]) -> None:
    if main not in xml:
        raise _Refused(f"not a Word file: the main part {main} is missing")
    types = xml["[Content_Types].xml"]
    content_type = next((o.get("ContentType") for o in types.iter(f"{{{_CT_NS}}}Override")
                         if o.get("PartName", "").lstrip("/") == main), None)
    if content_type != _WORD_MAIN:
        raise _Refused(f"not a Word document (.docx): {main} has content type {content_type}",
                       "macro-enabled documents (.docm) and templates (.dotx) are not used; save as .docx")
    if any(name.lower().endswith("vbaproject.bin") for name in parts):
        raise _Refused("the Word template contains macros (vbaProject.bin)", "save it as .docx without macros")


def _rendered_parts(main: str, xml: dict[str, etree._Element]) -> list[str]:
    """The main part and the headers, footers and footnotes it relates to: what docxtpl renders."""
    rels = posixpath.join(posixpath.dirname(main), "_rels", posixpath.basename(main) + ".rels")
    found = [main]
    if rels in xml:
        for rel in xml[rels].iter(f"{{{_PKG_REL}}}Relationship"):
            if rel.get("Type") in _RENDERED_RELS and rel.get("TargetMode") != "External":
                found.append(_resolve(posixpath.dirname(main), rel.get("Target", "")))
    return sorted(set(found), key=found.index)


def _check_paragraphs(part: str, root: etree._Element) -> None:
    """Before docxtpl joins the runs: each tag opens and closes in one paragraph, and a paragraph
    tag ({%p %}, {%tr %}, {%tc %}, {{p }}) stands alone, since docxtpl replaces its whole
    paragraph and would silently drop anything else in it."""
    for paragraph in root.iter(_W_P):
        text = "".join(node.text or "" for node in paragraph.iter(_W_T)
                       if next(node.iterancestors(_W_P), None) is paragraph)
        rest = TEMPLATE_TAG.sub("", text)
        if template_residue(rest):
            raise _Refused(f"a Jinja tag in {part} is not closed inside its paragraph: {_short(text)!r}",
                           "keep each {{ }} and {% %} tag inside one paragraph; check for a missing brace")
        for tag in TEMPLATE_TAG.finditer(text):
            if re.match(r"\{[{%](p|tr|tc)\s", tag.group(0)) and text.strip() != tag.group(0):
                raise _Refused(f"a paragraph tag in {part} is not alone in its paragraph: {_short(text)!r}",
                               "docxtpl replaces the whole paragraph of a {%p %}, {%tr %}, {%tc %} or {{p }} tag; "
                               "put it in a paragraph of its own")


def _check_jinja(part: str, text: str) -> None:
    """The part as docxtpl will render it: tags joined across runs, then parsed by the sandbox."""
    source = DocxTemplate(io.BytesIO()).patch_xml(text) if text.lstrip().startswith("<") else text
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)  # one line per paragraph, as docxtpl renders
    env = environment("docx")
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as e:
        raise _Refused(f"template syntax in {part}: {e.message}", f"near: {_near(source, e.lineno or 1)}") from e
    except (RecursionError, ValueError) as e:
        raise _Refused(f"template in {part} cannot be read: {e}") from e
    problems = forbidden_constructs(ast)
    if problems:
        line, message = problems[0]
        raise _Refused(f"unsafe template construct in {part}: {message}", f"near: {_near(source, line)}")
    unknown = sorted(meta.find_undeclared_variables(ast) - set(WORD_TEMPLATE_FIELDS) - {"range"})
    for node in ast.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name):
            keys = WORD_TEMPLATE_FIELDS.get(node.node.name)
            if keys is not None and node.attr not in keys:
                unknown.append(f"{node.node.name}.{node.attr}")
    if unknown:
        raise _Refused(f"{part} uses {', '.join('{{ ' + u + ' }}' for u in unknown)}, which a Word template "
                       "is not given", "available: " + ", ".join(
                           f"{k}.{a}" for k, attrs in WORD_TEMPLATE_FIELDS.items() for a in sorted(attrs or ()))
                       + ", marking, body (with {{p body }})")
    try:
        env.compile(source)
    except (TemplateSyntaxError, SyntaxError, RecursionError) as e:
        raise _Refused(f"template in {part} is nested too deeply: {e}") from e


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 100 else text[:97] + "..."


def _near(source: str, line: int) -> str:
    lines = source.split("\n")
    text = " ".join(re.sub(r"<[^>]+>", "", x) for x in lines[max(line - 2, 0): line + 1])
    return " ".join(html.unescape(text).split())[:120]
