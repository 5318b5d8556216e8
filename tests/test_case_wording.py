"""The shipped library fits the case: no tender wording where no tender was run, a call-off that
leaves liability and sanctions to its framework agreement, transfers and locations that match
where the supplier and its sub-suppliers are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from clausegen.assembly import assemble
from clausegen.loading import load_profile
from clausegen.pipeline import Inputs, load_project
from clausegen.rendering import markdown
from clausegen.selection import select


@pytest.fixture(scope="module")
def project():
    return load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))


def documents(project, path: Path) -> dict[str, str]:
    loaded = load_profile(path)
    return {d.document_id: markdown.write(d) for d in assemble(select(loaded.profile, project, loaded.located), project)}


def variant(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = (ROOT / "profiles" / f"{name}.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def shipped(name: str) -> Path:
    return ROOT / "profiles" / f"{name}.yaml"


@pytest.mark.parametrize("name", ["nordlys-saas-us", "museum-public-website", "region-framework-call-off"])
def test_no_tender_wording_where_no_tender_was_run(project, name):
    appendix = documents(project, shipped(name))["security-appendix"]
    assert not re.search(r"its tender|tender documents|award criterion|As offered", appendix)
    assert "Every requirement listed binds the Supplier as written." in appendix
    assert "Statement of Applicability before signature of the Agreement" in appendix


def test_as_offered_is_explained_only_where_an_award_criterion_is_listed(project):
    mixed = documents(project, shipped("aero-municipality-managed-service"))["security-appendix"]
    assert "*As offered* was evaluated as an award criterion in the tender" in mixed
    assert "| As offered |" in mixed
    minimum = documents(project, shipped("dk-agency-emergency-alerting"))["security-appendix"]
    assert "As offered" not in minimum
    assert "Every requirement listed binds the Supplier as written." in minimum
    assert "Statement of Applicability with its tender" in minimum  # a tender was run


def test_a_direct_award_with_award_criteria_speaks_of_the_offer(project, tmp_path):
    path = variant(tmp_path, "nordlys-saas-us", ("requirements_as: minimum", "requirements_as: mixed"))
    appendix = documents(project, path)["security-appendix"]
    assert "*As offered* binds to the extent the Supplier offered to meet it in its offer" in appendix
    assert "tender" not in appendix.replace("re-tender", "")


def test_a_supplier_outside_the_eea_transfers_onward_under_module_two(project, tmp_path):
    docs = documents(project, shipped("nordlys-saas-us"))
    dpa, appendix = docs["dpa-checklist"], docs["security-appendix"]
    assert "Module Two (controller to processor)" in dpa
    assert "Clause 8.8 (onward transfers) and Clause 9 (use of sub-processors)" in dpa
    assert "have concluded Module Three" not in dpa
    assert "Module Three" not in appendix
    assert "onward transfer under Clauses 8.8 and 9 of the Module Two clauses" in appendix
    in_eea = documents(project, variant(tmp_path, "nordlys-saas-us", ('country: "US"\n  relative_size', 'country: "DE"\n  relative_size')))
    assert "the Supplier and the Sub-processor have concluded Module Three" in in_eea["dpa-checklist"]
    assert "Module Two (controller to processor)" not in in_eea["dpa-checklist"]
    assert "(Decision (EU) 2021/914), Module Three" in in_eea["security-appendix"]


def test_locations_name_every_country_with_remote_access(project):
    docs = documents(project, shipped("nordlys-saas-us"))
    assert ("only in the following locations: **United States (US)**, except for remote access from **India (IN)** "
            "by the Sub-suppliers") in docs["security-appendix"]
    assert ("processed: United States (US), and the countries from which Sub-processors reach it by remote access: "
            "India (IN);") in docs["dpa-checklist"]
    museum = documents(project, shipped("museum-public-website"))["security-appendix"]
    assert "only in the following locations: **Denmark (DK)**. Any other location" in museum


def test_a_call_off_leaves_liability_and_sanctions_to_the_framework_agreement(project, tmp_path):
    call_off = documents(project, shipped("region-framework-call-off"))["security-appendix"]
    assert "(the **Framework Agreement**)" in call_off
    assert "This Appendix sets no penalty of its own." in call_off
    assert "This Appendix sets no limitation of liability" in call_off
    assert "Service credits are those of the Framework Agreement." in call_off
    assert "dispute resolution procedure of the Framework Agreement" in call_off
    assert not re.search(r"penalty of EUR|cover of at least EUR|higher of \d+ times", call_off)
    assert "SR-LEG-01" not in call_off  # the insurance amount is the framework agreement's
    nda = documents(project, shipped("region-framework-call-off"))["nda"]
    assert "The NDA sets no liquidated damages of its own." in nda
    assert "governed by the law that governs the Framework Agreement" in nda
    assert "under the dispute resolution terms of the Framework Agreement" in nda
    assert "liquidated damages of EUR" not in nda and "courts of Copenhagen" not in nda
    direct = documents(project, variant(tmp_path, "region-framework-call-off", ("mode: framework", "mode: direct")))
    appendix = direct["security-appendix"]
    assert "Framework Agreement" not in appendix
    assert re.search(r"penalty of EUR [\d,]+ for each Security Requirement not complied with and each day", appendix)
    assert "SR-LEG-01" in appendix
    assert "liquidated damages of EUR 25,000" in direct["nda"]


def test_nda_liquidated_damages_follow_the_risk_tier(project, tmp_path):
    paths = {name: shipped(name) for name in ("museum-public-website", "nordlys-saas-us", "dk-agency-emergency-alerting")}
    paths["region-direct"] = variant(tmp_path, "region-framework-call-off", ("mode: framework", "mode: direct"))
    amounts = {}
    for name, path in paths.items():
        nda = documents(project, path)["nda"]
        amounts[name] = re.search(r"liquidated damages of (EUR \d[\d,]*\d)", nda).group(1)
    assert amounts == {"museum-public-website": "EUR 10,000", "region-direct": "EUR 25,000",
                       "nordlys-saas-us": "EUR 50,000", "dk-agency-emergency-alerting": "EUR 100,000"}


def test_a_value_for_a_parameter_only_an_older_version_declares_is_a_warning(project, tmp_path):
    path = variant(tmp_path, "museum-public-website", ("  bond_million_eur: 1\n", "  bond_million_eur: 1\n  nda_penalty_eur: 20000\n"))
    loaded = load_profile(path)
    notices = [n.format() for n in select(loaded.profile, project, loaded.located).notices]
    assert notices == [
        f"{path}:39: parameters.nda_penalty_eur: only nda.remedies 1.0.0 declares nda_penalty_eur, and this profile "
        "uses a newer version: the value changes nothing\n"
        '    hint: pin nda.remedies: "1.0.0", or see the clause\'s changelog']
    pinned = variant(tmp_path, "museum-public-website", ("  bond_million_eur: 1\n", "  bond_million_eur: 1\n  nda_penalty_eur: 20000\n"),
                     ("pins: {}", 'pins: {nda.remedies: "1.0.0"}'))
    loaded = load_profile(pinned)
    selection = select(loaded.profile, project, loaded.located)
    assert selection.notices == ()
    assert "liquidated damages of EUR 20,000" in documents(project, pinned)["nda"]


def test_a_cloud_service_gets_data_continuity_and_software_gets_escrow(project, tmp_path):
    appendix = documents(project, shipped("nordlys-saas-us"))["security-appendix"]
    assert "Continuity of the cloud service" in appendix
    assert "Escrow of software" not in appendix
    assert "at least every 30 days, the Supplier shall place a complete export of Client Data" in appendix
    developed = documents(project, variant(tmp_path, "nordlys-saas-us", ("kinds: [saas]", "kinds: [saas, development]")))
    assert "Escrow of software" in developed["security-appendix"]
    operated_on_site = documents(project, variant(tmp_path, "dk-agency-emergency-alerting",
                                                  ("delivery: supplier-premises", "delivery: client-premises")))
    assert "Escrow of software" not in documents(project, shipped("dk-agency-emergency-alerting"))["security-appendix"]
    assert "Escrow of software" not in operated_on_site["security-appendix"]  # the Client's own systems, run on site
    installed = documents(project, variant(tmp_path, "dk-agency-emergency-alerting",
                                           ("delivery: supplier-premises", "delivery: client-premises"),
                                           ("kinds: [hosting, operations, support]", "kinds: [saas, operations, support]")))
    assert "Escrow of software" in installed["security-appendix"]
    assert "Continuity of the cloud service" not in installed["security-appendix"]


def test_a_cloud_service_states_the_data_act_switching_terms(project):
    plan = documents(project, shipped("nordlys-saas-us"))["termination-plan"]
    assert "Switching under the Data Act" in plan
    assert "by written notice of at most 2 months" in plan
    assert "within 30 days after the end of the notice period" in plan
    assert "retrieve its data for at least 30 days" in plan
    assert "charges nothing for the switching or for data egress" in plan
    appendix = documents(project, shipped("nordlys-saas-us"))["security-appendix"]
    assert re.search(r"switching terms under clause \d+\.\d+ of the (Termination Plan|Termination and exit plan)", appendix)
    assert "Data Act" not in documents(project, shipped("dk-agency-emergency-alerting"))["termination-plan"]


def test_a_supplier_outside_the_eea_is_met_in_arbitration(project, tmp_path):
    nda = documents(project, shipped("nordlys-saas-us"))["nda"]
    assert "settled finally by arbitration under the Rules of Arbitration of the Danish Institute of Arbitration" in nda
    assert "courts of the country where the Supplier has its seat" in nda
    assert "exclusively by the courts" not in nda
    in_eea = documents(project, variant(tmp_path, "nordlys-saas-us", ('country: "US"\n  relative_size', 'country: "SE"\n  relative_size')))
    assert "settled exclusively by the courts of Copenhagen, Denmark" in in_eea["nda"]
    assert "arbitration" not in in_eea["nda"]


def test_priority_1_incidents_are_answered_outside_desk_hours(project):
    critical = documents(project, shipped("nordlys-saas-us"))["security-appendix"]
    assert re.search(r"SR-BCM-07 \| [^|]*of its report, at any hour of any day", critical)
    routine = documents(project, shipped("region-framework-call-off"))["security-appendix"]
    assert re.search(r"SR-BCM-07 \| [^|]*counted within the opening hours agreed for support requests, except that for an "
                     r"incident putting Client Data at risk the period runs at any hour", routine)
    desk = documents(project, shipped("aero-municipality-managed-service"))["security-appendix"]
    assert re.search(r"SR-BCM-09 \| [^|]*07:00-19:00 local time, with a telephone line for reporting priority-1 incidents "
                     r"and Security Incidents that is answered at all other times", desk)


def test_software_development_gets_a_secure_development_process_at_every_level(project):
    assert "| SR-VUL-05 |" in documents(project, shipped("museum-public-website"))["security-appendix"]
    assert "SR-VUL-05" not in documents(project, shipped("region-framework-call-off"))["security-appendix"]


def test_the_data_processing_agreement_is_named_only_where_there_is_one(project):
    assert "Data Processing Agreement" not in documents(project, shipped("museum-public-website"))["security-appendix"]
    nordlys = documents(project, shipped("nordlys-saas-us"))["security-appendix"]
    assert "the confidentiality obligations and the Data Processing Agreement, be no lower" in nordlys


def test_a_supplier_outside_the_eea_is_approved_with_its_transfer_mechanism(project, tmp_path):
    docs = documents(project, shipped("nordlys-saas-us"))
    approval = "By this Appendix the Client gives the prior written approval of that transfer required by SR-DP-02."
    assert approval in docs["security-appendix"]
    assert "concluded together with the Data Processing Agreement, unless the parties record in writing" in (
        docs["security-appendix"])
    assert "EU-US Data Privacy Framework, while the Supplier's certification" in docs["security-appendix"]
    assert "the transfer by the Client to the Supplier rests on Module Two" in docs["dpa-checklist"]
    in_eea = documents(project, variant(tmp_path, "nordlys-saas-us", ('country: "US"\n  relative_size', 'country: "DE"\n  relative_size')))
    assert approval not in in_eea["security-appendix"]
    assert "the transfer by the Client to the Supplier" not in in_eea["dpa-checklist"]
    in_india = documents(project, variant(tmp_path, "nordlys-saas-us", ('country: "US"\n  relative_size', 'country: "IN"\n  relative_size')))
    assert approval in in_india["security-appendix"]
    assert "Data Privacy Framework, while the Supplier's" not in in_india["security-appendix"]


def test_a_cloud_service_is_audited_through_assurance_reports_without_step_in(project, tmp_path):
    cloud = documents(project, shipped("nordlys-saas-us"))["security-appendix"]
    assert "unannounced inspections of" not in cloud
    assert "independent auditor's report of type 2 (under ISAE 3402 or SOC 2 type 2)" in cloud
    assert "pooled audit" in cloud
    assert "where such a report shows an exception material to the security of the Service, visit" in cloud
    assert "(**step-in**)" not in cloud
    assert "authorised persons during each inspection" not in cloud
    assert "the independent assurance report on the Service shows an exception in entry control" in cloud
    operated = documents(project, shipped("dk-agency-emergency-alerting"))["security-appendix"]
    assert "unannounced inspections of the premises from which the Service is delivered" in operated
    assert "(**step-in**)" in operated
    assert "In an emergency that threatens life, health or functions critical to society" in operated  # critical to society
    assert "authorised persons during each inspection" in operated
    on_site = documents(project, variant(tmp_path, "aero-municipality-managed-service",
                                         ("cloud: false", "cloud: false\n  delivery: client-premises")))["security-appendix"]
    assert "the premises from which the Service is delivered" not in on_site
    assert "any premises other than the Client's own" in on_site
    assert "(**step-in**)" in on_site
    assert "In an emergency that threatens life" not in on_site  # not critical to society


def test_switching_under_the_data_act_ends_the_agreement_when_complete(project):
    plan = documents(project, shipped("nordlys-saas-us"))["termination-plan"]
    assert "a switching notice under (a) is also a notice terminating the Agreement" in plan
    assert "ends on the day the Client confirms in writing that the switching is complete, which also ends the Exit Period" in plan
    assert "where the Client asks only for the erasure of its data and digital assets, without switching" in plan


@pytest.mark.parametrize("name", ["nordlys-saas-us", "museum-public-website", "dk-agency-emergency-alerting"])
def test_the_nda_lasts_through_the_exit_period_as_defined(project, name):
    nda = documents(project, shipped(name))["nda"]
    assert "any exit period after its termination" not in nda
    assert "(the **Exit Period** as defined in the contract security appendix, which may start before the Agreement expires" in nda


def test_a_public_level_nda_does_not_protect_information_at_the_level_public(project):
    museum = documents(project, shipped("museum-public-website"))["nda"]
    assert "of the level Public" not in museum
    assert "at least the security measures the Agreement requires for the Service" in museum
    secret = documents(project, shipped("dk-agency-emergency-alerting"))["nda"]
    assert "security measures required by the Agreement for information of the level Secret" in secret


def test_verification_texts_use_the_names_the_appendix_and_plan_use(project):
    appendix = documents(project, shipped("dk-agency-emergency-alerting"))["security-appendix"]
    for loose in ("asset list", "exit acceptance", "exit sign-off", "contract review", "named security contact"):
        assert loose not in appendix, loose
    assert "against the register of Client Assets" in appendix
    assert "Before confirming the end of the Exit Period, the Client checks the delivered data" in appendix
    assert "review of the Agreement's security terms the Client compares" in appendix
    assert "notify the Client's incident contact of every Security Incident" in appendix


def test_nda_notification_and_arbitration_wording(project):
    docs = documents(project, shipped("nordlys-saas-us"))
    assert re.search(r"the Supplier within \d+ hours after becoming aware of it, the same period", docs["nda"])
    assert "and the Client without undue delay after becoming aware of it" in docs["nda"]
    assert "*Convention on the Recognition and Enforcement of Foreign Arbitral Awards* of 10 June 1958" in docs["nda"]
    museum_plan = documents(project, shipped("museum-public-website"))["termination-plan"]
    assert "SR-EXIT-06" not in museum_plan
    assert "(SR-EXIT-06), and deliver an updated register" in documents(project, shipped("nordlys-saas-us"))["termination-plan"]


def test_a_deficiency_in_returned_data_is_corrected_within_the_remedy_period(project):
    plan = documents(project, shipped("dk-agency-emergency-alerting"))["termination-plan"]
    appendix = documents(project, shipped("dk-agency-emergency-alerting"))["security-appendix"]
    days = re.search(r"shall correct any deficiency the Client identifies within (\d+) days after the Client's notice", plan)
    assert days and "within ten days" not in plan
    assert f"{days.group(1)} days" in appendix  # the same Remedy Period as clause 12.1 of the appendix


def test_a_cloud_service_is_audited_through_assurance_reports_not_physical_access(project):
    cloud = documents(project, shipped("nordlys-saas-us"))["security-appendix"]
    assert "for the premises of the Supplier and its Sub-suppliers, their current independent assurance reports" in cloud
    assert "physical and logical access to the relevant premises" not in cloud
    assert "access to the premises (for a cloud service: through current type 2 assurance reports" in cloud  # SR-DOC-05
    on_site = documents(project, shipped("dk-agency-emergency-alerting"))["security-appendix"]
    assert "physical and logical access to the relevant premises" in on_site
    assert "for a cloud service" not in on_site
