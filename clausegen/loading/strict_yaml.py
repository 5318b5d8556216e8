"""A strict, located YAML reader.

PyYAML's own loaders keep the last of two duplicate keys, follow aliases and turn `NO` into
False and `1.10` into 1.1. Here we compose the node tree ourselves and build plain data with
narrow typing: only `true`/`false` are booleans, only digit strings are integers, `null`/`~`/empty
are None, and every other plain scalar stays the exact string the author wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from clausegen.errors import Diagnostic
from clausegen.models.location import Source, YamlPath

MAX_DEPTH = 40
MAX_BYTES = 2_000_000
_INT = re.compile(r"[-+]?[0-9]+")
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"

Path_ = YamlPath


@dataclass
class Located:
    """Plain data plus the line each path was written on."""

    data: Any
    file: str
    lines: dict[Path_, int] = field(default_factory=dict)
    line_offset: int = 0

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest written ancestor (for a missing key)."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path] + self.line_offset
            if not path:
                return None
            path = path[:-1]

    def at(self, path: Path_) -> Source:
        return Source(self.file, self.line(path))


class _PlainResolver(BaseResolver):
    """Resolve nothing implicitly: every plain scalar is tagged str, typed later by us."""

    def resolve(self, kind, value, implicit):  # noqa: ANN001
        if kind is ScalarNode:
            return _STR
        if kind is SequenceNode:
            return _SEQ
        return _MAP


class _StrictComposer(Composer):
    def __init__(self) -> None:
        super().__init__()
        self._depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001
        event = self.peek_event()  # type: ignore[attr-defined]  # from the parser mixed in beside it
        if isinstance(event, AliasEvent):
            raise _Problem(event.start_mark, "aliases (*name) are not allowed; write the value out")
        if isinstance(event, (ScalarEvent, MappingStartEvent, SequenceStartEvent)):
            if event.anchor is not None:
                raise _Problem(event.start_mark, "anchors (&name) are not allowed; write the value out")
            if event.tag is not None and event.tag != "!":
                raise _Problem(event.start_mark, f"tag {event.tag!r} is not allowed; remove it")
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Problem(event.start_mark, f"nesting deeper than {MAX_DEPTH} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PyLoader(Reader, Scanner, Parser, _StrictComposer, _PlainResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _StrictComposer.__init__(self)
        _PlainResolver.__init__(self)


if yaml.__with_libyaml__:
    # libyaml scans and parses (ten times faster); our composer still builds the nodes, so the
    # checks on aliases, anchors, tags and depth are the same.
    from yaml._yaml import CParser

    class _CLoader(_StrictComposer, CParser, _PlainResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _StrictComposer.__init__(self)
            _PlainResolver.__init__(self)

    _Loader: type = _CLoader
else:
    _Loader = _PyLoader


class _Problem(Exception):
    def __init__(self, mark: Any, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class YamlError(Exception):
    """Carries one Diagnostic; loading code turns it into an InputError."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def decode(raw: bytes, file: str) -> str:
    """UTF-8 only. A leading BOM is dropped and CRLF/CR become LF (documented normalisation)."""
    if len(raw) > MAX_BYTES:
        raise YamlError(Diagnostic(file, None, "", f"file is {len(raw)} bytes; the limit is {MAX_BYTES}"))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise YamlError(
            Diagnostic(file, line, "", f"not valid UTF-8 at byte offset {e.start}", "save the file as UTF-8")
        ) from e
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Characters YAML refuses in a file (its reader error names no line), plus NEL, which YAML reads as
# a line break: every one is an error naming line, column and, where it can be found, the field.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_MARK = "\ue000"


def read(text: str, file: str, line_offset: int = 0) -> Located:
    """Parse one YAML document into Located plain data. Raises YamlError."""
    bad = _RAW_CONTROL.search(text)
    if bad is not None:
        raise YamlError(_raw_control(text, bad, file, line_offset))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except _Problem as e:
        raise YamlError(Diagnostic(file, e.mark.line + 1 + line_offset, "", e.message)) from e
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 + line_offset if mark else None
        raise YamlError(Diagnostic(file, line, "", f"YAML syntax: {e.problem or e.context}")) from e
    except yaml.YAMLError as e:
        raise YamlError(Diagnostic(file, None, "", f"YAML: {e}")) from e
    finally:
        loader.dispose()
    located = Located(None, file, line_offset=line_offset)
    located.data = None if node is None else _build(node, (), located)
    return located


def _raw_control(text: str, bad: re.Match[str], file: str, line_offset: int) -> Diagnostic:
    """Locate a raw control character: line and column, and the field it sits in (found by parsing
    the text with a harmless marker in its place)."""
    line = text.count("\n", 0, bad.start()) + 1
    column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
    field = ""
    try:
        marked = read(_RAW_CONTROL.sub(_MARK, text), file, line_offset)
        field = next((_dotted(path) for path, value in _leaves(marked.data, ()) if _MARK in value), "")
    except YamlError:
        pass
    return Diagnostic(file, line + line_offset, field,
                      f"contains the control character U+{ord(bad.group()):04X} at column {column}, "
                      "which a document cannot show", "delete it (it is invisible in most editors)")


def _leaves(value: Any, path: Path_) -> Any:
    """Every (path, text) of string values, and of keys with the path of their mapping, in file order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield path, key
            yield from _leaves(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _leaves(child, path + (i,))


def _build(node: Node, path: Path_, located: Located) -> Any:
    located.lines[path] = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_build(child, path + (i,), located) for i, child in enumerate(node.value)]
    result: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise YamlError(Diagnostic(located.file, key_node.start_mark.line + 1 + located.line_offset,
                                       _dotted(path), "mapping keys must be plain strings"))
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in result:
            raise YamlError(Diagnostic(
                located.file, line + located.line_offset, _dotted(path + (key,)),
                f"duplicate key {key!r} (first on line {first_line[key] + located.line_offset}, again on line "
                f"{line + located.line_offset})", "keep one of the two"))
        first_line[key] = line
        located.lines[path + (key,)] = line
        result[key] = _build(value_node, path + (key,), located)
        located.lines[path + (key,)] = line
    return result


def _scalar(node: ScalarNode) -> Any:
    value = node.value
    if node.style:  # quoted or block scalar (libyaml gives "" for plain): always the exact string
        return value
    if value in ("", "~", "null"):
        return None
    if value in ("true", "false"):
        return value == "true"
    if _INT.fullmatch(value) and len(value) <= 19:  # longer digit strings stay text (and fail as a number)
        return int(value)
    return value


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted
