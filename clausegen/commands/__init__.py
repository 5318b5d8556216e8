"""What the command entry points share: option parsing helpers and report output.

Each verb has its module here (build, validate, explain, lint, coverage, diff) with `run(args) -> int`;
cli.py only defines the arguments, imports the one module it needs and prints errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clausegen.errors import Diagnostic, UsageError, display_path
from clausegen.sources import Inputs


def list_option(raw: str | None, allowed: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    items = tuple(dict.fromkeys(x.strip() for x in raw.split(",") if x.strip()))
    unknown = [x for x in items if x not in allowed]
    if unknown or not items:
        raise UsageError(Diagnostic(option, None, "", f"unknown value(s) {', '.join(unknown) or '(none)'}",
                                    "choose from: " + ", ".join(allowed)))
    return items


def inputs(args: argparse.Namespace) -> Inputs:
    return Inputs(args.library, args.catalogue, args.frameworks)


def needs_out(args: argparse.Namespace) -> None:
    if args.format == "docx" and args.out is None:
        raise UsageError(Diagnostic("--out", None, "", "a DOCX report needs a file to go to",
                                    f"add --out report.docx (clausegen {args.command} ... --format docx --out FILE)"))


def emit(data: bytes, out: Path | None) -> None:
    """A report to stdout, or atomically to a file."""
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return
    from clausegen.export.writing import write_atomic

    write_atomic(out, data)
    print(f"wrote {display_path(out)}")
