"""What lint reports: the rules, one finding, and the item (clause version or requirement) it is about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clausegen.errors import Diagnostic
from clausegen.models.lint import Suppression


@dataclass(frozen=True)
class Rule:
    severity: str  # error | warning
    title: str
    suppressible: bool = True


RULES: dict[str, Rule] = {
    "R-VAGUE": Rule("error", "vague term (regularly, adequate, promptly ...) in a requirement"),
    "R-SUBJECT": Rule("error", "requirement does not start with \"The supplier must\""),
    "R-MEASURE": Rule("error", "requirement has no number, threshold or yes/no test"),
    "R-TIME": Rule("error", "requirement has no deadline, time bound or frequency"),
    "R-SINGLE": Rule("warning", "requirement chains more than one obligation (\"and notify ...\")"),
    "R-VERIFY": Rule("error", "verification names no method (inspection, test, review, comparison ...)"),
    "R-DUPLICATE": Rule("warning", "requirement nearly repeats another one"),
    "C-DEFAULT": Rule("error", "`|default` or `is defined` hides a missing value", suppressible=False),
    "C-PARAM-UNUSED": Rule("warning", "parameter declared but not used in the text"),
    "C-PARAM-UNDECLARED": Rule("error", "parameter used or set but declared nowhere", suppressible=False),
    "C-RAW": Rule("error", "raw HTML, OpenXML or LaTeX in a clause or requirement"),
    "C-SOURCES": Rule("error", "source citation that the register (frameworks/) does not list"),
    "C-DEPRECATED": Rule("error", "deprecated clause version that no newer active version replaces"),
    "C-SYNTAX": Rule("error", "template does not parse, so the template rules could not run", suppressible=False),
    "E-EVENT-SPLIT": Rule("error", "two parameters set the period of one event"),
    "E-EVENT-FIXED": Rule("error", "a fixed period for an event that a parameter sets"),
    "E-EVENT-CONFLICT": Rule("error", "two fixed periods for one event differ"),
    "E-EVENT-MISSING": Rule("warning", "a period parameter names no event"),
    "T-PERIOD": Rule("warning", "a period written out instead of coming from a parameter"),
    "T-UNDEFINED": Rule("warning", "a capitalised term that the document does not define"),
    "T-LOWERCASE": Rule("warning", "a defined term written in lower case"),
    "T-UNUSED": Rule("warning", "a defined term that the document never uses"),
    "L-SUPPRESS": Rule("error", "suppression without a reason, or of an unknown or unsuppressible rule",
                       suppressible=False),
    "L-UNUSED": Rule("warning", "suppression that silences nothing", suppressible=False),
}


def finding(file: str, line: int | None, rule_id: str, message: str, fix: str, item: str = "",
            subject: str = "") -> Diagnostic:
    """A lint finding is a Diagnostic with a rule and its severity; `item` is the clause or requirement."""
    return Diagnostic(file, line, item, message, fix, rule=rule_id, severity=RULES[rule_id].severity,
                      subject=subject)


@dataclass(frozen=True)
class Item:
    """A clause version or a requirement, as the rules see it."""

    label: str  # SR-GOV-01 | termination.asset-return@1.1.0
    file: str
    base: tuple  # path of the item inside its YAML (() for a clause's front matter)
    suppressions: tuple[Suppression, ...]
    where: Callable[[tuple], int | None]

    def line(self, *path: str | int) -> int | None:
        return self.where(self.base + tuple(path))
