"""The consistency rules of `clausegen lint`, each firing and not firing: one period per event
(E-EVENT-SPLIT, E-EVENT-FIXED, E-EVENT-CONFLICT, E-EVENT-MISSING, T-PERIOD) and defined terms
(T-UNDEFINED, T-LOWERCASE, T-UNUSED); and the shipped library against them."""

import json

import pytest
from conftest import ROOT, edit

from clausegen.cli import main
from clausegen.lint import periods

PUBLIC = "catalogues/public.yaml"
CONF = "catalogues/confidential.yaml"
AUDIT = "clauses/core/general.audit@1.0.0.md"
ASSETS = "clauses/core/exit.assets@1.1.0.md"
EVENTS = ('documents:', 'events:\n  exit.deletion: {title: "Deletion of Client Data after the exit"}\n'
          '  audit.interval: {title: "Audit of the Supplier"}\ndocuments:')


def found(cli, rule: str) -> list[str]:
    """`file:line: message` of each finding of one rule."""
    result = cli("lint", "--format", "json")
    data = json.loads(result.out)
    return [f"{f['file']}:{f['line']}: {f['message']}" for f in data["findings"] if f["rule_id"] == rule]


def register_events(tiny) -> None:
    edit(tiny / "clauses/library.yaml", *EVENTS)


def tag(tiny, clause: str, name: str, event: str) -> None:
    text = (tiny / clause).read_text(encoding="utf-8")
    start = text.index(f"  {name}:")
    end = text.index("description:", start)
    (tiny / clause).write_text(text[:end] + f"event: {event}, " + text[end:], encoding="utf-8")


def tag_deletion(tiny, event: str = "exit.deletion") -> None:
    for version in ("1.0.0", "1.1.0", "2.0.0"):
        clause = f"clauses/core/exit.assets@{version}.md"
        if "deletion_days" in (tiny / clause).read_text(encoding="utf-8"):
            tag(tiny, clause, "deletion_days", event)


# --- events ------------------------------------------------------------------------------------------

def test_e_event_split_fires_for_a_second_parameter_of_one_event(tiny, cli):
    register_events(tiny)
    tag_deletion(tiny)
    tag(tiny, AUDIT, "audit_interval_months", "exit.deletion")
    assert found(cli, "E-EVENT-SPLIT") == [
        f"{AUDIT}:10: parameters deletion_days and audit_interval_months both set the period of event exit.deletion"]


def test_e_event_split_is_quiet_for_one_parameter_declared_in_several_clauses(tiny, cli):
    register_events(tiny)
    tag_deletion(tiny)
    tag(tiny, AUDIT, "audit_interval_months", "audit.interval")
    assert found(cli, "E-EVENT-SPLIT") == []
    assert found(cli, "E-EVENT-MISSING") == [
        f"{PUBLIC}:11: parameter incident_notice_hours is a period but names no event"]


def test_e_event_missing_fires_for_a_period_without_an_event(tiny, cli):
    assert found(cli, "E-EVENT-MISSING") == [
        f"{PUBLIC}:11: parameter incident_notice_hours is a period but names no event",
        "clauses/core/exit.assets@1.0.0.md:8: parameter deletion_days is a period but names no event",
        f"{ASSETS}:8: parameter deletion_days is a period but names no event",
        f"{AUDIT}:10: parameter audit_interval_months is a period but names no event"]


def _tie(tiny, file: str, req_id: str, phrase: str, event: str) -> None:
    edit(tiny / file, f"  - id: {req_id}\n", f"  - id: {req_id}\n    lint: {{periods: {{\"{phrase}\": {event}}}}}\n")


def test_e_event_fixed_fires_when_a_parameter_sets_the_event(tiny, cli):
    register_events(tiny)
    tag_deletion(tiny)
    _tie(tiny, CONF, "SR-ACC-01", "90 days", "exit.deletion")
    assert found(cli, "E-EVENT-FIXED") == [
        f"{CONF}:6: '90 days' is fixed for event exit.deletion, which parameter deletion_days sets"]
    assert found(cli, "T-PERIOD") == []  # tied to its event, the fixed period is not "written out"


def test_e_event_conflict_fires_for_two_different_fixed_periods(tiny, cli):
    register_events(tiny)
    _tie(tiny, CONF, "SR-ACC-01", "90 days", "audit.interval")
    edit(tiny / CONF, '"The supplier must use multi-factor authentication for cloud consoles."',
         '"The supplier must use multi-factor authentication for cloud consoles, checked every 6 months."')
    _tie(tiny, CONF, "SR-ACC-02", "6 months", "audit.interval")
    assert found(cli, "E-EVENT-CONFLICT") == [
        f"{CONF}:14: '6 months' for event audit.interval, but SR-ACC-01 gives '90 days'"]


def test_e_event_conflict_is_quiet_for_equal_periods_in_other_words(tiny, cli):
    register_events(tiny)
    edit(tiny / CONF, "every 90 days", "every 3 months")
    _tie(tiny, CONF, "SR-ACC-01", "3 months", "audit.interval")
    edit(tiny / CONF, '"The supplier must use multi-factor authentication for cloud consoles."',
         '"The supplier must use multi-factor authentication for cloud consoles, checked quarterly."')
    _tie(tiny, CONF, "SR-ACC-02", "quarterly", "audit.interval")
    assert found(cli, "E-EVENT-CONFLICT") == []


def test_an_unregistered_event_is_a_validate_error(tiny, cli):
    tag_deletion(tiny, "exit.delete")
    result = cli("validate")
    assert result.code == 1
    assert f"{ASSETS}:8: parameters.deletion_days.event: event 'exit.delete' is not registered\n" \
           "    hint: register it under `events:` in library.yaml\n" in result.err


def test_t_period_fires_for_a_period_written_out(tiny, cli):
    assert found(cli, "T-PERIOD") == [f"{CONF}:7: period '90 days' is written out"]


def test_t_period_is_quiet_for_parameters_and_verifications(tiny, cli):
    edit(tiny / CONF, "every 90 days.", "every {{ incident_notice_hours }} days.")
    edit(tiny / CONF, '"Inspection of the review log."', '"Inspection of the review log every 12 months."')
    assert found(cli, "T-PERIOD") == []


def test_a_periods_entry_that_matches_no_text_is_unused(tiny, cli):
    register_events(tiny)
    _tie(tiny, CONF, "SR-ACC-01", "91 days", "audit.interval")
    assert found(cli, "L-UNUSED") == [f"{CONF}:6: lint.periods names '91 days', which the text does not contain"]


@pytest.mark.parametrize(("a", "b", "same"), [
    ("72 hours", "3 days", True), ("12 months", "one year", True), ("annually", "12 months", True),
    ("every month", "monthly", True), ("twenty-four hours", "a day", True), ("10 working days", "14 days", False),
    ("30 days", "one month", False), ("5 business days", "five working days", True),
])
def test_periods_compare_by_amount(a, b, same):
    assert periods.same(a, b) is same


def test_periods_are_found_outside_template_code():
    assert periods.find("within {{ x }} days, and every 12 months;\nthen {% if y %}annually{% endif %}") == [
        ("12 months", 0), ("annually", 1)]


# --- defined terms -----------------------------------------------------------------------------------

def test_t_undefined_fires_for_a_capitalised_term_the_document_does_not_define(tiny, cli):
    assert found(cli, "T-UNDEFINED") == [
        "clauses/core/dpa.transfers@1.0.0.md:12: security-appendix: 'Data' is capitalised like a defined term, "
        "but no clause of the document defines it",
        f"{ASSETS}:14: termination-plan: 'Supplier' is capitalised like a defined term, but no clause of the "
        "document defines it",
        f"{ASSETS}:14: termination-plan: 'Client Data' is capitalised like a defined term, but no clause of the "
        "document defines it",
        f"{AUDIT}:14: security-appendix: 'Supplier' is capitalised like a defined term, but no clause of the "
        "document defines it"]


def test_t_undefined_is_quiet_for_defined_terms_sentence_starts_and_known_names(tiny, cli):
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "(the *Supplier*)", "(the **Supplier**)")
    edit(tiny / AUDIT, "The Client may audit the Supplier", "In May, the Client may audit the Supplier in Denmark")
    findings = found(cli, "T-UNDEFINED")
    assert not any(f.startswith(AUDIT) for f in findings)


def test_t_lowercase_fires_for_a_defined_term_in_lower_case(tiny, cli):
    assert found(cli, "T-LOWERCASE") == [
        f"{PUBLIC}:5: security-appendix: 'client' is the defined term 'Client' in lower case"]


def test_t_lowercase_is_quiet_for_the_defined_form(tiny, cli):
    edit(tiny / PUBLIC, "notify the client of", "notify the Client of")
    assert found(cli, "T-LOWERCASE") == []


def test_t_unused_fires_for_a_term_the_document_never_uses(tiny, cli):
    assert found(cli, "T-UNUSED") == [
        "clauses/core/general.parties@1.0.0.md:11: nda: 'Client' is defined but never used"]


def test_t_unused_is_quiet_once_the_document_uses_the_term(tiny, cli):
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "(the *Supplier*).", "(the *Supplier*). The Client decides.")
    assert found(cli, "T-UNUSED") == []


# --- the shipped library -----------------------------------------------------------------------------

def test_shipped_library_has_one_period_per_event(monkeypatch, capsys):
    """Fails when two parameters, or two fixed texts, give one event different periods, or when a period
    parameter names no event (it could then contradict another unseen)."""
    monkeypatch.chdir(ROOT)
    main(["lint", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    wrong = [f"{f['file']}:{f['line']}: {f['rule_id']}: {f['message']}" for f in data["findings"]
             if f["rule_id"] in ("E-EVENT-SPLIT", "E-EVENT-FIXED", "E-EVENT-CONFLICT", "E-EVENT-MISSING")]
    assert wrong == []


def test_t_undefined_reads_names_with_small_words_and_list_items(tiny, cli):
    edit(tiny / AUDIT, "The Client may audit the Supplier", "The Client may audit the Statement of Applicability")
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "(the *Supplier*)", "(the **Supplier**)")
    edit(tiny / AUDIT, "1. with notice;", "1. Client Data with notice;")
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "(the **Supplier**).",
         "(the **Supplier**), for the **Client Data** (the **Client Data**).")
    assert not any(f.startswith(AUDIT) for f in found(cli, "T-UNDEFINED"))
