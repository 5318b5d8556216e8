"""Lint settings written on a clause or requirement, and the editable lint term lists."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from clausegen.models.base import Line, Model

RuleId = Annotated[str, Field(pattern=r"^[A-Z]-[A-Z]+(-[A-Z]+)*$")]
EventId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$", max_length=80)]
"""Names an event that has a deadline or period, e.g. `personal-data-breach.notice` (library.yaml `events:`)."""


class Suppression(Model):
    """Silences one lint rule for the clause or requirement that carries it.

    `subject` narrows it to findings about one word, parameter or item (as the finding names it);
    `reason` is required by `clausegen lint` (a suppression without one is an error there), but
    kept optional here so that a missing reason never stops a build.
    """

    rule: RuleId
    subject: Line | None = None
    reason: str = ""


class LintSettings(Model):
    suppress: list[Suppression] = Field(default_factory=list)
    # A period the law fixes, written out in the text, and the event it is the period of:
    # {"72 hours": personal-data-breach.authority-notice}. Lint compares it with every other period
    # of that event (T-PERIOD does not report it).
    periods: dict[Line, EventId] = Field(default_factory=dict)


class LintTerms(Model):
    """clausegen/lint/terms.yaml, or a file given with `clausegen lint --terms FILE`.

    Each list in a user's file replaces the shipped list of the same name; lists left out keep
    the shipped ones."""

    vague_terms: dict[Line, Line] | None = None  # term -> suggested fix
    obligation_verbs: list[Line] | None = None  # for R-SINGLE: verbs that start a second obligation
    verification_methods: list[Line] | None = None  # for R-VERIFY: word stems that name a method
    duplicate_percent: int | None = Field(default=None, ge=50, le=100)  # for R-DUPLICATE
    known_names: list[Line] | None = None  # for T-UNDEFINED: capitalised words that need no definition
    ordinary_phrases: list[Line] | None = None  # for T-LOWERCASE: "cloud service", a defined word's ordinary use
