"""End to end on the tiny project: files, manifest, verbatim values, atomicity, reproducibility."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import docx
import pypdf
import pytest
from conftest import edit

NAME = 'Smith & Jones <Hosting> "A/S" Ærø'
FORMATS = "md,docx,pdf,html"


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def docx_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
    for s in d.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def test_build_writes_every_document_and_format(tiny, cli):
    result = cli("build", "profiles/case.yaml", "--format", FORMATS)
    assert result.code == 0, result.err
    names = sorted(p.name for p in (tiny / "output/tiny-case").iterdir())
    expected = sorted(f"{d}.{f}" for d in ("security-appendix", "tender-requirements", "termination-plan", "nda",
                                            "dpa-checklist") for f in FORMATS.split(",")) + ["manifest.json"]
    assert names == sorted(expected)
    assert "warning: tiny-case: termination-plan: exit.assets is pinned to 1.0.0; 1.1.0 is available" in result.err


def test_documents_option_builds_a_subset(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--documents", "nda", "--format", "md").code == 0
    assert sorted(p.name for p in (tiny / "output/tiny-case").iterdir()) == ["manifest.json", "nda.md"]


def test_manifest_records_versions_hashes_and_files(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md,docx").code == 0
    folder = tiny / "output/tiny-case"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["clausegen"] == "0.1.0"
    assert manifest["library"] == {"name": "tiny", "version": "0.1.0"}
    assert manifest["catalogue"] == {"name": "tiny-catalogue", "version": "0.1.0", "level": "confidential"}
    assert manifest["profile"]["id"] == "tiny-case"
    assert manifest["profile"]["sha256"] == hashlib.sha256((tiny / "profiles/case.yaml").read_bytes()).hexdigest()
    assert manifest["risk_tier"] == "high"
    exit_plan = manifest["documents"]["termination-plan"]
    assert [(c["id"], c["version"], c["pinned"]) for c in exit_plan["clauses"]] == [("exit.assets", "1.0.0", True)]
    assert [r["id"] for r in manifest["documents"]["security-appendix"]["requirements"]] == ["SR-INC-01", "SR-ACC-01"]
    for document in manifest["documents"].values():
        for entry in document["files"].values():
            assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert manifest["parameters"]["deletion_days"] == {"value": 20, "origin": "profile"}


def test_values_appear_verbatim_in_every_format(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", FORMATS, "--documents", "security-appendix").code == 0
    folder = tiny / "output/tiny-case"
    md = (folder / "security-appendix.md").read_text(encoding="utf-8")
    assert "Smith & Jones \\<Hosting\\> \"A/S\" Ærø" in md  # escaped Markdown that reads back verbatim
    assert NAME in docx_text(folder / "security-appendix.docx")
    assert NAME in (folder / "security-appendix.html").read_text(encoding="utf-8").replace("&amp;", "&").replace(
        "&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    assert NAME in pdf_text(folder / "security-appendix.pdf").replace("\n", " ")
    props = docx.Document(str(folder / "security-appendix.docx")).core_properties
    assert (props.title, props.author, props.keywords) == ("Security appendix", NAME, "CONFIDENTIAL")


def test_docx_uses_real_styles_lists_and_repeating_table_headers(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "docx", "--documents", "security-appendix").code == 0
    d = docx.Document(str(tiny / "output/tiny-case/security-appendix.docx"))
    styles = [(p.style.name, p.text) for p in d.paragraphs]
    assert ("Heading 1", "General") in styles and ("Heading 2", "Audit") in styles
    assert [s for s, t in styles if t in ("with notice;", "at the Supplier's premises.")] == ["List Number"] * 2
    runs = {r.text: (r.bold, r.italic) for p in d.paragraphs for r in p.runs}
    assert runs["Client"] == (True, None) and runs["Supplier"] == (None, True)
    header_row = d.tables[0].rows[0]._tr
    assert header_row.find(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None


def test_two_builds_are_byte_identical_across_time_zones(tiny):
    def build(out: str, tz: str) -> dict[str, str]:
        env = {"PATH": "/usr/bin:/bin", "TZ": tz}
        subprocess.run([sys.executable, "-m", "clausegen", "build", "profiles/case.yaml", "--format", FORMATS,
                        "--out", out], cwd=tiny, env=env, check=True, capture_output=True)
        return digests(tiny / out / "tiny-case")

    assert build("a", "UTC") == build("b", "Pacific/Kiritimati")


def test_source_date_epoch_is_validated(tiny, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "12345")
    result = cli("build", "profiles/case.yaml", "--format", "md")
    assert result.code == 1
    assert result.err == ("SOURCE_DATE_EPOCH: '12345' is not a whole number of seconds between 315532800 (1980) "
                          "and 9999\n    hint: unset it, or set it to e.g. $(git log -1 --format=%ct)\n")
    assert not (tiny / "output").exists()


def test_source_date_epoch_sets_the_docx_dates(tiny, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert cli("build", "profiles/case.yaml", "--format", "docx", "--documents", "nda").code == 0
    props = docx.Document(str(tiny / "output/tiny-case/nda.docx")).core_properties
    assert props.created.isoformat() == "2026-09-21T14:13:20+00:00"


def test_failed_rebuild_leaves_earlier_output_untouched(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md,docx").code == 0
    before = digests(tiny / "output/tiny-case")
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "{{ supplier.name }}", "{{ supplier.name }}{{ 'x' * 200000 }}")
    result = cli("build", "profiles/case.yaml", "--format", "md,docx")
    assert result.code == 1
    assert result.err.startswith("clauses/core/general.parties@1.0.0.md:11: general.parties@1.0.0: unsafe template "
                                 "construct: repetition would produce more than 100000 items")
    assert digests(tiny / "output/tiny-case") == before


def test_one_failing_profile_does_not_stop_the_others(tiny, cli):
    bad = tiny / "profiles/bad.yaml"
    bad.write_text((tiny / "profiles/case.yaml").read_text(encoding="utf-8").replace("id: tiny-case", "id: bad-case")
                   .replace("cloud: false", "cloud: maybe"), encoding="utf-8")
    result = cli("build", "profiles/bad.yaml", "profiles/case.yaml", "--format", "md")
    assert result.code == 1
    assert "profiles/bad.yaml:10: service.cloud: should be a valid boolean; found text 'maybe'" in result.err
    assert "1 built, 0 unchanged, 1 failed" in result.out
    assert (tiny / "output/tiny-case/manifest.json").exists() and not (tiny / "output/bad-case").exists()


def test_sandbox_escape_is_refused_and_nothing_written(tiny, cli):
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "{{ client.name }}",
         "{{ client.name.__class__.__mro__[1].__subclasses__() }}")
    result = cli("build", "profiles/case.yaml", "--format", "md")
    assert result.code == 1
    assert result.err.startswith("clauses/core/general.parties@1.0.0.md:11: general.parties@1.0.0: unsafe template "
                                 "construct: access to attribute '__class__' of 'str' object is unsafe.")
    assert not (tiny / "output").exists()


@pytest.mark.parametrize("args, message", [
    (("--format", "md,odt"), "--format: unknown value(s) odt\n    hint: choose from: md, docx, pdf, html, xlsx\n"),
    (("--documents", "contract"), "--documents: unknown value(s) contract\n    hint: choose from: security-appendix, "
                                  "tender-requirements, termination-plan, nda, dpa-checklist\n"),
])
def test_usage_errors_exit_2(tiny, cli, args, message):
    result = cli("build", "profiles/case.yaml", *args)
    assert (result.code, result.err) == (2, message)
