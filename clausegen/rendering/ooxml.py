"""What the DOCX and XLSX writers share: the document properties and a reproducible zip.

Both formats are Office Open XML packages. Their core properties (author, subject, status ...) are
chosen here from the document, and their custom properties (clausegen.*: the inputs' hash, the
document date ...) are written here, in one form, so a document's .docx and .xlsx say the same;
both packages are re-zipped with fixed timestamps and attributes so the same document gives the
same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from html import escape

from clausegen.models.document import Document

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one property set custom properties belong to
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def core_properties(document: Document) -> dict[str, str | int]:
    """The core properties of a document's package, by their python-docx / openpyxl names (the
    names openpyxl gives in _XLSX_NAMES)."""
    values: dict[str, str | int] = {
        "title": document.title, "subject": document.profile_title, "author": document.client,
        "keywords": document.marking, "comments": document.reference, "last_modified_by": "clausegen",
        "revision": document.revision, "language": document.language}
    if document.status:
        values["content_status"] = document.status.capitalize()  # Draft | Final
        values["version"] = document.control
    return values


def custom_properties(document: Document, custom: Mapping[str, str]) -> dict[str, str]:
    """The clausegen.* custom properties: the build's, and the document's date if it has one."""
    values = dict(custom)
    if document.date:
        values["clausegen.document_date"] = document.date
    return values


def custom_properties_xml(values: Mapping[str, str]) -> bytes:
    """docProps/custom.xml holding `values` as text properties, sorted by name."""
    props = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value, quote=False)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(values.items()), start=2))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{props}</Properties>').encode()


def normalise_zip(data: bytes, replace: Mapping[str, bytes] | None = None) -> bytes:
    """The package with fixed timestamps and attributes; members named in `replace` get those bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 0
            dst.writestr(fixed, (replace or {}).get(info.filename) or src.read(info.filename))
    return out.getvalue()
