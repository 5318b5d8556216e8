"""Command line. The only place that turns errors into messages and exit codes.

Exit status: 0 success, 1 invalid input (or a template that fails to render), 2 usage error,
3 export failure (pandoc, typst or the file system), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from clausegen import __version__
from clausegen.errors import ClausegenError, Diagnostic, UsageError, display_path
from clausegen.models.library import DOCUMENT_IDS
from clausegen.pipeline import DEFAULT_FORMATS, FORMATS, BuildOptions, Inputs, build, load_project, source_date_epoch

EPILOG_BUILD = """\
examples:
  clausegen build profiles/municipality-msp.yaml
  clausegen build profiles/*.yaml --format md,docx,pdf,html
  clausegen build profiles/agency.yaml --documents nda,termination-plan --out drafts

Each profile goes to OUT/<profile id>/: one file per document and format, and manifest.json
recording every clause version, requirement and parameter value used. Nothing is written for a
profile until all its documents have rendered; each file is replaced atomically.
"""

EPILOG_VALIDATE = """\
Checks the clause library, the requirement catalogues, the source register and profiles, and
renders every selected clause as a dry run. Every problem is listed as file:line: field: message.

examples:
  clausegen validate                    # library, catalogues and every profile in profiles/
  clausegen validate profiles/x.yaml    # library, catalogues and one profile
"""

EPILOG_EXPLAIN = """\
Shows the derived risk tier and why, the classification level, every parameter value with where
it came from, and for each document every clause and requirement selected or left out, with the
condition that decided it.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clausegen",
        description="Security documents for an IT-outsourcing contract, from a risk profile.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Run `clausegen COMMAND --help` for each command. Documentation: README.md.",
    )
    parser.add_argument("--version", action="version", version=f"clausegen {__version__}")
    inputs = argparse.ArgumentParser(add_help=False)
    inputs.add_argument("--library", type=Path, default=Path("clauses"), metavar="DIR",
                        help="clause library folder (default: clauses)")
    inputs.add_argument("--catalogue", type=Path, default=Path("catalogues"), metavar="DIR",
                        help="requirement catalogue folder (default: catalogues)")
    inputs.add_argument("--frameworks", type=Path, default=Path("frameworks"), metavar="DIR",
                        help="source-item register folder (default: frameworks)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", parents=[inputs], help="build the documents for one or more profiles",
                       description="Build the documents that apply to each profile.", epilog=EPILOG_BUILD,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("profiles", nargs="+", type=Path, metavar="PROFILE", help="risk profile YAML files")
    b.add_argument("--out", type=Path, default=Path("output"), metavar="DIR", help="output folder (default: output)")
    b.add_argument("--format", default=",".join(DEFAULT_FORMATS), metavar="LIST",
                   help=f"comma-separated formats from {', '.join(FORMATS)} (default: {','.join(DEFAULT_FORMATS)})")
    b.add_argument("--documents", default=None, metavar="LIST",
                   help=f"only these documents (default: all that apply): {', '.join(DOCUMENT_IDS)}")
    b.add_argument("--templates", type=Path, default=None, metavar="DIR",
                   help="house templates folder: <document id>.docx or base.docx, document.typ, document.html; "
                        "missing files fall back to the shipped defaults (see docs/templates.md)")

    v = sub.add_parser("validate", parents=[inputs], help="check library, catalogues and profiles; list every problem",
                       description="Validate inputs.", epilog=EPILOG_VALIDATE,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="profile files or folders (default: profiles/)")

    e = sub.add_parser("explain", parents=[inputs], help="show why each clause and requirement was selected",
                       description="Explain the selection for one profile.", epilog=EPILOG_EXPLAIN,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("profile", type=Path, metavar="PROFILE")
    return parser


def _list_option(raw: str | None, allowed: tuple[str, ...], option: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    items = tuple(dict.fromkeys(x.strip() for x in raw.split(",") if x.strip()))
    unknown = [x for x in items if x not in allowed]
    if unknown or not items:
        raise UsageError(Diagnostic(option, None, "", f"unknown value(s) {', '.join(unknown) or '(none)'}",
                                    "choose from: " + ", ".join(allowed)))
    return items


def _inputs(args: argparse.Namespace) -> Inputs:
    return Inputs(args.library, args.catalogue, args.frameworks)


def cmd_build(args: argparse.Namespace) -> int:
    formats = _list_option(args.format, FORMATS, "--format")
    documents = _list_option(args.documents, DOCUMENT_IDS, "--documents")
    options = BuildOptions(out=args.out, formats=formats or DEFAULT_FORMATS, documents=documents,
                           templates=args.templates, source_date_epoch=source_date_epoch(dict(os.environ)))
    project = load_project(_inputs(args))
    failed = 0
    seen: dict[str, Path] = {}
    for path in args.profiles:
        try:
            result = build(path, project, options)
        except ClausegenError as e:
            failed += 1
            _report(e)
            print(f"FAILED  {display_path(path)}: nothing written for this profile", file=sys.stderr)
            continue
        if result.profile_id in seen:
            print(f"warning: {display_path(path)} has the same id as {display_path(seen[result.profile_id])}; "
                  f"its output replaced the earlier one in {display_path(result.folder)}", file=sys.stderr)
        seen[result.profile_id] = path
        for warning in result.warnings:
            print(f"warning: {result.profile_id}: {warning}", file=sys.stderr)
        print(f"built   {display_path(path)} -> {display_path(result.folder)}/ ({len(result.files)} files)")
    if len(args.profiles) > 1:
        print(f"{len(args.profiles) - failed} built, {failed} failed")
    return 1 if failed else 0


def cmd_validate(args: argparse.Namespace) -> int:
    from clausegen.validation_run import validate_all

    problems, checked = validate_all(_inputs(args), args.paths)
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {checked}", file=sys.stderr)
        return 1
    print(f"ok: {checked}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from clausegen.explanation import explain

    project = load_project(_inputs(args))
    print(explain(args.profile, project), end="")
    return 0


def _report(error: ClausegenError) -> None:
    for diagnostic in error.diagnostics:
        print(diagnostic.format(), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    commands = {"build": cmd_build, "validate": cmd_validate, "explain": cmd_explain}
    try:
        return commands[args.command](args)
    except ClausegenError as e:
        _report(e)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted; files already written are complete, the rest were not started", file=sys.stderr)
        return 130
