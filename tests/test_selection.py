"""Select stage: versions, pins, conditions, tiers, tailoring and parameter resolution."""

import pytest
from conftest import edit

from clausegen.errors import InputError
from clausegen.loading import load_profile
from clausegen.selection import select

PROFILE = "profiles/case.yaml"


def run(project, path=PROFILE):
    loaded = load_profile(__import__("pathlib").Path(path))
    return select(loaded.profile, project, loaded.located)


def picks(selection, document_id):
    doc = next(d for d in selection.documents if d.document_id == document_id)
    return [f"{p.clause.id}@{p.clause.version}" for p in doc.clauses]


def errors(project, path=PROFILE):
    with pytest.raises(InputError) as info:
        run(project, path)
    return [d.format() for d in info.value.diagnostics]


def test_pin_chooses_the_older_version_and_reports_the_newer(tiny_project):
    s = run(tiny_project)
    assert picks(s, "termination-plan") == ["exit.assets@1.0.0"]
    pick = next(d for d in s.documents if d.document_id == "termination-plan").clauses[0]
    assert pick.pinned and pick.newer == "1.1.0"


def test_newest_active_version_wins_over_a_newer_deprecated_one(tiny, tiny_project):
    edit(tiny / PROFILE, 'pins: {exit.assets: "1.0.0"}', "pins: {}")
    assert picks(run(tiny_project), "termination-plan") == ["exit.assets@1.1.0"]


def test_pin_to_unknown_version_lists_the_available_ones(tiny, tiny_project):
    edit(tiny / PROFILE, '"1.0.0"}', '"1.5.0"}')
    assert errors(tiny_project) == [
        "profiles/case.yaml:22: pins.exit.assets: version '1.5.0' does not exist\n"
        "    hint: available versions: 1.0.0, 1.1.0, 2.0.0"]


def test_pin_to_unknown_clause(tiny, tiny_project):
    edit(tiny / PROFILE, "pins: {exit.assets:", "pins: {exit.asset:")
    assert errors(tiny_project) == [
        "profiles/case.yaml:22: pins.exit.asset: no clause with this id in the library\n"
        "    hint: did you mean: exit.assets"]


def test_conditions_and_documents(tiny_project):
    s = run(tiny_project)
    assert [d.document_id for d in s.documents] == [
        "security-appendix", "tender-requirements", "termination-plan", "nda", "dpa-checklist"]
    assert picks(s, "security-appendix") == ["general.parties@1.0.0", "general.audit@1.0.0", "dpa.transfers@1.0.0"]
    assert [r.requirement.id for r in s.requirements] == ["SR-INC-01", "SR-ACC-01"]
    assert [(r.requirement.id, r.reason) for r in s.omitted_requirements] == [
        ("SR-ACC-02", "service.cloud = true (is false)")]


def test_documents_that_do_not_apply_are_skipped_with_the_reason(tiny, tiny_project):
    edit(tiny / PROFILE, "mode: tender", "mode: direct")
    edit(tiny / PROFILE, "personal_data: true", "personal_data: false")
    s = run(tiny_project)
    assert [d.document_id for d in s.documents] == ["security-appendix", "termination-plan", "nda"]
    assert s.skipped_documents == (("tender-requirements", "procurement.mode = tender (is direct)"),
                                   ("dpa-checklist", "data.personal_data = true (is false)"))


def test_risk_tier_is_derived_and_explained(tiny, tiny_project):
    s = run(tiny_project)
    assert (s.facts.tier.id, s.facts.tier_reason) == ("high", "data.classification at least confidential (is confidential)")
    edit(tiny / PROFILE, "classification: confidential", "classification: public")
    s = run(tiny_project)
    assert s.facts.tier.id == "basic"
    assert picks(s, "security-appendix") == ["general.parties@1.0.0", "dpa.transfers@1.0.0"]


def test_parameters_resolve_default_level_tier_profile(tiny_project):
    params = run(tiny_project).parameters
    assert (params["incident_notice_hours"].value, params["incident_notice_hours"].origin) == (24, "level confidential")
    assert (params["audit_interval_months"].value, params["audit_interval_months"].origin) == (12, "tier high")
    assert (params["deletion_days"].value, params["deletion_days"].origin) == (20, "profile")


def test_profile_parameter_is_type_checked(tiny, tiny_project):
    edit(tiny / PROFILE, "parameters: {deletion_days: 20}", 'parameters: {deletion_days: "20", deletion_dayz: 3}')
    assert errors(tiny_project) == [
        "profiles/case.yaml:21: parameters.deletion_days: must be a whole number, found '20'",
        "profiles/case.yaml:21: parameters.deletion_dayz: no clause or requirement declares this parameter\n"
        "    hint: did you mean: deletion_days"]


def test_excluding_a_minimum_requirement_needs_a_reason(tiny, tiny_project):
    edit(tiny / PROFILE, "pins:", "tailoring: {exclude: [SR-INC-01, SR-ACC-01]}\npins:")
    assert errors(tiny_project) == [
        "profiles/case.yaml:22: tailoring.exclude[0]: SR-INC-01 is a minimum requirement; excluding it needs a reason\n"
        '    hint: write {id: SR-INC-01, reason: "..."}']


def test_exclusion_with_reason_is_recorded(tiny, tiny_project):
    edit(tiny / PROFILE, "pins:", 'tailoring: {exclude: [{id: SR-INC-01, reason: "Covered by the master agreement."}]}\npins:')
    s = run(tiny_project)
    assert [r.requirement.id for r in s.requirements] == ["SR-ACC-01"]
    assert s.omitted_requirements[0].reason == "tailoring.exclude: Covered by the master agreement."


def test_requirements_as_overrides_each_default(tiny, tiny_project):
    edit(tiny / PROFILE, "requirements_as: mixed", "requirements_as: minimum")
    assert {r.marked_as for r in run(tiny_project).requirements} == {"minimum"}


def test_unknown_classification_level(tiny, tiny_project):
    edit(tiny / PROFILE, "classification: confidential", "classification: secret")
    assert errors(tiny_project) == [
        "profiles/case.yaml:12: data.classification: unknown classification level 'secret'\n"
        "    hint: levels: public, confidential"]
