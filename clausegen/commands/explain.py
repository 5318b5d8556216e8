"""`clausegen explain`: the derivation of the risk tier and every selection decision, as text."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from clausegen import loading
from clausegen.commands import inputs
from clausegen.facts import third_country_sub_suppliers
from clausegen.models.project import Project
from clausegen.selection import Selection, select
from clausegen.sources import load_project


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
        *_case_facts(s, loaded.located.data),
        f"transfers    outside the EU/EEA: {', '.join(facts.third_countries) or 'none'}",
        *_transfers(s),
        *([f"  remote access from {', '.join(facts.values['remote_access_countries'])}, which data.locations does "
           "not list (remote_access_countries)"] if facts.values["remote_access_countries"] else []),
        *(f"warning      {n.format()}" for n in s.notices),
        "",
        "parameters",
    ]
    events = project.library.meta.events
    for name, value in sorted(s.parameters.items()):
        event = getattr(project.parameters[name], "event", None)
        about = f"; period of {event}: {events[event].title}" if event in events else ""
        lines.append(f"  {name} = {value.value!r}  ({value.origin}{about})")
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
                if not rp.in_document(doc.document_id):
                    lines.append(f"  - {rp.requirement.id}  left out: scope is {rp.requirement.scope} only")
                    continue
                duty = (f"; a duty of law while {rp.duty_reason}, citing {', '.join(rp.legal_duty)}: minimum whatever "
                        "requirements_as says") if rp.legal_duty else ""
                if rp.restated_in:
                    duty = f"; an obligation of {', '.join(rp.restated_in)} anyway: not an award criterion"
                lines.append(f"  + {rp.requirement.id} ({rp.marked_as}{duty}, level {rp.requirement.level})  "
                             f"when {rp.reason}")
            for ro in s.omitted_requirements:
                lines.append(f"  - {ro.requirement.id}  left out: {ro.reason}")
    for doc_id, reason in s.skipped_documents:
        lines += ["", f"document {doc_id}: not built, because {reason} is false"]
    return "\n".join(lines) + "\n"


MECHANISMS = {"adequacy": "adequacy decision", "dpf": "EU-US Data Privacy Framework (adequacy decision (EU) 2023/1795)",
              "scc": "standard contractual clauses", "bcr": "binding corporate rules"}


def _case_facts(s: Selection, raw: Any) -> list[str]:
    """The facts the text depends on, and whether each was written or is the documented default."""
    p = s.profile

    def given(*path: str) -> bool:
        node = raw
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def origin(*path: str, default: str = "default") -> str:
        return "" if given(*path) else f" ({default})"

    cloud = "true" if p.service.cloud else "false"
    return [
        f"delivery     {p.service.delivery}{origin('service', 'delivery', default=f'default, from service.cloud: {cloud}')}",
        f"support      {p.service.support_hours}{origin('service', 'support_hours')}",
        f"NIS2         {p.criticality.nis2}{origin('criticality', 'nis2')}; "
        f"DORA {'yes' if p.criticality.dora else 'no'}{origin('criticality', 'dora')}"
        + ({True: "; supports a critical or important function", False: "; no critical or important function",
            None: "; critical or important function not stated (the text keeps the condition)"}
           [p.criticality.dora_critical_function] if p.criticality.dora else ""),
        f"supplier     {p.supplier.name if p.supplier else 'not named (a tender: chosen by the tender)'}"
        + (f" ({p.supplier.country}, outside the EU/EEA: supplier_outside_eea)"
           if p.supplier and s.facts.values["supplier_outside_eea"] else ""),
    ] + ([f"             DORA applies instead of NIS2 (Art. 4(1) NIS2): DORA incident reporting (Art. 19) and "
          f"contract terms (Art. 30) replace the NIS2 supply-chain (Art. 21) and reporting (Art. 23) clauses, "
          f"although nis2 is {p.criticality.nis2}"] if p.criticality.dora and p.criticality.nis2 != "none" else [])


def _transfers(s: Selection) -> list[str]:
    return [f"  {sub.name} ({sub.country}): "
            + (MECHANISMS[sub.transfer] if sub.transfer else "no mechanism stated: to be agreed before any transfer")
            for _, sub in third_country_sub_suppliers(s.profile)]


def run(args: argparse.Namespace) -> int:
    project = load_project(inputs(args))
    print(explain(args.profile, project), end="")
    return 0
