"""Shared model configuration: strict types, unknown keys are errors, values are immutable."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

from clausegen.syntax import template_residue

# C0/C1 control characters other than newline and tab cannot appear in a Word document and would
# be stripped silently by some writers, so they are errors. Lone surrogates cannot be encoded.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _clean_text(value: str) -> str:
    bad = _ILLEGAL.search(value)
    if bad:
        raise ValueError(
            f"contains the control character U+{ord(bad.group()):04X} at position {bad.start()}, "
            "which a document cannot show"
        )
    if "\t" in value:
        raise ValueError("contains a tab; use spaces")
    if not value.strip():
        raise ValueError("is empty")
    return unicodedata.normalize("NFC", value)


def no_template_syntax(value: str) -> str:
    """Values are printed as they are and never run; template syntax in one is a mistake."""
    tag = template_residue(value)
    if tag is not None:
        raise ValueError(f"contains template syntax {tag!r}; a value is printed as it is, never run")
    return value


def no_edge_whitespace(value: str) -> str:
    """A value is printed mid-sentence or at the start of a line; a space or line break at its start
    or end would be lost or turn into a line break, depending on the format."""
    if value != value.strip():
        raise ValueError("starts or ends with a space or line break; remove it (for a block of text, write |- "
                         "instead of |)")
    return value


def _single_line(value: str) -> str:
    if "\n" in value:
        raise ValueError("must be a single line")
    return value


Text = Annotated[str, AfterValidator(_clean_text)]
"""Non-empty text that can be shown in every format; may span lines."""

Line = Annotated[str, AfterValidator(_clean_text), AfterValidator(_single_line)]
"""Non-empty single-line text: names, titles."""

ValueText = Annotated[str, AfterValidator(_clean_text), AfterValidator(no_edge_whitespace),
                     AfterValidator(no_template_syntax)]
"""Text from a profile: shown in documents verbatim."""

ValueLine = Annotated[str, AfterValidator(_clean_text), AfterValidator(_single_line), AfterValidator(no_edge_whitespace),
                     AfterValidator(no_template_syntax)]
