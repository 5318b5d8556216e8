"""Terminal text: rich styles it when colour is on; without colour it is the plain text, byte for byte."""

from clausegen.rendering.terminal import paint

PARTS = [("Title", "heading"), ("\nkept ", ""), ("old\ntext", "deleted"), (" ", ""), ("new", "inserted"), ("\n", "")]


def test_without_colour_the_parts_are_joined_unchanged():
    assert paint(PARTS, color=False) == "Title\nkept old\ntext new\n"
    assert paint([("tab\there  two  spaces \x1b", "added")], color=False) == "tab\there  two  spaces \x1b"


def test_with_colour_each_styled_line_is_reset_before_its_line_break():
    assert paint(PARTS, color=True) == (
        "\x1b[1mTitle\x1b[0m\nkept \x1b[9;31mold\x1b[0m\n\x1b[9;31mtext\x1b[0m \x1b[4;32mnew\x1b[0m\n")


def test_long_lines_are_never_wrapped():
    line = "word " * 100
    assert paint([(line, "changed")], color=True) == f"\x1b[33m{line}\x1b[0m"
