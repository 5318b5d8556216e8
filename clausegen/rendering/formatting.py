"""Dates, amounts and quantities with a unit, written as a contract writes them in its language.

Babel gives the date and number forms and the plural category (CLDR) for each language; the words
around them ("1 day", "every 2 months") are data in PHRASES. A second language is one more entry
there: writers, assembly and templates stay as they are. The template filters live in
template_filters.py; this module is plain Python and raises FormatError for a value of the wrong kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from clausegen.periods import PeriodError, parse_iso

UNITS = ("minute", "hour", "day", "working_day", "week", "month", "year")


@dataclass(frozen=True)
class Phrases:
    """Everything language-specific: Babel's locale, the date pattern, the amount pattern, per
    unit and plural category the words for a duration and for a frequency ({n}: the number), and
    how running text names the EU (the profile code `EU`, which is no country)."""

    locale: str
    date: str
    amount: str
    duration: dict[str, dict[str, str]]
    every: dict[str, dict[str, str]]
    union: str


def _en(unit: str, plural: str) -> tuple[dict[str, str], dict[str, str]]:
    return ({"one": f"{{n}} {unit}", "other": f"{{n}} {plural}"},
            {"one": f"every {unit}", "other": f"every {{n}} {plural}"})


_EN = {unit: _en(unit.replace("_", " "), unit.replace("_", " ") + "s") for unit in UNITS}

PHRASES: dict[str, Phrases] = {
    # British forms ("1 March 2027", "EUR 50,000"), as contracts under EU law are written in English.
    "en": Phrases(locale="en_GB", date="d MMMM y", amount="{currency} {number}",
                  duration={unit: pair[0] for unit, pair in _EN.items()},
                  every={unit: pair[1] for unit, pair in _EN.items()}, union="the EU"),
}


class FormatError(ValueError):
    """A value a filter cannot write: wrong type, negative, out of range, unknown language."""


def phrases(language: Any) -> Phrases:
    if not isinstance(language, str) or language not in PHRASES:
        raise FormatError(f"no formatting for the language {language!r}; known: {', '.join(sorted(PHRASES))}")
    return PHRASES[language]


@cache
def _locale(name: str) -> Any:
    from babel import Locale  # Babel loads only when a value is formatted, not to load or validate a library

    return Locale.parse(name)


def format_decimal(number: int, locale: Any) -> str:
    from babel.numbers import format_decimal as babel_decimal

    return str(babel_decimal(number, locale=locale))


def describe(value: Any) -> str:
    """How an unexpected value is named in an error message."""
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return f"the true/false value {str(value).lower()}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, float):
        return f"the fraction {value!r}"
    if isinstance(value, int):
        return f"the number {value}"
    return f"a {type(value).__name__}"


def _whole(value: Any, what: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(f"{what} needs a whole number, not {describe(value)}")
    if value < least:
        raise FormatError(f"{what} needs a number of at least {least}, not {value}")
    return value


def format_number(language: str, value: Any) -> str:
    """A whole number with the language's digit grouping: 5,000."""
    return format_decimal(_whole(value, "a number", 0), locale=_locale(phrases(language).locale))


def format_quantity(language: str, value: Any, unit: str, every: bool = False) -> str:
    """'1 day', '30 days'; with every=True 'every month', 'every 2 months'."""
    if unit not in UNITS:
        raise FormatError(f"unknown unit {unit!r}; known: {', '.join(UNITS)}")
    p = phrases(language)
    what = f"a number of {unit.replace('_', ' ')}s" + (" for 'every'" if every else "")
    n = _whole(value, what, 1 if every else 0)
    category = _locale(p.locale).plural_form(n)
    forms = (p.every if every else p.duration)[unit]
    return forms[category].format(n=format_decimal(n, locale=_locale(p.locale)))


def format_amount(language: str, value: Any, currency: Any) -> str:
    """'EUR 50,000': an ISO 4217 code and the whole amount, grouped."""
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isascii() and currency.isupper()):
        raise FormatError(f"an amount needs a currency code of three capital letters such as \"EUR\", "
                          f"not {describe(currency)}")
    p = phrases(language)
    number = format_decimal(_whole(value, "an amount", 0), locale=_locale(p.locale))
    return p.amount.format(currency=currency, number=number)


def format_countries(language: str, value: Any) -> str:
    """'Norway (NO)', 'the EU', 'Denmark (DK) and India (IN)': a bare code in prose reads as a word
    ("remote access from NO"), so each code gets the language's name of the country, and stays as written."""
    from clausegen.models.countries import canonical

    codes = [value] if isinstance(value, str) else value
    if not isinstance(codes, (list, tuple)) or not codes or not all(isinstance(c, str) for c in codes):
        raise FormatError(f"countries are a code such as \"DK\" or a list of codes, not {describe(value)}")
    p = phrases(language)
    locale = _locale(p.locale)
    names = []
    for code in codes:
        if code == "EU":
            names.append(p.union)
            continue
        territory = locale.territories.get(canonical(code)) if len(code) == 2 and code.isalpha() else None
        if territory is None or not code.isupper():
            raise FormatError(f"{code!r} is not a country code")
        names.append(f"{territory} ({code})")
    from babel.lists import format_list

    return str(format_list(names, locale=locale))


def as_date(value: Any) -> dt.date:
    """A date given as a date or as text written YYYY-MM-DD."""
    if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
        raise FormatError(f"a date must be written YYYY-MM-DD, not {describe(value)}")
    if isinstance(value, str):
        try:
            return parse_iso(value)
        except PeriodError as e:
            raise FormatError(str(e)) from e
    return value


def format_date(language: str, value: Any) -> str:
    """'1 March 2027'."""
    day = as_date(value)
    p = phrases(language)
    from babel.dates import format_date as babel_date

    return str(babel_date(day, p.date, locale=_locale(p.locale)))
