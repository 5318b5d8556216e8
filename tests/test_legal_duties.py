"""Requirements that carry out a duty of law stay minimum requirements whatever `requirements_as` says
(issue 11, reviewer finding 40): a processor contract cannot offer GDPR Art. 28(3) "in part"."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, edit

from clausegen import loading
from clausegen.assembly import assemble
from clausegen.commands.explain import explain
from clausegen.errors import InputError
from clausegen.matrices import weight_problems
from clausegen.pipeline import Inputs, load_project
from clausegen.rendering import markdown
from clausegen.selection import select

CONF = "catalogues/confidential.yaml"
AERO = ROOT / "profiles" / "aero-municipality-managed-service.yaml"


@pytest.fixture(scope="module")
def shipped():
    return load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))


def award_tender(tmp_path: Path, extra: str = "", name: str = "award.yaml") -> Path:
    """The aero tender with every requirement an award criterion."""
    text = AERO.read_text(encoding="utf-8")
    assert "requirements_as: mixed" in text
    path = tmp_path / name
    path.write_text(text.replace("requirements_as: mixed", "requirements_as: award" + extra), encoding="utf-8")
    return path


def picks(project, path: Path):
    loaded = loading.load_profile(path)
    return select(loaded.profile, project, loaded.located)


def test_legal_duties_stay_minimum_requirements_in_an_award_tender(shipped, tmp_path):
    selection = picks(shipped, award_tender(tmp_path))
    marked = {p.requirement.id: p.marked_as for p in selection.requirements}
    for duty in ("SR-DP-01", "SR-DP-02", "SR-DP-03", "SR-SUB-01", "SR-SUB-02", "SR-PER-02", "SR-EXIT-01",
                 "SR-EXIT-02", "SR-DOC-05"):
        assert marked[duty] == "minimum", duty
    assert marked["SR-LEG-02"] == "award" and marked["SR-ACC-01"] == "award"
    duty = next(p for p in selection.requirements if p.requirement.id == "SR-DP-01")
    assert duty.legal_duty == ("GDPR:Art28(3)(a)",) and duty.duty_reason == "data.personal_data = true (is true)"


def test_the_documents_show_them_as_minimum_requirements_that_bind_in_full(shipped, tmp_path):
    docs = {d.document_id: d for d in assemble(picks(shipped, award_tender(tmp_path)), shipped)}

    def row(doc_id: str, req_id: str):
        return next(r for s in docs[doc_id].sections for p in s.parts if p.table is not None
                    for r in p.table.rows if r[0] == req_id)

    assert row("tender-requirements", "SR-DP-01")[3] == "Minimum requirement"  # ID, text, verification, type
    assert row("security-appendix", "SR-DP-01")[-1] == "In full"
    assert row("security-appendix", "SR-ACC-01")[-1] == "As offered"
    tender = markdown.write(docs["tender-requirements"])
    assert "Article 28(3) of Regulation (EU) 2016/679 (GDPR)" in tender
    assert "so it is a minimum requirement" in tender


def test_without_personal_data_nothing_is_forced(shipped, tmp_path):
    path = award_tender(tmp_path)
    edit(path, "personal_data: true", "personal_data: false")
    selection = picks(shipped, path)
    assert {p.marked_as for p in selection.requirements if p.requirement.id in ("SR-PER-02", "SR-SUB-02")} == {"award"}


def test_a_weight_on_a_legal_duty_is_an_error_naming_the_line(shipped, tmp_path):
    path = award_tender(tmp_path, "\n  award_weights: {SR-DP-01: 10}")
    loaded = loading.load_profile(path)
    problems = [d.format() for d in weight_problems(select(loaded.profile, shipped, loaded.located), loaded.located)]
    line = path.read_text(encoding="utf-8").splitlines().index("  award_weights: {SR-DP-01: 10}") + 1
    assert problems == [
        f"{path}:{line}: procurement.award_weights.SR-DP-01: SR-DP-01 implements a duty of law (GDPR:Art28(3)(a)), so "
        "it is a minimum requirement whatever procurement.requirements_as says; only award criteria are weighted"
        "\n    hint: remove the weight"]


def test_many_award_criteria_are_a_warning(shipped, tmp_path):
    path = award_tender(tmp_path)
    line = path.read_text(encoding="utf-8").splitlines().index("  requirements_as: award") + 1
    notes = [n.format() for n in picks(shipped, path).notices]
    assert len(notes) == 3 and notes[2].startswith(f"{path}:{line}: procurement.requirements_as: the tender "
                                                   "evaluates ")
    assert "more than 10 can hardly be scored" in notes[2]
    assert notes[0].startswith(f"{path}:{line}: procurement.requirements_as: 12 requirements carry out a duty of law "
                               "and stay minimum requirements binding in full: SR-PER-02, ")
    assert not picks(shipped, AERO).notices  # mixed: three award criteria


def test_explain_says_why(shipped, tmp_path):
    out = explain(award_tender(tmp_path), shipped)
    assert ("+ SR-DP-01 (minimum; a duty of law while data.personal_data = true (is true), citing GDPR:Art28(3)(a): "
            "minimum whatever requirements_as says, level public)") in out


def problems(inputs) -> list[str]:
    with pytest.raises(InputError) as info:
        load_project(inputs)
    return [d.format() for d in info.value.diagnostics]


def test_a_legal_duty_must_cite_a_law(tiny, tiny_inputs):
    edit(tiny / CONF, "    default_as: minimum\n    condition: {field: service.cloud",
         "    default_as: minimum\n    mandatory: always\n    condition: {field: service.cloud")
    assert problems(tiny_inputs) == [
        f"{CONF}:18: requirements[1].mandatory: SR-ACC-02 is marked as a duty of law but cites no item of a "
        "framework marked `law: true`\n    hint: cite the article it implements in `sources`, or remove `mandatory`"]


def test_a_legal_duty_is_never_an_award_criterion_by_default(tiny, tiny_inputs):
    edit(tiny / "frameworks/gdpr.yaml", "title: GDPR processor duties\n", "title: GDPR processor duties\nlaw: true\n")
    edit(tiny / CONF, "    default_as: award\n", "    default_as: award\n    mandatory: always\n")
    assert problems(tiny_inputs) == [
        f"{CONF}:10: requirements[0].default_as: SR-ACC-01 is marked as a duty of law (`mandatory`), so it cannot "
        "be an award criterion\n    hint: write default_as: minimum"]


def test_requirement_conditions_may_not_test_what_follows_from_the_requirements(tiny, tiny_inputs):
    edit(tiny / CONF, "condition: {field: service.cloud, equals: true}",
         "condition: {field: minimum_requirements, equals: true}")
    assert problems(tiny_inputs)[0].startswith(f"{CONF}:18: requirements[1].condition.field: no profile field "
                                               "'minimum_requirements'")


def test_a_requirement_the_clauses_impose_anyway_is_not_an_award_criterion(shipped, tmp_path):
    """Reviewer round 9 #43: SR-INC-01 restates clause 10.1; answering it 'partly' would be a reservation."""
    selection = picks(shipped, award_tender(tmp_path))
    pick = {p.requirement.id: p for p in selection.requirements}
    assert pick["SR-INC-01"].marked_as == "minimum" and "incidents.notification" in pick["SR-INC-01"].restated_in
    assert pick["SR-GOV-07"].restated_in == ("requirements.security-concept",)
    assert pick["SR-EXIT-05"].marked_as == "minimum"
    assert pick["SR-ACC-01"].marked_as == "award" and pick["SR-ACC-01"].restated_in == ()
    out = explain(award_tender(tmp_path, name="explain.yaml"), shipped)
    assert "+ SR-GOV-07 (minimum; an obligation of requirements.security-concept anyway: not an award criterion" in out
    notes = [n.format() for n in selection.notices]
    assert any("requirements state an obligation that a clause of the contract imposes anyway" in n for n in notes)


def test_a_weight_on_a_restated_obligation_is_an_error(shipped, tmp_path):
    path = award_tender(tmp_path, "\n  award_weights: {SR-GOV-07: 10}")
    loaded = loading.load_profile(path)
    problems = [d.format() for d in weight_problems(select(loaded.profile, shipped, loaded.located), loaded.located)]
    assert len(problems) == 1 and "SR-GOV-07 states an obligation that requirements.security-concept imposes " \
        "anyway, so it is a minimum requirement" in problems[0]
