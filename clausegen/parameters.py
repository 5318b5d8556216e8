"""Parameter values: type checks, strictness order and resolution (default, level, tier, profile)."""

from __future__ import annotations

from typing import Any

from clausegen.models.base import _clean_text, no_edge_whitespace, no_template_syntax
from clausegen.models.library import BooleanParameter, ChoiceParameter, IntegerParameter, StringParameter


def check_value(decl: Any, value: Any) -> str | None:
    """A message if `value` is not acceptable for `decl`, else None."""
    if value is None:
        return "is null; a value is required"
    if isinstance(decl, IntegerParameter):
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, found {value!r}"
        if decl.min is not None and value < decl.min:
            return f"must be at least {decl.min}, found {value}"
        if decl.max is not None and value > decl.max:
            return f"must be at most {decl.max}, found {value}"
    elif isinstance(decl, BooleanParameter):
        if not isinstance(value, bool):
            return f"must be true or false, found {value!r}"
    elif isinstance(decl, StringParameter):
        if not isinstance(value, str):
            return f"must be text, found {value!r}"
        try:
            no_template_syntax(no_edge_whitespace(_clean_text(value)))
        except ValueError as e:
            return f"text {e}"
        if "\n" in value:
            return "text must be a single line"
        if len(value) > decl.max_length:
            return f"text longer than {decl.max_length} characters"
    elif isinstance(decl, ChoiceParameter):
        if value not in decl.choices:
            return f"must be one of {', '.join(decl.choices)}; found {value!r}"
    return None


def is_looser(decl: Any, value: Any, before: Any) -> bool:
    """True if `value` is less strict than `before` under the declaration's `stricter` rule."""
    stricter = getattr(decl, "stricter", None)
    if stricter is None:
        return False
    if isinstance(decl, IntegerParameter):
        return value > before if stricter == "lower" else value < before
    if isinstance(decl, BooleanParameter):
        return before == stricter and value != stricter
    if isinstance(decl, ChoiceParameter):
        return decl.choices.index(value) < decl.choices.index(before)
    return False


def stricter_of(decl: Any, a: Any, b: Any) -> Any:
    return a if is_looser(decl, b, a) else b


def declaration_differences(a: Any, b: Any) -> list[str]:
    """How two declarations of one parameter name differ ('' descriptions may differ)."""
    first, second = a.model_dump(exclude={"description"}), b.model_dump(exclude={"description"})
    return [f"{key} {first.get(key)!r} vs {second.get(key)!r}" for key in sorted(set(first) | set(second))
            if first.get(key) != second.get(key)]
