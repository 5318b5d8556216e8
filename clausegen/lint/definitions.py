"""Defined terms, document by document: T-UNDEFINED, T-LOWERCASE and T-UNUSED.

A term is defined where a clause writes it in bold as a definition: "(the **Client**)",
"(each a **Sub-supplier**)" or "**Client Data** means ...". A document is every clause that can
go into it (the newest version that is not deprecated) plus, for documents with a requirement
table, every requirement. The checks read the literal text: template code is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from clausegen.errors import Diagnostic
from clausegen.lint.findings import Item, finding
from clausegen.lint.periods import template_text
from clausegen.syntax import DEFINITION

# Bold (definitions, captions) and italics (names of sections and documents).
_BOLD = re.compile(r"\*\*[^*\n]*\*\*|(?<!\*)\*[^*\n]+\*(?!\*)")
# A run of capitalised words ("Client Data", "Exit Period", "Sub-supplier").
_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][a-z]+(?:-[a-z]+)*(?:[ -][A-Z][a-z]+(?:-[a-z]+)*)*(?![\w-])")
# What may come before a word that starts a sentence or a list item.
# A bold run (a caption such as "**Deletion.**") and a table cell also start one.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;|\u00a7]\s*|\n\s*(?:[-*+]|\d+[.)]|\([a-z0-9]+\))?\s*|[\"'(“‘]\s*)$")


@dataclass(frozen=True)
class Source:
    """One text of a document: a clause body, a requirement's text or verification."""

    text: str
    first_line: int | None
    item: Item
    one_line: bool = False  # requirement texts are single YAML values: every finding is on their line


def definitions(sources: list[Source]) -> dict[str, tuple[Source, int]]:
    """Term -> where it is first defined (source, line offset)."""
    found: dict[str, tuple[Source, int]] = {}
    for source in sources:
        text = template_text(source.text)
        for m in DEFINITION.finditer(text):
            term = (m.group("a") or m.group("b")).strip()
            found.setdefault(term, (source, text.count("\n", 0, m.start())))
    return found


def _plain(text: str) -> str:
    """The text without template code and without bold runs (definitions and bold captions)."""
    return _BOLD.sub(lambda m: "\u00a7" + "\n" * m.group(0).count("\n"), template_text(text))


def _line(source: Source, text: str, index: int) -> int | None:
    if source.first_line is None:
        return None
    return source.first_line if source.one_line else source.first_line + text.count("\n", 0, index)


def check(document: str, sources: list[Source], known: frozenset[str]) -> list[Diagnostic]:
    """Findings for one document. `known` are capitalised words and names that need no definition."""
    terms = definitions(sources)
    known = known | _names()
    out: list[Diagnostic] = []
    used: set[str] = set()
    lower = {t: re.compile(rf"(?<![\w-]){re.escape(t.lower())}(?![\w-])") for t in terms if t.lower() != t and
             not t.isupper()}
    exact = {t: re.compile(rf"(?<![\w-]){re.escape(t)}(?:s|'s|s')?(?![\w-])") for t in terms}
    for source in sources:
        text = _plain(source.text)
        for term, pattern in exact.items():
            if pattern.search(text):
                used.add(term)
        flagged: set[str] = set()
        for term, pattern in lower.items():
            m = pattern.search(text)
            if m and term not in flagged:
                flagged.add(term)
                out.append(finding(source.item.file, _line(source, text, m.start()), "T-LOWERCASE",
                                   f"{document}: {m.group(0)!r} is the defined term {term!r} in lower case",
                                   f"write {term!r}, or another word if the defined meaning is not meant",
                                   source.item.label, term))
        out += _undefined(document, source, text, terms, known)
    for term, (source, offset) in sorted(terms.items()):
        if term not in used:
            line = None if source.first_line is None else source.first_line + (0 if source.one_line else offset)
            out.append(finding(source.item.file, line, "T-UNUSED", f"{document}: {term!r} is defined but never used",
                               "remove the definition, or use the term", source.item.label, term))
    return out


def _undefined(document: str, source: Source, text: str, terms: dict[str, tuple[Source, int]],
               known: frozenset[str]) -> list[Diagnostic]:
    out = []
    reported: set[str] = set()
    # Names with small words inside ("Statement of Applicability") are taken out whole first.
    for name in sorted((n for n in set(terms) | known if " " in n), key=len, reverse=True):
        text = text.replace(name, "\u00a7" * len(name))
    for m in _CAPITALISED.finditer(text):
        phrase = m.group(0)
        if _covered(phrase, terms, known):
            continue
        if _SENTENCE_START.search(text[max(0, m.start() - 12):m.start()]):
            phrase = " ".join(phrase.split(" ")[1:])  # the first word is capitalised because it starts the sentence
            if not phrase or not phrase[0].isupper():
                continue
        if _covered(phrase, terms, known) or phrase in reported:
            continue
        reported.add(phrase)
        out.append(finding(source.item.file, _line(source, text, m.start()), "T-UNDEFINED",
                           f"{document}: {phrase!r} is capitalised like a defined term, but no clause of the "
                           "document defines it", "define it in bold where first used, e.g. (the **"
                           f"{phrase}**), or write it in lower case", source.item.label, phrase))
    return out


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """Names no contract defines: months, weekdays and countries."""
    from clausegen.models import countries

    months = "January February March April May June July August September October November December".split()
    days = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
    return frozenset(months + days + [d + "s" for d in days] + countries.names())


def _covered(phrase: str, terms: dict[str, tuple[Source, int]], known: frozenset[str]) -> bool:
    """A phrase made only of defined terms (with plural or possessive endings) and known names."""
    words = phrase.split(" ")
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            chunk = " ".join(words[i:j])
            base = re.sub(r"(?:'s|s'|s)$", "", chunk)
            if {chunk, base, chunk + "s"} & (set(terms) | known):
                i = j
                break
        else:
            return False
    return True
