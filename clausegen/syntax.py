"""The patterns clausegen's inputs share, defined once: template tags, clause ids and versions.

No imports beyond `re`, so models, loading, lint and rendering can all use it without a cycle.
"""

from __future__ import annotations

import re

# A complete Jinja tag: a value, a statement or a comment.
TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
# Either half of a tag: in a value or an output, any of them means template syntax was left over.
TAG_MARKS = ("{{", "{%", "{#", "}}", "%}", "#}")

# A definition written in a clause: "(the **Client**)", "(each a **Party**)", "**Client Data** means",
# "each a **Party**", "is the **Disclosing Party**", "**Personal Data** and **Processing** have the
# meanings". `defined_term` gives the term of a match.
_TERM = r"[A-Z][^*\n]{0,60}?"
DEFINITION = re.compile(
    rf"\((?:the |a |an |each |each a |each an |together the |together |jointly the )?\*\*(?P<a>{_TERM})\*\*\)"
    rf"|\*\*(?P<b>{_TERM})\*\*(?= means\b| has the meaning\b)"
    rf"|\b(?:each an?|together the|jointly the|(?:is|are) the) \*\*(?P<c>{_TERM})\*\*(?![^\s.,;:)])"
    rf"|\*\*(?P<d>{_TERM})\*\*(?=(?:,? (?:and |or )?\*\*[^*\n]+\*\*)* have the meanings?\b)")


def defined_term(match: re.Match[str]) -> str:
    return next(group for group in match.group("a", "b", "c", "d") if group).strip()


CLAUSE_ID = r"[a-z0-9]+(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+"
VERSION = r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)"
CLAUSE_FILE = re.compile(rf"^{CLAUSE_ID}@{VERSION}\.md$")  # termination.asset-return@1.1.0.md
CLAUSE_REF = re.compile(rf"^({CLAUSE_ID})@({VERSION})$")  # termination.asset-return@1.1.0


def template_residue(text: str) -> str | None:
    """The first tag mark in `text`, if any."""
    return next((mark for mark in TAG_MARKS if mark in text), None)
