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
from clausegen.syntax import DEFINITION, defined_term

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
            term = defined_term(m)
            found.setdefault(term, (source, text.count("\n", 0, m.start())))
    return found


def _plain(text: str) -> str:
    """The text without template code and without bold runs (definitions and bold captions), the
    bold runs blanked character by character so that offsets match the template text."""
    return _BOLD.sub(lambda m: re.sub(r"[^\n]", "\u00a7", m.group(0)), template_text(text))


def _line(source: Source, text: str, index: int) -> int | None:
    if source.first_line is None:
        return None
    return source.first_line if source.one_line else source.first_line + text.count("\n", 0, index)


def check(document: str, sources: list[Source], known: frozenset[str],
          ordinary: tuple[str, ...] = ()) -> list[Diagnostic]:
    """Findings for one document. `known` are capitalised words and names that need no definition;
    `ordinary` are phrases in which a defined word has its everyday meaning ("cloud service")."""
    terms = definitions(sources)
    known = known | _names()
    out: list[Diagnostic] = []
    used: set[str] = set()
    lower = {t: re.compile(rf"(?<![\w-]){re.escape(t.lower())}(?![\w-])") for t in terms if t.lower() != t and
             not t.isupper()}
    exact = {t: re.compile(rf"(?<![\w-]){_forms(t)}(?![\w-])") for t in terms}
    for source in sources:
        text = _plain(source.text)
        for term, pattern in exact.items():
            if pattern.search(text):
                used.add(term)
        defining = _defining_sentences(source.text)
        longer: list[tuple[int, int]] = []  # "client data": its "client" is not reported again
        for term, pattern in sorted(lower.items(), key=lambda kv: -len(kv[0])):
            matches = list(pattern.finditer(text))
            m = next((m for m in matches if not _ordinary_use(text, m, term, defining, ordinary)
                      and not any(a <= m.start() and m.end() <= b for a, b in longer)), None)
            longer += [found.span() for found in matches]
            if m is not None:
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


def _forms(term: str) -> str:
    """The term with its plural and possessive: Client(s)('s), Party / Parties."""
    if term.endswith("y") and len(term) > 1 and term[-2] not in "aeiou":
        return rf"{re.escape(term[:-1])}(?:y|ies|y's|ies')"
    return rf"{re.escape(term)}(?:s|'s|s')?"


# Words in the noun phrase before a lower-case use that make it any one of its kind, not the defined
# one: "a new supplier", "any agreement to sell", "its supplier" (a component's), "that agreement".
_GENERIC = frozenset("a an any another other new previous future former its no that such".split())
_PHRASE_START = frozenset("the this these those of to for in with by on from and or at under each every all".split())
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?![\s]|$))+(?:[.!?]|\n|$)")


def _defining_sentences(source: str) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, terms) of each sentence that defines terms: in "This appendix (the **Appendix**)"
    or "**Appendix** means the contract security appendix", the lower-case word is the definition's."""
    text = template_text(source)
    out = []
    for sentence in _SENTENCE.finditer(text):
        found = frozenset(defined_term(m) for m in DEFINITION.finditer(sentence.group(0)))
        if found:
            out.append((sentence.start(), sentence.end(), found))
    return out


def _ordinary_use(text: str, m: re.Match[str], term: str, defining: list[tuple[int, int, frozenset[str]]],
                  ordinary: tuple[str, ...]) -> bool:
    """A lower-case use that is not the defined term misspelt: inside a sentence that defines it or a
    term containing it ("**Data Processing Agreement** means the agreement ..."), after a word that
    makes it generic, or part of an ordinary phrase such as "cloud service"."""
    word = term.lower()
    if any(start <= m.start() < end and any(word in t.lower() for t in terms) for start, end, terms in defining):
        return True
    for before in reversed(re.findall(r"[\w-]+", text[max(0, m.start() - 60):m.start()])[-4:]):
        if before.lower() in _GENERIC:
            return True
        if before.lower() in _PHRASE_START:  # "any part of the service": the generic word is not its own
            break
    for phrase in ordinary:
        for p in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text, re.IGNORECASE):
            if p.start() <= m.start() and m.end() <= p.end():
                return True
    return False


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
            singular = re.sub(r"ies$", "y", chunk)  # Parties -> Party
            if {chunk, base, singular, chunk + "s"} & (set(terms) | known):
                i = j
                break
        else:
            return False
    return True
