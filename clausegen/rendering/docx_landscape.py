"""Landscape sections in a DOCX: a run of wide tables on landscape pages, the rest portrait.

In WordprocessingML a section's page setup sits in the paragraph that ends it. So a landscape
run is closed before it by a paragraph carrying the template's own page setup (ending the
portrait section) and after it by one carrying the same setup turned to landscape; the body's
last section keeps the template's setup. Headers and footers are the template's in every section.
"""

from __future__ import annotations

import copy
from typing import Any

from docx.oxml.ns import qn
from lxml import etree


def prepare(body_sect_pr: Any) -> None:
    """The template's final section, after a landscape run: no title page of its own and no page
    number restart, which belong to the first section only."""
    for tag in ("w:titlePg",):
        for element in body_sect_pr.findall(qn(tag)):
            body_sect_pr.remove(element)
    for numbering in body_sect_pr.findall(qn("w:pgNumType")):
        numbering.attrib.pop(qn("w:start"), None)


def section_break(template_sect_pr: Any, landscape: bool, first: bool) -> str:
    """A paragraph ending a section with the template's page setup, turned to landscape if asked.
    `first`: it ends the document's first section, which keeps the title page and numbering start."""
    sect_pr = copy.deepcopy(template_sect_pr)
    if not first:
        prepare(sect_pr)
    size = sect_pr.find(qn("w:pgSz"))
    if size is not None:
        width, height = int(size.get(qn("w:w"), "11906")), int(size.get(qn("w:h"), "16838"))
        short, long = sorted((width, height))
        size.set(qn("w:w"), str(long if landscape else short))
        size.set(qn("w:h"), str(short if landscape else long))
        if landscape:
            size.set(qn("w:orient"), "landscape")
        else:
            size.attrib.pop(qn("w:orient"), None)
    xml = etree.tostring(sect_pr, encoding="unicode")
    return f'<w:p xmlns:w="{_W}"><w:pPr>{xml}</w:pPr></w:p>'


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
