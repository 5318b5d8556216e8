"""A Document to DOCX through a docxtpl Word template.

The template owns the look (styles, letterhead, header and footer); the body is built here as
real Word paragraphs in the template's own named styles and inserted with `{{p body }}`. The
template's Jinja runs in the sandboxed environment with XML autoescape on.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import docx.oxml.ns
import docxcompose.utils  # noqa: F401  (imported by docxtpl's subdocuments; see below)
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SecurityError

from clausegen.errors import Diagnostic, InputError, RenderError
from clausegen.models.document import Document
from clausegen.rendering.docx_body import Writer, XmlWriter
from clausegen.rendering.docx_sections import turn_headers
from clausegen.rendering.environment import TEMPLATE_FAULTS, environment
from clausegen.rendering.ooxml import (
    CUSTOM_CT,
    CUSTOM_PART,
    core_properties,
    custom_properties,
    custom_properties_xml,
    normalise_zip,
)

# docxcompose rebinds python-docx's "cp" prefix to the custom-properties namespace on import,
# which makes python-docx write core properties (keywords, revision...) into the wrong namespace.
docx.oxml.ns.nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"



@dataclass(frozen=True)
class Properties:
    """Core and custom document properties. `created` is an ISO timestamp fixed by the caller."""

    created: str
    custom: dict[str, str]


class _Template(DocxTemplate):
    """docxtpl, with the work that depends only on the Word template done once per process rather
    than once per document: cleaning a part's XML for Jinja (patch_xml) and compiling it. The
    template bytes are the same for every document of a build and of a batch."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)

    def resolve_listing(self, xml: str) -> str:
        # docxtpl turns tabs, newlines and \a \f inside text runs into Word breaks; without any of
        # them anywhere its three nested regular expressions change nothing.
        return super().resolve_listing(xml) if _LISTING.search(xml) else xml


_LISTING = re.compile("[\t\n\a\f]")


@functools.lru_cache(maxsize=32)
def _patched(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)  # it does not use self


class _CachingEnvironment:
    """The sandboxed docx environment, with each part's compiled Jinja kept: a compiled template
    holds no state of a render (each render gets its own budget, environment._Template)."""

    def __init__(self, env: Any) -> None:
        self._env = env
        self.from_string = functools.lru_cache(maxsize=64)(env.from_string)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._env, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("_env", "from_string"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._env, name, value)  # docxtpl sets autoescape, already True


@functools.cache
def _docx_environment() -> _CachingEnvironment:
    return _CachingEnvironment(environment("docx"))


REQUIRED_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Body Text", "List Bullet", "List Bullet 2",
                   "List Number", "List Number 2", "Note", "Table Text", "Table Heading", "Clause Table")


def build(document: Document, template_bytes: bytes, template_name: str, properties: Properties,
          write_body: Callable[[Any], None] | None = None) -> bytes:
    """The DOCX of `document`. `write_body`, if given, writes the body instead of the document's
    sections; it gets the body writer (headings, tables, `.body` for raw paragraphs)."""
    tpl = _Template(io.BytesIO(template_bytes))
    tpl.render_init()
    names = {style.name for style in tpl.docx.styles}
    missing = [name for name in REQUIRED_STYLES if name not in names]
    if missing:
        raise InputError(Diagnostic(template_name, None, "styles", f"the Word template lacks the styles {', '.join(missing)}",
                                    "copy them from the shipped base.docx (see docs/templates.md)"))
    if write_body is None:
        body: Any = XmlWriter(tpl)
        body.document(document)
    else:
        body = tpl.new_subdoc()
        write_body(Writer(tpl, body))
    context = {
        "document": {"id": document.document_id, "title": document.title, "subtitle": document.subtitle,
                     "status": document.status, "revision": document.revision, "date": document.date,
                     "control": document.control, "footer": document.footer, "reference": document.reference},
        "marking": document.marking,
        "client": {"name": document.client},
        "supplier": None if document.supplier is None else {"name": document.supplier},
        "profile": {"title": document.profile_title},
        "library": {"name": document.library_name, "version": document.library_version},
        "body": body,
    }
    try:
        tpl.render(context, jinja_env=_docx_environment(), autoescape=True)  # each part in its own budget
    except TEMPLATE_FAULTS as e:
        raise RenderError(Diagnostic(template_name, None, _part_name(tpl), f"Word template: {type(e).__name__}: {e}")) from e
    except SecurityError as e:
        raise RenderError(Diagnostic(template_name, None, _part_name(tpl), f"unsafe template construct: {e}")) from e
    except TemplateError as e:
        near = " ".join(t.strip() for t in getattr(e, "docx_context", []) if t.strip())[:120]
        raise RenderError(Diagnostic(template_name, None, _part_name(tpl), f"Word template: {e}",
                                     f"near: {near}" if near else "check the Jinja tags in the template")) from e
    docx = tpl.docx  # not get_docx(): after render that reloads the unrendered template
    turn_headers(docx)
    _set_properties(docx, document, properties)
    buffer = io.BytesIO()
    docx.save(buffer)
    return normalise_zip(buffer.getvalue())


def _set_properties(docx: Any, document: Document, properties: Properties) -> None:
    """Core properties from the document; custom ones (clausegen.*) from `properties`."""
    core = docx.core_properties
    for name, value in core_properties(document).items():
        setattr(core, name, value)
    stamp = datetime.fromisoformat(properties.created)
    core.created = stamp
    core.modified = stamp
    _drop_empty_core_properties(core)
    _set_custom_properties(docx, custom_properties(document, properties.custom))


def _part_name(tpl: DocxTemplate) -> str:
    """The part docxtpl was rendering when it failed, e.g. word/header1.xml (core properties: docProps/core.xml)."""
    part = getattr(tpl, "current_rendering_part", None)
    return str(part.partname).lstrip("/") if part is not None else "docProps/core.xml"


def _drop_empty_core_properties(core: Any) -> None:
    """docxtpl renders every core property, writing the ones it has no value for as empty
    elements (<dc:identifier/>); an empty property says nothing, so it is left out."""
    element = core._element
    for child in list(element):
        if not (child.text or "").strip() and len(child) == 0:
            element.remove(child)


def _set_custom_properties(document: Any, values: dict[str, str]) -> None:
    """docProps/custom.xml, replacing any the template had."""
    xml = custom_properties_xml(values)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[rel_id]
    part = Part(PackURI("/" + CUSTOM_PART), CUSTOM_CT, xml, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)
