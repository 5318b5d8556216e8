"""The formatting layer: each filter in English, the period rule's edge cases, located errors."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st

from clausegen.errors import RenderError
from clausegen.periods import PeriodError, add_days, add_months, months_before, parse_iso, term_end
from clausegen.rendering import formatting
from clausegen.rendering.markdown import render_template
from clausegen.rendering.template_filters import FORMAT_FILTERS

CTX = {"language": "en", "one": 1, "two": 2, "big": 5_000_000, "start": "2027-03-01", "text": "30",
       "nothing": None, "yes": True, "half": 1.5, "minus": -1, "zero": 0}


def render(source: str, **extra) -> str:
    return render_template("markdown", source, {**CTX, **extra}, "c.md", 10, "x.y@1.0.0")


@pytest.mark.parametrize("source, expected", [
    ("{{ one | days }}", "1 day"),
    ("{{ two | days }}", "2 days"),
    ("{{ zero | days }}", "0 days"),
    ("{{ 1000 | days }}", "1,000 days"),
    ("{{ one | hours }} {{ two | hours }}", "1 hour 2 hours"),
    ("{{ one | minutes }} {{ two | minutes }}", "1 minute 2 minutes"),
    ("{{ one | working_days }} {{ 10 | working_days }}", "1 working day 10 working days"),
    ("{{ one | weeks }} {{ two | weeks }}", "1 week 2 weeks"),
    ("{{ one | months }} {{ 12 | months }}", "1 month 12 months"),
    ("{{ one | years }} {{ 5 | years }}", "1 year 5 years"),
    ("{{ one | months(every=True) }}", "every month"),
    ("{{ two | months(every=True) }}", "every 2 months"),
    ("{{ one | weeks(every=True) }}, {{ 24 | hours(every=True) }}", "every week, every 24 hours"),
    ("{{ one | days(every=False) }}", "1 day"),
    ("{{ start | date }}", "1 March 2027"),
    ("{{ '2032-02-29' | date }}", "29 February 2032"),
    ("{{ start | term_end(60) | date }}", "29 February 2032"),
    ("{{ start | term_end(one) | date }}", "31 March 2027"),
    ("{{ big | amount('EUR') }}", "EUR 5,000,000"),
    ("{{ 50000 | amount('EUR') }}", "EUR 50,000"),
    ("{{ 999 | amount('DKK') }}", "DKK 999"),
    ("{{ (two * 1000000) | amount('EUR') }}", "EUR 2,000,000"),
    ("{{ 5000 | number }}", "5,000"),
    ("{{ ['DK', 'NO'] | countries }}", "Denmark (DK) and Norway (NO)"),
    ("{{ 'US' | countries }}", "United States (US)"),
    ("{{ ['EU', 'EL', 'IN'] | countries }}", "the EU, Greece (EL) and India (IN)"),
])
def test_filters_in_english(source, expected):
    assert render(source) == expected


@pytest.mark.parametrize("source, message", [
    ("{{ text | days }}", "|days: a number of days needs a whole number, not the text '30'"),
    ("{{ nothing | months }}", "|months: a number of months needs a whole number, not an empty value (null)"),
    ("{{ yes | hours }}", "|hours: a number of hours needs a whole number, not the true/false value true"),
    ("{{ half | weeks }}", "|weeks: a number of weeks needs a whole number, not the fraction 1.5"),
    ("{{ minus | days }}", "|days: a number of days needs a number of at least 0, not -1"),
    ("{{ zero | months(every=True) }}",
     "|months: a number of months for 'every' needs a number of at least 1, not 0"),
    ("{{ one | days(every='yes') }}", "|days: every= takes true or false (True/False), not the text 'yes'"),
    ("{{ text | amount('EUR') }}", "|amount: an amount needs a whole number, not the text '30'"),
    ("{{ big | amount('euro') }}",
     "|amount: an amount needs a currency code of three capital letters such as \"EUR\", not the text 'euro'"),
    ("{{ one | date }}", "|date: a date must be written YYYY-MM-DD, not the number 1"),
    ("{{ '1 March 2027' | date }}", "|date: '1 March 2027' is not a date written YYYY-MM-DD"),
    ("{{ '2027-02-30' | date }}", "|date: '2027-02-30' is not a date written YYYY-MM-DD"),
    ("{{ start | term_end(text) | date }}",
     "|term_end: the number of months must be a whole number, not the text '30'"),
    ("{{ start | term_end(0) | date }}",
     "|term_end: a period of 0 months has no last day; it must be at least 1 month"),
    ("{{ '9999-06-01' | term_end(12) | date }}",
     "|term_end: a period of 12 months from 9999-06-01 ends after the year 9999"),
    ("{{ start | term_end(12) }}", "a date would print as Python syntax; write it with |date"),
    ("{{ [] | countries }}", "|countries: countries are a code such as \"DK\" or a list of codes, not a list"),
    ("{{ ['001'] | countries }}", "|countries: '001' is not a country code"),
    ("{{ ['dk'] | countries }}", "|countries: 'dk' is not a country code"),
])
def test_a_wrong_value_is_an_error_located_at_its_line(source, message):
    with pytest.raises(RenderError) as e:
        render("The first line.\nThe second: " + source)
    assert str(e.value) == f"c.md:11: x.y@1.0.0: {message}"


def test_an_undefined_name_keeps_its_own_error():
    with pytest.raises(RenderError, match="'missing' is undefined"):
        render("{{ missing | days }}")


def test_without_the_profile_language_nothing_is_formatted():
    with pytest.raises(RenderError, match=r"\|days: the profile language is not known here"):
        render_template("markdown", "{{ 3 | days }}", {}, "c.md", 1, "x")
    with pytest.raises(RenderError, match=r"no formatting for the language 'xx'; known: en"):
        render("{{ 3 | days }}", language="xx")


def test_every_language_has_a_phrase_for_every_plural_category_of_its_locale():
    for language, phrases in formatting.PHRASES.items():
        categories = Locale.parse(phrases.locale).plural_form.tags | {"other"}
        for unit in formatting.UNITS:
            assert set(phrases.duration[unit]) >= categories, (language, unit)
            assert set(phrases.every[unit]) >= categories, (language, unit)


def test_the_filters_are_allowed_by_the_sandbox_and_named_in_the_docs():
    from conftest import ROOT

    from clausegen.rendering.environment import ALLOWED_FILTERS

    docs = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    for name in FORMAT_FILTERS:
        assert name in ALLOWED_FILTERS
        assert f"| {name}" in docs, name


# --- the period rule -------------------------------------------------------------------------

D = dt.date


@pytest.mark.parametrize("first, months, last", [
    (D(2027, 3, 1), 60, D(2032, 2, 29)),   # the example: ends in a leap February
    (D(2027, 3, 1), 12, D(2028, 2, 29)),
    (D(2026, 3, 1), 12, D(2027, 2, 28)),
    (D(2027, 1, 1), 48, D(2030, 12, 31)),
    (D(2027, 1, 31), 1, D(2027, 2, 28)),   # no 30 February: the month's last day
    (D(2028, 1, 31), 1, D(2028, 2, 29)),
    (D(2028, 1, 30), 1, D(2028, 2, 29)),   # the day before 30 February would be 29 February
    (D(2027, 1, 30), 1, D(2027, 2, 28)),
    (D(2027, 3, 31), 1, D(2027, 4, 30)),
    (D(2027, 3, 15), 1, D(2027, 4, 14)),
    (D(2028, 2, 29), 12, D(2029, 2, 28)),
    (D(2028, 2, 29), 48, D(2032, 2, 28)),
    (D(2027, 12, 1), 1, D(2027, 12, 31)),
    (D(2027, 12, 2), 1, D(2028, 1, 1)),
    (D(1, 1, 1), 1, D(1, 1, 31)),
    (D(9999, 1, 1), 12, D(9999, 12, 31)),
])
def test_term_end(first, months, last):
    assert term_end(first, months) == last


@pytest.mark.parametrize("day, months, result", [
    (D(2027, 1, 31), 1, D(2027, 2, 28)),
    (D(2028, 1, 31), 1, D(2028, 2, 29)),
    (D(2027, 3, 31), -1, D(2027, 2, 28)),
    (D(2027, 12, 15), 1, D(2028, 1, 15)),
    (D(2027, 1, 15), -1, D(2026, 12, 15)),
])
def test_add_months_clamps_to_the_month_end(day, months, result):
    assert add_months(day, months) == result


def test_months_before_and_add_days():
    assert months_before(D(2032, 3, 1), 6) == D(2031, 9, 1)
    assert add_days(D(2030, 1, 31), 30) == D(2030, 3, 2)


@pytest.mark.parametrize("call, message", [
    (lambda: term_end(D(9999, 12, 2), 1), "a period of 1 months from 9999-12-02 ends after the year 9999"),
    (lambda: term_end(D(9999, 6, 1), 12), "a period of 12 months from 9999-06-01 ends after the year 9999"),
    (lambda: add_months(D(1, 3, 1), -3), "-3 months from 0001-03-01 falls outside the years 1 to 9999"),
    (lambda: add_days(D(9999, 12, 31), 1), "1 days from 9999-12-31 falls outside the years 1 to 9999"),
    (lambda: add_days(D(1, 1, 1), -1), "-1 days from 0001-01-01 falls outside the years 1 to 9999"),
    (lambda: parse_iso("2027-3-1"), "'2027-3-1' is not a date written YYYY-MM-DD"),
])
def test_dates_outside_the_calendar_raise_period_errors(call, message):
    with pytest.raises(PeriodError) as e:
        call()
    assert str(e.value) == message


def test_a_second_language_is_one_entry_of_data(monkeypatch):
    """Adding a language touches PHRASES only: the same template then writes that language's forms."""
    units = {"day": ("dag", "dage"), "month": ("måned", "måneder")}
    duration = {u: {"one": f"{{n}} {units.get(u, (u, u))[0]}", "other": f"{{n}} {units.get(u, (u, u))[1]}"}
                for u in formatting.UNITS}
    every = {u: {"one": f"hver {units.get(u, (u, u))[0]}", "other": f"hver {{n}}. {units.get(u, (u, u))[0]}"}
             for u in formatting.UNITS}
    monkeypatch.setitem(formatting.PHRASES, "da", formatting.Phrases(
        locale="da_DK", date="d. MMMM y", amount="{currency} {number}", duration=duration, every=every,
        union="EU"))
    source = "{{ one | days }}, {{ two | days }}, {{ two | months(every=True) }}, {{ start | date }}, " \
             "{{ big | amount('DKK') }}"
    text = render_template("text", source, {**CTX, "language": "da"}, "c.md", 1, "x")  # no Markdown escapes
    assert text == "1 dag, 2 dage, hver 2. måned, 1. marts 2027, DKK 5.000.000"
    assert render(source) == "1 day, 2 days, every 2 months, 1 March 2027, DKK 5,000,000"


@given(st.dates(min_value=D(1, 1, 1), max_value=D(9000, 12, 31)), st.integers(min_value=1, max_value=1200))
def test_a_period_ends_the_day_before_its_corresponding_date_or_at_the_month_end(first, months):
    """Property of the rule: the day after the last day is the same date N months on, or, when that
    date does not exist, the first of the following month."""
    last = term_end(first, months)
    following = add_days(last, 1)
    target = add_months(D(first.year, first.month, 1), months)
    if first.day <= calendar.monthrange(target.year, target.month)[1]:
        assert following == target.replace(day=first.day)
    else:
        assert following == add_months(target, 1)
    assert first <= last


VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                   st.floats(allow_nan=True), st.text(max_size=12), st.dates().map(str), st.dates())


@given(st.sampled_from(sorted(FORMAT_FILTERS)), VALUES, st.lists(VALUES, max_size=2),
       st.sampled_from(["", "every=True", "every=1"]))
def test_any_value_in_any_filter_prints_text_or_a_located_error(name, value, args, keyword):
    rest = ", ".join([f"a{i}" for i in range(len(args))] + ([keyword] if keyword else []))
    source = f"\n{{{{ v | {name}({rest}) }}}}"
    try:
        text = render(source, v=value, **{f"a{i}": a for i, a in enumerate(args)})
    except RenderError as e:
        assert str(e).startswith("c.md:11: x.y@1.0.0: "), str(e)
    else:
        assert text.strip() and "None" not in text
