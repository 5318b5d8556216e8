"""T-UNDEFINED, T-LOWERCASE, T-UNUSED and T-PERIOD on the forms a contract really uses: each
heuristic that keeps a rule quiet is tested beside a case where the rule still fires."""

from __future__ import annotations

import pytest

from clausegen.lint import periods
from clausegen.lint.definitions import Source, check
from clausegen.lint.findings import Item

ORDINARY = ("cloud service",)


def findings(*texts: str, rule: str) -> list[str]:
    item = Item("x@1.0.0", "x.md", (), (), lambda path: None)
    sources = [Source(text, 1, item) for text in texts]
    return [f.message.split(": ", 1)[1] for f in check("doc", sources, frozenset(), ORDINARY) if f.rule == rule]


@pytest.mark.parametrize("definition", [
    "The two signatories, each a **Party**, agree.",
    "The Party that receives it is the **Party**.",
    "**Party** and **Agreement** have the meanings given in the GDPR.",
    "**Agreement**, **Client** and **Party** have the meaning given below.",
])
def test_definitions_without_brackets_or_in_a_list_count(definition):
    text = definition + " Each Party signs, and both Parties keep a copy."
    assert findings(text, rule="T-UNDEFINED") == []
    assert not any("'Party'" in f for f in findings(text, rule="T-UNUSED"))


def test_t_undefined_still_fires_for_a_term_no_form_defines():
    assert findings("The Client (the **Client**) signs. The Receiving Party returns it.", rule="T-UNDEFINED") == [
        "'Receiving Party' is capitalised like a defined term, but no clause of the document defines it"]


@pytest.mark.parametrize("text", [
    "This appendix (the **Appendix**) forms part of the agreement on the Service (the **Agreement**).",
    "**Data Processing Agreement** means the agreement under Article 28. The Agreement applies.",
    "The Supplier bound it by a written agreement and gives a copy of that agreement. The Agreement applies.",
    "The Client may move the Service to a new supplier or any future supplier. The Supplier helps.",
    "The Service (the **Service**) runs in the cloud service of the Supplier (the **Supplier**).",
])
def test_t_lowercase_is_quiet_for_definitions_generic_uses_and_ordinary_phrases(text):
    assert findings(text + " The Appendix, Agreement, Service and Supplier apply.", rule="T-LOWERCASE") == []


@pytest.mark.parametrize(("text", "word"), [
    ("The Service (the **Service**) starts. Any part of the service may stop.", "service"),
    ("The Supplier (the **Supplier**) signs. Every supplier of the Client is named.", "supplier"),
    ("This appendix (the **Appendix**) applies. Each annex of the appendix binds.", "appendix"),
])
def test_t_lowercase_still_fires_for_the_defined_meaning_in_lower_case(text, word):
    assert findings(text, rule="T-LOWERCASE") == [f"{word!r} is the defined term {word.capitalize()!r} in lower case"]


@pytest.mark.parametrize("text", [
    "The Supplier monitors the Service 24 hours a day, 7 days a week.",
    "The Supplier pays a penalty for each day until compliance is restored.",
    "For each month in which a service level is missed, a credit is due.",
    "The credit is 5 percent of the monthly fees.",
    "The Supplier must achieve a monthly availability of 99.9 percent.",
])
def test_t_period_is_quiet_for_around_the_clock_rates_and_adjectives(text):
    assert periods.find(text) == []


@pytest.mark.parametrize(("text", "found"), [
    ("It monitors alerts 24 hours a day and starts triage within 30 minutes.", ["30 minutes"]),
    ("It delivers a certificate each year thereafter.", ["each year"]),
    ("It reports monthly and within 24 hours of an incident.", ["monthly", "24 hours"]),
    ("It keeps the logs for 7 days.", ["7 days"]),
])
def test_t_period_still_finds_deadlines_and_intervals(text, found):
    assert [phrase for phrase, _ in periods.find(text)] == found


def test_t_lowercase_reports_a_longer_term_once_not_each_word_of_it():
    text = "The Client (the **Client**) gives data (the **Client Data**). The Client Data and client data differ."
    assert findings(text, rule="T-LOWERCASE") == ["'client data' is the defined term 'Client Data' in lower case"]
