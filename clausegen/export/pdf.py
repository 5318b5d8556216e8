"""Typst source to PDF, compiled in-process by the typst package.

System fonts are ignored so the PDF is the same on every machine: only the fonts typst embeds
are used. The document date is fixed by the template (`date: none`).
"""

from __future__ import annotations

import tempfile
import typst

from clausegen.errors import Diagnostic, ExportError


def compile_pdf(source: str, label: str) -> bytes:
    # An empty root folder: the document cannot read any file, not even its neighbours.
    with tempfile.TemporaryDirectory(prefix="clausegen-typst-") as root:
        try:
            return typst.compile(source.encode("utf-8"), root=root, ignore_system_fonts=True, font_paths=[])
        except typst.TypstError as e:
            raise ExportError(Diagnostic(label, None, "", f"typst could not compile the PDF: {e}")) from e
