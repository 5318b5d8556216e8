"""`clausegen explain`: the derivation of the risk tier and every selection decision, as text."""

from __future__ import annotations

import argparse
from pathlib import Path

from clausegen import loading
from clausegen.commands import inputs
from clausegen.pipeline import load_project
from clausegen.selection import select
from clausegen.validation import Project


def explain(profile_path: Path, project: Project) -> str:
    loaded = loading.load_profile(profile_path)
    s = select(loaded.profile, project, loaded.located)
    facts = s.facts
    lines = [
        f"profile      {s.profile.id}: {s.profile.title}",
        f"library      {project.library.meta.name} {project.library.meta.version}; "
        f"catalogue {project.catalogue.meta.name} {project.catalogue.meta.version}",
        f"level        {facts.level.id} ({facts.level.marking}): {facts.level.meaning}",
        f"risk tier    {facts.tier.id}: {facts.tier.meaning}",
        f"  because    {facts.tier_reason}",
        f"transfers    outside the EU/EEA: {', '.join(facts.third_countries) or 'none'}",
        "",
        "parameters",
    ]
    for name, value in sorted(s.parameters.items()):
        lines.append(f"  {name} = {value.value!r}  ({value.origin})")
    for doc in s.documents:
        lines += ["", f"document {doc.document_id}: {doc.spec.title}", f"  built because {doc.reason}"]
        for pick in doc.clauses:
            pin = " (pinned" + (f"; {pick.newer} available)" if pick.newer else ")") if pick.pinned else ""
            deprecated = " [deprecated]" if pick.clause.status == "deprecated" else ""
            lines.append(f"  + {pick.clause.id}@{pick.clause.version}{pin}{deprecated}  when {pick.reason}")
        for omission in doc.omitted:
            lines.append(f"  - {omission.clause_id}@{omission.version}  left out: {omission.reason}")
        if any(sec.generated == "requirements" for sec in doc.spec.sections):
            for rp in s.requirements:
                lines.append(f"  + {rp.requirement.id} ({rp.marked_as}, level {rp.requirement.level})  when {rp.reason}")
            for ro in s.omitted_requirements:
                lines.append(f"  - {ro.requirement.id}  left out: {ro.reason}")
    for doc_id, reason in s.skipped_documents:
        lines += ["", f"document {doc_id}: not built, because {reason} is false"]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    project = load_project(inputs(args))
    print(explain(args.profile, project), end="")
    return 0
