"""Issue 14, points 1 and 3: a house template folder can read nothing outside itself, everything
it reads is part of the build key, and an HTML template can neither run script nor load anything
from elsewhere (refused at load: a Content-Security-Policy in the page would only help where the
template puts it first, and a house template decides that).

Pandoc reads partials (`${ name() }`) from the template's folder and follows symbolic links,
subfolders and `..`; clausegen resolves every partial itself (loading/pandoc_template.py)."""

import pytest
from conftest import edit

from clausegen.errors import InputError
from clausegen.loading import DEFAULT_TEMPLATES, pandoc_template

PROFILE = "profiles/case.yaml"
SECRET = "TOP-SECRET-LINE"


@pytest.fixture
def house(tiny, tmp_path):
    (tmp_path / "secret.html").write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret.typ").write_text(SECRET, encoding="utf-8")
    folder = tiny / "house"
    folder.mkdir()
    return folder


def html_template(extra: str) -> str:
    return (DEFAULT_TEMPLATES / "document.html").read_text(encoding="utf-8").replace("<main>", f"{extra}\n<main>", 1)


def typst_template(extra: str) -> str:
    return (DEFAULT_TEMPLATES / "document.typ").read_text(encoding="utf-8") + f"\n{extra}\n"


def build(cli, fmt: str):
    result = cli("build", PROFILE, "--format", fmt, "--documents", "nda", "--templates", "house")
    assert "Traceback" not in result.err
    return result


def refused(tiny, cli, fmt: str, message: str) -> None:
    result = build(cli, fmt)
    assert result.code == 1, result.err
    assert result.err.startswith(message), result.err
    assert SECRET not in result.err and not (tiny / "output").exists()


FORMATS = [("html", "document.html", "${ %s() }", html_template), ("pdf", "document.typ", "$%s()$", typst_template)]


@pytest.mark.parametrize("fmt, name, call, template", FORMATS, ids=["html", "typst"])
def test_a_symlinked_partial_is_refused(tiny, cli, house, tmp_path, fmt, name, call, template):
    suffix = name.split(".")[1]
    (house / f"leak.{suffix}").symlink_to(tmp_path / f"secret.{suffix}")
    (house / name).write_text(template(call % "leak"), encoding="utf-8")
    line = template(call % "leak").split("\n").index(call % "leak") + 1
    refused(tiny, cli, fmt, f"house/{name}:{line}: partial leak.{suffix} is a symbolic link\n"
                            "    hint: copy the file into the template folder instead\n")


@pytest.mark.parametrize("partial", ["../secret", "sub/part", "/etc/hostname", "..\\secret", "../../etc/passwd.txt"])
@pytest.mark.parametrize("fmt, name, call, template", FORMATS, ids=["html", "typst"])
def test_a_partial_outside_the_folder_is_refused(tiny, cli, house, fmt, name, call, template, partial):
    (house / "sub").mkdir()
    (house / "sub/part.html").write_text("part", encoding="utf-8")
    (house / name).write_text(template(call % partial), encoding="utf-8")
    result = build(cli, fmt)
    assert result.code == 1 and SECRET not in result.err
    assert f"partial {partial!r} is not a plain file name\n" in result.err, result.err


def test_a_symlink_in_a_partial_of_a_partial_is_found(tiny, cli, house, tmp_path):
    (house / "outer.html").write_text("<p>outer</p>\n${ inner() }\n", encoding="utf-8")
    (house / "inner.html").symlink_to(tmp_path / "secret.html")
    (house / "document.html").write_text(html_template("${ outer() }"), encoding="utf-8")
    refused(tiny, cli, "html", "house/outer.html:2: partial inner.html is a symbolic link\n")


def test_a_regular_partial_is_used_and_is_part_of_the_build_key(tiny, cli, house):
    (house / "notice.html").write_text("<p>House notice one</p>\n", encoding="utf-8")
    (house / "document.html").write_text(html_template("${ notice() }"), encoding="utf-8")
    assert build(cli, "html").code == 0
    assert "House notice one" in (tiny / "output/tiny-case/nda.html").read_text(encoding="utf-8")
    assert "unchanged" in build(cli, "html").out
    edit(house / "notice.html", "one", "two")
    result = build(cli, "html")
    assert result.code == 0 and "built" in result.out
    assert "House notice two" in (tiny / "output/tiny-case/nda.html").read_text(encoding="utf-8")


def test_a_missing_partial_is_an_error(tiny, cli, house):
    (house / "document.html").write_text(html_template("${ absent() }"), encoding="utf-8")
    result = build(cli, "html")
    assert result.code == 1 and "partial absent.html is not a file in house\n" in result.err


BAD_HTML = [
    ("<script>alert(1)</script>", "a <script> element"),
    ("<SCRIPT SRC=x.js></SCRIPT>", "a <script> element"),
    ("<scr$if(title)$$endif$ipt>alert(1)</script>", "a <script> element"),
    ('<img src="https://tracker.example/p.gif">', "a link to another site or scheme"),
    ('<link rel="stylesheet" href="//cdn.example/s.css">', "a link to another site or scheme"),
    ("<a href='http://example.org'>x</a>", "a link to another site or scheme"),
    ('<a href="javascript:alert(1)">x</a>', "a link to another site or scheme"),
    ('<img src=x onerror="alert(1)">', "an event-handler attribute (on...=)"),
    ('<iframe src="a.html"></iframe>', "an element that loads content"),
    ('<base href="/">', "an element that loads content"),
    ('<meta http-equiv="refresh" content="0;url=x">', "a <meta http-equiv> element"),
    ("<style>@import 'x.css';</style>", "a CSS @import"),
    ("<style>body { background: url( https://x.example/b.png ) }</style>", "a CSS url() to another site or scheme"),
]


@pytest.mark.parametrize("snippet, what", BAD_HTML)
def test_an_html_template_that_runs_script_or_loads_from_elsewhere_is_refused(tiny, cli, house, snippet, what):
    text = html_template(snippet)
    (house / "document.html").write_text(text, encoding="utf-8")
    line = text.split("\n").index(snippet) + 1
    refused(tiny, cli, "html", f"house/document.html:{line}: {what}: ")


def test_the_same_checks_apply_to_an_html_partial(tiny, cli, house):
    (house / "extra.html").write_text("<p>x</p>\n<script src=https://x.example/a.js></script>\n", encoding="utf-8")
    (house / "document.html").write_text(html_template("${ extra() }"), encoding="utf-8")
    refused(tiny, cli, "html", "house/extra.html:2: a <script> element: '<script'\n")


def test_the_shipped_template_and_harmless_links_pass():
    pandoc_template.check_html((DEFAULT_TEMPLATES / "document.html").read_bytes(), "document.html")
    pandoc_template.check_html(b'<a href="#s1">x</a><a href="mailto:a@b.dk">m</a><img src="logo.png">'
                               b"<style>p { color: red } .x { background: url(#g) }</style>", "x.html")
    with pytest.raises(InputError):
        pandoc_template.check_html(b"<p>$-- a comment\n</p><script>", "x.html")


def test_directives_are_found_as_pandoc_reads_them():
    text = "a $$ b $x$ c ${ y() }\n$-- z() comment\n$for(a)$$a:item()$$endfor$"
    assert pandoc_template.directives(text) == [(1, "x"), (1, " y() "), (3, "for(a)"), (3, "a:item()"), (3, "endfor")]
