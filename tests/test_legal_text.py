"""The shipped library read as a lawyer reads one case (issue 11, reviewer rounds 1 and 4): the text
fits the profile, states no fact nobody has declared, and gives each event one period."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from clausegen import contract_checks, loading
from clausegen.assembly import assemble
from clausegen.commands.explain import explain
from clausegen.errors import InputError
from clausegen.pipeline import Inputs, load_project
from clausegen.rendering import markdown
from clausegen.selection import select

TENDER_WITHOUT_SUPPLIER = """\
profile: 1
id: tender-nosupplier
title: Hosting of the region's case-handling system
language: en
client: {name: "Region Syddanmark", country: "DK", sector: public}
service:
  description: "Hosting and operation of the region's case-handling system."
  kinds: [hosting, operations]
  cloud: true
data: {classification: confidential, personal_data: true, special_categories: true, locations: ["DK", "SE"]}
criticality: {business_critical: true, critical_to_society: false, nis2: important}
sub_suppliers: []
procurement: {mode: tender, requirements_as: mixed}
contract: {start: "2027-09-01", term_months: 60}
"""
SUPPLIER = 'supplier: {name: "Drift & Co ApS", country: "DK", relative_size: smaller}\n'


@pytest.fixture(scope="module")
def shipped():
    return load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))


def documents(project, path: Path) -> dict[str, str]:
    loaded = loading.load_profile(path)
    return {d.document_id: markdown.write(d) for d in assemble(select(loaded.profile, project, loaded.located), project)}


def write(tmp_path: Path, text: str, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tender_without_a_supplier_states_no_declaration_about_sub_suppliers(shipped, tmp_path):
    docs = documents(shipped, write(tmp_path, TENDER_WITHOUT_SUPPLIER))
    appendix, dpa = docs["security-appendix"], docs["dpa-checklist"]
    assert "has declared" not in appendix and "own personnel and facilities until" in appendix
    assert "Sub-suppliers named in the tender" in appendix
    assert "Before signature the Supplier shall confirm them in a written list attached to the Agreement" in appendix
    assert "No Sub-suppliers are disclosed" not in dpa
    assert "its Sub-suppliers are not yet known: each tenderer names them in its tender" in dpa
    assert "every Sub-supplier with access to Client Data is established in the EU/EEA" not in dpa


def test_a_known_supplier_without_sub_suppliers_keeps_its_declaration(shipped, tmp_path):
    docs = documents(shipped, write(tmp_path, TENDER_WITHOUT_SUPPLIER + SUPPLIER))
    assert "The Supplier has declared that it uses no Sub-suppliers" in docs["security-appendix"]
    assert "Sub-suppliers named in the tender" not in docs["security-appendix"]
    assert "No Sub-suppliers are disclosed at signature" in docs["dpa-checklist"]
    assert "every Sub-supplier with access to Client Data is established in the EU/EEA" in docs["dpa-checklist"]


def test_the_objection_period_is_not_the_notice_period(shipped, tmp_path):
    text = TENDER_WITHOUT_SUPPLIER.replace("contract:", "parameters: {sub_supplier_notice_days: 90}\ncontract:")
    dpa = documents(shipped, write(tmp_path, text))["dpa-checklist"]
    assert "at least 90 days in advance of any intended addition" in dpa
    assert "cannot agree on an alternative within 30 days after the objection" in dpa
    assert "alternative within 90 days" not in dpa


BANK = TENDER_WITHOUT_SUPPLIER.replace("nis2: important}", "nis2: important, dora: true}") + SUPPLIER


def test_dora_applies_instead_of_nis2(shipped, tmp_path):
    appendix = documents(shipped, write(tmp_path, BANK))["security-appendix"]
    assert "NIS2 supply chain" not in appendix and "significant incidents under NIS2" not in appendix
    assert "Reporting of major ICT-related incidents under DORA" in appendix
    assert "DORA applies instead of the cybersecurity risk-management and incident-reporting duties" in appendix
    assert "(a) notify the Client within 4 hours of discovering it, rather than the longer period in clause 10.1" \
        in appendix


def test_explain_says_dora_applies_instead_of_nis2(shipped, tmp_path):
    out = explain(write(tmp_path, BANK), shipped)
    assert "DORA applies instead of NIS2 (Art. 4(1) NIS2)" in out
    assert "- incidents.nis2@1.1.0  left out: not criticality.dora = true (is true)" in out
    assert "DORA applies instead" not in explain(write(tmp_path, TENDER_WITHOUT_SUPPLIER, "nis2.yaml"), shipped)


def test_nis2_reporting_states_only_the_operative_notice_period(shipped, tmp_path):
    """dk: the general notice (4 hours) is shorter than the NIS2 one (12 hours): only 4 hours is stated."""
    appendix = documents(shipped, ROOT / "profiles" / "dk-agency-emergency-alerting.yaml")["security-appendix"]
    assert "(a) notify the Client within 4 hours of discovering it, as clause 10.1 requires, stating" in appendix
    assert "if that is shorter" not in appendix and "12 hours of discovering it" not in appendix
    longer = TENDER_WITHOUT_SUPPLIER.replace("contract:", "parameters: {incident_notice_hours: 24}\ncontract:")
    appendix = documents(shipped, write(tmp_path, longer))["security-appendix"]
    assert "(a) notify the Client within 12 hours of discovering it, rather than the longer period in clause 10.1" \
        in appendix


def test_nis2_is_defined_where_it_is_first_used(shipped):
    appendix = documents(shipped, ROOT / "profiles" / "dk-agency-emergency-alerting.yaml")["security-appendix"]
    text = "\n".join(line for line in appendix.splitlines() if not line.startswith("#"))  # headings are titles
    first = text.index("NIS2")
    assert text[first - 40:first + 4].endswith("Directive (EU) 2022/2555 (**NIS2")
    assert appendix.count("(**NIS2**)") == 1


LADDER = """\
profile: 1
id: ladder
title: Ladder test
language: en
client: {name: "Region", country: "DK", sector: public}
supplier: {name: "Drift ApS", country: "DK", relative_size: smaller}
service: {description: "Hosting.", kinds: [hosting], cloud: false}
data: {classification: LEVEL, personal_data: false, special_categories: false, locations: ["DK"]}
criticality: {business_critical: CRITICAL, critical_to_society: CRITICAL}
sub_suppliers: []
procurement: {mode: direct, requirements_as: minimum}
contract: {start: "2027-09-01", term_months: 60}
"""


@pytest.mark.parametrize("critical", ["false", "true"])
@pytest.mark.parametrize("level", ["public", "internal", "confidential", "secret"])
def test_the_corrective_plan_falls_due_before_the_remedy_period_ends(shipped, tmp_path, level, critical):
    path = write(tmp_path, LADDER.replace("LEVEL", level).replace("CRITICAL", critical))
    loaded = loading.load_profile(path)
    values = select(loaded.profile, shipped, loaded.located).parameters
    assert values["corrective_plan_days"].value < values["deficiency_remedy_days"].value
    assert not contract_checks.remedy_ladder(values, loaded.located)


def test_one_remedy_ladder_in_the_appendix(shipped):
    appendix = documents(shipped, ROOT / "profiles" / "dk-agency-emergency-alerting.yaml")["security-appendix"]
    assert "(b) within 3 days, deliver a written corrective action plan" in appendix
    assert "(c) restore compliance within 5 days (the **Remedy Period**)." in appendix
    assert "a penalty of EUR 5,000 for each Security Requirement not complied with and each day from the day after " \
        "the Remedy Period ends" in appendix
    assert "by the end of the Remedy Period under clause 12.1" in appendix
    assert "within a shorter period where the risk" not in appendix and "unless the notice sets a longer period" \
        not in appendix
    assert "or by the other date that the notice sets or that the Client accepts in writing" in appendix


def test_a_profile_that_breaks_the_ladder_gets_a_warning_at_its_line(shipped, tmp_path):
    text = LADDER.replace("LEVEL", "internal").replace("CRITICAL", "false") + "parameters:\n  deficiency_remedy_days: 5\n"
    path = write(tmp_path, text)
    loaded = loading.load_profile(path)
    warnings = contract_checks.remedy_ladder(select(loaded.profile, shipped, loaded.located).parameters, loaded.located)
    assert [w.format() for w in warnings] == [
        f"{path}:14: parameters.deficiency_remedy_days: the corrective action plan is due after 5 days and compliance "
        "must be restored after 5 days: the plan falls due no earlier than the end of the Remedy Period"
        "\n    hint: make corrective_plan_days shorter than deficiency_remedy_days"]


def test_inspections_of_a_service_on_the_clients_premises_are_of_the_other_premises(shipped, tmp_path):
    on_site = BANK.replace("  cloud: true\n", "  cloud: false\n  delivery: client-premises\n")
    appendix = documents(shipped, write(tmp_path, on_site))["security-appendix"]
    assert "unannounced inspections of any premises other than the Client's own from which the Supplier" in appendix
    assert "the premises from which the Service is delivered" not in appendix
    hosted = documents(shipped, write(tmp_path, BANK.replace("  cloud: true\n", "  cloud: false\n"), "hosted.yaml"))
    assert "unannounced inspections of the premises from which the Service is delivered" in hosted["security-appendix"]
    cloud = documents(shipped, write(tmp_path, BANK, "cloud.yaml"))["security-appendix"]
    assert "unannounced inspections of" not in cloud  # a multi-tenant provider: assurance reports instead
    assert "independent auditor's report of type 2 (under ISAE 3402 or SOC 2 type 2)" in cloud


@pytest.mark.parametrize("stated", ["true", "false", None])
def test_dora_critical_functions_follow_the_profile(shipped, tmp_path, stated):
    text = BANK if stated is None else BANK.replace("dora: true}", f"dora: true, dora_critical_function: {stated}}}")
    appendix = documents(shipped, write(tmp_path, text))["security-appendix"]
    conditional = "- where the Service supports a critical or important function of the Client, the Supplier shall also"
    stated_text = "- the Service supports a critical or important function of the Client, so the Supplier shall also"
    exit_strategy = "the exit strategy and exit plan for the Service required by Article 28(8) DORA"
    assert (conditional in appendix) == (stated is None)
    assert (stated_text in appendix) == (stated == "true")
    assert (exit_strategy in appendix) == (stated != "false")
    out = explain(write(tmp_path, text, "explain.yaml"), shipped)
    assert {"true": "; supports a critical or important function", "false": "; no critical or important function",
            None: "; critical or important function not stated"}[stated] in out


def test_a_critical_function_needs_dora(tmp_path):
    path = write(tmp_path, BANK.replace("dora: true}", "dora_critical_function: true}"))
    with pytest.raises(InputError) as info:
        loading.load_profile(path)
    assert [d.format() for d in info.value.diagnostics] == [
        f"{path}:11: criticality.dora_critical_function: is set, but criticality.dora is not true; the critical or "
        "important functions are those of a financial entity under DORA; found true"]


def test_the_dpa_checklist_defines_the_terms_it_uses(shipped, tmp_path, cli, monkeypatch):
    dpa = documents(shipped, write(tmp_path, TENDER_WITHOUT_SUPPLIER))["dpa-checklist"]
    for term in ("(the **Agreement**)", "(the **Client**)", "the tenderer to which the Agreement is awarded "
                 "(the **Supplier**)", "(the **Service**)", "**Client Data** and **Sub-supplier** have the meanings"):
        assert term in dpa, term
    monkeypatch.chdir(ROOT)
    findings = json.loads(cli("lint", "--format", "json").out)["findings"]
    undefined = {f["message"].split("'")[1] for f in findings
                 if f["rule_id"] == "T-UNDEFINED" and "dpa-checklist:" in f["message"]}
    assert undefined <= {"Appendix"}  # "Appendix D" of the Danish supervisory authority's clauses is a name
    unused = [f["message"] for f in findings if f["rule_id"] == "T-UNUSED" and "security-appendix:" in f["message"]]
    assert unused == []


@pytest.mark.parametrize("weights", [False, True])
def test_the_tender_publishes_one_evaluation_method(shipped, tmp_path, weights):
    """Reviewer round 9 #44/T1: no unweighted sub-criteria; the points become the security share by one rule."""
    text = TENDER_WITHOUT_SUPPLIER
    if weights:
        text = text.replace("requirements_as: mixed}", "requirements_as: mixed, award_weights: {SR-LEG-02: 30}}")
    tender = documents(shipped, write(tmp_path, text))["tender-requirements"]
    assert "the credibility of the documentation submitted and the tenderer's ability" not in tender
    assert "is assessed only on the answers to the award criteria" in tender
    if weights:
        assert "divided by the sum of the weights; that fraction of 20 percent" in tender
    else:
        assert "Every award criterion has the same weight" in tender


def test_dora_awareness_training_applies_to_every_ict_contract(shipped, tmp_path):
    """Reviewer round 9 #46: Art. 30(2)(i) and (h) DORA apply whatever the function supported."""
    text = BANK.replace("dora: true}", "dora: true, dora_critical_function: false}")
    appendix = documents(shipped, write(tmp_path, text))["security-appendix"]
    assert "- the Supplier shall take part in the Client's ICT security awareness programmes" in appendix
    assert "- the Client may terminate the Agreement, on the notice periods the Agreement sets, where" in appendix


def test_round_9_dpa_exit_and_dora_items(shipped, tmp_path):
    """Reviewer round 9: #60 DPA checklist against Decision 2021/915, #61 exit of Sub-suppliers in a tender,
    #63 a tested exit plan under DORA."""
    docs = documents(shipped, write(tmp_path, TENDER_WITHOUT_SUPPLIER))
    dpa, plan = docs["dpa-checklist"], docs["termination-plan"]
    for item in ("notify the Client of any failure by a Sub-processor to fulfil its contractual obligations",
                 "inaccurate or outdated", "available to the competent supervisory authority on request (Article 31",
                 "inform the Client promptly if it is unable to comply", "in electronic form (Art. 28(9))"):
        assert item in dpa, item
    assert "Exit of Sub-suppliers" in plan and "certificates to the Client together with its own." in plan
    assert "This applies in particular to the following Sub-suppliers" not in plan
    assert "Tests of the exit plan" not in plan
    bank = documents(shipped, write(tmp_path, BANK, "bank.yaml"))["termination-plan"]
    assert "The Supplier shall take part in a test of the Termination Plan when the Client asks for one, and at " \
        "least every 24 months" in bank
    no_function = BANK.replace("dora: true}", "dora: true, dora_critical_function: false}")
    assert "Tests of the exit plan" not in documents(shipped, write(tmp_path, no_function, "nf.yaml"))["termination-plan"]


def test_round_9_tender_penalty_and_dora_wording(shipped, tmp_path):
    """Reviewer round 9: T10 SR-LEG-03 names the countries in the tender; #45 log retention; #75 penalty per
    requirement; #76 Art. 28(7)(c) DORA; #54/#80 tender submission terms and transfer mechanism."""
    docs = documents(shipped, write(tmp_path, TENDER_WITHOUT_SUPPLIER))
    tender, appendix = docs["tender-requirements"], docs["security-appendix"]
    assert "remote access included, to the following countries: Denmark (DK) and Sweden (SE), and any other country" in tender
    assert "after the Exit Period the retention period that the termination and exit plan sets applies" in appendix
    assert "for each Security Requirement not complied with and each day from the day after the Remedy Period" \
        in appendix
    assert "the transfer mechanism under Chapter V GDPR on which the transfer will rest" in tender
    assert "client data" not in tender and "every sub-supplier" not in tender
    bank = documents(shipped, write(tmp_path, BANK, "bank.yaml"))["security-appendix"]
    assert "where the Supplier's ICT risk management shows evidenced weaknesses" in bank


def test_as_offered_outside_a_tender_is_a_warning(shipped, tmp_path):
    direct = BANK.replace("procurement: {mode: tender, requirements_as: mixed}",
                          "procurement: {mode: direct, requirements_as: mixed}")
    loaded = loading.load_profile(write(tmp_path, direct))
    notes = [n.format() for n in select(loaded.profile, shipped, loaded.located).notices]
    assert any("As offered, but without a tender there is no offer in the contract file" in n for n in notes)
    loaded = loading.load_profile(write(tmp_path, BANK, "tender.yaml"))
    assert not any("As offered" in n.format() for n in select(loaded.profile, shipped, loaded.located).notices)


def test_verifications_use_the_names_the_contract_uses(shipped):
    """Reviewer round 9 #67, #58: no 'asset list', 'contract review', 'exit acceptance' or lower-case security report."""
    docs = documents(shipped, ROOT / "profiles" / "dk-agency-emergency-alerting.yaml")
    appendix = docs["security-appendix"]
    for old in ("asset list", "contract review", "exit acceptance", "exit sign-off", "named security contact",
                "with each security report", "in its security reports"):
        assert old not in appendix, old
    assert "the Supplier's register of persons with access (the access register)" in appendix
    assert "with each Security Report" in appendix
