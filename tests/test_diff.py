"""`clausegen diff`: clause versions, library folders, git revisions, manifests; and the build's pin warning."""

import json
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import edit
from test_redline import W

EXIT = "clauses/core/exit.assets@1.1.0.md"
AUDIT = "clauses/core/general.audit@1.0.0.md"


def test_two_clause_versions(tiny, cli):
    result = cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0")
    assert result.code == 0
    assert result.out == (
        "exit.assets 1.0.0 → 1.1.0\n"
        "clauses/core/exit.assets@1.0.0.md → clauses/core/exit.assets@1.1.0.md\n"
        "\n"
        "What the changelog says\n"
        "      1.1.0: Backups named.\n"
        "\n"
        "Front matter\n"
        "  ~ title: 'Return of assets' → 'Return of assets, backups included'\n"
        "\n"
        "Text\n"
        "      The Supplier shall return all Client Data{+, backups included,+} and delete it within "
        "{{ deletion_days }} days.\n")


def test_front_matter_changes_are_listed_field_by_field(tiny, cli):
    edit(tiny / EXIT, "documents: {termination-plan: assets}", "documents: {termination-plan: assets, nda: duty}\n"
                                                               "condition: {field: data.personal_data, equals: true}")
    edit(tiny / EXIT, 'max: 365, stricter: lower', 'max: 180, stricter: lower')
    edit(tiny / EXIT, 'sources: ["DEMO:1/exit"]', 'sources: ["DEMO:2/nda"]')
    lines = cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0").out.splitlines()
    assert lines[lines.index("Front matter") + 1:lines.index("Text") - 1] == [
        "  ~ title: 'Return of assets' → 'Return of assets, backups included'",
        "  + in document nda, section duty",
        "  ~ condition: always → {\"field\": \"data.personal_data\", \"equals\": true}",
        "  ~ parameter deletion_days: max 365 → 180",
        "  + cites DEMO:2/nda",
        "  - cites DEMO:1/exit"]


def test_identical_versions(tiny, cli):
    assert cli("diff", "exit.assets@1.1.0", "exit.assets@1.1.0").out == (
        "exit.assets 1.1.0 → 1.1.0\n"
        "clauses/core/exit.assets@1.1.0.md → clauses/core/exit.assets@1.1.0.md\n"
        "      No differences.\n")


def test_colour_only_when_asked_or_on_a_terminal(tiny, cli):
    coloured = cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0", "--color", "always").out
    assert "\x1b[4;32m, backups included,\x1b[0m" in coloured
    assert "\x1b[" not in cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0").out  # not a terminal


def test_markdown(tiny, cli):
    assert cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0", "--format", "md").out == (
        "# exit.assets 1.0.0 → 1.1.0\n\n"
        "clauses/core/exit.assets@1.0.0.md → clauses/core/exit.assets@1.1.0.md\n\n"
        "## What the changelog says\n\n"
        "1\\.1.0: Backups named.\n\n"
        "## Front matter\n\n"
        "- **changed:** title: 'Return of assets' → 'Return of assets, backups included'\n\n"
        "## Text\n\n"
        "The Supplier shall return all Client Data<ins>, backups included,</ins> and delete it within "
        "{{ deletion\\_days }} days.\n")


def test_json(tiny, cli):
    data = json.loads(cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0", "--format", "json").out)
    assert data["kind"] == "clauses" and data["differs"] is True
    assert data["changelog"] == ["1.1.0: Backups named."]
    assert data["text"][0]["changes"][1] == {"kind": "+", "text": ", backups included,"}


def test_docx_has_word_tracked_changes(tiny, cli):
    result = cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0", "--format", "docx", "--out", "changes.docx")
    assert (result.code, result.out) == (0, "wrote changes.docx\n")
    first = (tiny / "changes.docx").read_bytes()
    body = docx.Document(str(tiny / "changes.docx")).element.body
    inserted = body.findall(f".//{W}ins")
    assert [("".join(t.text for t in i.iter(W + "t")), i.get(W + "author"), i.get(W + "date")) for i in inserted] == [
        (", backups included,", "clausegen", "1980-01-01T00:00:00Z")]
    assert cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0", "--format", "docx", "--out", "again.docx").code == 0
    assert (tiny / "again.docx").read_bytes() == first  # reproducible


def test_docx_revision_date_follows_source_date_epoch(tiny, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0", "--format", "docx", "--out", "c.docx").code == 0
    body = docx.Document(str(tiny / "c.docx")).element.body
    assert {i.get(W + "date") for i in body.findall(f".//{W}ins")} == {"2026-01-01T00:00:00Z"}


def test_docx_needs_an_output_file(tiny, cli):
    result = cli("diff", "exit.assets@1.0.0", "exit.assets@1.1.0", "--format", "docx")
    assert (result.code, result.err) == (2, "--out: a DOCX report needs a file to go to\n"
                                            "    hint: add --out report.docx (clausegen diff ... --format docx "
                                            "--out FILE)\n")


# --- Errors -------------------------------------------------------------------------------------

def test_unknown_clause_version(tiny, cli):
    result = cli("diff", "exit.assets@1.0.0", "exit.assets@9.0.0")
    assert (result.code, result.err) == (1, "clauses: no version 9.0.0 of exit.assets in the library\n"
                                            "    hint: versions there are: 1.0.0, 1.1.0, 2.0.0\n")
    result = cli("diff", "exit.assetz@1.0.0", "exit.assets@1.1.0")
    assert (result.code, result.err) == (1, "clauses: no clause exit.assetz in the library\n"
                                            "    hint: see `clausegen explain PROFILE` for clause ids\n")


def test_an_argument_that_is_nothing_known(tiny, cli):
    result = cli("diff", "exit.assets@1.0.0", "nothing-here")
    assert (result.code, result.err) == (
        2, "diff: NEW 'nothing-here' is not a clause version (id@version), a manifest.json, a library or project "
           "folder, or a git revision\n"
           "    hint: e.g. termination.asset-return@1.0.0, output/x/manifest.json, old-clauses/, HEAD~1\n")


def test_two_different_kinds(tiny, cli):
    result = cli("diff", "exit.assets@1.0.0", "clauses")
    assert (result.code, result.err) == (
        2, "diff: cannot compare clause 'exit.assets@1.0.0' with folder 'clauses'\n"
           "    hint: compare two clause versions, two manifests, or two libraries (folders or git revisions)\n")


def test_broken_manifests(tiny, cli):
    (tiny / "bad.json").write_text('{\n  "documents": \n}\n')
    (tiny / "other.json").write_text('{"profile": {}}\n')
    result = cli("diff", "bad.json", "other.json")
    assert (result.code, result.err) == (1, "bad.json:3: not valid JSON: Expecting value\n")
    result = cli("diff", "other.json", "other.json")
    assert (result.code, result.err) == (1, "other.json: not a clausegen manifest (no \"documents\" mapping)\n"
                                            "    hint: pass the manifest.json that `clausegen build` wrote\n")


def test_a_folder_without_a_library(tiny, cli):
    result = cli("diff", "profiles", "clauses")
    assert (result.code, result.err) == (1, "profiles/clauses: no clause library (library.yaml) here\n"
                                            "    hint: pass a clause library folder, a project folder holding "
                                            "clauses/, or a git revision that has it\n")


# --- Libraries: folders and git revisions -------------------------------------------------------

def change_library(root: Path) -> None:
    edit(root / AUDIT, "2. at the Supplier's premises.", "2. on 10 days' notice, at the Supplier's premises.")
    (root / "clauses/core/dpa.transfers@1.0.0.md").unlink()
    newer = (root / EXIT).read_text().replace('version: "1.1.0"', 'version: "1.2.0"', 1)
    newer = newer.replace('changelog:\n', 'changelog:\n  - {version: "1.2.0", changes: ["Deletion certified."]}\n')
    (root / "clauses/core/exit.assets@1.2.0.md").write_text(newer.replace("days.", "days and certify it."))


def test_two_library_folders(tiny, cli):
    shutil.copytree(tiny / "clauses", tiny / "old-clauses")
    change_library(tiny)
    result = cli("diff", "old-clauses", "clauses")
    assert result.code == 0
    assert result.out == (
        "Library old-clauses → clauses\n"
        "tiny 0.1.0 → tiny 0.1.0\n"
        "\n"
        "Clause library\n"
        "  - clause dpa.transfers (1.0.0)\n"
        "  + exit.assets@1.2.0 (active)\n"
        "  ~ exit.assets: profiles now get 1.2.0 instead of 1.1.0\n"
        "  exit.assets 1.1.0 → 1.2.0\n"
        "      What the changelog says:\n"
        "      1.2.0: Deletion certified.\n"
        "      Text:\n"
        "      The Supplier shall return all Client Data, backups included, and delete it within {{ deletion_days }} "
        "days{+ and certify it+}.\n"
        "  ~ general.audit@1.0.0 changed in place, without a new version number\n"
        "  general.audit@1.0.0, changed in place\n"
        "      Text:\n"
        "      [… 1 unchanged paragraph …]\n"
        "      1. with notice;\n"
        "      2. {+on 10 days' notice, +}at the Supplier's premises.\n")


def test_two_project_folders_compare_requirements_and_levels_too(tiny, cli):
    old = tiny.parent / "old-project"
    shutil.copytree(tiny, old)
    edit(tiny / "catalogues/confidential.yaml", "incident_notice_hours: 24", "incident_notice_hours: 12")
    edit(tiny / "catalogues/confidential.yaml", "every 90 days", "every 60 days")
    out = cli("diff", str(old), ".").out
    assert out.endswith(
        "Requirements\n"
        "  ~ SR-ACC-01\n"
        "      text:\n"
        "      The supplier must review privileged accounts every [-90-]{+60+} days.\n"
        "  ~ level confidential: incident_notice_hours 24 → 12\n")


GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]


def git(root: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True)


def test_two_git_revisions(tiny, cli):
    git(tiny, "init", "-q")
    git(tiny, "add", ".")
    git(tiny, "commit", "-q", "-m", "first")
    change_library(tiny)
    git(tiny, "add", "-A")
    git(tiny, "commit", "-q", "-m", "second")
    result = cli("diff", "HEAD~1", "HEAD")
    assert result.code == 0
    assert result.out.startswith("Library HEAD~1 → HEAD\ntiny 0.1.0 → tiny 0.1.0\n\nClause library\n"
                                 "  - clause dpa.transfers (1.0.0)\n")
    assert "  ~ general.audit@1.0.0 changed in place, without a new version number\n" in result.out


def test_a_git_revision_with_a_broken_library_names_the_revision(tiny, cli):
    git(tiny, "init", "-q")
    edit(tiny / AUDIT, "order: 2", "order: two")
    git(tiny, "add", ".")
    git(tiny, "commit", "-q", "-m", "broken")
    edit(tiny / AUDIT, "order: two", "order: 2")
    result = cli("diff", "HEAD", ".")
    assert (result.code, result.err) == (1, f"HEAD:{AUDIT}:7: order: should be a valid integer; found text 'two'\n")


def test_a_git_revision_without_the_library(tiny, cli):
    git(tiny, "init", "-q")
    git(tiny, "add", "profiles")
    git(tiny, "commit", "-q", "-m", "profiles only")
    result = cli("diff", "HEAD", ".")
    assert (result.code, result.err) == (1, "HEAD:clauses: no clause library (library.yaml) here\n"
                                            "    hint: pass a clause library folder, a project folder holding "
                                            "clauses/, or a git revision that has it\n")


# --- Manifests: what changed in a regenerated contract ------------------------------------------

def test_two_manifests(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md", "--out", "before").code == 0
    edit(tiny / "profiles/case.yaml", 'pins: {exit.assets: "1.0.0"}', "pins: {}\ntailoring: {exclude: [SR-ACC-01]}")
    edit(tiny / "profiles/case.yaml", "deletion_days: 20", "deletion_days: 10")
    edit(tiny / "profiles/case.yaml", "procurement: {mode: tender", "procurement: {mode: direct")
    assert cli("build", "profiles/case.yaml", "--format", "md", "--out", "after").code == 0
    result = cli("diff", "before/tiny-case/manifest.json", "after/tiny-case/manifest.json")
    assert result.code == 0
    assert result.out == (
        "Contract changes for tiny-case\n"
        "before/tiny-case/manifest.json → after/tiny-case/manifest.json\n"
        "  - document tender-requirements\n"
        "\n"
        "Document security-appendix\n"
        "  - requirement SR-ACC-01\n"
        "\n"
        "Document termination-plan\n"
        "  ~ clause exit.assets: 1.0.0 → 1.1.0\n"
        "  exit.assets 1.0.0 → 1.1.0\n"
        "      What the changelog says:\n"
        "      1.1.0: Backups named.\n"
        "      Front matter:\n"
        "  ~ title: 'Return of assets' → 'Return of assets, backups included'\n"
        "      Text:\n"
        "      The Supplier shall return all Client Data{+, backups included,+} and delete it within "
        "{{ deletion_days }} days.\n"
        "\n"
        "Parameter values\n"
        "  ~ deletion_days: 20 (profile) → 10 (profile)\n")


def test_the_build_warns_about_a_pin_and_names_what_changed(tiny, cli):
    result = cli("build", "profiles/case.yaml", "--format", "md")
    assert result.code == 0
    assert ("warning: tiny-case: termination-plan: exit.assets is pinned to 1.0.0; 1.1.0 is available. "
            "What changed:\n"
            "    1.1.0: Backups named.\n"
            "    see the text: clausegen diff exit.assets@1.0.0 exit.assets@1.1.0\n") in result.err


def test_help_teaches(cli, capsys):
    with pytest.raises(SystemExit):
        cli("diff", "--help")
    text = capsys.readouterr().out
    for fragment in ("examples:", "git revisions", "manifest", "tracked changes", "SOURCE_DATE_EPOCH", "--color"):
        assert fragment in text
