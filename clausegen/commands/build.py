"""`clausegen build`: many profiles, in this process or in worker processes, each loading the project once.

A profile that fails is reported with its error and does not stop the others.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from clausegen import loading, pipeline
from clausegen.commands import inputs, list_option
from clausegen.errors import ClausegenError, Diagnostic, UsageError, display_path, unexpected
from clausegen.models.names import DEFAULT_FORMATS, DOCUMENT_IDS, FORMATS
from clausegen.models.project import Project
from clausegen.pipeline import BuildOptions, Inputs, build, load_project, source_date_epoch


@dataclass
class Outcome:
    path: Path
    status: str  # built | unchanged | failed
    profile_id: str = ""
    folder: Path | None = None
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    exit_code: int = 0  # of the error, when failed: 1 input or template, 3 export
    removed: list[str] = field(default_factory=list)  # stale files of the previous build
    state: str = ""  # when failed: what the profile's output folder holds now


def build_one(path: Path, project: Project, options: BuildOptions, force: bool) -> Outcome:
    try:
        result = build(path, project, options, force)
    except ClausegenError as e:
        return Outcome(path, "failed", diagnostics=e.diagnostics, exit_code=e.exit_code,
                       state=getattr(e, "state", ""))
    except Exception as e:  # noqa: BLE001 - any fault is this profile's failure, never the batch's
        return Outcome(path, "failed", diagnostics=[unexpected(display_path(path), e)], exit_code=1)
    return Outcome(path, result.status, result.profile_id, result.folder, result.files, result.warnings,
                   removed=result.removed)


_worker_project: Project | None = None


def _init_worker(inputs: Inputs, export_threads: int, project: Project | None = None) -> None:
    global _worker_project
    _worker_project = project if project is not None else load_project(inputs)
    pipeline.EXPORT_THREADS = export_threads


def _inherited(project: Project) -> Project | None:
    """The parent's loaded project for a forked worker, which gets it without copying or loading;
    None where workers are started afresh (spawn, forkserver): they load it themselves."""
    return project if multiprocessing.get_start_method() == "fork" else None


def _work(path: Path, options: BuildOptions, force: bool) -> Outcome:
    assert _worker_project is not None
    return build_one(path, _worker_project, options, force)


def run_batch(paths: list[Path], inputs: Inputs, project: Project, options: BuildOptions, jobs: int, force: bool,
              done: Callable[[Outcome], None]) -> list[Outcome]:
    """Build every profile; `done` is called as each finishes. Results come back in input order.

    Profiles that share an id fail before anything is built, so neither overwrites the other's folder.
    """
    refused = {path: Outcome(path, "failed", diagnostics=[problem], exit_code=1)
               for path, problem in duplicate_ids(paths, options.out).items()}
    for outcome in refused.values():
        done(outcome)
    rest = [p for p in paths if p not in refused]
    built = dict(zip(rest, _build_all(rest, inputs, project, options, jobs, force, done), strict=True))
    return [refused.get(p) or built[p] for p in paths]


def _build_all(paths: list[Path], inputs: Inputs, project: Project, options: BuildOptions, jobs: int, force: bool,
               done: Callable[[Outcome], None]) -> list[Outcome]:
    if jobs <= 1 or len(paths) <= 1:
        outcomes = []
        for path in paths:
            outcomes.append(build_one(path, project, options, force))
            done(outcomes[-1])
        return outcomes
    by_path: dict[int, Outcome] = {}
    workers = min(jobs, len(paths))
    # Processes already use the cores; more export threads per worker only oversubscribe them
    # (measured: 200 profiles at --jobs 2 ran 12 % faster with one thread per worker).
    threads = pipeline.EXPORT_THREADS if pipeline.THREADS_FROM_ENVIRONMENT else max(1, (os.cpu_count() or 1) // workers)
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                             initargs=(inputs, threads, _inherited(project))) as pool:
        futures = {pool.submit(_work, path, options, force): i for i, path in enumerate(paths)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                by_path[i] = future.result()
            except BrokenProcessPool:
                continue  # a worker died: its profile is found below, the others are rebuilt
            except Exception as e:  # noqa: BLE001 - e.g. a result that cannot be passed back
                by_path[i] = Outcome(paths[i], "failed", diagnostics=[unexpected(display_path(paths[i]), e)],
                                     exit_code=1)
            done(by_path[i])
    # A lost result may belong to a build that had already committed; forced, the retry reports it as
    # built rather than "unchanged" (its bytes are the same either way).
    for i in [i for i in range(len(paths)) if i not in by_path]:
        by_path[i] = _alone(paths[i], inputs, options, True, threads)
        done(by_path[i])
    return [by_path[i] for i in range(len(paths))]


def _alone(path: Path, inputs: Inputs, options: BuildOptions, force: bool, threads: int) -> Outcome:
    """A profile whose worker died (or that shared a pool with one that did), in a worker of its own."""
    with ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(inputs, threads)) as pool:
        future = pool.submit(_work, path, options, force)
        try:
            return future.result()
        except BrokenProcessPool:
            return Outcome(path, "failed", exit_code=1, diagnostics=[Diagnostic(
                display_path(path), None, "", "the worker process building it stopped (killed or crashed); "
                "nothing was written for it",
                "it may have run out of memory; build it alone with --jobs 1 to see more")])


def duplicate_ids(paths: list[Path], out: Path) -> dict[Path, Diagnostic]:
    """Profiles that share an id would share one output folder: each gets an error before anything is built.

    Only the `id` key is read here; a profile that does not parse is left to its own build to report.
    """
    by_id: dict[str, list[tuple[Path, int | None]]] = {}
    for path in paths:
        try:
            located = loading.read_yaml(path)
        except ClausegenError:
            continue
        profile_id = located.data.get("id") if isinstance(located.data, dict) else None
        if isinstance(profile_id, str):
            by_id.setdefault(profile_id, []).append((path, located.line(("id",))))
    problems = {}
    for profile_id, found in by_id.items():
        if len({p.resolve() for p, _ in found}) < 2:  # one file named twice is one profile
            continue
        for path, line in found:
            others = ", ".join(display_path(p) for p, _ in found if p != path)
            problems[path] = Diagnostic(display_path(path), line, "id",
                                        f"same profile id {profile_id!r} as {others}; they would share "
                                        f"{display_path(out / profile_id)}, so neither is built",
                                        "give each profile its own id")
    return problems


def run(args: argparse.Namespace) -> int:
    formats = list_option(args.format, FORMATS, "--format")
    documents = list_option(args.documents, DOCUMENT_IDS, "--documents")
    if args.jobs < 1:
        raise UsageError(Diagnostic("--jobs", None, "", f"{args.jobs} is not a number of worker processes",
                                    "use 1 or more"))
    if args.answers is not None and len(args.profiles) != 1:
        raise UsageError(Diagnostic("--answers", None, "", "the winner's answers belong to one tender",
                                    "build one profile with --answers"))
    sources = inputs(args)
    options = BuildOptions(out=args.out, formats=formats or DEFAULT_FORMATS, documents=documents,
                           templates=args.templates, source_date_epoch=source_date_epoch(dict(os.environ)),
                           answers=args.answers, baseline=_baseline(args, sources),
                           today=date.today())  # for a warning only, never in a file
    project = load_project(sources)
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    show_bar = console.is_terminal and len(args.profiles) > 1
    columns = (TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not show_bar) as progress:
        task = progress.add_task("build", total=len(args.profiles))

        def done(outcome: Outcome) -> None:
            _print_outcome(outcome, progress.console if show_bar else None)
            progress.advance(task)

        outcomes = run_batch(list(args.profiles), sources, project, options, args.jobs, args.force, done)
    counts = {status: sum(1 for o in outcomes if o.status == status) for status in ("built", "unchanged", "failed")}
    if len(outcomes) > 1:
        print(f"{counts['built']} built, {counts['unchanged']} unchanged, {counts['failed']} failed")
    failed = max((o.exit_code for o in outcomes if o.status == "failed"), default=0)  # 3 if an export failed
    return failed


def _baseline(args: argparse.Namespace, sources: Inputs):
    """The earlier build to write redlines against (--baseline), read and rebuilt once."""
    if args.baseline is None:
        return None
    from clausegen.loading.builds import read_build

    if len(args.profiles) != 1:
        raise UsageError(Diagnostic("--baseline", None, "", f"an earlier build is of one profile; "
                                    f"{len(args.profiles)} profiles given", "build one profile with --baseline"))
    return read_build(str(args.baseline), None, sources, "old")


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
        say(f"FAILED    {path}: {outcome.state or 'nothing written for this profile'}", error=True)
        return
    for warning in outcome.warnings:
        say(f"warning: {outcome.profile_id}: {warning}", error=True)
    if outcome.status == "unchanged":
        say(f"unchanged {path} -> {display_path(outcome.folder)}/ (inputs as before; --force rebuilds)")
    else:
        removed = f"; removed {', '.join(outcome.removed)}, no longer called for" if outcome.removed else ""
        say(f"built     {path} -> {display_path(outcome.folder)}/ ({len(outcome.files)} files{removed})")
