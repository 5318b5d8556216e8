"""Redline HTML and PDF come from pandoc's AST (redlines/pandoc_ast.py): marks are fixed raw pieces."""

from clausegen.redlines.pandoc_ast import _RedlineWriter, _trim
from clausegen.rendering.redline import Change


def test_marks_keep_spaces_outside_and_text_as_str():
    html = _RedlineWriter(typst=False).changes((Change("=", (("within ", False, False),)),
                                                Change("-", (("20 ", False, False),)),
                                                Change("+", ((" <b>10</b> ", True, False),))))
    assert html == [{"t": "Str", "c": "within "}, {"t": "RawInline", "c": ["html", "<del>"]},
                    {"t": "Str", "c": "20"}, {"t": "RawInline", "c": ["html", "</del>"]}, {"t": "Str", "c": " "},
                    {"t": "Str", "c": " "}, {"t": "RawInline", "c": ["html", "<ins>"]},
                    {"t": "Strong", "c": [{"t": "Str", "c": "<b>10</b>"}]}, {"t": "RawInline", "c": ["html", "</ins>"]},
                    {"t": "Str", "c": " "}]


def test_in_typst_a_dot_or_bracket_after_a_mark_does_not_continue_it():
    typst = _RedlineWriter(typst=True).changes((Change("+", (("new", False, False),)),
                                                Change("=", (("(a).", False, False),))))
    assert typst[-2:] == [{"t": "RawInline", "c": ["typst", "\\("]}, {"t": "Str", "c": "a)."}]


def test_trim_cuts_across_runs():
    runs = [("  bold", True, False), (" and plain ", False, False)]
    assert _trim(runs, 2, 1) == [("bold", True, False), (" and plain", False, False)]
