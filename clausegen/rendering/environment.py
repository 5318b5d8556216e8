"""The one sandboxed Jinja environment, in three flavours of output escaping.

Clause libraries and house templates may come from third parties, so templates run in Jinja's
immutable sandbox, narrowed further (the README states these limits):

- the language: text, `{{ }}`, `{% if %}` and non-recursive `{% for %}` only; no set, with, macro,
  call, filter, autoescape, block, include, import or extends; list, tuple and dict literals hold
  constants only;
- names: the context and `range`; attributes: a short list of text, list and mapping methods, and
  nothing at all on any other object; filters: an allow-list;
- printing: text and numbers only; None, true/false, lists and mappings are errors;
- budgets per render: MAX_OUTPUT_CHARS of output, MAX_LOOP_ITEMS loop iterations (every `for`
  together), MAX_REPEAT_CHARS items made by `*` (all of them together), MAX_VALUE_CHARS for any
  text or list made by `~`, `+`, a filter or a method, numbers up to MAX_INT_BITS bits, and
  MAX_RENDER_SECONDS of time, checked at every loop, call, operator, filter and printed value.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from jinja2 import (
    StrictUndefined,
    Template,
    TemplateError,
    TemplateRuntimeError,
    TemplateSyntaxError,
    nodes,
    pass_eval_context,
)
from jinja2.filters import FILTERS, make_attrgetter
from jinja2.runtime import LoopContext, Undefined, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from clausegen.models.tree import REF_CLOSE, REF_OPEN
from clausegen.rendering.template_filters import FORMAT_FILTERS

MAX_OUTPUT_CHARS = 200_000  # per rendered clause, requirement or DOCX part
MAX_VALUE_CHARS = 200_000  # any text or list built while rendering
MAX_LOOP_ITEMS = 10_000  # all {% for %} iterations in one render, added up
MAX_REPEAT_CHARS = 100_000  # all items made by 'x' * n and [..] * n in one render, added up
MAX_EXPONENT = 100
MAX_INT_BITS = 4_096  # about 1,233 decimal digits
MAX_RENDER_SECONDS = 5.0

# Filters a clause or house template may use. Every one is bounded by its input; |join and
# |replace are checked before they run. Not here: default/d (hide a missing value), attr and
# format (sandbox escapes, CVE-2025-27516), center/indent/wordwrap/batch/slice (padding bombs),
# random (not reproducible), safe/tojson/xmlattr/urlize (raw markup), pprint/string (print Python).
_JINJA_FILTERS = frozenset({
    "abs", "capitalize", "count", "dictsort", "e", "escape", "first", "int", "items", "join", "last", "length",
    "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "select",
    "selectattr", "sort", "title", "trim", "truncate", "unique", "upper", "wordcount",
})
# Plus the formatting layer (template_filters.py): days, months, date, amount and the rest.
ALLOWED_FILTERS = _JINJA_FILTERS | frozenset(FORMAT_FILTERS)
HIDING_FILTERS = frozenset({"default", "d"})  # they hide a missing value, as these tests do:
FORBIDDEN_TESTS = frozenset({"defined", "undefined", "none"})
FORBIDDEN_FILTERS = HIDING_FILTERS | {"attr"}  # refused with a reason of their own

# Attributes (methods) allowed per type; every other attribute of every other object is refused.
_STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha", "isdecimal",
    "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split",
    "splitlines", "startswith", "strip", "swapcase", "title", "upper",
})
_SEQUENCE_METHODS = frozenset({"count", "index"})
_MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
_RANGE_ATTRIBUTES = frozenset({"count", "index", "start", "stop", "step"})

_ALLOWED_NODES = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.For, nodes.Name, nodes.Const,
    nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.Filter, nodes.Test, nodes.Call, nodes.Keyword,
    nodes.CondExpr, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.Compare, nodes.Operand,
    nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow, nodes.Concat,
    nodes.List, nodes.Tuple, nodes.Dict, nodes.Pair,
)
_STATEMENT_NAMES = {
    "Macro": "macro", "CallBlock": "call", "Assign": "set", "FilterBlock": "filter", "Set": "set", "AssignBlock": "set",
    "With": "with", "Block": "block", "Scope": "scope", "OverlayScope": "scope", "ExprStmt": "do",
    "ScopedEvalContextModifier": "autoescape", "EvalContextModifier": "autoescape", "Break": "break",
    "Continue": "continue",
}
_COUNTED, _CONCAT = "_clausegen_counted", "_clausegen_concat"  # inserted by _Bound, never written


class NoneValueError(TemplateError):
    """A None, a boolean, a list or a mapping reached the output; a contract shows text."""


@dataclass
class _Budget:
    loop_items: int = MAX_LOOP_ITEMS
    repeat_items: int = MAX_REPEAT_CHARS
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_RENDER_SECONDS)


_budget: contextvars.ContextVar[_Budget] = contextvars.ContextVar("clausegen_budget")


@contextlib.contextmanager
def budget() -> Iterator[None]:
    """A fresh budget for one render: a clause, a requirement text, a part of a Word template."""
    token = _budget.set(_Budget())
    try:
        yield
    finally:
        _budget.reset(token)


def _tick() -> _Budget:
    current = _budget.get(None)
    if current is None:
        raise SecurityError("templates are rendered only inside a budget (clausegen.rendering.environment.budget)")
    if time.monotonic() > current.deadline:
        raise SecurityError(f"rendering took longer than {MAX_RENDER_SECONDS:g} s")
    return current


def _charge_loop(n: int) -> None:
    current = _tick()
    current.loop_items -= n
    if current.loop_items < 0:
        raise SecurityError(f"loops would run more than {MAX_LOOP_ITEMS} times in one render")


def _counted(iterable: Any) -> Any:
    """Wraps the iterable of every {% for %}: each item is charged to the loop budget."""
    try:
        size = len(iterable)
    except TypeError:
        return _counting(iterable)
    _charge_loop(size)
    return iterable


def _counting(iterable: Any) -> Iterator[Any]:
    for item in iterable:
        _charge_loop(1)
        yield item


def _budgeted_range(*args: int) -> range:
    _tick()
    r = range(*args)
    if len(r) > MAX_LOOP_ITEMS:
        raise SecurityError(f"range() would produce more than {MAX_LOOP_ITEMS} items")
    return r


def _too_big(what: str) -> SecurityError:
    return SecurityError(f"{what} would be longer than {MAX_VALUE_CHARS} characters or items")


def _check_int(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise SecurityError(f"a number larger than {MAX_INT_BITS} bits is not allowed")
    return value


def _printable(value: Any) -> Any:
    """Text and numbers print; anything else in a contract would be a mistake."""
    if isinstance(value, Undefined):
        return str(value)  # StrictUndefined raises its own error ("'x' is undefined", unsafe attribute)
    if value is None:
        raise NoneValueError("a value is None (null); a contract cannot show an empty value")
    if isinstance(value, bool):
        raise NoneValueError("a true/false value would print as 'True'/'False'; use it in {% if %} instead")
    if isinstance(value, (str, int, float)) or hasattr(value, "__html__"):  # __html__: docxtpl's Subdoc, RichText
        return value
    if isinstance(value, Iterable):
        raise NoneValueError(f"a {type(value).__name__} would print as Python syntax; "
                             "use |join(', ') or a {% for %} loop")
    if callable(value):
        raise NoneValueError("a method would print as Python syntax; call it, e.g. upper()")
    if isinstance(value, dt.date):
        raise NoneValueError("a date would print as Python syntax; write it with |date")
    raise NoneValueError(f"a {type(value).__name__} object cannot be printed; print text or numbers")


def _refuse_none(value: Any) -> Any:
    _tick()
    return _printable(value)


@pass_eval_context
def _concat(eval_ctx: Any, items: list[Any]) -> str:
    """`a ~ b`: text and numbers only, and never longer than MAX_VALUE_CHARS."""
    _tick()
    for item in items:
        _printable(item)
    if sum(len(str(item)) for item in items) > MAX_VALUE_CHARS:
        raise _too_big("~")
    return markup_join(items) if eval_ctx.autoescape else str_join(items)


def _guard(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Every filter: time checked, no huge numeric argument, no huge result."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > MAX_VALUE_CHARS:
                raise SecurityError(f"|{name}: the argument {arg} is above {MAX_VALUE_CHARS}")
        result = func(*args, **kwargs)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_VALUE_CHARS:
            raise _too_big(f"|{name}")
        return result

    return guarded


def _timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def timed(*args: Any, **kwargs: Any) -> Any:
        _tick()
        result = func(*args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_VALUE_CHARS:
            raise _too_big(f"|{name}")
        return result

    return timed


@pass_eval_context
def _join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
    items = list(value)
    if attribute is not None:
        get = make_attrgetter(eval_ctx.environment, attribute)
        items = [get(item) for item in items]
    for item in items:
        _printable(item)
    if sum(len(str(item)) for item in items) + len(str(d)) * max(len(items) - 1, 0) > MAX_VALUE_CHARS:
        raise _too_big("|join")
    return FILTERS["join"](eval_ctx, items, d)


@pass_eval_context
def _replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: int | None = None) -> str:
    text, old, new = str(s), str(old), str(new)
    hits = text.count(old) if old else len(text) + 1
    if count is not None:
        hits = min(hits, max(count, 0))
    if len(text) + hits * (len(new) - len(old)) > MAX_VALUE_CHARS:
        raise _too_big("|replace")
    return FILTERS["replace"](eval_ctx, s, old, new, count)


class _Bound(NodeTransformer):
    """Counts every loop iteration and checks every `~`, by wrapping them in internal filters."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, _COUNTED, [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(nodes.List(node.nodes, lineno=node.lineno), _CONCAT, [], [], None, None,
                            lineno=node.lineno)


class UnsafeTemplateError(TemplateSyntaxError):
    """A construct the sandbox refuses before the template ever runs."""


class _Template(Template):
    """`render()` (what docxtpl calls, once per part) gets a fresh budget of its own."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        with budget():
            return super().render(*args, **kwargs)


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "+", "%"])
    template_class = _Template

    def compile(self, source: Any, name: str | None = None, filename: str | None = None, raw: bool = False,
                defer_init: bool = False) -> Any:
        if isinstance(source, str):
            source = self.parse(source, name, filename)
        problems = forbidden_constructs(source)
        if problems:
            line, message = problems[0]
            raise UnsafeTemplateError(message, line, name, filename)
        # Jinja types compile() per Literal value of `raw`; this override passes any through.
        return super().compile(_Bound().visit(source), name, filename, raw, defer_init)  # type: ignore[call-overload]

    def wrap_str_format(self, value: Any) -> None:
        """str.format and format_map are refused outright (is_safe_attribute), never wrapped: both
        Jinja sandbox escapes of 2024-2025 (CVE-2024-56326, CVE-2025-27516) went through them."""
        return None

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, str):
            return attr in _STR_METHODS
        if isinstance(obj, (list, tuple)):
            return attr in _SEQUENCE_METHODS
        if isinstance(obj, dict):
            return attr in _MAPPING_METHODS
        if isinstance(obj, range):
            return attr in _RANGE_ATTRIBUTES
        return isinstance(obj, LoopContext)

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _tick()
        result = super().call(context, obj, *args, **kwargs)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_VALUE_CHARS:
            raise _too_big("a method call")
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "**" and isinstance(right, int):
            if abs(right) > MAX_EXPONENT:
                raise SecurityError(f"exponent above {MAX_EXPONENT} is not allowed")
            if isinstance(left, int) and left.bit_length() * abs(right) > MAX_INT_BITS:
                raise SecurityError(f"a number larger than {MAX_INT_BITS} bits is not allowed")
        elif operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                    current = _tick()
                    current.repeat_items -= len(seq) * max(n, 0)
                    if len(seq) * n > MAX_REPEAT_CHARS or current.repeat_items < 0:
                        raise SecurityError(f"repetition would produce more than {MAX_REPEAT_CHARS} items")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
                raise SecurityError(f"a number larger than {MAX_INT_BITS} bits is not allowed")
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                    and len(left) + len(right) > MAX_VALUE_CHARS:
                raise _too_big("+")
        elif operator == "%" and isinstance(left, str):
            raise SecurityError("text formatting with % is not allowed; use ~ to join text")
        return _check_int(super().call_binop(context, operator, left, right))


_MD_ALWAYS = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])", re.MULTILINE)
_MD_LINE_SPACES = re.compile(r"(?<=\n)( +)")


def escape_markdown(text: str) -> str:
    """Backslash-escape what CommonMark would read as markup, so a value shows verbatim."""
    text = _MD_ALWAYS.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + re.sub(r"([#+=\-.)])", r"\\\1", m.group(2)), text)
    return text.replace("\n", "\\\n")


def keep_line_start_spaces(text: str) -> str:
    """Spaces after a line break inside a value: CommonMark drops spaces at the start of a line, so
    they are written as character references, which it keeps. (A profile value cannot start or
    end with a space: models.base refuses that.)"""
    return _MD_LINE_SPACES.sub(lambda m: "&#32;" * len(m.group(1)), text)


class Reference(str):
    """What `ref()` prints: a cross-reference the walker resolves (models.tree.REF_OPEN)."""


def _ref(target: Any) -> Reference:
    """`{{ ref("exit.log-retention") }}`: a reference to a clause, a section or a requirement,
    resolved when the document is assembled (clausegen/references.py)."""
    _tick()
    if not isinstance(target, str) or REF_OPEN in target or REF_CLOSE in target:
        raise SecurityError("ref() takes the id of a clause, section or requirement in quotes")
    return Reference(REF_OPEN + target + REF_CLOSE)


def _finalize_markdown(value: Any) -> Any:
    if isinstance(value, Reference):
        return str(value)
    value = str(_refuse_none(value))
    if REF_OPEN in value or REF_CLOSE in value:
        raise NoneValueError("the value holds U+E000 or U+E001, characters clausegen reserves for cross-references")
    return keep_line_start_spaces(escape_markdown(value))


def _make(finalize: Callable[[Any], Any], autoescape: bool, references: bool = False) -> _Environment:
    env = _Environment(
        undefined=StrictUndefined,
        finalize=finalize,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals = {"range": _budgeted_range}  # nothing else: no cycler, joiner, namespace, lipsum, dict
    if references:  # clause bodies only: a table cell or a Word template has no place for a link
        env.globals["ref"] = _ref
    filters = {name: env.filters[name] for name in _JINJA_FILTERS}
    filters.update(join=_join, replace=_replace)
    env.filters = {name: _guard(name, func) for name, func in filters.items()}
    # Amounts may exceed MAX_VALUE_CHARS, so these get the time check and the result cap only.
    env.filters.update({name: _timed(name, func) for name, func in FORMAT_FILTERS.items()})
    env.filters[_COUNTED] = _counted
    env.filters[_CONCAT] = _concat
    env.tests = {name: test for name, test in env.tests.items() if name not in FORBIDDEN_TESTS}
    return env


@functools.cache
def environment(kind: str) -> _Environment:
    """`markdown`: values escaped for Markdown; `text`: plain text; `docx`: XML-escaped (docxtpl)."""
    if kind == "markdown":
        return _make(_finalize_markdown, autoescape=False, references=True)
    if kind == "text":
        return _make(_refuse_none, autoescape=False)
    if kind == "docx":
        return _make(_refuse_none, autoescape=True)
    raise ValueError(kind)


# Python errors a template can cause with arithmetic or types ({{ 1/0 }}, {{ [1] + 2 }}); they
# become a TemplateRuntimeError naming the template line rather than a crash.
TEMPLATE_FAULTS = (ArithmeticError, LookupError, TypeError, ValueError, RecursionError)


def render_limited(template: Any, context: dict[str, Any]) -> str:
    """Render inside a fresh budget with the output cap; raises TemplateError (SecurityError)."""
    with budget():
        out: list[str] = []
        size = 0
        try:
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise SecurityError(f"output exceeds {MAX_OUTPUT_CHARS} characters")
                out.append(chunk)
        except TEMPLATE_FAULTS as e:
            raise TemplateRuntimeError(f"{type(e).__name__}: {e}") from e
        return "".join(out)


def forbidden_constructs(ast: nodes.Template) -> list[tuple[int, str]]:
    """(line, message) for constructs that hide a missing value, reach outside the template or
    fall outside the small language clause and house templates may use."""
    found: list[tuple[int, str]] = []
    for node in ast.find_all(nodes.Node):
        kind = type(node).__name__
        line = node.lineno or 1
        if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
            found.append((line, f"{{% {kind.lower()} %}} is not allowed: templates cannot read other files"))
        elif isinstance(node, nodes.Filter) and node.name in FORBIDDEN_FILTERS:
            found.append((line, f"filter |{node.name} is not allowed: it can hide a missing value"
                          if node.name != "attr" else "filter |attr is not allowed"))
        elif isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            found.append((line, f"filter |{node.name} is not allowed; allowed filters: "
                          + ", ".join(sorted(ALLOWED_FILTERS))))
        elif isinstance(node, nodes.Test) and node.name in FORBIDDEN_TESTS:
            found.append((line, f"test `is {node.name}` is not allowed: it can hide a missing value"))
        elif isinstance(node, nodes.For) and node.recursive:
            found.append((line, "recursive loops are not allowed"))
        elif isinstance(node, (nodes.List, nodes.Tuple, nodes.Dict)) and getattr(node, "ctx", "load") == "load" \
                and not all(isinstance(n, nodes.Const) or (isinstance(n, nodes.Pair) and isinstance(n.key, nodes.Const)
                                                            and isinstance(n.value, nodes.Const))
                            for n in node.iter_child_nodes()):
            found.append((line, "list, tuple and mapping literals may hold only constants"))
        elif not isinstance(node, _ALLOWED_NODES):
            name = _STATEMENT_NAMES.get(kind, kind.lower())
            found.append((line, f"{{% {name} %}} is not allowed: templates may only print values, "
                                       "test conditions ({% if %}) and loop ({% for %})"))
    return sorted(set(found))
