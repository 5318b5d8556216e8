#!/usr/bin/env python3
"""Generate clausegen's default Word template: clausegen/templates/default/base.docx.

    python scripts/make_docx_template.py [--output PATH] [--check]

The package is written from scratch (every part below and nothing else: no thumbnail,
no custom XML, no web settings), checked with lxml for well-formedness, zipped in a fixed order
with fixed timestamps (1980-01-01) and fixed core properties, and finally re-opened with
python-docx to check that every style the engine uses exists. Two runs give identical bytes.

Jinja (docxtpl) tags used by the template
-----------------------------------------
  document.xml : {{ document.title }} (Title), {{ document.subtitle }} (Subtitle),
                 {{p body }} (alone in its own paragraph; replaced by the body Subdoc)
  header1.xml  : {{ marking }} (centred, Marking Line)
                 {{ document.title }} <right tab> DRAFT when document.status is draft
                 {%p if document.status == "draft" %} DRAFT watermark (VML, behind the text) {%p endif %}
  footer1.xml  : {{ document.footer }} <right tab> Page PAGE of NUMPAGES
                 {{ marking }} (centred, Marking Line)

Style names (exactly as python-docx / the engine use them)
----------------------------------------------------------
  paragraph : Normal, Title, Subtitle, Heading 1, Heading 2, Heading 3, Body Text,
              List Bullet, List Bullet 2, List Number, List Number 2, Table Text,
              Table Heading, Signature, Note, Header, Footer, Marking Line
  character : Default Paragraph Font, Marking (the classification marking in the header)
  table     : Normal Table (default), Clause Table, Signature Table
  numbering : No List
  (Word stores "Heading N" as w:name "heading N", "Header"/"Footer" as "header"/"footer";
  python-docx translates these names, so style="Heading 1" works.)

Numbering ids (word/numbering.xml)
----------------------------------
  abstractNumId 1, w:name "clausegen Headings",    numId 1: Heading 1/2/3 -> "1", "1.1", "1.1.1"
  abstractNumId 2, w:name "clausegen List Bullet", numId 2: List Bullet (ilvl 0), List Bullet 2 (ilvl 1)
  abstractNumId 3, w:name "clausegen List Number", numId 3: List Number (ilvl 0) "1.",
                                                            List Number 2 (ilvl 1) "a)"
  To restart a numbered list, append (after the existing w:num elements)
      <w:num w:numId="N"><w:abstractNumId w:val="3"/>
        <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  with a fresh N (> 3), and give every paragraph of that list a direct
  <w:numPr><w:ilvl w:val="0|1"/><w:numId w:val="N"/></w:numPr> (keep its List Number style).
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "clausegen" / "templates" / "default" / "base.docx"

# --------------------------------------------------------------------------------------
# Design constants (twips = 1/20 pt; half-points for font sizes)
# --------------------------------------------------------------------------------------
# The shipped typeface (clausegen/fonts), named through the theme fonts. Word without Carlito uses
# the font table's alternative name, Calibri, whose metrics are the same.
FONT = "Carlito"
FONT_ALT = "Calibri"
CALIBRI_PANOSE = "020F0502020204030204"
BODY_SIZE = 21  # 10.5 pt
ACCENT = "1F3864"  # dark navy for titles and headings
MUTED = "595959"
RULE = "A6A6A6"
HEAD_FILL = "DFE6F1"
BAND_FILL = "F6F8FB"
MARKING = "9C1C1C"

PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_X = 1418, 1304, 1304  # 2.5 cm, 2.3 cm, 2.3 cm
HEADER_DIST, FOOTER_DIST = 709, 567  # 1.25 cm, 1.0 cm
TEXT_W = PAGE_W - 2 * MARGIN_X  # 9298 twips: right tab stop of header/footer

HEADING_INDENT = 680  # 1.2 cm hanging indent for "1", "1.1", "1.1.1"
BULLET_STEP = 357  # 0.63 cm per bullet level
NUMBER_STEP = 425  # 0.75 cm per number level

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W = f'xmlns:w="{W_NS}"'
WR = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WML_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
COMPAT_URI = "http://schemas.microsoft.com/office/word"
FIXED_DATE = "2026-01-01T00:00:00Z"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def xml(text: str) -> bytes:
    """Parse (so lxml checks well-formedness) and serialise with an XML declaration."""
    root = etree.fromstring(text.strip().encode("utf-8"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# --------------------------------------------------------------------------------------
# Small XML builders (element order follows the WordprocessingML schema)
# --------------------------------------------------------------------------------------
def fonts(name: str = FONT, theme: str | None = None) -> str:
    """Explicit font names, plus theme references ("minor"/"major") so that changing
    the theme fonts in Word (Design > Fonts) restyles the document."""
    attrs = f'w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"'
    if theme:
        attrs += (f' w:asciiTheme="{theme}HAnsi" w:eastAsiaTheme="{theme}HAnsi"'
                  f' w:hAnsiTheme="{theme}HAnsi"')
    return f"<w:rFonts {attrs}/>"


def rpr(*, font: str | None = None, theme: str | None = None, bold=False, italic=False, caps=False, color=None,
        spacing=None, kern=None, size=None) -> str:
    parts = []
    if font:
        parts.append(fonts(font, theme))
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if caps:
        parts.append("<w:caps/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if spacing is not None:
        parts.append(f'<w:spacing w:val="{spacing}"/>')
    if kern is not None:
        parts.append(f'<w:kern w:val="{kern}"/>')
    if size is not None:
        parts.append(f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>')
    return f"<w:rPr>{''.join(parts)}</w:rPr>" if parts else ""


def border(side: str, size: int, color: str, space: int = 0) -> str:
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="{color}"/>'


def ppr(*, keep_next=False, keep_lines=False, widow=False, num=None, bdr="", tabs="",
        before=None, after=None, line=None, ind="", contextual=False, jc=None,
        outline=None, no_hyphens=False) -> str:
    parts = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if widow:
        parts.append("<w:widowControl/>")
    if num is not None:
        ilvl, num_id = num
        lvl = f'<w:ilvl w:val="{ilvl}"/>' if ilvl else ""
        parts.append(f'<w:numPr>{lvl}<w:numId w:val="{num_id}"/></w:numPr>')
    if bdr:
        parts.append(f"<w:pBdr>{bdr}</w:pBdr>")
    if tabs:
        parts.append(f"<w:tabs>{tabs}</w:tabs>")
    if no_hyphens:
        parts.append("<w:suppressAutoHyphens/>")
    if before is not None or after is not None or line is not None:
        attrs = ""
        if before is not None:
            attrs += f' w:before="{before}"'
        if after is not None:
            attrs += f' w:after="{after}"'
        if line is not None:
            attrs += f' w:line="{line}" w:lineRule="auto"'
        parts.append(f"<w:spacing{attrs}/>")
    if ind:
        parts.append(ind)
    if contextual:
        parts.append("<w:contextualSpacing/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return f"<w:pPr>{''.join(parts)}</w:pPr>" if parts else ""


def pstyle(style_id: str, name: str, *, based_on="Normal", next_=None, link=None,
           priority=None, q_format=True, unhide=False, default=False, custom=False,
           p="", r="") -> str:
    flags = ' w:default="1"' if default else ""
    flags += ' w:customStyle="1"' if custom else ""
    head = f'<w:style w:type="paragraph"{flags} w:styleId="{style_id}">'
    body = f'<w:name w:val="{name}"/>'
    if based_on:
        body += f'<w:basedOn w:val="{based_on}"/>'
    if next_:
        body += f'<w:next w:val="{next_}"/>'
    if link:
        body += f'<w:link w:val="{link}"/>'
    if priority is not None:
        body += f'<w:uiPriority w:val="{priority}"/>'
    if unhide:
        body += "<w:unhideWhenUsed/>"
    if q_format:
        body += "<w:qFormat/>"
    return head + body + p + r + "</w:style>"


# --------------------------------------------------------------------------------------
# word/styles.xml
# --------------------------------------------------------------------------------------
def styles_xml() -> bytes:
    right_tab = f'<w:tab w:val="right" w:pos="{TEXT_W}"/>'
    s = []
    # Normal
    s.append(pstyle("Normal", "Normal", based_on=None, default=True,
                    p=ppr(widow=True)))
    # Title / Subtitle
    s.append(pstyle("Title", "Title", next_="Subtitle", priority=10,
                    p=ppr(keep_next=True, keep_lines=True, before=0, after=120, line=240,
                          contextual=True),
                    r=rpr(font=FONT, theme="major", bold=True, color=ACCENT, kern=28,
                          size=48)))
    s.append(pstyle("Subtitle", "Subtitle", next_="BodyText", priority=11,
                    p=ppr(keep_next=True, keep_lines=True,
                          bdr=border("bottom", 8, ACCENT, 8), before=0, after=480, line=264),
                    r=rpr(color=MUTED, size=25)))
    # Headings, numbered through numId 1 (abstractNum 1)
    heading_specs = [
        # level, size, before, after
        (1, 28, 360, 120),
        (2, 24, 280, 100),
        (3, 22, 220, 80),
    ]
    for level, size, before, after in heading_specs:
        s.append(pstyle(f"Heading{level}", f"heading {level}", next_="BodyText", priority=9,
                        p=ppr(keep_next=True, keep_lines=True, num=(level - 1, 1),
                              before=before, after=after, line=240, outline=level - 1),
                        r=rpr(font=FONT, theme="major", bold=True, color=ACCENT, size=size)))
    # Body text
    s.append(pstyle("BodyText", "Body Text", priority=99, unhide=True,
                    p=ppr(before=0, after=120)))
    # Lists (indentation lives in numbering.xml)
    s.append(pstyle("ListBullet", "List Bullet", priority=99, unhide=True,
                    p=ppr(num=(0, 2), after=60)))
    s.append(pstyle("ListBullet2", "List Bullet 2", priority=99, unhide=True,
                    p=ppr(num=(1, 2), after=60)))
    s.append(pstyle("ListNumber", "List Number", priority=99, unhide=True,
                    p=ppr(num=(0, 3), after=60)))
    s.append(pstyle("ListNumber2", "List Number 2", priority=99, unhide=True,
                    p=ppr(num=(1, 3), after=60)))
    # Table cell text
    s.append(pstyle("TableText", "Table Text", next_="TableText", priority=20, custom=True,
                    p=ppr(before=20, after=20, line=240, no_hyphens=True),
                    r=rpr(size=18)))
    s.append(pstyle("TableHeading", "Table Heading", based_on="TableText",
                    next_="TableText", priority=20, custom=True,
                    p=ppr(keep_next=True),
                    r=rpr(bold=True, color=ACCENT)))
    # Signature (the text of a signature block's cells), Note
    s.append(pstyle("Signature", "Signature", priority=99, unhide=True,
                    p=ppr(keep_next=True, keep_lines=True, before=60, after=60)))
    # The classification marking, centred at the top and bottom of every page
    s.append(pstyle("MarkingLine", "Marking Line", priority=20, custom=True,
                    p=ppr(keep_lines=True, before=0, after=40, line=240, jc="center"),
                    r=rpr(bold=True, caps=True, color=MARKING, spacing=10, size=22)))
    s.append(pstyle("Note", "Note", next_="BodyText", priority=20, custom=True,
                    p=ppr(keep_lines=True, bdr=border("left", 12, RULE, 6), before=60,
                          after=120, line=240, ind='<w:ind w:left="170"/>'),
                    r=rpr(color=MUTED, size=18)))
    # Header / Footer
    s.append(pstyle("Header", "header", priority=99, unhide=True, q_format=False,
                    p=ppr(bdr=border("bottom", 4, "808080", 4), tabs=right_tab,
                          before=0, after=0, line=240),
                    r=rpr(color=MUTED, size=16)))
    s.append(pstyle("Footer", "footer", priority=99, unhide=True, q_format=False,
                    p=ppr(bdr=border("top", 4, "808080", 4), tabs=right_tab,
                          before=0, after=40, line=240),
                    r=rpr(color=MUTED, size=16)))
    # Character styles
    s.append('<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
             '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/>'
             "<w:semiHidden/><w:unhideWhenUsed/></w:style>")
    s.append('<w:style w:type="character" w:customStyle="1" w:styleId="Marking">'
             '<w:name w:val="Marking"/><w:basedOn w:val="DefaultParagraphFont"/>'
             '<w:uiPriority w:val="20"/><w:qFormat/>'
             + rpr(bold=True, color=MARKING, spacing=10) + "</w:style>")
    # Table styles
    s.append('<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
             '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>'
             "<w:unhideWhenUsed/><w:tblPr>"
             '<w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>'
             '<w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
             '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
             "</w:tblCellMar></w:tblPr></w:style>")
    thin = "".join(border(side, 4, RULE) for side in
                   ("top", "left", "bottom", "right", "insideH", "insideV"))
    s.append('<w:style w:type="table" w:customStyle="1" w:styleId="ClauseTable">'
             '<w:name w:val="Clause Table"/><w:basedOn w:val="TableNormal"/>'
             '<w:uiPriority w:val="59"/><w:qFormat/>'
             + ppr(before=20, after=20, line=240) + rpr(size=18)
             + '<w:tblPr><w:tblStyleRowBandSize w:val="1"/><w:tblStyleColBandSize w:val="1"/>'
             f"<w:tblBorders>{thin}</w:tblBorders>"
             '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
             '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
             "</w:tblPr>"
             '<w:trPr><w:cantSplit/></w:trPr>'
             '<w:tblStylePr w:type="firstRow">'
             + ppr(keep_next=True) + rpr(bold=True, color=ACCENT)
             + "<w:tblPr/><w:trPr><w:tblHeader/></w:trPr>"
             f'<w:tcPr><w:tcBorders>{border("bottom", 8, ACCENT)}</w:tcBorders>'
             f'<w:shd w:val="clear" w:color="auto" w:fill="{HEAD_FILL}"/></w:tcPr>'
             "</w:tblStylePr>"
             '<w:tblStylePr w:type="band2Horz"><w:tblPr/>'
             f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{BAND_FILL}"/></w:tcPr>'
             "</w:tblStylePr>"
             "</w:style>")
    # Signature blocks: no rules but the signature lines the engine draws; rows never split.
    s.append('<w:style w:type="table" w:customStyle="1" w:styleId="SignatureTable">'
             '<w:name w:val="Signature Table"/><w:basedOn w:val="TableNormal"/>'
             '<w:uiPriority w:val="59"/><w:qFormat/>'
             + ppr(keep_next=True, keep_lines=True, before=40, after=40, line=240)
             + '<w:tblPr><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
             '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="227" w:type="dxa"/></w:tblCellMar>'
             "</w:tblPr>"
             '<w:trPr><w:cantSplit/></w:trPr>'
             "</w:style>")
    s.append('<w:style w:type="numbering" w:default="1" w:styleId="NoList">'
             '<w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/>'
             "<w:unhideWhenUsed/></w:style>")

    doc_defaults = (
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        + fonts(FONT, "minor")
        + f'<w:sz w:val="{BODY_SIZE}"/><w:szCs w:val="{BODY_SIZE}"/>'
        '<w:lang w:val="en-GB" w:eastAsia="en-US" w:bidi="ar-SA"/>'
        "</w:rPr></w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    return xml(f"<w:styles {W}>{doc_defaults}{''.join(s)}</w:styles>")


# --------------------------------------------------------------------------------------
# word/numbering.xml
# --------------------------------------------------------------------------------------
def lvl(ilvl: int, fmt: str, text: str, left: int, hanging: int, style: str | None = None,
        rpr_xml: str = "") -> str:
    pst = f'<w:pStyle w:val="{style}"/>' if style else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pst}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>{rpr_xml}</w:lvl>')


def numbering_xml() -> bytes:
    # 1: headings "1", "1.1", "1.1.1" (deeper levels unlinked but defined, as Word expects 9)
    heading_levels = []
    for i in range(9):
        text = ".".join(f"%{k + 1}" for k in range(i + 1))
        style = f"Heading{i + 1}" if i < 3 else None
        indent = HEADING_INDENT if i < 3 else HEADING_INDENT + 340
        heading_levels.append(lvl(i, "decimal", text, indent, indent, style))
    headings = ('<w:abstractNum w:abstractNumId="1"><w:nsid w:val="3C1A0001"/>'
                '<w:multiLevelType w:val="multilevel"/><w:name w:val="clausegen Headings"/>'
                + "".join(heading_levels) + "</w:abstractNum>")

    # 2: bullets
    marks = ["\u2022", "\u2013", "\u25AA"]
    bullet_levels = []
    for i in range(9):
        style = {0: "ListBullet", 1: "ListBullet2"}.get(i)
        bullet_levels.append(lvl(i, "bullet", marks[i % 3], BULLET_STEP * (i + 1), BULLET_STEP,
                                 style, rpr(font=FONT)))
    bullets = ('<w:abstractNum w:abstractNumId="2"><w:nsid w:val="3C1A0002"/>'
               '<w:multiLevelType w:val="multilevel"/><w:name w:val="clausegen List Bullet"/>'
               + "".join(bullet_levels) + "</w:abstractNum>")

    # 3: numbers "1." / "a)" / "i)"
    fmts = [("decimal", "%{n}."), ("lowerLetter", "%{n})"), ("lowerRoman", "%{n})")]
    number_levels = []
    for i in range(9):
        fmt, pattern = fmts[i % 3]
        style = {0: "ListNumber", 1: "ListNumber2"}.get(i)
        number_levels.append(lvl(i, fmt, pattern.format(n=i + 1), NUMBER_STEP * (i + 1),
                                 NUMBER_STEP, style))
    numbers = ('<w:abstractNum w:abstractNumId="3"><w:nsid w:val="3C1A0003"/>'
               '<w:multiLevelType w:val="multilevel"/><w:name w:val="clausegen List Number"/>'
               + "".join(number_levels) + "</w:abstractNum>")

    nums = "".join(f'<w:num w:numId="{i}"><w:abstractNumId w:val="{i}"/></w:num>'
                   for i in (1, 2, 3))
    return xml(f"<w:numbering {W}>{headings}{bullets}{numbers}{nums}</w:numbering>")


# --------------------------------------------------------------------------------------
# word/document.xml, header, footer
# --------------------------------------------------------------------------------------
def run(text: str, rpr_xml: str = "") -> str:
    space = ' xml:space="preserve"' if text != text.strip() or "  " in text else ""
    return f"<w:r>{rpr_xml}<w:t{space}>{text}</w:t></w:r>"


def para(style: str, *runs: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{"".join(runs)}</w:p>'


def field(instr: str, cached: str = "1") -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f"<w:r><w:rPr><w:noProof/></w:rPr><w:t>{cached}</w:t></w:r>"
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


TAB = "<w:r><w:tab/></w:r>"


def document_xml() -> bytes:
    body = (
        para("Title", run("{{ document.title }}"))
        + para("Subtitle", run("{{ document.subtitle }}"))
        + para("BodyText", run("{{p body }}"))
        + '<w:sectPr><w:headerReference w:type="default" r:id="rId5"/>'
        '<w:footerReference w:type="default" r:id="rId6"/>'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_X}" w:bottom="{MARGIN_BOTTOM}" '
        f'w:left="{MARGIN_X}" w:header="{HEADER_DIST}" w:footer="{FOOTER_DIST}" w:gutter="0"/>'
        '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )
    return xml(f"<w:document {WR}><w:body>{body}</w:body></w:document>")


VML = ('xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
       'xmlns:w10="urn:schemas-microsoft-com:office:word"')


def watermark() -> str:
    """Word's own DRAFT watermark: WordArt text (VML) behind the text of every page, anchored in
    the header. A paragraph of its own, 1 pt high, so that it adds no visible line."""
    formulas = "".join(f'<v:f eqn="{eqn}"/>' for eqn in (
        "sum #0 0 10800", "prod #0 2 1", "sum 21600 0 @1", "sum 0 0 @2", "sum 21600 0 @3", "if @0 @3 0",
        "if @0 21600 @1", "if @0 0 @2", "if @0 @4 21600", "mid @5 @6", "mid @8 @5", "mid @7 @8", "mid @6 @7",
        "sum @6 0 @5"))
    shapetype = ('<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
                 'path="m@7,l@8,m@5,21600l@6,21600e">'
                 f"<v:formulas>{formulas}</v:formulas>"
                 '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
                 'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
                 '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
                 '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>')
    shape = ('<v:shape id="clausegenDraftWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
             'style="position:absolute;margin-left:0;margin-top:0;width:460pt;height:115pt;rotation:315;'
             "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
             'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
             f'fillcolor="#{MARKING}" stroked="f"><v:fill opacity="9830f"/>'
             f'<v:textpath style="font-family:&quot;{FONT}&quot;;font-size:1pt;font-weight:bold" string="DRAFT"/>'
             '<w10:wrap anchorx="margin" anchory="margin"/></v:shape>')
    return ('<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
            '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr>'
            f'<w:r><w:rPr><w:noProof/><w:sz w:val="2"/></w:rPr><w:pict>{shapetype}{shape}</w:pict></w:r></w:p>')


def header_xml() -> bytes:
    marking = '<w:rPr><w:rStyle w:val="Marking"/></w:rPr>'
    draft = '{% if document.status == "draft" %}DRAFT{% endif %}'
    p = (para("MarkingLine", run("{{ marking }}"))
         + para("Header", run("{{ document.title }}"), TAB, run(draft, marking))
         + para("Header", run('{%p if document.status == "draft" %}'))
         + watermark()
         + para("Header", run("{%p endif %}")))
    return xml(f"<w:hdr {WR} {VML}>{p}</w:hdr>")


def footer_xml() -> bytes:
    p = (para("Footer", run("{{ document.footer }}"), TAB, run("Page "), field("PAGE"), run(" of "),
              field("NUMPAGES"))
         + para("MarkingLine", run("{{ marking }}")))
    return xml(f"<w:ftr {WR}>{p}</w:ftr>")


# --------------------------------------------------------------------------------------
# settings, fonts, package plumbing
# --------------------------------------------------------------------------------------
def settings_xml() -> bytes:
    compat = "".join(
        f'<w:compatSetting w:name="{name}" w:uri="{COMPAT_URI}" w:val="{val}"/>'
        for name, val in (("compatibilityMode", 15),
                          ("overrideTableStyleFontSizeAndJustification", 1),
                          ("enableOpenTypeFeatures", 1),
                          ("doNotFlipMirrorIndents", 1),
                          ("differentiateMultirowTableHeaders", 1)))
    return xml(f'<w:settings {W}><w:zoom w:percent="100"/>'
               '<w:defaultTabStop w:val="709"/>'
               '<w:autoHyphenation w:val="false"/>'
               '<w:characterSpacingControl w:val="doNotCompress"/>'
               f"<w:compat>{compat}</w:compat>"
               '<w:themeFontLang w:val="en-GB"/>'
               '<w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2"'
               ' w:accent1="accent1" w:accent2="accent2" w:accent3="accent3"'
               ' w:accent4="accent4" w:accent5="accent5" w:accent6="accent6"'
               ' w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>'
               '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/></w:settings>')


def font_table_xml() -> bytes:
    """Carlito, with Calibri as its alternative name (w:altName: used where Carlito is not
    installed) and Calibri's classification, so a substitute has the same metrics or is close."""
    entries = (
        (FONT, FONT_ALT, CALIBRI_PANOSE, "swiss"),
        (FONT_ALT, "", CALIBRI_PANOSE, "swiss"),
        ("Times New Roman", "", "02020603050405020304", "roman"),
    )
    body = "".join(f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
                   + f'<w:panose1 w:val="{panose}"/>'
                   f'<w:charset w:val="00"/><w:family w:val="{family}"/>'
                   '<w:pitch w:val="variable"/></w:font>'
                   for name, alt, panose, family in entries)
    return xml(f"<w:fonts {W}>{body}</w:fonts>")


def theme_xml() -> bytes:
    """A small but complete DrawingML theme: colours and fonts matching the styles."""
    colours = (("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
               ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
               ("dk2", f'<a:srgbClr val="{ACCENT}"/>'),
               ("lt2", '<a:srgbClr val="E7E6E6"/>'),
               ("accent1", f'<a:srgbClr val="{ACCENT}"/>'),
               ("accent2", f'<a:srgbClr val="{MARKING}"/>'),
               ("accent3", '<a:srgbClr val="A5A5A5"/>'),
               ("accent4", '<a:srgbClr val="BF8F00"/>'),
               ("accent5", '<a:srgbClr val="4472C4"/>'),
               ("accent6", '<a:srgbClr val="70AD47"/>'),
               ("hlink", '<a:srgbClr val="0563C1"/>'),
               ("folHlink", '<a:srgbClr val="954F72"/>'))
    clr = "".join(f"<a:{name}>{value}</a:{name}>" for name, value in colours)
    font = f'<a:latin typeface="{FONT}" panose="{CALIBRI_PANOSE}"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = "".join(f'<a:ln w="{w}" cap="flat" cmpd="sng" algn="ctr">{fill}'
                   '<a:prstDash val="solid"/><a:miter lim="800000"/></a:ln>'
                   for w in (6350, 12700, 19050))
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
    return xml(
        '<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'name="clausegen"><a:themeElements>'
        f'<a:clrScheme name="clausegen">{clr}</a:clrScheme>'
        f'<a:fontScheme name="clausegen"><a:majorFont>{font}</a:majorFont>'
        f"<a:minorFont>{font}</a:minorFont></a:fontScheme>"
        f'<a:fmtScheme name="clausegen"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
        f"<a:lnStyleLst>{line}</a:lnStyleLst>"
        f"<a:effectStyleLst>{effect}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>"
        "</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>")


def content_types_xml() -> bytes:
    overrides = (
        ("/word/document.xml", f"{WML_CT}.document.main+xml"),
        ("/word/styles.xml", f"{WML_CT}.styles+xml"),
        ("/word/numbering.xml", f"{WML_CT}.numbering+xml"),
        ("/word/settings.xml", f"{WML_CT}.settings+xml"),
        ("/word/fontTable.xml", f"{WML_CT}.fontTable+xml"),
        ("/word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
        ("/word/header1.xml", f"{WML_CT}.header+xml"),
        ("/word/footer1.xml", f"{WML_CT}.footer+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml",
         "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    )
    body = ('<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{ct}"/>' for p, ct in overrides))
    return xml(f'<Types xmlns="{CT_NS}">{body}</Types>')


def rels_xml(rels) -> bytes:
    body = "".join(f'<Relationship Id="{rid}" Type="{typ}" Target="{target}"/>'
                   for rid, typ, target in rels)
    return xml(f'<Relationships xmlns="{PKG_REL_NS}">{body}</Relationships>')


def package_rels_xml() -> bytes:
    return rels_xml((
        ("rId1", f"{OFFICE_DOC}/officeDocument", "word/document.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                 "core-properties", "docProps/core.xml"),
        ("rId3", f"{OFFICE_DOC}/extended-properties", "docProps/app.xml"),
    ))


def document_rels_xml() -> bytes:
    return rels_xml((
        ("rId1", f"{OFFICE_DOC}/styles", "styles.xml"),
        ("rId2", f"{OFFICE_DOC}/numbering", "numbering.xml"),
        ("rId3", f"{OFFICE_DOC}/settings", "settings.xml"),
        ("rId4", f"{OFFICE_DOC}/fontTable", "fontTable.xml"),
        ("rId5", f"{OFFICE_DOC}/header", "header1.xml"),
        ("rId6", f"{OFFICE_DOC}/footer", "footer1.xml"),
        ("rId7", f"{OFFICE_DOC}/theme", "theme/theme1.xml"),
    ))


def core_xml() -> bytes:
    return xml(
        '<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>clausegen</dc:creator><cp:lastModifiedBy>clausegen</cp:lastModifiedBy>"
        "<cp:revision>1</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_DATE}</dcterms:modified>'
        "</cp:coreProperties>")


def app_xml() -> bytes:
    return xml(
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><Application>clausegen</Application><DocSecurity>0</DocSecurity>'
        "</Properties>")


def build() -> bytes:
    parts = (
        ("[Content_Types].xml", content_types_xml()),
        ("_rels/.rels", package_rels_xml()),
        ("docProps/app.xml", app_xml()),
        ("docProps/core.xml", core_xml()),
        ("word/_rels/document.xml.rels", document_rels_xml()),
        ("word/document.xml", document_xml()),
        ("word/styles.xml", styles_xml()),
        ("word/numbering.xml", numbering_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml()),
        ("word/header1.xml", header_xml()),
        ("word/footer1.xml", footer_xml()),
        ("word/theme/theme1.xml", theme_xml()),
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


REQUIRED = {
    "paragraph": ["Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3",
                  "Body Text", "List Bullet", "List Bullet 2", "List Number", "List Number 2",
                  "Table Text", "Table Heading", "Signature", "Note", "Header", "Footer", "Marking Line"],
    "table": ["Clause Table", "Signature Table"],
    "character": ["Marking"],
}


def check(data: bytes) -> None:
    """Re-open with python-docx and make sure every style the engine uses is there."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    kinds = {"paragraph": WD_STYLE_TYPE.PARAGRAPH, "table": WD_STYLE_TYPE.TABLE,
             "character": WD_STYLE_TYPE.CHARACTER}
    document = docx.Document(io.BytesIO(data))
    for kind, names in REQUIRED.items():
        for name in names:
            style = document.styles[name]  # KeyError if missing
            if style.type != kinds[kind]:
                raise SystemExit(f"style {name!r} is not a {kind} style")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if OUTPUT differs from what would be written")
    args = parser.parse_args(argv)
    data = build()
    check(data)
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"{args.output} is out of date: run scripts/make_docx_template.py")
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
