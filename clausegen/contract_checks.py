"""Validate stage, after selection: profiles that are valid YAML but impossible contracts.

- An Exit Period longer than the whole term puts the notice date before the Agreement starts:
  the documents would state an impossible date, so it is an ERROR naming the parameter (or the
  term, when the period is the library's default).
- A corrective action plan not due before the end of the Remedy Period (a profile's parameters) is a
  WARNING: the plan could not set a date for restoring compliance, but the text still binds.
- A document marked final whose contract starts before its own date (document.date), or before
  today when it has none, is a WARNING: back-dated contracts exist, and "today" is a clock that
  must never change what is written, so it only ever adds a line to the messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from clausegen import periods
from clausegen.errors import Diagnostic
from clausegen.models.location import Locator
from clausegen.rendering import formatting


def impossible(profile: Any, parameters: dict[str, Any], located: Locator) -> list[Diagnostic]:
    """Errors: dates the documents would have to state that cannot be."""
    if "exit_period_months" not in parameters:
        return []
    exit_period = parameters["exit_period_months"].value
    try:
        start = periods.parse_iso(profile.contract.start)
        expiry = periods.add_days(periods.term_end(start, profile.contract.term_months), 1)
        notice = periods.months_before(expiry, exit_period)
    except periods.PeriodError:
        return []  # dates outside the calendar are reported, located, by assembly
    if notice >= start:
        return []
    given = parameters["exit_period_months"].origin == "profile"
    path = ("parameters", "exit_period_months") if given else ("contract", "term_months")
    date = formatting.format_date(profile.language, notice)
    begins = formatting.format_date(profile.language, start)
    return [Diagnostic.at(located.at(path), ".".join(path),
                          f"the Exit Period of {exit_period} months is longer than the term of "
                          f"{profile.contract.term_months} months: notice would be due on {date}, before the Agreement "
                          f"starts on {begins}",
                          "shorten parameters.exit_period_months or lengthen contract.term_months")]


def doubtful(profile: Any, located: Locator, today: dt.date | None) -> list[Diagnostic]:
    """Warnings: a final document whose contract starts before the document's date (or today)."""
    document = getattr(profile, "document", None)
    if document is None or getattr(document, "status", "draft") != "final":
        return []
    start = dt.date.fromisoformat(profile.contract.start)
    reference, what = (dt.date.fromisoformat(document.date), "its date") if document.date else (today, "today")
    if reference is None or start >= reference:
        return []
    return [Diagnostic.at(located.at(("contract", "start")), "contract.start",
                          f"the document is marked final but the contract starts on {start.isoformat()}, before {what} "
                          f"({reference.isoformat()})", "check contract.start, or mark the document draft")]


def remedy_ladder(parameters: dict[str, Any], located: Locator) -> list[Diagnostic]:
    """Warning: the corrective action plan must fall due before compliance has to be restored."""
    if "corrective_plan_days" not in parameters or "deficiency_remedy_days" not in parameters:
        return []
    plan, remedy = parameters["corrective_plan_days"], parameters["deficiency_remedy_days"]
    if plan.value < remedy.value:
        return []
    name = "corrective_plan_days" if plan.origin == "profile" or remedy.origin != "profile" else "deficiency_remedy_days"
    given = parameters[name].origin == "profile"
    return [Diagnostic.at(located.at(("parameters", name) if given else ("parameters",)), f"parameters.{name}",
                          f"the corrective action plan is due after {plan.value} days and compliance must be restored "
                          f"after {remedy.value} days: the plan falls due no earlier than the end of the Remedy Period",
                          "make corrective_plan_days shorter than deficiency_remedy_days")]
