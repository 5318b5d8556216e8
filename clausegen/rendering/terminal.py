"""Text for a terminal: styled by rich when colour is on, exactly the plain text when it is off."""

from __future__ import annotations

import io
from collections.abc import Iterable

# What each kind of text looks like in colour; without colour the text itself says it.
STYLES = {
    "deleted": "red strike", "inserted": "green underline",
    "added": "green", "removed": "red", "changed": "yellow", "heading": "bold", "subheading": "bold",
}

Part = tuple[str, str]  # (text, a key of STYLES or "" for unstyled)


def paint(parts: Iterable[Part], color: bool) -> str:
    """The parts joined; with colour, each styled one in ANSI codes (16 colours, the widest support)."""
    parts = list(parts)
    if not color:
        return "".join(text for text, _ in parts)
    from rich.console import Console  # only a coloured run pays for importing rich
    from rich.text import Text

    text = Text(no_wrap=True, end="")
    for chunk, kind in parts:
        text.append(chunk, STYLES[kind] if kind else None)
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard", no_color=False,
                      soft_wrap=True, highlight=False, markup=False, emoji=False, tab_size=8)
    with console.capture() as captured:
        console.print(text, end="")
    return captured.get()
