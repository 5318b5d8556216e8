"""One period for each event: E-EVENT-SPLIT, E-EVENT-FIXED, E-EVENT-CONFLICT, E-EVENT-MISSING and
T-PERIOD.

An event (a personal-data breach reaching the Client, the asset register falling due) has one
period. It is set by exactly one parameter that names the event (`event:`), or, where the period is
fixed by law, written out in the text and tied to the event under the item's `lint: {periods:}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clausegen.errors import Diagnostic
from clausegen.lint import periods
from clausegen.lint.findings import Item, finding
from clausegen.models.catalogue import Catalogue
from clausegen.models.library import Library

# Integer parameters whose name says they are a period.
PERIOD_NAME = re.compile(r"_(minutes|hours|days|weeks|months|years)$")


@dataclass(frozen=True)
class Declaration:
    name: str
    event: str | None
    is_period: bool
    item: Item
    path: tuple  # of the declaration, inside the item


@dataclass(frozen=True)
class Text:
    """The contract text of one item: a clause body, or a requirement's text or verification."""

    source: str
    first_line: int | None
    item: Item
    fixed: dict[str, str]  # period phrase -> event (lint: {periods: ...})
    obligation: bool = True  # False for a verification: how the Client checks, which T-PERIOD leaves alone


def gather(library: Library, catalogue: Catalogue, items: dict[str, Item]) -> tuple[list[Declaration], list[Text]]:
    decls: list[Declaration] = []
    texts: list[Text] = []
    for clause in library.clauses:
        item = items[f"{clause.id}@{clause.version}"]
        fixed = dict(clause.lint.periods) if clause.lint else {}
        texts.append(Text(clause.body, clause.body_line, item, fixed))
        for name, decl in clause.parameters.items():
            decls.append(Declaration(name, decl.event, _is_period(name, decl), item, ("parameters", name)))
    for level in catalogue.levels:
        for req in level.requirements:
            item = items[req.id]
            fixed = dict(req.lint.periods) if req.lint else {}
            texts.append(Text(req.text, item.line("text"), item, fixed))
            texts.append(Text(req.verification, item.line("verification"), item, fixed, obligation=False))
            for name, decl in req.parameters.items():
                decls.append(Declaration(name, decl.event, _is_period(name, decl), item, ("parameters", name)))
    return decls, texts


def _is_period(name: str, decl: object) -> bool:
    return getattr(decl, "type", "") == "integer" and bool(PERIOD_NAME.search(name))


def check(library: Library, catalogue: Catalogue, items: dict[str, Item]) -> list[Diagnostic]:
    decls, texts = gather(library, catalogue, items)
    return _split(decls) + _missing(decls) + _fixed(decls, texts) + _written_out(texts)


def _split(decls: list[Declaration]) -> list[Diagnostic]:
    """Two parameters for one event can be set apart; the documents then contradict each other."""
    first: dict[str, str] = {}
    out = []
    for d in decls:
        if d.event is None:
            continue
        owner = first.setdefault(d.event, d.name)
        if owner != d.name:
            out.append(finding(d.item.file, d.item.line(*d.path, "event"), "E-EVENT-SPLIT",
                               f"parameters {owner} and {d.name} both set the period of event {d.event}",
                               f"use {{{{ {owner} }}}} here and remove {d.name}: one event has one parameter",
                               d.item.label, d.name))
    return out


def _missing(decls: list[Declaration]) -> list[Diagnostic]:
    return [finding(d.item.file, d.item.line(*d.path), "E-EVENT-MISSING",
                    f"parameter {d.name} is a period but names no event",
                    "add `event: <id>` (registered under `events:` in library.yaml), so that the same "
                    "event cannot get a second period elsewhere", d.item.label, d.name)
            for d in decls if d.is_period and d.event is None]


def _fixed(decls: list[Declaration], texts: list[Text]) -> list[Diagnostic]:
    """Fixed periods tied to an event: none where a parameter sets the event, all equal otherwise."""
    by_event = {d.event: d.name for d in decls if d.event}
    seen: dict[str, tuple[str, Item]] = {}
    out = []
    reported: set[tuple[str, str]] = set()
    for t in texts:
        for phrase, event in t.fixed.items():
            if (t.item.label, phrase) in reported:  # one item's text and verification share `periods`
                continue
            reported.add((t.item.label, phrase))
            line = t.item.line("lint", "periods", phrase)
            if event in by_event:
                out.append(finding(t.item.file, line, "E-EVENT-FIXED",
                                   f"{phrase!r} is fixed for event {event}, which parameter {by_event[event]} sets",
                                   f"write {{{{ {by_event[event]} }}}} instead", t.item.label, phrase))
                continue
            earlier = seen.setdefault(event, (phrase, t.item))
            if not periods.same(earlier[0], phrase):
                out.append(finding(t.item.file, line, "E-EVENT-CONFLICT",
                                   f"{phrase!r} for event {event}, but {earlier[1].label} gives {earlier[0]!r}",
                                   "one event has one period: make them agree, or declare a parameter with "
                                   f"event: {event}", t.item.label, phrase))
    return out


def _written_out(texts: list[Text]) -> list[Diagnostic]:
    out = []
    used: dict[tuple[str, str], bool] = {}
    for t in texts:
        for phrase in t.fixed:
            used.setdefault((t.item.label, phrase), False)
        for phrase, offset in periods.find(t.source):
            if not t.obligation:
                continue
            tied = next((p for p in t.fixed if p.lower() == phrase.lower()), None)
            if tied is not None:
                used[(t.item.label, tied)] = True
                continue
            line = None if t.first_line is None else t.first_line + (offset if t.item.base == () else 0)
            out.append(finding(t.item.file, line, "T-PERIOD", f"period {phrase!r} is written out",
                               "take it from a parameter with an `event:`, or, if the law fixes it, tie it to "
                               "its event under lint: {periods: {\"" + phrase + "\": <event>}}", t.item.label,
                               phrase))
    items = {t.item.label: t.item for t in texts}
    for (label, phrase), was_used in used.items():
        if not was_used:
            item = items[label]
            out.append(finding(item.file, item.line("lint", "periods", phrase), "L-UNUSED",
                               f"lint.periods names {phrase!r}, which the text does not contain",
                               "remove it, or write the phrase exactly as in the text", label, phrase))
    return out
