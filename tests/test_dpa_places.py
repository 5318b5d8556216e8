"""The DPA checklist's "Addressed in" column names documents and clause numbers, or requirement ids,
never internal clause ids."""

import re
from pathlib import Path

from conftest import ROOT

from clausegen.assembly import assemble
from clausegen.loading import load_profile
from clausegen.pipeline import Inputs, load_project
from clausegen.selection import select

PLACE = re.compile(r"^(?:(?:[A-Z][^,;]*, )?clause \d+(?:\.\d+)*|SR-[A-Z]+-\d+)$")


def _addressed_in(project, profile: Path) -> list[str]:
    loaded = load_profile(profile)
    documents = assemble(select(loaded.profile, project, loaded.located), project)
    dpa = next(d for d in documents if d.document_id == "dpa-checklist")
    table = next(p.table for s in dpa.sections for p in s.parts if p.table and "Addressed in" in p.table.columns)
    column = table.columns.index("Addressed in")
    return [row[column] for row in table.rows]


def test_tiny_checklist_cites_clause_numbers(tiny, tiny_project):
    cells = _addressed_in(tiny_project, Path("profiles/case.yaml"))
    addressed = [c for c in cells if not c.startswith("Not addressed")]
    assert addressed
    assert all(PLACE.match(place) for cell in addressed for place in cell.split("; ")), cells


def test_shipped_checklist_names_documents_and_numbers():
    project = load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))
    for name in ("nordlys-saas-us", "aero-municipality-managed-service", "dk-agency-emergency-alerting"):
        cells = _addressed_in(project, ROOT / "profiles" / f"{name}.yaml")
        places = [p for c in cells if not c.startswith("Not addressed") for p in c.split("; ")]
        assert places and all(PLACE.match(p) for p in places), (name, cells)
        assert not any(re.search(r"\b[a-z]+\.[a-z-]+\b", c) for c in cells), (name, cells)  # no clause ids
