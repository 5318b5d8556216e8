"""Signature blocks: one column per signatory, with room to sign and lines for name, title, date.

Every writer lays the block out from `grid()`, so the formats agree: a first row naming the party,
a second its name, then a tall row to sign in and a row each for the name in capitals, the title
and the date and place, each ending in a line. The block is never split across pages and is not
a numbered clause. The DOCX is written here as WordprocessingML in the template's `Signature`
paragraph style and `Signature Table` table style, so a house template restyles both.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

FIELDS = ("Signature", "Name", "Title", "Date and place")
SIGN_HEIGHT = 1134  # twips: 2 cm of room to sign
LINE_HEIGHT = 567  # twips: 1 cm for each written line
GAP = 567  # twips between two signatories' columns
PER_ROW = 2  # signatories side by side


def grid(signatories: Sequence[tuple[str, str]]) -> list[list[tuple[str, tuple[str, ...]]]]:
    """The block as rows of (kind, cells), in groups of two signatories: the party, its name, then
    for each field a row of room to write ending in a line ("line") and the field's caption under
    it ("caption"). A name left empty (a supplier not yet chosen) stays blank, to fill in."""
    groups = []
    for start in range(0, len(signatories), PER_ROW):
        group = signatories[start:start + PER_ROW]
        rows = [("party", tuple(party for party, _ in group)), ("name", tuple(name for _, name in group))]
        for field in FIELDS:
            rows += [("line", tuple("" for _ in group)), ("caption", tuple(field for _ in group))]
        groups.append(rows)
    return groups


def markdown(signatories: Sequence[tuple[str, str]], escape: Callable[[str], str]) -> str:
    """A plain list per signatory; dotted lines to write on."""
    out = []
    for party, name in signatories:
        lines = [f"**{escape(party)}**" + (f": {escape(name)}" if name else "")]
        lines += [f"{field}: ........................................" for field in FIELDS]
        out.append("  \n".join(lines))
    return "\n\n".join(out)


def docx_xml(signatories: Sequence[tuple[str, str]], style_ids: dict[str, str], text_width: int) -> str:
    """The block as Word tables (one per pair of signatories); `text_width` in twips."""
    # A house template made before signature blocks may lack their styles: body text and no table style.
    paragraph_style = html.escape(style_ids.get("Signature", style_ids["Body Text"]))
    table_style = html.escape(style_ids["Signature Table"]) if "Signature Table" in style_ids else ""
    column = (text_width - GAP) // 2
    widths = (column, GAP, column)
    out = []
    for group, rows in enumerate(grid(signatories)):
        if group:  # two tables side by side in the XML would merge into one
            out.append(f'<w:p><w:pPr><w:pStyle w:val="{paragraph_style}"/></w:pPr></w:p>')
        style = f'<w:tblStyle w:val="{table_style}"/>' if table_style else ""
        out.append(f'<w:tbl><w:tblPr>{style}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
                   '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" '
                   'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>'
                   + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>")
        for index, (kind, row) in enumerate(rows):
            height = (SIGN_HEIGHT if index == 2 else LINE_HEIGHT) if kind == "line" else 0
            out.append("<w:tr><w:trPr><w:cantSplit/>"
                       + (f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>' if height else "") + "</w:trPr>")
            cells = list(row) + [""] * (2 - len(row))
            for position, (value, width) in enumerate(zip((cells[0], "", cells[1]), widths, strict=True)):
                line = kind == "line" and position != 1 and position // 2 < len(row)
                borders = ('<w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
                           "</w:tcBorders>") if line else ""
                props = f'<w:tcW w:w="{width}" w:type="dxa"/>{borders}'
                look = {"party": "<w:b/>", "caption": '<w:color w:val="595959"/><w:sz w:val="18"/>'}.get(kind, "")
                run = (f'<w:r>{f"<w:rPr>{look}</w:rPr>" if look else ""}'
                       f'<w:t xml:space="preserve">{html.escape(value, quote=False)}</w:t></w:r>') if value else ""
                out.append(f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{paragraph_style}"/>'
                           f"</w:pPr>{run}</w:p></w:tc>")
            out.append("</w:tr>")
        out.append("</w:tbl>")
    return "".join(out)
