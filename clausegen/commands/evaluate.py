"""`clausegen evaluate`: load the profile's tender as it builds now, check every answered matrix
against it, and write OUT/<profile id>/evaluation.{md,docx,xlsx} plus evaluation.json.

Every problem in every file is reported at once; nothing is written unless all files are good.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from clausegen import __version__, loading
from clausegen.commands import inputs
from clausegen.errors import Diagnostic, InputError, display_path
from clausegen.evaluation import evaluate
from clausegen.evaluation_report import About, document, sheets
from clausegen.export.commit import folder_lock
from clausegen.export.manifest import sha256
from clausegen.export.writing import write_all
from clausegen.export.xlsx import write_sheets
from clausegen.loading.answers import AnsweredMatrix, load_answers
from clausegen.matrices import Matrix, matrix, requirement_rows, weight_problems
from clausegen.models.project import Project
from clausegen.pipeline import load_project, made_on, source_date_epoch
from clausegen.selection import Selection, select

TENDER = "tender-requirements"


@dataclass(frozen=True)
class Tender:
    """What the profile's tender is now: the matrix answers are checked against."""

    selection: Selection
    matrix: Matrix
    profile_sha256: str


def tender(profile_path: Path, project: Project) -> Tender:
    loaded = loading.load_profile(profile_path)
    selection = select(loaded.profile, project, loaded.located, [TENDER])
    if not selection.documents:
        why = next((reason for doc, reason in selection.skipped_documents if doc == TENDER), "")
        raise InputError(Diagnostic.at(loaded.located.at(("procurement", "mode")),
                                       "procurement.mode", f"this profile has no tender ({why})",
                                       "answers are evaluated against a profile with procurement.mode: tender"))
    if problems := weight_problems(selection, loaded.located):
        raise InputError(problems)
    title = selection.documents[0].spec.title
    table = matrix(TENDER, selection, project, title, f"{selection.profile.title}: {selection.profile.client.name}")
    assert table is not None
    return Tender(selection, table, loaded.sha256)


def load_all(paths: list[Path], expected: Matrix) -> list[AnsweredMatrix]:
    """Every answered matrix, or one error listing every problem in every file."""
    problems: list[Diagnostic] = []
    answered: list[AnsweredMatrix] = []
    for path in paths:
        try:
            answered.append(load_answers(path, expected))
        except InputError as e:
            problems += e.diagnostics
    seen: dict[str, AnsweredMatrix] = {}
    for a in answered:
        for other in seen.values():
            if other.sha256 == a.sha256:
                problems.append(Diagnostic(a.file, None, "", f"the same file as {other.file}", "pass each tender once"))
            elif other.tenderer == a.tenderer:
                problems.append(Diagnostic(a.file, None, "Instructions!B3", f"names the tenderer {a.tenderer!r}, "
                                           f"like {other.file}", "give each tenderer's name in Instructions!B3"))
        seen[a.file] = a
    if problems:
        raise InputError(problems)
    return answered


def write_evaluation(profile_path: Path, answer_paths: list[Path], project: Project, out: Path,
                     epoch: int) -> tuple[Path, list[AnsweredMatrix]]:
    """Evaluate and write the report; returns the folder written to and the matrices evaluated."""
    from clausegen.pipeline import export_report

    current = tender(profile_path, project)
    answered = load_all(answer_paths, current.matrix)
    selection = current.selection
    weights = selection.profile.procurement.award_weights
    evaluation = evaluate(requirement_rows(selection, project), answered, weights)
    lib = project.library.meta
    about = About(selection.profile.id, selection.profile.title, selection.profile.client.name,
                  selection.facts.level.marking, lib.name, lib.version)
    report = document(evaluation, about)
    created = made_on(selection, project, epoch)
    custom = {"clausegen.library": f"{lib.name} {lib.version}", "clausegen.profile": selection.profile.id}
    files = {"evaluation.md": export_report(report, "md", created=created),
             "evaluation.docx": export_report(report, "docx", created=created),
             "evaluation.xlsx": write_sheets(sheets(evaluation), report, created, custom)}
    files["evaluation.json"] = _record(current, project, answered, files)
    folder = out / selection.profile.id
    with folder_lock(folder):  # a build of the profile swaps the whole folder: not while this writes
        write_all(folder, files)
    return folder, answered


def _record(current: Tender, project: Project, answered: list[AnsweredMatrix], files: dict[str, bytes]) -> bytes:
    """What the evaluation was made from and what it wrote, like a build's manifest."""
    cat = project.catalogue.meta
    data = {
        "clausegen": __version__,
        "library": {"name": project.library.meta.name, "version": project.library.meta.version},
        "catalogue": {"name": cat.name, "version": cat.version, "level": current.selection.facts.level.id},
        "profile": {"id": current.selection.profile.id, "sha256": current.profile_sha256},
        "answers": [{"tenderer": a.tenderer, "file": Path(a.file).name, "sha256": a.sha256} for a in answered],
        "files": {name: {"path": name, "sha256": sha256(data)} for name, data in files.items()},
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def notices(answered: list[AnsweredMatrix]) -> list[Diagnostic]:
    """What the evaluator must look at: a tender named after its file, text outside the answer cells."""
    out = [Diagnostic(a.file, None, "Instructions!B3", f"no tenderer name; the report calls this tender {a.tenderer!r} "
                      "after the file", "ask the tenderer to write its name in cell B3") for a in answered if not a.named]
    out += [Diagnostic(a.file, None, cell, f"text outside the answer cells: {text[:60]!r}",
                       "read it in the report: a reservation may make the tender non-compliant")
            for a in answered for cell, text in a.stray]
    return out


def run(args: argparse.Namespace) -> int:
    project = load_project(inputs(args))
    folder, answered = write_evaluation(args.profile, list(args.answers), project, args.out,
                                        source_date_epoch(dict(os.environ)))
    for warning in notices(answered):
        print(f"warning: {warning.format()}", file=sys.stderr)
    print(f"wrote {display_path(folder)}/evaluation.md, .docx, .xlsx and evaluation.json")
    return 0
