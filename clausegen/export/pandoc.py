"""Run the pinned pandoc binary (from pypandoc-binary) safely.

We call the binary ourselves rather than pypandoc.convert_*: that lets us set a timeout, keep the
process working directory, pass --sandbox, and refuse a pandoc other than the pinned version.
"""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

from clausegen.errors import Diagnostic, ExportError

PANDOC_VERSION = "3.9"
TIMEOUT_SECONDS = 60


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    """The pinned pandoc, checked once per process. Raises ExportError before anything renders."""
    try:
        import pypandoc

        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as e:
        raise ExportError(Diagnostic("pandoc", None, "", f"pandoc not found ({e})",
                                     "reinstall clausegen: pip install -e . (pypandoc-binary ships pandoc)")) from e
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        raise ExportError(Diagnostic(str(path), None, "", f"pandoc does not run: {e}")) from e
    first = out.stdout.splitlines()[0] if out.stdout else ""
    version = first.removeprefix("pandoc").strip().split(" ")[0]
    if not (version == PANDOC_VERSION or version.startswith(PANDOC_VERSION + ".")):
        raise ExportError(Diagnostic(str(path), None, "", f"pandoc {version or '?'} found; clausegen needs {PANDOC_VERSION}",
                                     "install the pinned pypandoc-binary from pyproject.toml"))
    return str(path)


def utf8_environment() -> dict[str, str]:
    """The environment with a UTF-8 locale, so pandoc never decodes anything in the C locale."""
    return {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}


def convert(ast: bytes, to: str, template: Path, label: str) -> str:
    """Pandoc's JSON AST (rendering/pandoc_ast.py) to `to` with a template: sandboxed, time-limited.
    Pandoc reads no Markdown, so it has nothing to interpret: metadata comes in the AST too."""
    args = [pandoc_path(), "--from", "json", "--to", to, "--sandbox", "--fail-if-warnings", "--standalone",
            "--template", str(template), "--wrap=preserve"]
    return _run(args, ast, to, label)


def _run(args: list[str], data: bytes, to: str, label: str) -> str:
    """One sandboxed, time-limited pandoc run; its failures are ExportErrors naming `label`."""
    try:
        result = subprocess.run(args, input=data, capture_output=True, timeout=TIMEOUT_SECONDS,
                                env=utf8_environment())
    except subprocess.TimeoutExpired as e:
        raise ExportError(Diagnostic(label, None, "", f"pandoc took longer than {TIMEOUT_SECONDS} s and was stopped")) from e
    except OSError as e:
        raise ExportError(Diagnostic(label, None, "", f"pandoc could not start: {e}")) from e
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip() or f"exit status {result.returncode}"
        raise ExportError(Diagnostic(label, None, "", f"pandoc failed converting to {to}: {message}"))
    return result.stdout.decode("utf-8")
