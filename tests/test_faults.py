"""Faults around a build: pandoc, the clock, the disk, kill -9 and builds running side by side.

RELIABILITY.md cases 25-34 (see tests/README.md for the table).
"""

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, edit

from clausegen.export import pandoc, writing
from clausegen.loading import DEFAULT_TEMPLATES

FORMATS = "md,docx,pdf,html"
OUT = Path("output/tiny-case")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def temps(folder: Path) -> list[str]:
    """Generation folders a build leaves beside the profile's folder only when it is killed."""
    return sorted(p.name for p in folder.parent.glob(f".{folder.name}.clausegen-*"))


def python_env(**extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TZ": "UTC", "PYTHONPATH": str(ROOT)}
    env.update(extra)
    return env


@pytest.fixture
def fresh_pandoc():
    pandoc.pandoc_path.cache_clear()
    yield
    pandoc.pandoc_path.cache_clear()


# --- 27: the pinned pandoc, checked before anything renders -----------------------------------

def _no_docx(monkeypatch):
    from clausegen.rendering import docx as docx_rendering

    def refuse(*args, **kwargs):
        raise AssertionError("a document was rendered before pandoc was checked")

    monkeypatch.setattr(docx_rendering, "build", refuse)


def test_a_different_pandoc_version_is_an_error_before_anything_renders(tiny, cli, monkeypatch, fresh_pandoc):
    real = subprocess.run

    def old_pandoc(args, **kwargs):
        if args[1:] == ["--version"]:
            return subprocess.CompletedProcess(args, 0, stdout="pandoc 2.14.2\nCompiled with pandoc-types\n", stderr="")
        return real(args, **kwargs)

    monkeypatch.setattr(pandoc.subprocess, "run", old_pandoc)
    _no_docx(monkeypatch)
    result = cli("build", "profiles/case.yaml", "--format", FORMATS)
    assert result.code == 3
    import pypandoc

    path = pypandoc.get_pandoc_path()
    assert result.err.startswith(f"{path}: pandoc 2.14.2 found; clausegen needs 3.9\n"
                                 "    hint: install the pinned pypandoc-binary from pyproject.toml\n")
    assert not (tiny / "output").exists()


def test_a_missing_pandoc_is_an_error_before_anything_renders(tiny, cli, monkeypatch, fresh_pandoc):
    import pypandoc

    def missing():
        raise OSError("No pandoc was found: either install pandoc and add it to your PATH")

    monkeypatch.setattr(pypandoc, "get_pandoc_path", missing)
    _no_docx(monkeypatch)
    result = cli("build", "profiles/case.yaml", "--format", "md,docx,pdf")
    assert result.code == 3
    assert result.err.startswith("pandoc: pandoc not found (No pandoc was found: either install pandoc and add it to "
                                 "your PATH)\n    hint: reinstall clausegen: pip install -e . (pypandoc-binary ships pandoc)\n")
    assert not (tiny / "output").exists()


def test_a_pandoc_that_does_not_run_is_an_error(tiny, cli, monkeypatch, fresh_pandoc):
    import pypandoc

    monkeypatch.setattr(pypandoc, "get_pandoc_path", lambda: str(tiny / "no-such-pandoc"))
    result = cli("build", "profiles/case.yaml", "--format", "html")
    assert result.code == 3
    assert result.err.startswith(f"{tiny / 'no-such-pandoc'}: pandoc does not run: [Errno 2] No such file or directory")
    assert not (tiny / "output").exists()


def test_markdown_and_word_need_no_pandoc(tiny, cli, monkeypatch, fresh_pandoc):
    import pypandoc

    monkeypatch.setattr(pypandoc, "get_pandoc_path", lambda: str(tiny / "no-such-pandoc"))
    assert cli("build", "profiles/case.yaml", "--format", "md,docx").code == 0


# --- 25, 26, 28: pandoc runs sandboxed, without raw passthrough, with a timeout ----------------

def test_pandoc_runs_sandboxed_without_raw_passthrough_and_with_a_timeout(tiny, cli, monkeypatch):
    pandoc.pandoc_path()
    calls = []
    real = subprocess.run

    def spy(args, **kwargs):
        calls.append((list(args), kwargs))
        return real(args, **kwargs)

    monkeypatch.setattr(pandoc.subprocess, "run", spy)
    cwd = os.getcwd()
    assert cli("build", "profiles/case.yaml", "--format", "pdf,html", "--documents", "nda").code == 0
    assert os.getcwd() == cwd
    assert len(calls) == 2
    for args, kwargs in calls:
        assert args[args.index("--from") + 1] == "json"  # pandoc reads the tree's AST, never Markdown
        assert {"--sandbox", "--fail-if-warnings"} <= set(args)
        assert kwargs["timeout"] == pandoc.TIMEOUT_SECONDS == 60
        assert "cwd" not in kwargs and "shell" not in kwargs and isinstance(kwargs["input"], bytes)


RAW = """Text with <script>alert(1)</script> inline HTML.

<div onclick="x()">raw block</div>

`<w:p><w:r><w:t>injected</w:t></w:r></w:p>`{=openxml}

```{=typst}
#read("/etc/passwd")
```

![the password file](/etc/passwd) and [a local file](file:///etc/passwd) and [ok](https://example.com).
"""


def _raw_document(target: str) -> bytes:
    """RAW as a clause body, through the one walker and the pandoc AST writer."""
    from clausegen.models.document import Document, Part, Section
    from clausegen.rendering import pandoc_ast
    from clausegen.rendering.walker import parse

    section = Section("1", "Raw", (Part("1.1", "Raw", blocks=parse(RAW)),))
    document = Document("test", "T", "", "", "", "", "", "lib", "1.0.0", (section,))
    return pandoc_ast.document(document, target)


def _nodes(value):
    """Every AST node (a dict with "t") in a pandoc JSON value."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        for child in value.values():
            yield from _nodes(child)
    elif isinstance(value, list):
        for child in value:
            yield from _nodes(child)


def test_the_ast_has_no_raw_image_or_file_link_node_from_the_input():
    """Why no Lua filter is needed: raw HTML, raw blocks, images and file links in a clause are text
    in the tree; for Typst the writer adds only its own fixed escapes."""
    html = [n["t"] for n in _nodes(json.loads(_raw_document("html5")))]
    assert not {"RawInline", "RawBlock", "Image"} & set(html)
    typst_raw = {n["c"][1] for n in _nodes(json.loads(_raw_document("typst"))) if n["t"] == "RawInline"}
    assert typst_raw <= {"#box[", "]", "#[]", "\\.", "\\?", "\\-"}
    links = [n["c"][2][0] for n in _nodes(json.loads(_raw_document("html5"))) if n["t"] == "Link"]
    assert links == ["https://example.com"]


def test_raw_markup_images_and_file_links_never_pass_through_pandoc_to_html():
    out = pandoc.convert(_raw_document("html5"), "html5", DEFAULT_TEMPLATES / "document.html", "test")
    for leak in ("<script", "<div onclick", "<w:p>", "root:", "file:///", "<img"):
        assert leak not in out, leak
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;w:p&gt;" in out  # shown as the text it is
    assert '<a href="https://example.com">ok</a>' in out


def test_raw_markup_images_and_file_links_never_pass_through_pandoc_to_pdf():
    import io

    import pypdf

    from clausegen.export.pdf import compile_pdf

    source = pandoc.convert(_raw_document("typst"), "typst", DEFAULT_TEMPLATES / "document.typ", "test")
    assert "#image(" not in source and "file:///" not in source
    pdf = compile_pdf(source, "test")  # a live #read() would fail: the PDF is compiled in an empty folder
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert '#read("/etc/passwd")' in text and "<script>alert(1)</script>" in text and "root:" not in text


def test_a_pandoc_that_hangs_is_stopped_and_nothing_is_written(tiny, cli, monkeypatch):
    assert cli("build", "profiles/case.yaml", "--format", FORMATS).code == 0
    before = digests(tiny / OUT)
    pandoc.pandoc_path()
    monkeypatch.setattr(pandoc, "TIMEOUT_SECONDS", 0.001)  # the real pandoc, killed by the real timeout
    edit(tiny / "profiles/case.yaml", "title: Hosting of the test system", "title: Hosting, second edition")
    result = cli("build", "profiles/case.yaml", "--format", FORMATS)
    assert result.code == 3
    assert "pandoc took longer than 0.001 s and was stopped" in result.err.splitlines()[0]
    assert digests(tiny / OUT) == before and temps(tiny / OUT) == []


# --- 29: order -------------------------------------------------------------------------------------

def test_clauses_appear_in_selection_order_not_name_order(tiny, cli):
    """order 5 comes before order 10 although "10" sorts before "5" as text."""
    edit(tiny / "clauses/core/general.audit@1.0.0.md", "order: 2", "order: 10")
    assert cli("build", "profiles/case.yaml", "--format", "md,html,docx", "--documents", "security-appendix").code == 0
    for name in ("security-appendix.md", "security-appendix.html"):
        text = (tiny / OUT / name).read_text(encoding="utf-8")
        assert text.index("Parties") < text.index("Transfers") < text.index("Audit"), name


# --- 30, 31, 32: reproducible ------------------------------------------------------------------------

def test_builds_do_not_depend_on_the_clock_time_zone_or_ci_variables(tiny, cli, monkeypatch):
    assert cli("build", "profiles/case.yaml", "--format", FORMATS, "--out", "a").code == 0
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 400 * 86400 + 1.5)  # a year and a second later
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    for name, value in {"CI": "true", "GITHUB_ACTIONS": "true", "BUILD_NUMBER": "7", "LANG": "de_DE.UTF-8"}.items():
        monkeypatch.setenv(name, value)
    time.tzset()
    try:
        assert cli("build", "profiles/case.yaml", "--format", FORMATS, "--out", "b").code == 0
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert digests(tiny / "a/tiny-case") == digests(tiny / "b/tiny-case")
    assert len(digests(tiny / "a/tiny-case")) == 21


def test_source_date_epoch_is_honoured_only_where_a_date_is_stored(tiny, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    assert cli("build", "profiles/case.yaml", "--format", FORMATS, "--documents", "nda", "--out", "a").code == 0
    assert cli("build", "profiles/case.yaml", "--format", FORMATS, "--documents", "nda", "--out", "b").code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert cli("build", "profiles/case.yaml", "--format", FORMATS, "--documents", "nda", "--out", "c").code == 0
    a, b, c = (digests(tiny / out / "tiny-case") for out in "abc")
    assert a == b
    assert {name for name in a if a[name] != c[name]} == {"nda.docx", "manifest.json"}


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "1e9", " 1790000000", "315532799", "253402300800", "٣١٥٥٣٢٨٠٠"])
def test_a_malformed_source_date_epoch_is_an_error(tiny, cli, monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = cli("build", "profiles/case.yaml", "--format", "md")
    assert result.code == 1
    assert result.err == (f"SOURCE_DATE_EPOCH: {value!r} is not a whole number of seconds between 315532800 (1980) "
                          "and 9999\n    hint: unset it, or set it to e.g. $(git log -1 --format=%ct)\n")
    assert not (tiny / "output").exists()


# --- 33: disk full, refused writes, kill -9: tests/test_commit.py -----------------------------------------

def test_temporary_files_of_a_running_report_write_are_left_alone(tmp_path):
    """Single files (reports written with --out) are written beside their target and renamed."""

    folder = tmp_path / "out"
    folder.mkdir()
    mine = folder / f"{writing.TEMP_PREFIX}{os.getpid()}-abc.tmp"
    dead = folder / f"{writing.TEMP_PREFIX}99999999-abc.tmp"
    for path in (mine, dead):
        path.write_bytes(b"partial")
    writing.remove_stale_temps(folder)
    assert mine.exists() and not dead.exists()


# --- 34: builds side by side ---------------------------------------------------------------------------

def test_parallel_builds_into_one_folder_do_not_interfere(tiny):
    other = (tiny / "profiles/case.yaml").read_text(encoding="utf-8").replace("id: tiny-case", "id: other-case")
    (tiny / "profiles/other.yaml").write_text(other.replace("Hosting of the test system", "Other system"), encoding="utf-8")
    runs = ["profiles/case.yaml", "profiles/other.yaml", "profiles/case.yaml", "profiles/other.yaml"]
    processes = [subprocess.Popen([sys.executable, "-m", "clausegen", "build", path, "--format", FORMATS, "--force"],
                                  cwd=tiny, env=python_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for path in runs]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    for profile_id in ("tiny-case", "other-case"):
        folder = tiny / "output" / profile_id
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["profile"]["id"] == profile_id
        for document in manifest["documents"].values():
            for entry in document["files"].values():
                assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
        assert temps(folder) == []
    assert "Other system" in (tiny / "output/other-case/nda.md").read_text(encoding="utf-8")
    assert "Other system" not in (tiny / "output/tiny-case/nda.md").read_text(encoding="utf-8")
