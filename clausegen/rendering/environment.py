"""The one sandboxed Jinja environment, in three flavours of output escaping.

Clause libraries may come from third parties, so templates run in Jinja's immutable sandbox with
StrictUndefined, a `finalize` that refuses None and booleans, no loader (no include/import), and
limits on output size and loop work. The limits are stated in the README.
"""

from __future__ import annotations

import contextvars
import re
from functools import lru_cache
from typing import Any, Callable

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_OUTPUT_CHARS = 200_000  # per rendered clause, requirement or DOCX part
MAX_LOOP_ITEMS = 10_000  # all range() items in one render, added up
MAX_REPEAT_CHARS = 100_000  # 'x' * n and [..] * n
MAX_EXPONENT = 100

_loop_budget: contextvars.ContextVar[list[int]] = contextvars.ContextVar("loop_budget")


class NoneValueError(TemplateError):
    """A None or boolean reached the output; never print it into a contract."""


def _budgeted_range(*args: int) -> range:
    r = range(*args)
    budget = _loop_budget.get(None)
    if budget is None:
        budget = [MAX_LOOP_ITEMS]
    budget[0] -= len(r)
    if budget[0] < 0 or len(r) > MAX_LOOP_ITEMS:
        raise SecurityError(f"range() would produce more than {MAX_LOOP_ITEMS} items in one render")
    return r


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"exponent above {MAX_EXPONENT} is not allowed")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT_CHARS:
                    raise SecurityError(f"repetition would produce more than {MAX_REPEAT_CHARS} items")
        return super().call_binop(context, operator, left, right)


def _refuse_none(value: Any) -> Any:
    if value is None:
        raise NoneValueError("a value is None (null); a contract cannot show an empty value")
    if isinstance(value, bool):
        raise NoneValueError("a true/false value would print as 'True'/'False'; use it in {% if %} instead")
    return value


_MD_ALWAYS = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Backslash-escape what CommonMark would read as markup, so a value shows verbatim."""
    text = _MD_ALWAYS.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + re.sub(r"([#+=\-.)])", r"\\\1", m.group(2)), text)
    return text.replace("\n", "\\\n")


def _finalize_markdown(value: Any) -> Any:
    value = _refuse_none(value)
    return escape_markdown(str(value))


def _make(finalize: Callable[[Any], Any], autoescape: bool) -> _Environment:
    env = _Environment(
        undefined=StrictUndefined,
        finalize=finalize,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals = {"range": _budgeted_range}  # nothing else: no cycler, joiner, namespace, lipsum, dict
    return env


@lru_cache(maxsize=None)
def environment(kind: str) -> _Environment:
    """`markdown`: values escaped for Markdown; `text`: plain text; `docx`: XML-escaped (docxtpl)."""
    if kind == "markdown":
        return _make(_finalize_markdown, autoescape=False)
    if kind == "text":
        return _make(_refuse_none, autoescape=False)
    if kind == "docx":
        return _make(_refuse_none, autoescape=True)
    raise ValueError(kind)


def render_limited(template: Any, context: dict[str, Any]) -> str:
    """Render with the loop budget and output cap; raises TemplateError/SecurityError."""
    token = _loop_budget.set([MAX_LOOP_ITEMS])
    try:
        out: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise SecurityError(f"output exceeds {MAX_OUTPUT_CHARS} characters")
            out.append(chunk)
        return "".join(out)
    finally:
        _loop_budget.reset(token)


FORBIDDEN_FILTERS = {"default", "d", "attr"}
FORBIDDEN_TESTS = {"defined", "undefined", "none"}


def forbidden_constructs(ast: nodes.Template) -> list[tuple[int, str]]:
    """(line, message) for constructs that hide a missing value or reach outside the template."""
    found: list[tuple[int, str]] = []
    for node in ast.find_all((nodes.Filter, nodes.Test, nodes.Include, nodes.Import, nodes.FromImport,
                              nodes.Extends)):
        if isinstance(node, nodes.Filter) and node.name in FORBIDDEN_FILTERS:
            found.append((node.lineno, f"filter |{node.name} is not allowed: it can hide a missing value"
                          if node.name != "attr" else "filter |attr is not allowed"))
        elif isinstance(node, nodes.Test) and node.name in FORBIDDEN_TESTS:
            found.append((node.lineno, f"test `is {node.name}` is not allowed: it can hide a missing value"))
        elif isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            found.append((node.lineno, f"{{% {type(node).__name__.lower()} %}} is not allowed: templates cannot read other files"))
    return found
