"""`clausegen diff OLD_BUILD NEW_BUILD` and `build --baseline`: files, summary, matching by
structure, reproducibility, and the errors that write nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docx
from conftest import edit

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PROFILE = "profiles/case.yaml"
INTRO = """---
id: general.intro
version: "1.0.0"
title: Purpose
status: active
documents: {security-appendix: general}
order: 0
condition: always
sources: ["DEMO:3/incidents"]
changelog: [{version: "1.0.0", changes: ["First."]}]
---
This appendix sets out the security obligations of the Supplier.
"""


def two_builds(tiny: Path, cli, *formats: str) -> None:
    fmt = ",".join(formats) or "md"
    assert cli("build", PROFILE, "--format", fmt, "--out", "before").code == 0
    edit(tiny / PROFILE, 'pins: {exit.assets: "1.0.0"}', "pins: {}\ntailoring: {exclude: [SR-ACC-01]}")
    edit(tiny / PROFILE, "deletion_days: 20", "deletion_days: 10")
    assert cli("build", PROFILE, "--format", fmt, "--out", "after").code == 0


def test_markdown_redlines_and_summary(tiny, cli, md_snapshot):
    two_builds(tiny, cli)
    result = cli("diff", "before/tiny-case", "after/tiny-case", "--format", "md")
    assert result.code == 0, result.err
    folder = tiny / "redline/tiny-case"
    assert sorted(p.name for p in folder.iterdir()) == [
        "dpa-checklist.redline.md", "nda.redline.md", "security-appendix.redline.md", "summary.md",
        "tender-requirements.redline.md", "termination-plan.redline.md"]
    texts = {name: (folder / name).read_text(encoding="utf-8")
             for name in ("summary.md", "termination-plan.redline.md", "security-appendix.redline.md",
                          "tender-requirements.redline.md")}
    assert md_snapshot == "\n\n=====\n\n".join(f"{name}\n\n{text}" for name, text in texts.items())
    assert result.out == ("security-appendix: 1 clause(s) or part(s) changed, 1 table row(s)\n"
                          "tender-requirements: 1 clause(s) or part(s) changed, 1 table row(s)\n"
                          "termination-plan: 1 clause(s) or part(s) changed\n"
                          "nda: no changes\n"
                          "dpa-checklist: 1 clause(s) or part(s) changed, 1 table row(s)\n"
                          "wrote 6 files to redline/tiny-case/ (what changed and why: summary.md)\n")


def test_a_document_added_or_removed_as_a_whole(tiny, cli):
    assert cli("build", PROFILE, "--format", "md", "--out", "before").code == 0
    edit(tiny / PROFILE, "procurement: {mode: tender", "procurement: {mode: direct")
    assert cli("build", PROFILE, "--format", "md", "--out", "after").code == 0
    assert cli("diff", "before/tiny-case", "after/tiny-case", "--format", "md").code == 0
    removed = (tiny / "redline/tiny-case/tender-requirements.redline.md").read_text(encoding="utf-8")
    assert "This document is not in the later build." in removed
    assert "| <del>SR\\-INC\\-01</del> |" in removed or "<del>SR-INC-01</del>" in removed
    summary = (tiny / "redline/tiny-case/summary.md").read_text(encoding="utf-8")
    assert "Not in the later build: the whole document is deleted." in summary


def test_a_clause_moved_down_by_a_new_one_shows_only_its_new_number(tiny, cli):
    shutil.copytree(tiny / "clauses", tiny / "old-clauses")
    assert cli("build", PROFILE, "--format", "md", "--out", "before").code == 0
    (tiny / "clauses/core/general.intro@1.0.0.md").write_text(INTRO, encoding="utf-8")
    assert cli("build", PROFILE, "--format", "md", "--out", "after").code == 0
    result = cli("diff", "before/tiny-case", "after/tiny-case", "--format", "md", "--old-library", "old-clauses")
    assert result.code == 0, result.err
    text = (tiny / "redline/tiny-case/security-appendix.redline.md").read_text(encoding="utf-8")
    assert "### <ins>1\\.1 Purpose</ins>" in text
    assert "### 1\\.<del>1</del><ins>2</ins> Parties" in text
    assert "<del>The Client" not in text and "<del>" not in text.split("Parties", 1)[1].split("###", 1)[0]
    summary = (tiny / "redline/tiny-case/summary.md").read_text(encoding="utf-8")
    assert "- clause general.parties: renumbered 1.1 → 1.2, text unchanged" in summary
    assert "- added clause general.intro 1.0.0 as 1.1" in summary


def test_docx_is_reproducible_and_dated_from_source_date_epoch(tiny, cli, monkeypatch):
    two_builds(tiny, cli, "docx")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert cli("diff", "before/tiny-case", "after/tiny-case", "--out", "one").code == 0
    assert cli("diff", "before/tiny-case", "after/tiny-case", "--out", "two").code == 0
    for path in (tiny / "one").iterdir():
        assert path.read_bytes() == (tiny / "two" / path.name).read_bytes(), path.name
    body = docx.Document(str(tiny / "one/termination-plan.redline.docx")).element.body
    revisions = body.findall(f".//{W}ins") + body.findall(f".//{W}del")
    assert revisions
    assert {r.get(W + "author") for r in revisions} == {"clausegen"}
    assert {r.get(W + "date") for r in revisions} <= {"2026-01-01T00:00:00Z", "2026-01-01T00:02:00Z"}
    assert len({r.get(W + "id") for r in revisions}) == len(revisions)


def test_build_with_a_baseline_writes_redlines_beside_the_documents(tiny, cli):
    assert cli("build", PROFILE, "--format", "md", "--out", "before").code == 0
    edit(tiny / PROFILE, "deletion_days: 20", "deletion_days: 10")
    result = cli("build", PROFILE, "--format", "md,docx", "--baseline", "before/tiny-case")
    assert result.code == 0, result.err
    folder = tiny / "output/tiny-case/redline"
    assert {p.name for p in folder.iterdir()} >= {"termination-plan.redline.md", "termination-plan.redline.docx",
                                                  "summary.md"}
    assert "<del>20</del><ins>10</ins>" in (folder / "termination-plan.redline.md").read_text(encoding="utf-8")
    edit(tiny / PROFILE, "deletion_days: 10", "deletion_days: 5")
    again = cli("build", PROFILE, "--format", "md", "--baseline", "before/tiny-case")
    assert again.code == 0, again.err
    assert sorted(p.name for p in folder.iterdir()) == [
        "dpa-checklist.redline.md", "nda.redline.md", "security-appendix.redline.md", "summary.md",
        "tender-requirements.redline.md", "termination-plan.redline.md"]  # the DOCX redline went with its build
    assert "<del>20</del><ins>5</ins>" in (folder / "termination-plan.redline.md").read_text(encoding="utf-8")
    edit(tiny / PROFILE, "deletion_days: 5", "deletion_days: 6")
    assert cli("build", PROFILE, "--format", "md").code == 0
    assert not folder.exists()  # a build without a baseline leaves no stale redlines


def test_html_and_pdf_show_the_changes(tiny, cli):
    two_builds(tiny, cli)
    result = cli("diff", "before/tiny-case", "after/tiny-case", "--format", "html,pdf")
    assert result.code == 0, result.err
    html = (tiny / "redline/tiny-case/termination-plan.redline.html").read_text(encoding="utf-8")
    assert "<del>20</del><ins>10</ins>" in html and "<ins>looks like this</ins>" in html
    assert (tiny / "redline/tiny-case/termination-plan.redline.pdf").read_bytes().startswith(b"%PDF")


# --- Bad input: a clear error, nothing written ------------------------------------------------

def nothing_written(tiny: Path) -> bool:
    return not (tiny / "redline").exists()


def test_two_builds_of_different_profiles(tiny, cli):
    assert cli("build", PROFILE, "--format", "md", "--out", "before").code == 0
    edit(tiny / PROFILE, "id: tiny-case", "id: other-case")
    assert cli("build", PROFILE, "--format", "md", "--out", "after").code == 0
    result = cli("diff", "before/tiny-case", "after/other-case")
    assert (result.code, result.err) == (1, "before/tiny-case: profile.id: is a build of 'tiny-case', but "
                                            "after/other-case is a build of 'other-case'\n"
                                            "    hint: a redline compares two builds of one profile\n")
    assert nothing_written(tiny)


def test_a_folder_without_a_manifest(tiny, cli):
    assert cli("build", PROFILE, "--format", "md", "--out", "before").code == 0
    (tiny / "empty").mkdir()
    result = cli("diff", "before/tiny-case", "empty", "--new-library", "clauses")
    assert (result.code, result.err) == (1, "empty/manifest.json: no manifest here\n"
                                            "    hint: pass a folder that `clausegen build` wrote, or its "
                                            "manifest.json\n")
    assert nothing_written(tiny)


def test_a_file_that_does_not_match_the_manifest(tiny, cli):
    two_builds(tiny, cli)
    with open(tiny / "before/tiny-case/nda.md", "a", encoding="utf-8") as handle:
        handle.write("An added sentence.\n")
    result = cli("diff", "before/tiny-case", "after/tiny-case")
    assert (result.code, result.err) == (1, "before/tiny-case/nda.md: does not match its sha256 in "
                                            "before/tiny-case/manifest.json\n"
                                            "    hint: the file was edited after the build; rebuild it, or pass a "
                                            "copy of the build as it was\n")
    assert nothing_written(tiny)


def test_a_library_revision_that_does_not_exist(tiny, cli):
    two_builds(tiny, cli)
    subprocess.run(["git", "init", "-q"], cwd=tiny, check=True)
    result = cli("diff", "before/tiny-case", "after/tiny-case", "--old-library", "v9.9.9")
    assert (result.code, result.err) == (1, "--old-library: 'v9.9.9' is neither a library folder nor a git "
                                            "revision of this repository\n"
                                            "    hint: see `git tag` for the releases\n")
    assert nothing_written(tiny)


def test_an_old_build_no_library_at_hand_can_give_again(tiny, cli):
    assert cli("build", PROFILE, "--format", "md", "--out", "before").code == 0
    text = (tiny / "clauses/core/exit.assets@1.0.0.md").read_text(encoding="utf-8")
    (tiny / "clauses/core/exit.assets@1.0.0.md").write_text(text.replace("return all", "hand back all"),
                                                             encoding="utf-8")
    assert cli("build", PROFILE, "--format", "md", "--out", "after").code == 0
    result = cli("diff", "before/tiny-case", "after/tiny-case")
    assert result.code == 1
    assert result.err == (
        "before/tiny-case/manifest.json: no library at hand gives this build again (clauses: termination-plan: "
        "clause exit.assets 1.0.0 has other content there)\n"
        "    hint: name the library it was built from: --old-library REV (a git revision or folder), "
        "e.g. --old-library v0.1.0\n")
    assert nothing_written(tiny)


def test_a_manifest_whose_profile_was_edited(tiny, cli):
    two_builds(tiny, cli)
    path = tiny / "before/tiny-case/manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["profile"]["source"] = data["profile"]["source"].replace("deletion_days: 20", "deletion_days: 99")
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    result = cli("diff", "before/tiny-case", "after/tiny-case")
    assert (result.code, result.err) == (1, "before/tiny-case/manifest.json: profile.source: does not match "
                                            "profile.sha256\n"
                                            "    hint: the manifest was edited; use the one the build wrote\n")


def test_unknown_redline_format(tiny, cli):
    two_builds(tiny, cli)
    result = cli("diff", "before/tiny-case", "after/tiny-case", "--format", "md,xlsx")
    assert (result.code, result.err) == (2, "--format: unknown value(s) xlsx\n    hint: choose from: docx, md, html, "
                                            "pdf\n")
