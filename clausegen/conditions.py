"""Conditions are data: `always`, field tests, and all/any/not over them.

A condition is parsed once, against a schema of the fields a profile has, so a test on a field
that does not exist, or with a value the field can never take, fails at load time rather than
being silently false.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from clausegen.models.profile import ORDERED, Profile, Transfer

OPS = ("equals", "in", "contains", "at_least", "not_empty")


@dataclass(frozen=True)
class FieldSpec:
    kind: str  # bool | enum | ordered | int | text | list | objects
    values: tuple[str, ...] = ()  # allowed values (enum, ordered: lowest first; list: element values)


# Profile keys that say what the file is, or are not facts about the case.
NOT_FACTS = frozenset({"profile", "id", "language", "parameters", "pins", "tailoring", "document"})

# Derived facts (facts.py), beside the profile's own fields.
DERIVED = {
    "transfers_outside_eea": FieldSpec("bool"),
    "third_countries": FieldSpec("list"),
    "transfer_mechanism_missing": FieldSpec("bool"),
    "transfer_mechanisms": FieldSpec("list", get_args(Transfer)),
    "supplier_known": FieldSpec("bool"),
    "supplier_outside_eea": FieldSpec("bool"),
    "remote_access_countries": FieldSpec("list"),
    "minimum_requirements": FieldSpec("bool"),
}
# Derived from the selected requirements, so only clauses and documents may test them.
FROM_REQUIREMENTS = frozenset({"minimum_requirements"})


def schema(levels: list[str], tiers: list[str]) -> dict[str, FieldSpec]:
    """Every field a condition may test: each fact of the profile model, read from the model itself,
    plus the derived ones. Levels and tiers come from the catalogue and library."""
    fields: dict[str, FieldSpec] = {}
    for name, info in Profile.model_fields.items():
        if name not in NOT_FACTS:
            _add(name, info.annotation, tuple(info.metadata), fields)
    fields["data.classification"] = FieldSpec("ordered", tuple(levels))
    fields["risk_tier"] = FieldSpec("ordered", tuple(tiers))
    fields.update(DERIVED)
    return fields


def _add(name: str, annotation: Any, metadata: tuple[Any, ...], fields: dict[str, FieldSpec]) -> None:
    annotation, metadata = _unwrap(annotation, metadata)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for sub, info in annotation.model_fields.items():
            _add(f"{name}.{sub}", info.annotation, tuple(info.metadata), fields)
    elif annotation is bool:
        fields[name] = FieldSpec("bool")
    elif annotation is int:
        fields[name] = FieldSpec("int")
    elif annotation is str:
        fields[name] = FieldSpec("text")
    elif get_origin(annotation) is Literal:
        fields[name] = FieldSpec("ordered" if ORDERED in metadata else "enum", get_args(annotation))
    elif get_origin(annotation) is list:
        item, _ = _unwrap(get_args(annotation)[0], ())
        if isinstance(item, type) and issubclass(item, BaseModel):
            fields[name] = FieldSpec("objects")
        else:
            fields[name] = FieldSpec("list", get_args(item) if get_origin(item) is Literal else ())
    # mappings (none today) are not facts a condition can test


def _unwrap(annotation: Any, metadata: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    """Strip Annotated[...] (keeping its metadata) and `| None`."""
    while True:
        if get_origin(annotation) is Annotated:
            args = get_args(annotation)
            annotation, metadata = args[0], metadata + tuple(args[1:])
        elif get_origin(annotation) in (Union, types.UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation, metadata
            annotation = rest[0]
        else:
            return annotation, metadata


@dataclass(frozen=True)
class Always:
    def describe(self) -> str:
        return "always"


@dataclass(frozen=True)
class Test:
    field: str
    op: str
    value: Any

    def describe(self) -> str:
        if self.op == "not_empty":
            return f"{self.field} is not empty"
        value = _show(self.value)
        return {"equals": f"{self.field} = {value}", "in": f"{self.field} in {value}",
                "contains": f"{self.field} contains {value}",
                "at_least": f"{self.field} at least {value}"}[self.op]


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]

    def describe(self) -> str:
        return "(" + " and ".join(i.describe() for i in self.items) + ")"


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]

    def describe(self) -> str:
        return "(" + " or ".join(i.describe() for i in self.items) + ")"


@dataclass(frozen=True)
class Not:
    item: Condition

    def describe(self) -> str:
        return f"not {self.item.describe()}"


Condition = Always | Test | All | AnyOf | Not


class ConditionError(Exception):
    """A problem at `path` (relative to the condition) in a condition."""

    def __init__(self, path: tuple[str | int, ...], message: str, hint: str = "") -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.hint = hint


def parse(raw: Any, fields: dict[str, FieldSpec], path: tuple[str | int, ...] = ()) -> Condition:
    """Turn YAML data into a Condition, checking fields and values. Raises ConditionError."""
    if raw == "always":
        return Always()
    if not isinstance(raw, dict) or len(raw) == 0:
        raise ConditionError(path, f"expected `always` or a mapping, found {_show(raw)}",
                             "write e.g. {field: data.personal_data, equals: true}")
    if set(raw) == {"all"} or set(raw) == {"any"}:
        key = next(iter(raw))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(path + (key,), f"`{key}` needs a non-empty list of conditions")
        parsed = tuple(parse(item, fields, path + (key, i)) for i, item in enumerate(items))
        return All(parsed) if key == "all" else AnyOf(parsed)
    if set(raw) == {"not"}:
        return Not(parse(raw["not"], fields, path + ("not",)))
    if "field" not in raw:
        raise ConditionError(path, f"unknown condition keys {sorted(raw)}",
                             "use `always`, {field: ..., <op>: ...}, all, any or not")
    ops = [k for k in raw if k != "field"]
    unknown = [k for k in ops if k not in OPS]
    if unknown or len(ops) != 1:
        raise ConditionError(path, f"a field test needs exactly one of {', '.join(OPS)}; found {ops}")
    name, op, value = raw["field"], ops[0], raw[ops[0]]
    if name not in fields:
        raise ConditionError(path + ("field",), f"no profile field {name!r}",
                             "fields: " + ", ".join(sorted(fields)))
    _check(fields[name], name, op, value, path + (op,))
    return Test(name, op, tuple(value) if isinstance(value, list) else value)


_ALLOWED = {
    "equals": {"bool", "enum", "ordered", "int", "text"},
    "in": {"enum", "ordered", "int", "text"},
    "contains": {"list"},
    "at_least": {"ordered", "int"},
    "not_empty": {"list", "objects"},
}


def _check(spec: FieldSpec, name: str, op: str, value: Any, path: tuple[str | int, ...]) -> None:
    if spec.kind not in _ALLOWED[op]:
        raise ConditionError(path, f"`{op}` cannot test {name} (a {spec.kind} field)")
    if op == "not_empty":
        if value is not True:
            raise ConditionError(path, "`not_empty` takes `true`; wrap it in `not` for the opposite")
        return
    values = value if op == "in" else [value]
    if op == "in" and (not isinstance(value, list) or not value):
        raise ConditionError(path, "`in` needs a non-empty list")
    for v in values:
        if spec.kind == "bool" and not isinstance(v, bool):
            raise ConditionError(path, f"{name} is true or false, not {_show(v)}")
        if spec.kind == "int" and (isinstance(v, bool) or not isinstance(v, int)):
            raise ConditionError(path, f"{name} is a whole number, not {_show(v)}")
        if spec.kind in ("enum", "ordered", "text", "list") and not isinstance(v, str):
            raise ConditionError(path, f"{name} takes text values, not {_show(v)}")
        if spec.values and v not in spec.values:
            raise ConditionError(path, f"{name} is never {_show(v)}", "values: " + ", ".join(spec.values))


def evaluate(cond: Condition, facts: dict[str, Any], fields: dict[str, FieldSpec]) -> bool:
    return trace(cond, facts, fields)[0]


def trace(cond: Condition, facts: dict[str, Any], fields: dict[str, FieldSpec]) -> tuple[bool, str]:
    """The result and the part of the condition that decided it, for `explain`."""
    if isinstance(cond, Always):
        return True, "always"
    if isinstance(cond, Test):
        ok = _test(cond, facts[cond.field], fields[cond.field])
        return ok, f"{cond.describe()} (is {_show(facts[cond.field])})"
    if isinstance(cond, Not):
        ok, why = trace(cond.item, facts, fields)
        return (not ok), f"not {why}"
    results = [trace(i, facts, fields) for i in cond.items]
    if isinstance(cond, All):
        failed = [why for ok, why in results if not ok]
        return (not failed), " and ".join(failed) if failed else " and ".join(w for _, w in results)
    passed = [why for ok, why in results if ok]
    return bool(passed), " or ".join(passed) if passed else " and ".join(w for _, w in results)


def fields_used(cond: Condition) -> set[str]:
    if isinstance(cond, Test):
        return {cond.field}
    if isinstance(cond, Not):
        return fields_used(cond.item)
    if isinstance(cond, (All, AnyOf)):
        return set().union(*(fields_used(i) for i in cond.items))
    return set()


def _test(cond: Test, actual: Any, spec: FieldSpec) -> bool:
    if actual is None:  # a field of a part the profile leaves out (the supplier, in a tender)
        return False
    if cond.op == "equals":
        return actual == cond.value
    if cond.op == "in":
        return actual in cond.value
    if cond.op == "contains":
        return cond.value in actual
    if cond.op == "not_empty":
        return len(actual) > 0
    if spec.kind == "int":
        return actual >= cond.value
    return spec.values.index(actual) >= spec.values.index(cond.value)


def _show(value: Any) -> str:
    if value is None:
        return "not given"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return value
    return repr(value)
