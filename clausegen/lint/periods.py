"""Periods written in contract text, and what they amount to, so that two can be compared.

"72 hours" and "3 days" are the same period; "10 working days" and "14 days" are not comparable
and are treated as different.
"""

from __future__ import annotations

import re

from clausegen.syntax import TEMPLATE_TAG

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "forty-five": 45, "forty-eight": 48, "sixty": 60, "seventy-two": 72,
    "ninety": 90,
}
# Unit -> (base, factor): every period becomes hours, months or working days.
_UNITS = {"minute": ("hours", 1 / 60), "hour": ("hours", 1), "day": ("hours", 24), "week": ("hours", 168),
          "month": ("months", 1), "quarter": ("months", 3), "year": ("months", 12)}
_ADVERBS = {"hourly": ("hours", 1), "daily": ("hours", 24), "weekly": ("hours", 168), "monthly": ("months", 1),
            "quarterly": ("months", 3), "annually": ("months", 12), "yearly": ("months", 12)}

_NUM = r"\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in _NUMBERS), key=len, reverse=True))
_UNIT = r"(?P<kind>(?:working|business|calendar)[\s-]+)?(?P<unit>minute|hour|day|week|month|quarter|year)s?"
PERIOD = re.compile(
    rf"\b(?P<num>{_NUM})[\s-]+{_UNIT}\b"
    rf"|\b(?P<adverb>{'|'.join(_ADVERBS)})\b"
    r"|\b(?:every|each)\s+(?P<single>minute|hour|day|week|month|quarter|year)\b",
    re.IGNORECASE,
)
# Template code is not text: "{{ deletion_days }} days" takes its number from a parameter.
# "the 24 hours after ..." is the same words as a deadline; a year as part of a legal citation
# ("Regulation (EU) 2016/679") has no unit and never matches.


def template_text(source: str) -> str:
    """The literal text of a template: every tag becomes a marker that holds no number."""
    return TEMPLATE_TAG.sub("\u00a7", source)


def find(source: str) -> list[tuple[str, int]]:
    """Every period written out in a template's literal text: (phrase, line offset from its start)."""
    text = template_text(source)
    return [(m.group(0), text.count("\n", 0, m.start())) for m in PERIOD.finditer(text) if not _not_a_period(text, m)]


# Words that are units without being a deadline or an interval: around the clock ("24 hours a day,
# 7 days a week"), a rate ("a penalty for each day", "credits for each month"), and an adjective
# ("the monthly fees", "a monthly availability").
_AROUND_THE_CLOCK_AFTER = re.compile(r"\s+a\s+(?:day|week)\b", re.IGNORECASE)
_AROUND_THE_CLOCK_BEFORE = re.compile(r"\b(?:hours|days)\s+$", re.IGNORECASE)
_RATE_BEFORE = re.compile(r"\b(?:for|per)\s+$", re.IGNORECASE)
_ADJECTIVE_BEFORE = re.compile(r"\b(?:a|an|the|its|their|each|any)\s+$", re.IGNORECASE)


def _not_a_period(text: str, m: re.Match[str]) -> bool:
    before = text[max(0, m.start() - 12):m.start()]
    if m.group("num") and _AROUND_THE_CLOCK_AFTER.match(text, m.end()):
        return True
    if m.group("single") or m.group(0).lower() in ("a day", "a week"):
        return bool(_AROUND_THE_CLOCK_BEFORE.search(before) or _RATE_BEFORE.search(before))
    return bool(m.group("adverb")) and bool(_ADJECTIVE_BEFORE.search(before))


def amount(phrase: str) -> tuple[str, float] | None:
    """(base unit, amount) of a period phrase, or None when it is not one."""
    m = PERIOD.fullmatch(phrase.strip())
    if m is None:
        return None
    if m.group("adverb"):
        return _ADVERBS[m.group("adverb").lower()]
    if m.group("single"):
        return _UNITS[m.group("single").lower()]
    raw = m.group("num").lower()
    number = float(raw) if raw[0].isdigit() else float(_NUMBERS[raw])
    unit = m.group("unit").lower()
    if m.group("kind") and m.group("kind").strip().lower() in ("working", "business"):
        if unit != "day":
            return None
        return "working days", number
    base, factor = _UNITS[unit]
    return base, number * factor


def same(a: str, b: str) -> bool:
    return amount(a) == amount(b) and amount(a) is not None
