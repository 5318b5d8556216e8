"""Turn pydantic errors into located diagnostics: dotted field path and the YAML line."""

from __future__ import annotations

import difflib
from typing import Any

import pydantic

from clausegen.errors import Diagnostic
from clausegen.loading.strict_yaml import Located, dotted

LOADER_FIELDS = ("body", "file", "body_line", "level", "line")  # set by the loader, never written
_TYPE_NAMES = {bool: "true/false", int: "a whole number", str: "text", list: "a list", dict: "a mapping",
               type(None): "nothing (null)", float: "a number"}


def validate(model: type[pydantic.BaseModel], located: Located, data: Any = None, **extra: Any):
    """Return (model instance or None, diagnostics)."""
    data = located.data if data is None else data
    if isinstance(data, dict) and extra:
        written = [k for k in extra if k in data]
        if written:
            return None, [Diagnostic(located.file, located.line((written[0],)), written[0], "unknown key (reserved)")]
        data = {**data, **extra}
    try:
        return model.model_validate(data), []
    except pydantic.ValidationError as e:
        return None, [_diagnostic(err, located, model) for err in e.errors()]


def _diagnostic(err: Any, located: Located, model: type[pydantic.BaseModel]) -> Diagnostic:
    path = _data_path(err["loc"], located.data, err["type"])
    line = located.line(path)
    kind, value = err["type"], err.get("input")
    hint = ""
    if kind == "extra_forbidden":
        known = _known_fields(model, path[:-1])
        close = difflib.get_close_matches(str(path[-1]), known, n=1)
        message = f"unknown key {path[-1]!r}"
        hint = (f"did you mean {close[0]!r}? " if close else "") + ("known keys: " + ", ".join(known) if known else "")
        if value is None and " " in str(path[-1]):
            hint = "a comma inside {...} ends the value; put the value in quotes"
    elif kind == "missing":
        message = "required, but missing"
    elif value is None:
        message = "is null; a value is required"
        hint = "write the value, or remove the key to use the documented default where there is one"
    elif kind.endswith("_type") or kind in ("literal_error", "union_tag_invalid", "enum"):
        message = f"{_clean(err['msg'])}; found {_describe(value)}"
    else:
        message = f"{_clean(err['msg'])}" + (f"; found {_describe(value)}" if not isinstance(value, dict) else "")
    return Diagnostic(located.file, line, dotted(path), message, hint)


def _clean(msg: str) -> str:
    return msg.replace("Value error, ", "").replace("Input should be", "should be")


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return _TYPE_NAMES[type(value)]
    return f"{_TYPE_NAMES.get(type(value), type(value).__name__)} {value!r}"


def _data_path(loc: tuple[Any, ...], data: Any, kind: str) -> tuple[Any, ...]:
    """Drop pydantic's union and tag labels that are not part of the YAML structure."""
    path: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif last and kind.startswith("missing"):
            path.append(part)
        # else: a union member name or discriminator tag; skip it
    return tuple(path)


def _known_fields(model: type[pydantic.BaseModel], path: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
    fields = getattr(current, "model_fields", None) or {}
    return [name for name in fields if name not in LOADER_FIELDS]


def _inner_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in args:
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
