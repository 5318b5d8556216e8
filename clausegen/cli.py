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
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from clausegen.pipeline import DEFAULT_FORMATS, FORMATS, BuildOptions, Inputs, load_project, source_date_epoch

EPILOG_BUILD = """\
examples:
  clausegen build profiles/municipality-msp.yaml
  clausegen build profiles/*.yaml --format md,docx,pdf,html
  clausegen build profiles/agency.yaml --documents nda,termination-plan --out drafts

Each profile goes to OUT/<profile id>/: one file per document and format, and manifest.json
recording every clause version, requirement and parameter value used. Nothing is written for a
profile until all its documents have rendered; each file is replaced atomically.

A profile whose inputs (profile, selected clause and requirement versions, parameter values,
templates, formats, tool version) are unchanged since its last build, and whose files are intact,
is skipped; --force rebuilds it. A profile that fails does not stop the others; the exit status
is 1 if any failed.
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
    b.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                   help="build N profiles at a time in worker processes (default: 1)")
    b.add_argument("--force", action="store_true",
                   help="rebuild profiles whose output is already current (by default they are skipped)")

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
    from clausegen import batch

    formats = _list_option(args.format, FORMATS, "--format")
    documents = _list_option(args.documents, DOCUMENT_IDS, "--documents")
    if args.jobs < 1:
        raise UsageError(Diagnostic("--jobs", None, "", f"{args.jobs} is not a number of worker processes",
                                    "use 1 or more"))
    options = BuildOptions(out=args.out, formats=formats or DEFAULT_FORMATS, documents=documents,
                           templates=args.templates, source_date_epoch=source_date_epoch(dict(os.environ)))
    inputs = _inputs(args)
    project = load_project(inputs)
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    show_bar = console.is_terminal and len(args.profiles) > 1
    columns = (TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not show_bar) as progress:
        task = progress.add_task("build", total=len(args.profiles))

        def done(outcome: batch.Outcome) -> None:
            _print_outcome(outcome, progress.console if show_bar else None)
            progress.advance(task)

        outcomes = batch.run(list(args.profiles), inputs, project, options, args.jobs, args.force, done)
    duplicates = batch.duplicate_ids(outcomes)
    for problem in duplicates:
        print(problem.format(), file=sys.stderr)
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in ("built", "unchanged", "failed")}
    if len(outcomes) > 1:
        print(f"{counts['built']} built, {counts['unchanged']} unchanged, {counts['failed']} failed")
    return 1 if counts["failed"] or duplicates else 0


def _print_outcome(outcome, console: Console | None) -> None:
    def say(text: str, error: bool = False) -> None:
        if console is not None:
            console.print(text, markup=False)
        else:
            print(text, file=sys.stderr if error else sys.stdout)

    path = display_path(outcome.path)
    if outcome.status == "failed":
        for diagnostic in outcome.diagnostics:
            say(diagnostic.format(), error=True)
        say(f"FAILED    {path}: nothing written for this profile", error=True)
        return
    for warning in outcome.warnings:
        say(f"warning: {outcome.profile_id}: {warning}", error=True)
    if outcome.status == "unchanged":
        say(f"unchanged {path} -> {display_path(outcome.folder)}/ (inputs as before; --force rebuilds)")
    else:
        say(f"built     {path} -> {display_path(outcome.folder)}/ ({len(outcome.files)} files)")


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
