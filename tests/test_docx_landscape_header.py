"""A landscape section of a DOCX has its own header and footer, with the right-hand text ("DRAFT",
"Page X of Y") at the landscape right margin rather than at the portrait one (review T4)."""

from __future__ import annotations

import io
import re
import zipfile

from clausegen.loading import DEFAULT_TEMPLATES
from clausegen.models.document import Document, Part, Section
from clausegen.models.tree import Paragraph, Table, Text
from clausegen.rendering import docx as docx_rendering


def package() -> dict[str, str]:
    wide = Table(("A", "B"), (("x", "y"),), (1, 1), landscape=True)
    parts = (Part("1.1", "Before", blocks=(Paragraph((Text("Before."),)),)), Part("1.2", "Wide", table=wide),
             Part("1.3", "After", blocks=(Paragraph((Text("After."),)),)))
    doc = Document("test", "Test document", "Sub", "INTERNAL", "Client", "Supplier", "Profile", "lib", "1.0.0",
                   (Section("1", "Section", parts),), status="draft")
    template = DEFAULT_TEMPLATES / "base.docx"
    data = docx_rendering.build(doc, template.read_bytes(), str(template),
                                docx_rendering.Properties("1980-01-01T00:00:00+00:00", {}))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name).decode() for name in z.namelist() if name.endswith((".xml", ".rels"))}


def test_landscape_section_refers_to_its_own_header_and_footer_with_the_tab_stop_at_its_width():
    parts = package()
    rels = dict(re.findall(r'Id="(rId\d+)" Type="[^"]*/(?:header|footer)" Target="([^"]+)"',
                           parts["word/_rels/document.xml.rels"]))
    sections = re.findall(r"<w:sectPr\b.*?</w:sectPr>", parts["word/document.xml"], re.S)
    used = [sorted(rels[rid] for rid in re.findall(r'Reference w:type="default" r:id="(rId\d+)"', s)) for s in sections]
    assert used == [["footer1.xml", "header1.xml"], ["footer2.xml", "header2.xml"], ["footer1.xml", "header1.xml"]]
    assert 'w:orient="landscape"' in sections[1]
    for name in ("header2.xml", "footer2.xml"):
        xml = parts[f"word/{name}"]
        assert '<w:tab w:pos="9298" w:val="clear"/><w:tab w:pos="14230" w:val="right"/>' in xml
        assert "INTERNAL" in xml and "{{" not in xml and "{%" not in xml  # the rendered part, not the template
    assert ">DRAFT<" in parts["word/header2.xml"] and "NUMPAGES" in parts["word/footer2.xml"]
    assert "w:tabs" not in parts["word/header1.xml"]  # the portrait ones keep the style's tab stop


def test_the_watermark_in_the_copied_header_has_ids_of_its_own():
    parts = package()
    ids = [re.findall(r'<v:shape id="([^"]+)" o:spid="([^"]+)"', parts[f"word/{n}"]) for n in ("header1.xml", "header2.xml")]
    assert len(ids[0]) == len(ids[1]) == 1 and ids[0][0][0] != ids[1][0][0] and ids[0][0][1] != ids[1][0][1]
