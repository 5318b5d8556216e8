"""Issue 14, point 8: a C or POSIX locale changes nothing. Pandoc decoded command-line metadata in
the locale, so under LC_ALL=C the title block, footer and metadata of the PDF and HTML showed
"S\ufffd\ufffdnderjylland". The whole build runs here under LC_ALL=C and under C.UTF-8, in a fresh
process each, and must give the same bytes, with the names intact."""

import hashlib
import os
import subprocess
import sys

import pypdf
import pytest
from conftest import ROOT, edit

FORMATS = "md,docx,pdf,html"


def build(tiny, out: str, **env: str) -> dict[str, str]:
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TZ": "UTC", "PYTHONPATH": str(ROOT), **env}
    done = subprocess.run([sys.executable, "-m", "clausegen", "build", "profiles/case.yaml", "--format", FORMATS,
                           "--out", out], cwd=tiny, env=environment, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert b"\xef\xbf\xbd" not in done.stdout + done.stderr  # no U+FFFD in the messages either
    folder = tiny / out / "tiny-case"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("locale", ["C", "POSIX"])
def test_the_whole_build_under_a_c_locale_is_the_same_and_keeps_every_letter(tiny, locale):
    edit(tiny / "profiles/case.yaml", "title: Hosting of the test system", "title: Hosting for Sønderjylland")
    plain = build(tiny, "c", LC_ALL=locale, LANG=locale)
    utf8 = build(tiny, "utf8", LC_ALL="C.UTF-8", LANG="C.UTF-8")
    assert plain == utf8
    html = (tiny / "c/tiny-case/nda.html").read_text(encoding="utf-8")
    assert '<p class="doc-subtitle">Hosting for Sønderjylland: ' in html  # the title block, from metadata
    assert '<meta name="author" content="Smith &amp; Jones &lt;Hosting&gt; &quot;A/S&quot; Ærø">' in html
    assert "\ufffd" not in html
    reader = pypdf.PdfReader(tiny / "c/tiny-case/nda.pdf")
    assert reader.metadata.author.endswith("Ærø")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Sønderjylland" in text and "\ufffd" not in text
