"""Landscape sections of a rendered DOCX get their own header and footer.

A Word header places "DRAFT" or "Page X of Y" at the right margin with a tab stop at a fixed
position: the portrait text width. A landscape section that shared the portrait header would show
them mid-page, so each landscape section refers to a copy whose tab stops at the portrait width
(right) and half of it (centre) are moved to the landscape width.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Twips

_VML_SHAPE = "{urn:schemas-microsoft-com:vml}shape"
_O_SPID = "{urn:schemas-microsoft-com:office:office}spid"
_SPID = re.compile(r"_x0000_s(\d+)")
_REFERENCES = (qn("w:headerReference"), qn("w:footerReference"))
_MOVED = {"right": (WD_TAB_ALIGNMENT.RIGHT, 1), "center": (WD_TAB_ALIGNMENT.CENTER, 2)}


def turn_headers(docx: Any) -> None:
    """Give every landscape section copies of its headers and footers, fitted to its width."""
    body = docx.element.body
    portrait = body.sectPr
    if portrait is None:
        return
    narrow = _text_width(portrait)
    copies: dict[tuple[str, int], str] = {}
    for sect in body.iter(qn("w:sectPr")):
        size = sect.find(qn("w:pgSz"))
        if size is None or size.get(qn("w:orient")) != "landscape":
            continue
        wide = _text_width(sect)
        for ref in sect:
            if ref.tag in _REFERENCES:
                key = (ref.get(qn("r:id")), wide)
                if key not in copies:
                    copies[key] = _copy_part(docx, key[0], narrow, wide)
                ref.set(qn("r:id"), copies[key])


def _text_width(sect: Any) -> int:
    size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    width = int(size.get(qn("w:w")))
    if margins is None:
        return width
    return width - int(margins.get(qn("w:left"), 0)) - int(margins.get(qn("w:right"), 0))


def _copy_part(docx: Any, rel_id: str, narrow: int, wide: int) -> str:
    """A copy of the header or footer part `rel_id` with its tab stops moved; its new id."""
    document_part = docx.part
    original = document_part.rels[rel_id].target_part  # the rendered part docxtpl put in its place
    reltype = document_part.rels[rel_id].reltype
    kind = "header" if "header" in str(original.partname) else "footer"
    partname = document_part.package.next_partname(f"/word/{kind}%d.xml")
    part = type(original)(partname, original.content_type, copy.deepcopy(original.element),
                          document_part.package)
    for old_id, rel in original.rels.items():  # pictures of a letterhead, say
        part.load_rel(rel.reltype, rel.target_ref if rel.is_external else rel.target_part, old_id, rel.is_external)
    for paragraph in part.element.iter(qn("w:p")):
        _move_tabs(paragraph, _style_tabs(docx, paragraph), narrow, wide)
    _rename_shapes(part.element, partname.idx)
    return document_part.relate_to(part, reltype)


def _rename_shapes(element: Any, index: int) -> None:
    """A drawn shape (the DRAFT watermark) gets ids of its own: Word expects them unique in the package."""
    for shape in element.iter(_VML_SHAPE):
        if shape.get("id"):
            shape.set("id", f"{shape.get('id')}{index}")
        spid = _SPID.fullmatch(shape.get(_O_SPID) or "")
        if spid:
            shape.set(_O_SPID, f"_x0000_s{int(spid.group(1)) + 1024 * index}")


def _style_tabs(docx: Any, paragraph: Any) -> list[tuple[str, int]]:
    """The tab stops a paragraph inherits from its style and the styles that style is based on."""
    style_id = paragraph.pPr.pStyle.val if paragraph.pPr is not None and paragraph.pPr.pStyle is not None else None
    styles, stops, seen = docx.styles.element, [], set()
    while style_id and style_id not in seen:
        seen.add(style_id)
        style = styles.get_by_id(style_id)
        if style is None:
            break
        ppr = style.pPr
        if ppr is not None and ppr.tabs is not None:
            stops += [(tab.get(qn("w:val")), int(tab.get(qn("w:pos")))) for tab in ppr.tabs]
        style_id = style.basedOn_val
    return stops


def _move_tabs(paragraph: Any, inherited: list[tuple[str, int]], narrow: int, wide: int) -> None:
    """Right tab stops at the narrow text width and centre ones at half of it go to the wide one's."""
    ppr = paragraph.pPr
    own = {int(tab.get(qn("w:pos"))): tab for tab in (ppr.tabs if ppr is not None and ppr.tabs is not None else [])}
    for val, pos in inherited + [(tab.get(qn("w:val")), pos) for pos, tab in own.items()]:
        if val not in _MOVED or pos != narrow // _MOVED[val][1]:
            continue
        align, divisor = _MOVED[val]
        tabs = paragraph.get_or_add_pPr().get_or_add_tabs()
        if pos in own:
            tabs.remove(own.pop(pos))
        tabs.insert_tab_in_order(Twips(pos), WD_TAB_ALIGNMENT.CLEAR, WD_TAB_LEADER.SPACES)
        tabs.insert_tab_in_order(Twips(wide // divisor), align, WD_TAB_LEADER.SPACES)
