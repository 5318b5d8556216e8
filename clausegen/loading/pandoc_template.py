"""Pandoc templates (document.typ, document.html) and every partial they read, contained.

Pandoc reads a partial (`${ leak() }`) from the template's folder and follows symbolic links,
subfolders and `..` while doing so: a house template could print any file on the machine. So
clausegen finds every partial itself, accepts only a plain name of a regular file in the
template's own folder, reads the bytes once, and gives pandoc a private copy of exactly those
files. Everything read is part of the build key. HTML templates are also checked for anything
that runs script or loads from elsewhere (html_checks below).
"""

from __future__ import annotations

import atexit
import hashlib
import re
import shutil
import tempfile
from pathlib import Path

from clausegen.errors import Diagnostic, InputError, display_path

MAX_PARTIALS = 50
_PARTIAL = re.compile(r"([A-Za-z0-9_.\-/\\]+)\(\)")  # doctemplates: name() inside a directive
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_PRIVATE: dict[str, Path] = {}


def directives(text: str) -> list[tuple[int, str]]:
    """Every pandoc template directive ($...$ or ${...}) with its line; `$$` is a literal dollar
    and `$--` starts a comment to the end of the line."""
    found, i = [], 0
    while (start := text.find("$", i)) != -1:
        line = text.count("\n", 0, start) + 1
        if text.startswith("$$", start):
            i = start + 2
        elif text.startswith("$--", start):
            i = text.find("\n", start) if "\n" in text[start:] else len(text)
        elif text.startswith("${", start):
            end = text.find("}", start)
            end = len(text) if end == -1 else end
            found.append((line, text[start + 2:end]))
            i = end + 1
        else:
            end = text.find("$", start + 1)
            end = len(text) if end == -1 else end
            found.append((line, text[start + 1:end]))
            i = end + 1
    return found


def without_directives(text: str) -> str:
    """The template's literal text, as a browser would see it apart from the values filled in."""
    out, i = [], 0
    for match in re.finditer(r"\$\$|\$--[^\n]*|\$\{[^}]*\}|\$[^$]*\$", text):
        out.append(text[i:match.start()])
        out.append("$" if match.group() == "$$" else "\n" * match.group().count("\n"))
        i = match.end()
    return "".join(out) + text[i:]


def read_partials(main: bytes, main_file: Path) -> dict[str, bytes]:
    """Every partial the template reads, transitively: file name -> bytes. Raises InputError."""
    folder, suffix = main_file.parent, main_file.suffix
    found: dict[str, bytes] = {}
    pending = [(main, main_file)]
    while pending:
        data, file = pending.pop()
        for line, directive in directives(data.decode("utf-8", "replace")):
            for name in _PARTIAL.findall(directive):
                name = name.rsplit(":", 1)[-1]
                if not _PLAIN.fullmatch(name):
                    raise InputError(Diagnostic(display_path(file), line, "", f"partial {name!r} is not a plain file "
                                                "name", "a partial must be a file in the template's own folder, "
                                                "without / or .."))
                filename = name if "." in name else name + suffix
                if filename in found:
                    continue
                found[filename] = _read_partial(folder, filename, file, line)
                pending.append((found[filename], folder / filename))
                if len(found) > MAX_PARTIALS:
                    raise InputError(Diagnostic(display_path(main_file), None, "", f"more than {MAX_PARTIALS} partials"))
    return found


def _read_partial(folder: Path, filename: str, file: Path, line: int) -> bytes:
    where = display_path(file)
    path = folder / filename
    if path.is_symlink():
        raise InputError(Diagnostic(where, line, "", f"partial {filename} is a symbolic link",
                                    "copy the file into the template folder instead"))
    if not path.is_file():
        raise InputError(Diagnostic(where, line, "", f"partial {filename} is not a file in {display_path(folder)}"))
    return path.read_bytes()


def private_copy(main: bytes, main_name: str, partials: dict[str, bytes]) -> Path:
    """A folder only this process uses, holding the template and its partials; the template's path.
    The same bytes give the same folder for the rest of the process."""
    key = hashlib.sha256(repr((main, main_name, sorted(partials.items()))).encode()).hexdigest()
    if key not in _PRIVATE:
        folder = Path(tempfile.mkdtemp(prefix="clausegen-template-"))
        for name, data in {**partials, main_name: main}.items():
            (folder / name).write_bytes(data)
        _PRIVATE[key] = folder / main_name
    return _PRIVATE[key]


@atexit.register
def _remove_private_copies() -> None:
    for path in _PRIVATE.values():
        shutil.rmtree(path.parent, ignore_errors=True)


# --- HTML: nothing that runs or loads from elsewhere -----------------------------------------------

_HTML_RULES = (
    (re.compile(r"<\s*script\b", re.I), "a <script> element", "scripts are not allowed in an HTML template"),
    (re.compile(r"<\s*(iframe|frame|object|embed|applet|base|portal)\b", re.I), "an element that loads content",
     "remove it"),
    (re.compile(r"<\s*meta\b[^>]*http-equiv", re.I), "a <meta http-equiv> element", "remove it"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event-handler attribute (on...=)", "scripts are not allowed"),
    (re.compile(r"\b(src|srcset|href|action|formaction|poster|data|background|ping|manifest|codebase|cite|"
                r"longdesc|xlink:href)\s*=\s*[\"']?\s*(?!mailto:)([a-z][a-z0-9+.\-]*:|//|\\\\)", re.I),
     "a link to another site or scheme", "an HTML template may load nothing from elsewhere; put styles inline"),
    (re.compile(r"@import\b", re.I), "a CSS @import", "put styles inline"),
    (re.compile(r"url\s*\(\s*[\"']?\s*(?!data:font/|#)([a-z][a-z0-9+.\-]*:|//|\\\\)", re.I),
     "a CSS url() to another site or scheme", "put styles inline"),
)


def check_html(data: bytes, file: str) -> None:
    """Refuse scripts, event handlers, embedded frames and anything loaded from elsewhere."""
    text = without_directives(data.decode("utf-8", "replace"))
    for pattern, what, hint in _HTML_RULES:
        match = pattern.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            raise InputError(Diagnostic(file, line, "", f"{what}: {match.group().strip()!r}", hint))
