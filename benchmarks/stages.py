"""Where one cold build's time goes, stage by stage: `.venv/bin/python benchmarks/stages.py [PROFILE]`.

Builds the profile (default: the largest example) in md, docx and pdf in this new process, with the
export run sequentially (CLAUSEGEN_EXPORT_THREADS=1) so that the stages do not overlap, and prints a
Markdown table of each stage's wall time and CPU time. CPU time is this process's own for the
Python stages, the reaped children's for pandoc, and the Typst worker process's (read from
/proc, Linux only) for Typst. In a normal build pandoc and Typst run beside the DOCX work.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

START = time.perf_counter()
os.environ["CLAUSEGEN_EXPORT_THREADS"] = "1"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

import clausegen.commands.build  # noqa: E402,F401  (what `clausegen build` imports)
from clausegen import pipeline  # noqa: E402
from clausegen.export import pdf, typst_worker  # noqa: E402

IMPORTED = time.perf_counter()
IMPORT_CPU = time.process_time()  # interpreter start included
_wall: dict[str, float] = {}
_cpu: dict[str, float] = {}
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _workers() -> float:
    """CPU seconds used so far by the live Typst worker processes."""
    total = 0.0
    for idle in pdf._POOL._idle.values():
        for worker in idle:
            try:
                fields = Path(f"/proc/{worker.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / _TICK
            except (OSError, IndexError, ValueError):
                pass
    return total


def _timed(module: Any, name: str, stage: str, cpu: Callable[[], float]) -> None:
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, used = time.perf_counter(), cpu()
        try:
            return original(*args, **kwargs)
        finally:
            _wall[stage] = _wall.get(stage, 0.0) + time.perf_counter() - wall
            _cpu[stage] = _cpu.get(stage, 0.0) + cpu() - used

    setattr(module, name, wrapper)


def main() -> None:
    profile = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "profiles" / "dk-agency-emergency-alerting.yaml"
    own = time.thread_time
    _timed(pipeline, "load_project", "load and validate the library (load cache warm)", own)
    _timed(pipeline.loading, "load_profile", "load the profile", own)
    _timed(pipeline, "select", "select", own)
    _timed(pipeline, "assemble", "assemble (render clause templates, parse to the tree)", own)
    _timed(pipeline.markdown, "write", "write Markdown", own)
    _timed(pipeline.docx_rendering, "build", "write DOCX (docxtpl)", own)
    _timed(pipeline.pandoc_ast, "document", "write pandoc's JSON AST", own)
    _timed(pipeline, "convert", "pandoc: JSON AST to Typst (one process per document)", _children)
    _timed(pipeline, "compile_pdf", "Typst: compile to PDF (in the worker process)", _workers)
    _timed(pipeline, "commit", "commit the files", own)

    with tempfile.TemporaryDirectory(prefix="clausegen-stages-") as out:
        started = time.perf_counter()
        worker = typst_worker.Worker.start(pipeline.FONT_PATHS)
        worker.compile(b"x", ())
        worker_start = time.perf_counter() - started
        worker.stop()
        project = pipeline.load_project(pipeline.Inputs())
        options = pipeline.BuildOptions(out=Path(out), formats=("md", "docx", "pdf"))
        built = time.perf_counter()
        pipeline.build(profile, project, options, force=True)
        total = time.perf_counter() - built

    print(f"profile: {profile.relative_to(ROOT) if profile.is_relative_to(ROOT) else profile}, md+docx+pdf, "
          "export sequential\n")
    print("| stage | wall s | CPU s |\n|---|---|---|")
    print(f"| interpreter start and the imports of `clausegen build` | {IMPORTED - START:.2f} (imports) | "
          f"{IMPORT_CPU:.2f} |")
    print(f"| start a Typst worker and compile one character (overlapped in a build) | {worker_start:.2f} | |")
    for stage, wall in _wall.items():
        print(f"| {stage} | {wall:.2f} | {_cpu[stage]:.2f} |")
    print(f"| build() in all, sequential | {total:.2f} | |")


if __name__ == "__main__":
    main()
