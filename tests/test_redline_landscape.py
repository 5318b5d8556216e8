"""The redline DOCX turns a part with a wide table landscape, as the document itself does."""

import re
import zipfile

from test_build_redline import two_builds


def test_the_tender_requirements_part_is_turned_in_the_redline_docx(tiny, cli):
    two_builds(tiny, cli)
    assert cli("diff", "before/tiny-case", "after/tiny-case", "--format", "docx").code == 0
    with zipfile.ZipFile(tiny / "redline/tiny-case/tender-requirements.redline.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    sizes = re.findall(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"( w:orient="landscape")?', xml)
    assert [bool(turned) for _, _, turned in sizes] == [False, True, False]  # portrait, the turned run, portrait
    turned_start, turned_end = xml.index(sizes[0][0]), xml.index('w:orient="landscape"')
    between = xml[turned_start:turned_end]
    assert "Requirements" in between and "<w:tbl>" in between  # heading and table on the turned page
    widths = [int(w) for w in re.findall(r'<w:tblW w:w="(\d+)"', between)]
    assert widths and min(widths) > int(sizes[0][0])  # twips: wider than the whole portrait page
