"""Redlines of two builds: Word's Accept All gives the new build's DOCX, Reject All the old one's,
paragraph for paragraph and table cell by table cell, for every document of every example
profile, after a parameter change, a profile change and a library change.

`resolve()` applies Word's rules to the document XML: revised runs kept or dropped; a removed
paragraph mark joins its paragraph to the next one (which keeps its own style); a rejected
w:pPrChange restores the old style; a table row whose insertion is rejected (or deletion
accepted) goes, and a table without rows goes with it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
EXAMPLES = sorted(p.name for p in (ROOT / "profiles").glob("*.yaml"))


def body(path: Path):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml")).find(W + "body")


def _text(element, mode: str) -> str:
    out = []
    for node in element.iter(W + "t", W + "delText", W + "br", W + "noBreakHyphen"):
        inside_ins = any(a.tag == W + "ins" for a in node.iterancestors())
        inside_del = any(a.tag == W + "del" for a in node.iterancestors())
        if (inside_ins and mode == "reject") or (inside_del and mode == "accept"):
            continue
        # a non-breaking hyphen (identifiers such as SR-DP-06) reads as "-", as Word copies it
        out.append("\n" if node.tag == W + "br" else "-" if node.tag == W + "noBreakHyphen" else node.text or "")
    return "".join(out)


def resolve(container, mode: str = "none") -> list[tuple[str, str]]:
    """(style id, text) of each paragraph, table cells included, after accepting ("accept") or
    rejecting ("reject") every revision, or as it is ("none", for a build without revisions)."""
    out: list[tuple[str, str]] = []
    carried = ""
    for child in container:
        if child.tag == W + "p":
            p_pr = child.find(W + "pPr")
            style_el = p_pr.find(W + "pStyle") if p_pr is not None else None
            style = style_el.get(W + "val") if style_el is not None else ""
            change = p_pr.find(W + "pPrChange") if p_pr is not None else None
            if change is not None and mode == "reject":
                style = change.find(W + "pPr").find(W + "pStyle").get(W + "val")
            text = carried + "".join(_text(c, mode) for c in child
                                     if c.tag in (W + "r", W + "ins", W + "del", W + "hyperlink"))
            mark = p_pr.find(W + "rPr") if p_pr is not None else None
            revised = {m.tag for m in mark} if mark is not None else set()
            if (W + "ins" in revised and mode == "reject") or (W + "del" in revised and mode == "accept"):
                carried = text
                continue
            carried = ""
            if not text and p_pr is not None and p_pr.find(W + "sectPr") is not None:
                continue  # a section break (the tender's landscape run): page layout, not text
            out.append((style, text))
        elif child.tag == W + "tbl":
            rows = []
            for row in child.iter(W + "tr"):
                tr_pr = row.find(W + "trPr")
                tags = {t.tag for t in tr_pr} if tr_pr is not None else set()
                if (W + "ins" in tags and mode == "reject") or (W + "del" in tags and mode == "accept"):
                    continue
                rows.append([resolve(cell, mode) for cell in row.iter(W + "tc")])
            if not rows:
                continue  # the whole table went: text carried over a removed table joins the next paragraph
            assert carried == "", f"a removed paragraph mark before a table that stays: {carried!r}"
            out.append(("table", ""))
            out += [p for row in rows for cell in row for p in cell]
    assert carried == "", "text left after the last paragraph mark"
    return out


def content(paragraphs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The body without the template's title block."""
    return [p for p in paragraphs if p[0] not in ("Title", "Subtitle")]


def assert_round_trip(redline: Path, old: Path | None, new: Path | None) -> None:
    tracked = body(redline)
    assert content(resolve(tracked, "accept")) == (content(resolve(body(new))) if new else [])
    assert content(resolve(tracked, "reject")) == (content(resolve(body(old))) if old else [])


def git(root: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A git repository holding the shipped library, catalogues, register and example profiles."""
    root = tmp_path / "repo"
    for folder in ("clauses", "catalogues", "frameworks", "profiles"):
        shutil.copytree(ROOT / folder, root / folder)
    monkeypatch.chdir(root)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "library as shipped")
    return root


def change_profile(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def parameter_change(data) -> None:
    data.setdefault("parameters", {})
    data["parameters"] = {**(data["parameters"] or {}), "deletion_days": 17, "audit_notice_days": 21}


LEVELS = {"public": "internal", "internal": "confidential", "confidential": "internal", "secret": "confidential"}


def profile_change(data) -> None:
    data["data"]["classification"] = LEVELS[data["data"]["classification"]]
    data["data"]["personal_data"] = not data["data"]["personal_data"]
    data["data"]["special_categories"] = False
    data["parameters"] = {k: v for k, v in (data.get("parameters") or {}).items() if k != "audit_interval_months"}


def library_change(root: Path) -> None:
    """Clause text reworded in place, a requirement sharpened, and a new library version."""
    library = root / "clauses/library.yaml"
    library.write_text(re.sub(r'(?m)^version: "[^"]+"', 'version: "9.0.0"', library.read_text(encoding="utf-8"),
                              count=1), encoding="utf-8")
    for n, clause in enumerate(sorted((root / "clauses").rglob("*@*.md"))):
        text = clause.read_text(encoding="utf-8")
        head, sep, tail = text.partition("\n---\n")
        if n % 3 == 0 and " shall " in tail:
            clause.write_text(head + sep + tail.replace(" shall ", " must ", 1), encoding="utf-8")
    for level in sorted((root / "catalogues").glob("*.yaml")):
        text = level.read_text(encoding="utf-8")
        if "The supplier must " in text:
            level.write_text(text.replace("The supplier must ", "The supplier shall ", 2), encoding="utf-8")


def build(cli, profile: str, out: str) -> None:
    result = cli("build", f"profiles/{profile}", "--format", "docx", "--out", out)
    assert result.code == 0, result.err


def redlines(cli, old: Path, new: Path, *options: str) -> Path:
    result = cli("diff", str(old), str(new), "--format", "docx", "--out", "redline", *options)
    assert result.code == 0, result.err
    return Path("redline")


def check_all(old: Path, new: Path, out: Path) -> int:
    ids = {p.name.removesuffix(".docx") for folder in (old, new) for p in folder.glob("*.docx")}
    for document_id in sorted(ids):
        before, after = old / f"{document_id}.docx", new / f"{document_id}.docx"
        assert_round_trip(out / f"{document_id}.redline.docx", before if before.exists() else None,
                          after if after.exists() else None)
    return len(ids)


@pytest.mark.parametrize("profile", EXAMPLES)
def test_parameter_and_profile_changes_accept_to_new_and_reject_to_old(project, cli, profile):
    build(cli, profile, "old")
    profile_id = next(p.name for p in (project / "old").iterdir() if not p.name.startswith("."))
    change_profile(project / "profiles" / profile, parameter_change)
    build(cli, profile, "params")
    change_profile(project / "profiles" / profile, profile_change)
    build(cli, profile, "profile")
    for old, new in (("old", "params"), ("params", "profile")):
        out = redlines(cli, project / old / profile_id, project / new / profile_id)
        assert check_all(project / old / profile_id, project / new / profile_id, out) >= 2
        shutil.rmtree(out)


@pytest.mark.parametrize("profile", EXAMPLES)
def test_a_library_change_from_a_tagged_release(project, cli, profile):
    """The old build is gone but for its manifest; its side is rebuilt from the library's tag."""
    git(project, "tag", "release")
    build(cli, profile, "old")
    profile_id = next(p.name for p in (project / "old").iterdir() if not p.name.startswith("."))
    shutil.copy(project / "old" / profile_id / "manifest.json", project / "old-manifest.json")
    shutil.move(project / "old", project / "kept")
    library_change(project)
    build(cli, profile, "new")
    out = redlines(cli, project / "old-manifest.json", project / "new" / profile_id)
    assert check_all(project / "kept" / profile_id, project / "new" / profile_id, out) >= 2


def _libreoffice_python() -> str | None:
    python = shutil.which("python3", path="/usr/bin")
    if not shutil.which("soffice") or not python:
        return None
    check = subprocess.run([python, "-c", "import uno"], capture_output=True)
    return python if check.returncode == 0 else None


@pytest.mark.skipif(_libreoffice_python() is None, reason="LibreOffice with its Python (uno) is not installed")
def test_libreoffice_rejects_insertions_that_meet_at_a_paragraph_mark(tmp_path):
    """One paragraph ends with an insertion and the next starts with one: LibreOffice 7.4 merges
    two such revisions of one author and minute across the mark, and its Reject All then joins
    the paragraphs. Alternate paragraphs are dated two minutes apart, so it does not."""
    from clausegen import loading
    from clausegen.models.document import Document, Part, Section
    from clausegen.redlines import docx as redline_docx
    from clausegen.rendering import docx as docx_rendering
    from clausegen.rendering.walker import parse

    def document(text: str) -> Document:
        part = Part("1.1", "Part", blocks=parse(text), clause_id="a.b", clause_version="1.0.0")
        return Document(document_id="nda", title="T", subtitle="S", marking="M", client="C", supplier="X",
                        profile_title="P", library_name="l", library_version="1",
                        sections=(Section("1", "Section", (part,)),))

    path = tmp_path / "redline.docx"
    template = loading.load_templates(None, ["nda"]).docx["nda"]
    path.write_bytes(redline_docx.build("nda", document("Alpha beta\n\ndelta epsilon\n\neta theta"),
                                        document("Alpha beta gamma\n\nnew delta epsilon more\n\nfresh eta theta"),
                                        template, docx_rendering.Properties("1980-01-01T00:00:00+00:00", {}),
                                        315532800))
    script = Path(__file__).parent / "data" / "libreoffice_revisions.py"
    lines = {}
    for mode in ("accept", "reject"):
        done = subprocess.run([_libreoffice_python(), str(script), str(path), mode, str(tmp_path / mode)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        lines[mode] = [line for line in done.stdout.splitlines() if line.startswith("Text body|")]
    assert lines["accept"] == ["Text body|Alpha beta gamma", "Text body|new delta epsilon more",
                               "Text body|fresh eta theta"]
    assert lines["reject"] == ["Text body|Alpha beta", "Text body|delta epsilon", "Text body|eta theta"]
