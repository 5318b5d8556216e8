"""`clausegen validate`: the project and every profile, all problems in one run."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from clausegen import contract_checks, loading, references
from clausegen.assembly import assemble
from clausegen.commands import inputs
from clausegen.errors import ClausegenError, Diagnostic, display_path, unexpected
from clausegen.selection import select
from clausegen.sources import Inputs, load_project


def profile_paths(paths: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
    if not paths:
        paths = [Path("profiles")]
    found, problems = [], []
    for path in paths:
        if path.is_dir():
            found += sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Diagnostic(display_path(path), None, "", "no such file or folder"))
    return found, problems


def validate_all(inputs: Inputs, paths: list[Path]) -> tuple[list[Diagnostic], str, list[Diagnostic]]:
    """(problems, what was checked, warnings): warnings never fail validation."""
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    project = None
    try:
        project = load_project(inputs)
        warnings = references.dangling(project)
    except ClausegenError as e:
        problems += e.diagnostics
    profiles, missing = profile_paths(paths)
    problems += missing
    for path in profiles:
        try:
            loaded = loading.load_profile(path)
            if project is not None:
                selection = select(loaded.profile, project, loaded.located)
                assemble(selection, project, loaded.located)
                problems += contract_checks.impossible(selection.profile, selection.parameters, loaded.located)
                warnings += selection.notices
                warnings += contract_checks.doubtful(selection.profile, loaded.located, date.today())
                warnings += contract_checks.remedy_ladder(selection.parameters, loaded.located)
        except ClausegenError as e:
            problems += e.diagnostics
        except Exception as e:  # noqa: BLE001 - one profile's fault is its own problem, the others are checked
            problems.append(unexpected(display_path(path), e))
    summary = f"library {display_path(inputs.library)}, catalogues {display_path(inputs.catalogue)}, " \
              f"register {display_path(inputs.frameworks)}, {len(profiles)} profile(s)"
    return list(dict.fromkeys(problems)), summary, warnings


def run(args: argparse.Namespace) -> int:
    problems, checked, warnings = validate_all(inputs(args), args.paths)
    for warning in warnings:
        print("warning: " + warning.format(), file=sys.stderr)
    for problem in problems:
        print(problem.format(), file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {checked}", file=sys.stderr)
        return 1
    print(f"ok: {checked}")
    return 0
