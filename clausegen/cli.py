"""Command line: arguments, dispatch to clausegen/commands/<verb>.py, and errors as messages and exit codes.

Exit status: 0 success, 1 invalid input (or a template that fails to render), 2 usage error,
3 export failure (pandoc, typst or the file system), 130 interrupted.

Only the command that runs is imported, so `--version` and `--help` start without pydantic, docxtpl or typst.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clausegen import __version__
from clausegen.models.names import DEFAULT_FORMATS, DOCUMENT_IDS, FORMATS

EPILOG_BUILD = """\
examples:
  clausegen build profiles/municipality-msp.yaml
  clausegen build profiles/*.yaml --format md,docx,pdf,html
  clausegen build profiles/agency.yaml --documents nda,termination-plan --out drafts

Each profile goes to OUT/<profile id>/: one file per document and format, and manifest.json
recording every clause version, requirement and parameter value used. Nothing is written for a
profile until all its documents have rendered; then OUT/<profile id>/ changes as a whole, old set or
new set, never a mix. Documents an earlier build wrote that this one does not (a tender that became
a direct award, fewer formats) are removed with the old set; files clausegen did not write stay.
One build at a time per profile folder: a second one waits (lock file OUT/.<profile id>.lock).

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

EPILOG_LINT = """\
Checks every requirement against CFCS appendix 5 (specific, measurable, one obligation,
time-bound, verifiable) and every clause for hidden defaults, parameters, raw markup, citations
and deprecations. Each finding is `file:line: severity RULE: item: message` and a `fix:` line.
It reads the library as loaded, so it also points at what `clausegen validate` refuses.

rules:
{rules}

To accept a finding for one clause or requirement, record why on that item:
  lint: {{suppress: [{{rule: R-VAGUE, subject: reasonable, reason: "a defined legal standard here"}}]}}
`subject` (optional) limits it to the word, parameter or requirement the finding names. A
suppression without a reason is an error; one that silences nothing is a warning.

The vague terms, the obligation verbs and the verification words are data: copy
{terms}
and pass your copy with --terms FILE; each list in it replaces the shipped one.

examples:
  clausegen lint                          # the whole library and catalogues
  clausegen lint catalogues/internal.yaml # only findings in one file
  clausegen lint --format json > lint.json

Exit status: 1 if there is an error finding, else 0 (warnings do not fail).
"""

EPILOG_COVERAGE = """\
Without a profile: every source item in the register (frameworks/) against the clauses (the
version a profile gets by default) and requirements (every level) that cite it, then the items
nothing covers. With a profile: the items its documents cover, and for each item not covered why:
the condition that was false, the requirement that tailoring excluded, the level it belongs to.

examples:
  clausegen coverage                                  # the library's traceability matrix
  clausegen coverage profiles/x.yaml                  # one contract
  clausegen coverage profiles/x.yaml --format docx --out coverage.docx   # attach to an approval

Formats: table (the terminal), md, html, docx (a report with the house template), json.
"""

EPILOG_DIFF = """\
OLD and NEW are two of the same kind:
  two clause versions      termination.asset-return@1.0.0 termination.asset-return@1.1.0
  two libraries            old-clauses/ clauses/   (a clause library, or a project folder)
  two git revisions        v1.0.0 HEAD             (the --library, --catalogue, --frameworks folders)
  two build manifests      old/manifest.json output/x/manifest.json

Clause texts are compared word by word: in the terminal deletions are red and struck through,
insertions green and underlined ([-old-]{{+new+}} without colour); in Markdown they are <del> and
<ins>; in DOCX they are Word tracked changes by "clausegen", dated SOURCE_DATE_EPOCH (default
1980-01-01), which a lawyer can accept or reject one by one. Manifests show what changed in a
regenerated contract: documents, clauses added, removed or at another version (with the text
change when the library holds both versions), requirements and parameter values.

examples:
  clausegen diff termination.asset-return@1.0.0 termination.asset-return@1.1.0
  clausegen diff HEAD~1 HEAD --format md > library-changes.md
  clausegen diff old/manifest.json output/x/manifest.json --format docx --out changes.docx
"""

EPILOG_EVALUATE = """\
Reads the compliance matrices tenderers answered (tender-requirements.xlsx from `clausegen build
PROFILE --format xlsx`, filled in and saved by Excel or LibreOffice), checks each against the
tender the profile builds now, and writes OUT/<profile id>/evaluation.md, .docx and .xlsx and
evaluation.json (the answers files' sha256 and the files written):

  - per tenderer: whether every minimum requirement is answered yes, and if not which ones, so
    that the tender is rejected;
  - the award criteria's answers, scored where the profile gives procurement.award_weights
    (yes: the weight, partly: half, no or no answer: 0);
  - answers left empty; and all tenderers side by side.

The tenderer's name comes from Instructions!B3 (else the file name). A matrix whose hidden sheet,
requirement text, ids or rows were changed, from another profile or library version, with an
answer other than yes, partly or no, or a file that is not a readable .xlsx, is an error naming
the file, sheet and cell, and nothing is written.

examples:
  clausegen evaluate profiles/x.yaml answers/acme.xlsx answers/nordic.xlsx
"""


def _lint_epilog() -> str:
    from clausegen.lint import RULES
    from clausegen.loading.lint_terms import SHIPPED_TERMS

    rules = "\n".join(f"  {rule_id:<19} {r.severity:<8} {r.title}" for rule_id, r in RULES.items())
    return EPILOG_LINT.format(rules=rules, terms=f"  {SHIPPED_TERMS}")


class _Parser(argparse.ArgumentParser):
    """An epilog may be a function, called only when that command's help is shown (the lint rules need imports)."""

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", _Parser)
        return super().add_subparsers(**kwargs)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    for add_verb in (_build, _validate, _explain, _lint, _coverage, _diff, _evaluate):
        add_verb(sub, inputs)
    return parser


def _verb(sub: Any, inputs: argparse.ArgumentParser, name: str, summary: str, description: str,
          epilog: str | Callable[[], str]) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, parents=[inputs], help=summary, description=description,
                                                     epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    return parser


def _build(sub: Any, inputs: argparse.ArgumentParser) -> None:
    b = _verb(sub, inputs, "build", "build the documents for one or more profiles",
              "Build the documents that apply to each profile.", EPILOG_BUILD)
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
    b.add_argument("--answers", type=Path, default=None, metavar="WINNER.xlsx",
                   help="the winning tenderer's answered matrix: the security appendix gets a schedule of what the "
                        "supplier committed to, and the manifest records the file's sha256 (one profile only)")
    b.add_argument("--force", action="store_true",
                   help="rebuild profiles whose output is already current (by default they are skipped)")
    b.add_argument("--baseline", type=Path, default=None, metavar="OLD_BUILD",
                   help="an earlier build of the same profile (its folder or manifest.json): also write "
                        "redlines against it into OUT/<id>/redline/ (one profile only)")


def _validate(sub: Any, inputs: argparse.ArgumentParser) -> None:
    v = _verb(sub, inputs, "validate", "check library, catalogues and profiles; list every problem",
              "Validate inputs.", EPILOG_VALIDATE)
    v.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="profile files or folders (default: profiles/)")


def _explain(sub: Any, inputs: argparse.ArgumentParser) -> None:
    e = _verb(sub, inputs, "explain", "show why each clause and requirement was selected",
              "Explain the selection for one profile.", EPILOG_EXPLAIN)
    e.add_argument("profile", type=Path, metavar="PROFILE")


def _lint(sub: Any, inputs: argparse.ArgumentParser) -> None:
    li = _verb(sub, inputs, "lint", "check requirements (SMART) and clauses; findings with fixes",
               "Lint the clause library and the requirement catalogues.", _lint_epilog)
    li.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                    help="only findings in these files or folders (default: all of the library and catalogues)")
    li.add_argument("--format", choices=("text", "json"), default="text", help="output (default: text)")
    li.add_argument("--terms", type=Path, default=None, metavar="FILE", help="your word lists (see below)")


def _coverage(sub: Any, inputs: argparse.ArgumentParser) -> None:
    c = _verb(sub, inputs, "coverage", "which source items the library or a profile covers",
              "Source coverage: register items against clauses and requirements.", EPILOG_COVERAGE)
    c.add_argument("profile", type=Path, nargs="?", metavar="PROFILE", help="a risk profile (default: the library)")
    c.add_argument("--format", choices=("table", "md", "html", "docx", "json"), default="table",
                   help="output (default: table)")
    c.add_argument("--out", type=Path, default=None, metavar="FILE", help="write to FILE (needed for docx)")


def _diff(sub: Any, inputs: argparse.ArgumentParser) -> None:
    d = _verb(sub, inputs, "diff", "what changed between clause versions, libraries or builds",
              "Compare two clause versions, libraries, git revisions or manifests.", EPILOG_DIFF)
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW")
    d.add_argument("--format", default=None, metavar="FORMAT",
                   help="text, md, docx or json (default: text); for two build folders a list from "
                        "docx,md,html,pdf (default: docx,md)")
    d.add_argument("--out", type=Path, default=None, metavar="PATH",
                   help="write to FILE (needed for docx); for two build folders the folder for the redlines "
                        "(default: redline/<profile id>)")
    d.add_argument("--old-library", default=None, metavar="REV",
                   help="build folders: the git revision (or folder) of the library the old build was made "
                        "from (default: the current one, else the git tag of its library version)")
    d.add_argument("--new-library", default=None, metavar="REV", help="the same for the new build")
    d.add_argument("--templates", type=Path, default=None, metavar="DIR",
                   help="build folders: the house templates the new build used (see `build --templates`)")
    d.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text output (default: auto, when writing to a terminal and NO_COLOR is unset)")


def _evaluate(sub: Any, inputs: argparse.ArgumentParser) -> None:
    ev = _verb(sub, inputs, "evaluate", "evaluate tenderers' answered compliance matrices",
               "Evaluate answered compliance matrices against a profile's tender.", EPILOG_EVALUATE)
    ev.add_argument("profile", type=Path, metavar="PROFILE", help="the tender's risk profile")
    ev.add_argument("answers", nargs="+", type=Path, metavar="ANSWERS.xlsx", help="one answered matrix per tenderer")
    ev.add_argument("--out", type=Path, default=Path("output"), metavar="DIR", help="output folder (default: output)")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from clausegen.errors import ClausegenError

    try:
        run: Callable[[argparse.Namespace], int] = importlib.import_module(f"clausegen.commands.{args.command}").run
        return run(args)
    except ClausegenError as e:
        for diagnostic in e.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted; files already written are complete, the rest were not started", file=sys.stderr)
        return 130
