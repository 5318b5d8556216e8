"""Evaluate stage: answered compliance matrices against the tender's requirements.

For each tenderer: every minimum requirement must be answered "yes", or the tender is rejected;
the award criteria of a compliant tender are scored where the profile weights them (yes: the
weight, partly: half of it, no or no answer: nothing); a rejected tender is not scored, as the
tender documents say; answers left empty are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePath

from clausegen.loading.answers import Answer, AnsweredMatrix
from clausegen.matrices import RequirementRow

PARTLY_SHARE = Fraction(1, 2)
NO_ANSWER = "(no answer)"


@dataclass(frozen=True)
class TenderResult:
    tenderer: str
    file: str
    sha256: str
    answers: dict[str, Answer]  # requirement id -> answer
    failed_minimums: tuple[str, ...]  # ids of minimum requirements not answered "yes"
    missing: tuple[str, ...]  # ids with no answer in Complies
    scores: dict[str, Fraction]  # weighted award criterion id -> score; empty for a rejected tender
    score: Fraction | None  # None when the profile weights nothing or the tender is rejected
    stray: tuple[tuple[str, str], ...] = ()  # (cell, text) written outside the answer cells

    @property
    def rejected(self) -> bool:
        return bool(self.failed_minimums)


@dataclass(frozen=True)
class Evaluation:
    requirements: tuple[RequirementRow, ...]
    weights: dict[str, int]
    results: tuple[TenderResult, ...]

    @property
    def max_score(self) -> int:
        return sum(self.weights.values())


def score_of(answer: str, weight: int) -> Fraction:
    return {"yes": Fraction(weight), "partly": weight * PARTLY_SHARE}.get(answer, Fraction(0))


def evaluate(requirements: tuple[RequirementRow, ...], answered: list[AnsweredMatrix],
             weights: dict[str, int]) -> Evaluation:
    return Evaluation(requirements, dict(weights), tuple(_result(requirements, a, weights) for a in answered))


def _result(requirements: tuple[RequirementRow, ...], answered: AnsweredMatrix,
            weights: dict[str, int]) -> TenderResult:
    answers = {a.id: a for a in answered.answers}
    failed = tuple(r.id for r in requirements if r.marked_as == "minimum" and answers[r.id].complies != "yes")
    missing = tuple(r.id for r in requirements if not answers[r.id].complies)
    scored = bool(weights) and not failed  # a rejected tender is not evaluated
    scores = {r.id: score_of(answers[r.id].complies, weights[r.id]) for r in requirements
              if scored and r.id in weights}
    return TenderResult(answered.tenderer, PurePath(answered.file).name, answered.sha256, answers, failed, missing,
                        scores, sum(scores.values(), Fraction(0)) if scored else None, answered.stray)


def number(value: Fraction | int) -> str:
    """A score as people write it: 12, 7.5 (weights are whole, so halves are the only fractions)."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


def shown(answer: str) -> str:
    return answer or NO_ANSWER


def verdict(result: TenderResult) -> str:
    if result.rejected:
        count = len(result.failed_minimums)
        return f"Reject: {count} minimum requirement{'s' if count > 1 else ''} not answered yes"
    return "Compliant: every minimum requirement answered yes"
