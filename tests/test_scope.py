"""Requirement scope: what belongs to the tender stays out of the contract, and the contract says
plainly how each requirement binds."""

from pathlib import Path

from conftest import ROOT, edit

from clausegen.assembly import assemble
from clausegen.loading import load_profile
from clausegen.pipeline import Inputs, load_project
from clausegen.selection import select

PRICE = '''  - id: SR-INC-09
    area: incidents
    scope: tender
    text: "The supplier must price the incident service separately in its tender, fixed for 12 months."
    verification: "Inspection of the price schedule."
    control: preventive
    default_as: minimum
    sources: ["DEMO:3/incidents"]
'''


def _documents(project):
    loaded = load_profile(Path("profiles/case.yaml"))
    return {d.document_id: d for d in assemble(select(loaded.profile, project, loaded.located), project)}


def _requirement_ids(document) -> list[str]:
    return [row[0] for s in document.sections for p in s.parts if p.table is not None for row in p.table.rows]


def _add_requirement(tiny, text: str) -> None:
    edit(tiny / "catalogues/public.yaml", "requirements:\n", "requirements:\n" + text)


def test_tender_only_requirement_stays_out_of_the_contract(tiny, tiny_inputs):
    _add_requirement(tiny, PRICE)
    documents = _documents(load_project(tiny_inputs))
    assert "SR-INC-09" in _requirement_ids(documents["tender-requirements"])
    assert "SR-INC-09" not in _requirement_ids(documents["security-appendix"])
    assert "SR-INC-01" in _requirement_ids(documents["security-appendix"])


def test_contract_only_requirement_stays_out_of_the_tender(tiny, tiny_inputs):
    _add_requirement(tiny, PRICE.replace("scope: tender", "scope: contract"))
    documents = _documents(load_project(tiny_inputs))
    assert "SR-INC-09" not in _requirement_ids(documents["tender-requirements"])
    assert "SR-INC-09" in _requirement_ids(documents["security-appendix"])


def test_unknown_scope_is_a_located_error(tiny, cli):
    _add_requirement(tiny, PRICE.replace("scope: tender", "scope: bid"))
    result = cli("validate")
    assert result.code == 1
    assert "catalogues/public.yaml:5: requirements[0].scope: should be 'tender', 'contract' or 'both'; " \
           "found text 'bid'" in result.err


def test_explain_says_why_a_tender_requirement_is_not_in_the_contract(tiny, cli):
    _add_requirement(tiny, PRICE)
    out = cli("explain", "profiles/case.yaml").out
    appendix = out.split("document security-appendix")[1].split("\ndocument ")[0]
    assert "  - SR-INC-09  left out: scope is tender only" in appendix
    tender = out.split("document tender-requirements")[1].split("\ndocument ")[0]
    assert "  + SR-INC-09 (minimum, level public)" in tender


def test_contract_appendix_says_how_each_requirement_binds(tiny, tiny_project):
    documents = _documents(tiny_project)
    appendix_tables = [p.table for s in documents["security-appendix"].sections for p in s.parts
                       if p.table is not None and p.table.columns[0] == "ID"]
    assert appendix_tables and all(t.columns[-1] == "Binds" for t in appendix_tables)
    assert {row[-1] for t in appendix_tables for row in t.rows} <= {"In full", "As offered"}
    tender_tables = [p.table for s in documents["tender-requirements"].sections for p in s.parts if p.table]
    assert all("Type" in t.columns for t in tender_tables)


def test_shipped_pricing_requirement_is_tender_only():
    project = load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))
    for name in ("region-framework-call-off", "aero-municipality-managed-service"):
        loaded = load_profile(ROOT / "profiles" / f"{name}.yaml")
        documents = {d.document_id: d for d in assemble(select(loaded.profile, project, loaded.located), project)}
        assert "SR-GOV-04" not in _requirement_ids(documents["security-appendix"])
        if "tender-requirements" in documents:
            assert "SR-GOV-04" in _requirement_ids(documents["tender-requirements"])


def test_coverage_does_not_count_a_tender_requirement_in_a_call_off(monkeypatch, cli):
    monkeypatch.chdir(ROOT)
    out = cli("coverage", "profiles/region-framework-call-off.yaml").out
    assert "SR-GOV-04: scope is tender only, and no such document is built for this profile" in out
