"""The formatting layer as template filters (docs/format.md, "Dates, amounts and periods").

    {{ notice_days | days }}                      1 day, 30 days
    {{ audit_interval_months | months(every=True) }}   every month, every 12 months
    {{ contract.start | date }}                   1 March 2027
    {{ contract.start | term_end(contract.term_months) | date }}   29 February 2032
    {{ liability_cap_eur | amount("EUR") }}       EUR 50,000
    {{ data.locations | countries }}              Denmark (DK) and Norway (NO)

Each filter reads the profile's `language` from the template context. A value of the wrong kind
is a TemplateRuntimeError, which the renderer locates at the template's file and line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import TemplateRuntimeError, pass_context
from jinja2.runtime import Context, Undefined

from clausegen.periods import PeriodError, term_end
from clausegen.rendering import formatting
from clausegen.rendering.formatting import FormatError

_UNIT_FILTERS = {"minutes": "minute", "hours": "hour", "days": "day", "working_days": "working_day",
                 "weeks": "week", "months": "month", "years": "year"}


class FormatFilterError(TemplateRuntimeError):
    """A formatting filter was given a value it cannot write."""


def _language(context: Context) -> str:
    language = context.get("language")
    if language is None:
        raise FormatError("the profile language is not known here, so nothing can be formatted")
    return str(language)


def _filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @pass_context
    def run(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        for arg in (value, *args, *kwargs.values()):
            if isinstance(arg, Undefined):
                str(arg)  # StrictUndefined raises its own located "'x' is undefined"
        try:
            return func(_language(context), value, *args, **kwargs)
        except (FormatError, PeriodError, TypeError) as e:
            raise FormatFilterError(f"|{name}: {e}") from None

    run.__name__ = name
    return run


def _unit(unit: str) -> Callable[..., str]:
    def quantity(language: str, value: Any, every: Any = False) -> str:
        if not isinstance(every, bool):
            raise FormatError(f"every= takes true or false (True/False), not {formatting.describe(every)}")
        return formatting.format_quantity(language, value, unit, every)

    return quantity


def _term_end(language: str, value: Any, months: Any) -> Any:
    formatting.phrases(language)
    if isinstance(months, bool) or not isinstance(months, int):
        raise FormatError(f"the number of months must be a whole number, not {formatting.describe(months)}")
    return term_end(formatting.as_date(value), months)


def _build() -> dict[str, Callable[..., Any]]:
    funcs: dict[str, Callable[..., Any]] = {name: _unit(unit) for name, unit in _UNIT_FILTERS.items()}
    funcs.update(date=formatting.format_date, amount=formatting.format_amount, number=formatting.format_number,
                 term_end=_term_end, countries=formatting.format_countries)
    return {name: _filter(name, func) for name, func in funcs.items()}


FORMAT_FILTERS: dict[str, Callable[..., Any]] = _build()
