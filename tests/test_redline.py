"""Word-level redlines, and Word tracked changes that accept to the new text and reject to the old.

`resolve()` applies Word's rules for accepting or rejecting every revision to the document XML:
revised runs are kept or dropped, a removed paragraph mark joins its paragraph to the next one
(which keeps its own properties), and a rejected w:pPrChange restores the old properties.
"""

import shutil
import subprocess
import textwrap
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clausegen.rendering import redline

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STYLE_IDS = {"body": "BodyText", "bullet": "ListBullet", "number": "ListNumber"}
DATE = "1980-01-01T00:00:00Z"


def resolve(body, mode: str) -> list[tuple[str, str]]:
    """(style id, text) of each paragraph after accepting or rejecting every change."""
    out, carried = [], ""
    for p in body.iterchildren(W + "p"):
        text = carried
        for child in p:
            if child.tag == W + "r":
                text += "".join(t.text for t in child.iter(W + "t"))
            elif child.tag == W + "ins" and mode == "accept":
                text += "".join(t.text for t in child.iter(W + "t"))
            elif child.tag == W + "del" and mode == "reject":
                text += "".join(t.text for t in child.iter(W + "delText"))
        p_pr = p.find(W + "pPr")
        style = p_pr.find(W + "pStyle").get(W + "val")
        change = p_pr.find(W + "pPrChange")
        if change is not None and mode == "reject":
            style = change.find(W + "pPr").find(W + "pStyle").get(W + "val")
        mark = p_pr.find(W + "rPr")
        revised = None if mark is None else mark[0].tag
        if (revised == W + "ins" and mode == "reject") or (revised == W + "del" and mode == "accept"):
            carried = text  # the mark goes: this paragraph's text joins the next paragraph
            continue
        carried = ""
        out.append((style, text))
    assert carried == "", "text left after the last paragraph mark"
    return out


def expected(markdown: str) -> list[tuple[str, str]]:
    return [(STYLE_IDS[style], "".join(t[0] for t in tokens)) for style, tokens in redline._blocks(markdown)]


def tracked(old: str, new: str):
    document = docx.Document()
    writer = redline.TrackedChanges(DATE, {s.name: s.style_id for s in document.styles})
    writer.paragraphs(document, redline.compare(old, new))
    return document


def assert_round_trip(old: str, new: str) -> None:
    body = tracked(old, new).element.body
    assert resolve(body, "accept") == expected(new)
    assert resolve(body, "reject") == expected(old)


OLD = textwrap.dedent("""\
    The Supplier shall return all Client Data within {{ days }} days.

    Client Assets shall be destroyed.
    """)
NEW = textwrap.dedent("""\
    The Supplier shall return all Client Data, **backups** included, within {{ days }} days:

    - in a documented format;
    - with checksums.

    Client Assets shall be destroyed.
    """)


def test_word_level_changes_fold_short_gaps_into_one_change():
    changes = redline.words(redline._split("shall return the data now", False, False),
                            redline._split("shall hand over the data today", False, False))
    assert [(c.kind, c.text) for c in changes] == [
        ("=", "shall "), ("-", "return"), ("+", "hand over"), ("=", " the data "), ("-", "now"), ("+", "today")]


def test_a_placeholder_is_one_word():
    changes = redline.words(redline._split("within {{ deletion_days }} days", False, False),
                            redline._split("within {{ exit_days }} days", False, False))
    assert [(c.kind, c.text) for c in changes] == [
        ("=", "within "), ("-", "{{ deletion_days }}"), ("+", "{{ exit_days }}"), ("=", " days")]


def test_paragraphs_are_aligned_before_words_are_compared():
    paragraphs = redline.compare(OLD, NEW)
    assert [(p.kind, p.old_style, p.new_style) for p in paragraphs] == [
        ("~", "body", "body"), ("+", "", "bullet"), ("+", "", "bullet"), ("=", "body", "body")]
    assert [(c.kind, c.text) for c in paragraphs[0].changes][1:4] == [
        ("+", ", backups included,"), ("=", " within {{ days }} days"), ("-", ".")]


def test_terminal_and_markdown():
    paragraphs = redline.compare(OLD, NEW)
    assert redline.terminal(paragraphs, color=False, indent="") == (
        "The Supplier shall return all Client Data{+, backups included,+} within {{ days }} days[-.-]{+:+}\n"
        "- {+in a documented format;+}\n"
        "- {+with checksums.+}\n"
        "Client Assets shall be destroyed.")
    assert "\x1b[4;32m, backups included,\x1b[0m" in redline.terminal(paragraphs, color=True)
    assert redline.markdown(paragraphs) == (
        "The Supplier shall return all Client Data<ins>, **backups** included,</ins> within {{ days }} "
        "days<del>.</del><ins>:</ins>\n\n"
        "- <ins>in a documented format;</ins>\n\n"
        "- <ins>with checksums.</ins>\n\n"
        "Client Assets shall be destroyed.")


def test_unchanged_paragraphs_away_from_a_change_are_counted():
    old = "\n\n".join(f"Paragraph {n}." for n in range(6))
    new = old.replace("Paragraph 5.", "Paragraph five.")
    assert redline.terminal(redline.compare(old, new), color=False, indent="") == (
        "[… 4 unchanged paragraphs …]\nParagraph 4.\nParagraph [-5-]{+five+}.")


def test_the_word_encoding_of_inserted_paragraphs():
    """As Word records pressing Enter and typing: the anchor's mark is inserted, the last new
    paragraph carries the anchor's original mark and a w:pPrChange back to the anchor's style."""
    assert [(m.status, m.new_style, m.old_style) for m in redline.marks(redline.compare(OLD, NEW))] == [
        ("+", "body", ""), ("+", "bullet", ""), ("=", "bullet", "body"), ("=", "body", "body")]
    body = tracked(OLD, NEW).element.body
    revisions = body.findall(f".//{W}ins") + body.findall(f".//{W}del") + body.findall(f".//{W}pPrChange")
    assert {(r.get(W + "author"), r.get(W + "date")) for r in revisions} == {("clausegen", DATE),
                                                                             ("clausegen", "1980-01-01T00:02:00Z")}
    assert len({r.get(W + "id") for r in revisions}) == len(revisions)


def test_the_word_encoding_of_deleted_paragraphs():
    assert [(m.status, m.new_style, m.old_style) for m in redline.marks(redline.compare(NEW, OLD))] == [
        ("-", "", "body"), ("-", "", "bullet"), ("=", "body", "bullet"), ("=", "body", "body")]


@pytest.mark.parametrize("old, new", [
    (OLD, NEW), (NEW, OLD), ("", NEW), (NEW, ""), (OLD, OLD),
    ("- a b c\n- d e f", "1. a b c\n2. d e f"),
    ("First.\n\nSecond.", "Zero.\n\nFirst.\n\nSecond."),
    ("Alpha beta.\n\nGamma.", "Delta epsilon.\n\nGamma."),
])
def test_accept_all_gives_the_new_text_and_reject_all_the_old(old, new):
    assert_round_trip(old, new)


WORDS = st.sampled_from(["the", "Supplier", "shall", "delete", "data", "within", "{{ days }}", "days", "**all**",
                         "Client", "*backups*", "and", "notify", "30"])
BLOCK = st.tuples(st.sampled_from(["", "- ", "1. "]), st.lists(WORDS, min_size=1, max_size=6))


def markdown(blocks) -> str:
    return "\n\n".join(marker + " ".join(words) for marker, words in blocks)


@settings(max_examples=300, deadline=None)
@given(st.lists(BLOCK, max_size=6), st.lists(BLOCK, max_size=6))
def test_accept_and_reject_round_trip_for_any_edit(old, new):
    assert_round_trip(markdown(old), markdown(new))


def _libreoffice_python() -> str | None:
    python = shutil.which("python3", path="/usr/bin")
    if not shutil.which("soffice") or not python:
        return None
    check = subprocess.run([python, "-c", "import uno"], capture_output=True)
    return python if check.returncode == 0 else None


LO_SCRIPT = Path(__file__).parent / "data" / "libreoffice_revisions.py"


@pytest.mark.skipif(_libreoffice_python() is None, reason="LibreOffice with its Python (uno) is not installed")
def test_libreoffice_accepts_and_rejects_the_changes(tmp_path):
    """The report opens in LibreOffice; accepting all gives the new text, rejecting all the old."""
    path = tmp_path / "redline.docx"
    tracked(OLD, NEW).save(str(path))
    results = {}
    for mode in ("accept", "reject"):
        done = subprocess.run([_libreoffice_python(), str(LO_SCRIPT), str(path), mode, str(tmp_path / mode)],
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        results[mode] = done.stdout.splitlines()
    names = {"BodyText": "Text body", "ListBullet": "List Bullet"}
    assert results["accept"] == [f"{names[s]}|{t}" for s, t in expected(NEW)]
    assert results["reject"] == [f"{names[s]}|{t}" for s, t in expected(OLD)]
