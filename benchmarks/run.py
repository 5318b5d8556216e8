"""clausegen benchmark: run from the project root with `.venv/bin/python benchmarks/run.py`.

Measures, on the machine it runs on:
  1. one profile's full set (every document in md, docx and pdf), cold: a new process each time;
  2. a batch of N synthetic profiles (varying every field) at --jobs 1 and --jobs 2, in documents/s;
  3. a no-op rebuild of the same N profiles;
  4. loading and validating a synthetic library of 5,000 clauses (a new process);
  5. the peak memory of the largest process during a --jobs 2 batch;
  and, for 1 and for the --jobs 1 batch, the naive sequential export (CLAUSEGEN_EXPORT_THREADS=1:
  one pandoc process per file, nothing overlapped) as a ratio. At --jobs 2 clausegen already runs
  one export thread per worker, so there the naive and the default pipeline are the same.

Batch figures are single runs (each takes minutes); the others are the median of --repeat runs.
Results are printed as a Markdown table."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLAUSEGEN = [sys.executable, "-m", "clausegen"]

COUNTRIES_EEA = ["DK", "DE", "SE", "NO", "FI", "NL", "FR", "IE", "PL", "EU"]
COUNTRIES_OTHER = ["US", "IN", "GB", "CH", "JP"]
NAMES = ["Smith & Jones <Hosting> A/S", "Ærø Kommune", "Nordlys \"Cloud\" ApS", "Østergaard & Søn",
         "O'Brien Data Ltd", "Région Île-de-France", "Byggeri <Øst> I/S", "Müller Rechenzentrum GmbH"]
KINDS = ["hosting", "operations", "support", "development", "saas", "iaas", "paas"]
LEVELS = ["public", "internal", "confidential", "secret"]


def q(text: str) -> str:
    """A YAML double-quoted string (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def synthetic_profile(index: int, rng: random.Random) -> str:
    """A valid profile that varies every field."""
    personal = rng.random() < 0.7
    subs = []
    for s in range(rng.randint(0, 3)):
        country = rng.choice(COUNTRIES_EEA[:-1] + COUNTRIES_OTHER)
        subs.append(f'  - {{name: {q(rng.choice(NAMES) + f" {s}")}, country: "{country}", service: "Service part {s}", '
                    f'access_to_data: {str(rng.random() < 0.6).lower()}}}')
    kinds = sorted(rng.sample(KINDS, rng.randint(1, 3)))
    locations = sorted(set(rng.sample(COUNTRIES_EEA, rng.randint(1, 2)) +
                           (rng.sample(COUNTRIES_OTHER, 1) if rng.random() < 0.2 else [])))
    mode = rng.choice(["tender", "direct", "framework"])
    lines = [
        "profile: 1",
        f"id: bench-{index:04d}",
        f'title: "Outsourcing case {index}: {rng.choice(["hosting", "operations", "SaaS", "support"])}"',
        "language: en",
        f'client: {{name: {q(rng.choice(NAMES))}, country: "{rng.choice(COUNTRIES_EEA[:-1])}", '
        f'sector: {rng.choice(["public", "private"])}}}',
        f'supplier: {{name: {q(rng.choice(NAMES))}, country: "{rng.choice(COUNTRIES_EEA[:-1] + COUNTRIES_OTHER)}", '
        f'relative_size: {rng.choice(["smaller", "similar", "larger"])}}}',
        "service:",
        f'  description: "Synthetic service number {index} with {", ".join(kinds)}."',
        f"  kinds: [{', '.join(kinds)}]",
        f"  cloud: {str(rng.random() < 0.5).lower()}",
        "data:",
        f"  classification: {rng.choice(LEVELS)}",
        f"  personal_data: {str(personal).lower()}",
        f"  special_categories: {str(personal and rng.random() < 0.3).lower()}",
        "  locations: [" + ", ".join(f'"{c}"' for c in locations) + "]",
        f"criticality: {{business_critical: {str(rng.random() < 0.5).lower()}, "
        f"critical_to_society: {str(rng.random() < 0.15).lower()}}}",
        "sub_suppliers:" + ("" if subs else " []"),
        *subs,
        f"procurement: {{mode: {mode}, requirements_as: {rng.choice(['minimum', 'award', 'mixed'])}}}",
        f'contract: {{start: "20{rng.randint(27, 30)}-{rng.randint(1, 12):02d}-01", term_months: {rng.choice([12, 24, 36, 48, 60])}}}',
        f"parameters: {{confidentiality_years: {rng.randint(5, 20)}}}",
        'pins: {termination.asset-return: "1.0.0"}' if rng.random() < 0.2 else "pins: {}",
    ]
    return "\n".join(lines) + "\n"


def synthetic_library(target: Path, count: int, rng: random.Random) -> None:
    """The shipped library plus `count` generated clauses with conditions, parameters and citations."""
    shutil.copytree(ROOT / "clauses", target)
    sections = [("security-appendix", "roles"), ("security-appendix", "audit"), ("termination-plan", "transition"),
                ("nda", "obligations"), ("security-appendix", "change")]
    conditions = ["always", "{field: data.personal_data, equals: true}",
                  "{field: data.classification, at_least: internal}", "{field: risk_tier, at_least: high}",
                  "{any: [{field: service.cloud, equals: true}, {field: sub_suppliers, not_empty: true}]}"]
    folder = target / "synthetic"
    folder.mkdir()
    for i in range(count):
        doc, section = rng.choice(sections)
        clause_id = f"synthetic.clause-{i:05d}"
        (folder / f"{clause_id}@1.0.0.md").write_text(f"""---
id: {clause_id}
version: "1.0.0"
title: "Synthetic clause {i}"
status: active
documents: {{{doc}: {section}}}
order: {1000 + i}
condition: {rng.choice(conditions)}
parameters:
  synthetic_days_{i}: {{type: integer, default: {rng.randint(1, 90)}, min: 1, max: 365, stricter: lower, description: "Days."}}
sources: ["CFCS:2.1/isms"]
changelog: [{{version: "1.0.0", changes: ["Generated."]}}]
---
The Supplier shall act within {{{{ synthetic_days_{i} }}}} days for {{{{ client.name }}}}, and shall:

- keep **records** of each action;
- report to the Client *in writing*.
""", encoding="utf-8")


CPU_SECONDS: list[float] = []  # of each timed command: it and the processes it waited for


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start, cpu = time.perf_counter(), children_cpu()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    CPU_SECONDS.append(children_cpu() - cpu)
    if result.returncode != 0:
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return elapsed


def cpu_median(runs: int) -> float:
    """The median CPU seconds of the last `runs` timed commands."""
    return statistics.median(CPU_SECONDS[-runs:])


def peak_memory(cmd: list[str], env: dict[str, str]) -> int:
    """Largest resident set (KiB) of any process of one run, measured in a fresh parent."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    return int(result.stdout.strip())


def median(runs: int, make) -> float:
    return statistics.median(make() for _ in range(runs))


def count_documents(out: Path) -> int:
    return sum(1 for p in out.glob("*/*") if p.suffix in (".md", ".docx", ".pdf")) // 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int, default=200, help="synthetic profiles in the batch (default 200)")
    parser.add_argument("--clauses", type=int, default=5000, help="clauses in the synthetic library (default 5000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is reported (default 3)")
    args = parser.parse_args()
    rng = random.Random(20261123)
    env = {k: v for k, v in os.environ.items() if k != "CLAUSEGEN_EXPORT_THREADS"}  # clausegen's defaults
    naive_env = {**os.environ, "CLAUSEGEN_EXPORT_THREADS": "1"}
    rows: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory(prefix="clausegen-bench-") as tmp:
        work = Path(tmp)
        profiles = work / "profiles"
        profiles.mkdir()
        for i in range(args.profiles):
            (profiles / f"bench-{i:04d}.yaml").write_text(synthetic_profile(i, rng), encoding="utf-8")
        paths = sorted(str(p) for p in profiles.glob("*.yaml"))
        single = str(ROOT / "profiles" / "dk-agency-emergency-alerting.yaml")
        fmt = ["--format", "md,docx,pdf"]

        def one(environment):
            return lambda: timed(CLAUSEGEN + ["build", single, *fmt, "--out", str(work / "one"), "--force"], ROOT,
                                 environment)

        t_one = median(args.repeat, one(env))
        cpu_one = cpu_median(args.repeat)
        t_one_naive = median(args.repeat, one(naive_env))
        rows.append(("one profile, 5 documents x md+docx+pdf, cold (largest example, secret level)", f"{t_one:.2f} s"))
        rows.append(("  same, naive sequential export (one pandoc per file, no overlap)",
                     f"{t_one_naive:.2f} s (ratio {t_one_naive / t_one:.2f}x)"))
        soffice = shutil.which("soffice")
        if soffice:  # the yardstick of issue 10: LibreOffice converting one of that set's DOCX files to PDF
            docx = next((work / "one").glob("*/security-appendix.docx"))
            profile_dir = work / "lo-profile"
            t_lo = median(args.repeat, lambda: timed(
                [soffice, f"-env:UserInstallation=file://{profile_dir}", "--headless", "--convert-to", "pdf",
                 "--outdir", str(work / "lo"), str(docx)], ROOT, env))
            rows.append(("  LibreOffice converting that set's security-appendix.docx to PDF (soffice, warm profile)",
                         f"{t_lo:.2f} s; clausegen's whole set takes {t_one / t_lo:.2f}x that"))
            rows.append(("  CPU seconds of the whole set and of that conversion (less disturbed by other load than wall time)",
                         f"clausegen {cpu_one:.2f} s, LibreOffice {cpu_median(args.repeat):.2f} s "
                         f"({cpu_one / max(cpu_median(args.repeat), 1e-9):.2f}x)"))
        t_version = median(args.repeat, lambda: timed(CLAUSEGEN + ["--version"], ROOT, env))
        rows.append(("`clausegen --version` (interpreter start included)", f"{t_version:.2f} s"))

        def batch(jobs: int, environment, out: str):
            def run() -> float:
                shutil.rmtree(work / out, ignore_errors=True)
                return timed(CLAUSEGEN + ["build", *paths, *fmt, "--out", str(work / out), "--jobs", str(jobs)],
                             ROOT, environment)
            return run

        t_j1 = median(1, batch(1, env, "b1"))
        documents = count_documents(work / "b1")
        t_j1_naive = median(1, batch(1, naive_env, "b3"))
        t_j2 = median(1, batch(2, env, "b2"))
        peak_kib = peak_memory(CLAUSEGEN + ["build", *paths, *fmt, "--out", str(work / "b4"), "--jobs", "2"], env)
        rows.append((f"batch of {args.profiles} profiles ({documents} documents x 3 formats), --jobs 1",
                     f"{t_j1:.1f} s, {documents / t_j1:.1f} documents/s"))
        rows.append(("  same, naive sequential export",
                     f"{t_j1_naive:.1f} s, {documents / t_j1_naive:.1f} documents/s (ratio {t_j1_naive / t_j1:.2f}x)"))
        rows.append((f"batch of {args.profiles} profiles, --jobs 2 (one export thread per worker)",
                     f"{t_j2:.1f} s, {documents / t_j2:.1f} documents/s"))
        t_noop = median(args.repeat, lambda: timed(CLAUSEGEN + ["build", *paths, *fmt, "--out", str(work / "b2"),
                                                                "--jobs", "2"], ROOT, env))
        rows.append((f"no-op rebuild of the {args.profiles} profiles (--jobs 2)", f"{t_noop:.2f} s"))
        rows.append(("peak memory of the largest process in a --jobs 2 batch (a worker or the parent)",
                     f"{peak_kib / 1024:.0f} MB"))

        library = work / "library"
        synthetic_library(library, args.clauses, rng)
        empty = work / "no-profiles"
        empty.mkdir()
        validate = CLAUSEGEN + ["validate", "--library", str(library), str(empty)]
        t_lib = median(args.repeat, lambda: timed(validate, ROOT, {**env, "CLAUSEGEN_CACHE": "off"}))
        warm_env = {**env, "CLAUSEGEN_CACHE_DIR": str(work / "cache")}
        timed(validate, ROOT, warm_env)  # fills the cache
        t_lib_warm = median(args.repeat, lambda: timed(validate, ROOT, warm_env))
        t_start = median(args.repeat, lambda: timed([sys.executable, "-c", "import clausegen.cli"], ROOT, env))
        rows.append((f"load and validate a {args.clauses}-clause synthetic library plus the shipped one, no cache "
                     "(`clausegen validate`)", f"{t_lib:.2f} s"))
        rows.append(("  same, with the load cache warm", f"{t_lib_warm:.2f} s"))
        rows.append(("  of which interpreter start and imports", f"{t_start:.2f} s"))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    print(f"command: .venv/bin/python benchmarks/run.py --profiles {args.profiles} --clauses {args.clauses} "
          f"--repeat {args.repeat}\n")
    print("| measure | result |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
