"""Load the word lists `clausegen lint` uses: the shipped terms.yaml, overlaid by a user's file."""

from __future__ import annotations

from pathlib import Path

from clausegen.errors import InputError
from clausegen.loading import model_errors, read_yaml
from clausegen.models.lint import LintTerms

SHIPPED_TERMS = Path(__file__).resolve().parent.parent / "lint" / "terms.yaml"


def load_lint_terms(path: Path | None = None) -> LintTerms:
    """The shipped lists, with each list the user's file defines replacing the shipped one."""
    shipped = _read(SHIPPED_TERMS)
    if path is None:
        return shipped
    own = _read(path)
    return shipped.model_copy(update={k: v for k, v in own.model_dump().items() if v is not None})


def _read(path: Path) -> LintTerms:
    located = read_yaml(path)
    terms, problems = model_errors.validate(LintTerms, located)
    if problems or terms is None:
        raise InputError(problems)
    return terms
