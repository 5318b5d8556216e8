"""The round-2 profile keys: defaults that keep old profiles' meaning, located errors, warnings,
country codes, conditions on the new facts, and the supplier left out of a tender."""

from pathlib import Path

import pytest
from conftest import edit
from conftest import profile_errors as errors

from clausegen import conditions as cond
from clausegen.assembly import assemble
from clausegen.loading import load_profile
from clausegen.models import countries
from clausegen.selection import select

# --- defaults --------------------------------------------------------------------------------------

def test_defaults_keep_the_old_meaning(profile):
    p = load_profile(profile).profile
    assert (p.service.delivery, p.service.support_hours) == ("supplier-premises", "business-hours")
    assert (p.criticality.nis2, p.criticality.dora) == ("none", False)
    assert p.sub_suppliers[0].transfer is None


def test_delivery_defaults_to_cloud_for_a_cloud_service(profile):
    edit(profile, "cloud: false", "cloud: true")
    assert load_profile(profile).profile.service.delivery == "cloud"


def test_new_keys_are_read(profile):
    edit(profile, "  cloud: false\n", "  cloud: false\n  delivery: client-premises\n  support_hours: 24x7\n")
    edit(profile, "critical_to_society: false}", "critical_to_society: false, nis2: essential, dora: true}")
    p = load_profile(profile).profile
    assert (p.service.delivery, p.service.support_hours) == ("client-premises", "24x7")
    assert (p.criticality.nis2, p.criticality.dora) == ("essential", True)


# --- located errors ---------------------------------------------------------------------------------

def test_cloud_delivery_needs_a_cloud_service(profile):
    edit(profile, "  cloud: false\n", "  cloud: false\n  delivery: cloud\n")
    assert errors(profile) == [
        f"{profile}:11: service.delivery: is cloud, but service.cloud is false; set service.cloud: true, or say "
        "where the service runs: client-premises or supplier-premises; found text 'cloud'"]


def test_unknown_delivery(profile):
    edit(profile, "  cloud: false\n", "  cloud: false\n  delivery: onsite\n")
    assert errors(profile) == [
        f"{profile}:11: service.delivery: should be 'client-premises', 'supplier-premises' or 'cloud'; "
        "found text 'onsite'"]


def test_unknown_support_hours(profile):
    edit(profile, "  cloud: false\n", "  cloud: false\n  support_hours: 24/7\n")
    assert errors(profile) == [
        f"{profile}:11: service.support_hours: should be '24x7' or 'business-hours'; found text '24/7'"]


def test_unknown_nis2_status(profile):
    edit(profile, "critical_to_society: false}", "critical_to_society: false, nis2: yes-please}")
    assert errors(profile) == [
        f"{profile}:16: criticality.nis2: should be 'none', 'important' or 'essential'; found text 'yes-please'"]


def test_dora_is_true_or_false(profile):
    edit(profile, "critical_to_society: false}", "critical_to_society: false, dora: \"yes\"}")
    assert errors(profile) == [f"{profile}:16: criticality.dora: should be a valid boolean; found text 'yes'"]


def test_unknown_transfer_mechanism(profile):
    edit(profile, 'country: DE, service: "Off-site backup", access_to_data: true}',
         'country: IN, service: "Off-site backup", access_to_data: true, transfer: consent}')
    assert errors(profile) == [
        f"{profile}:18: sub_suppliers[0].transfer: should be 'adequacy', 'dpf', 'scc' or 'bcr'; found text 'consent'"]


def test_null_transfer_is_an_error(profile):
    edit(profile, 'access_to_data: true}', 'access_to_data: true, transfer: null}')
    assert errors(profile) == [
        f"{profile}:18: sub_suppliers[0].transfer: is null; a value is required\n"
        "    hint: write the value, or remove the key to use the documented default where there is one"]


def test_transfer_inside_the_eea_is_an_error(profile):
    edit(profile, 'access_to_data: true}', 'access_to_data: true, transfer: scc}')
    assert errors(profile) == [
        f"{profile}:18: sub_suppliers[0].transfer: DE is in the EU/EEA, where no transfer mechanism is needed; "
        "remove `transfer`; found text 'scc'"]


def test_transfer_without_access_to_data_is_an_error(profile):
    edit(profile, 'country: DE, service: "Off-site backup", access_to_data: true}',
         'country: IN, service: "Off-site backup", access_to_data: false, transfer: scc}')
    assert errors(profile) == [
        f"{profile}:18: sub_suppliers[0].transfer: the sub-supplier has no access to data, so nothing is "
        "transferred; remove `transfer`; found text 'scc'"]


def test_dpf_covers_only_the_united_states(profile):
    edit(profile, 'country: DE, service: "Off-site backup", access_to_data: true}',
         'country: IN, service: "Off-site backup", access_to_data: true, transfer: dpf}')
    assert errors(profile) == [
        f"{profile}:18: sub_suppliers[0].transfer: dpf (the EU-US Data Privacy Framework) covers only the United "
        "States, not IN; found text 'dpf'"]


def test_supplier_is_required_outside_a_tender(profile):
    edit(profile, 'supplier: {name: "Supplier Ltd", country: DK, relative_size: larger}\n', "")
    edit(profile, "mode: tender", "mode: direct")
    assert errors(profile) == [
        f"{profile}:1: supplier: required, but missing: only a tender (procurement.mode: tender) may leave the "
        "supplier out"]


def test_supplier_may_be_left_out_of_a_tender(profile):
    edit(profile, 'supplier: {name: "Supplier Ltd", country: DK, relative_size: larger}\n', "")
    assert load_profile(profile).profile.supplier is None


def test_null_supplier_is_an_error(profile):
    edit(profile, 'supplier: {name: "Supplier Ltd", country: DK, relative_size: larger}', "supplier: null")
    assert errors(profile) == [
        f"{profile}:6: supplier: is null; a value is required\n"
        "    hint: write the value, or remove the key to use the documented default where there is one"]


# --- country codes ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "message"), [
    ("UK", "'UK' is not an ISO 3166-1 country code; for United Kingdom write 'GB'"),
    ("DA", "'DA' is the language code for Danish, not a country code (ISO 3166-1 alpha-2); for Denmark write 'DK'"),
    ("EN", "'EN' is the language code for English, not a country code (ISO 3166-1 alpha-2)"),
    ("dk", "'dk': write country codes in capitals, 'DK'"),
    ("QQ", "'QQ' is not an ISO 3166-1 alpha-2 country code (or EU); quote codes like \"NO\", which YAML would "
           "otherwise read as false"),
])
def test_country_code_errors(profile, code, message):
    edit(profile, "client: {name: \"Smith & Jones <Hosting> \\\"A/S\\\" Ærø\", country: DK,",
         f"client: {{name: \"Smith & Jones <Hosting> \\\"A/S\\\" Ærø\", country: {code},")
    assert errors(profile) == [f"{profile}:5: client.country: {message}; found text {code!r}"]


def test_el_is_greece_in_the_eea(profile):
    edit(profile, "locations: [DK, US]", "locations: [EL, GR, EU, NO]")
    p = load_profile(profile).profile
    assert p.data.locations == ["EL", "GR", "EU", "NO"]  # as written: values are shown verbatim
    assert all(countries.in_eea(c) for c in p.data.locations)
    assert not countries.in_eea("US") and not countries.in_eea("GB") and not countries.in_eea("CH")


def test_membership_data_is_consistent():
    assert len(countries.EU_MEMBERS) == 27 and len(countries.EEA) == 30
    assert not (countries.ADEQUACY & countries.EEA)
    assert all(countries.problem(c) is None for c in countries.EEA | countries.ADEQUACY)


# --- warnings, conditions and the tender ------------------------------------------------------------

def test_third_country_sub_supplier_without_mechanism_warns_with_its_line(tiny, tiny_project, cli):
    path = Path("profiles/case.yaml")
    edit(path, 'country: DE, service: "Off-site backup"', 'country: IN, service: "Off-site backup"')
    loaded = load_profile(path)
    selection = select(loaded.profile, tiny_project, loaded.located)
    assert [n.format() for n in selection.notices] == [
        "profiles/case.yaml:18: sub_suppliers[0]: Backup GmbH (IN) has access to data from outside the EU/EEA, "
        "and no transfer mechanism is stated; the documents say it must be agreed before any transfer\n"
        "    hint: add transfer: adequacy, dpf, scc or bcr"]
    assert selection.facts.values["transfer_mechanism_missing"] is True
    result = cli("validate")
    assert result.code == 0
    assert result.err.startswith("warning: profiles/case.yaml:18: sub_suppliers[0]: Backup GmbH (IN) has access")


def test_stated_mechanism_silences_the_warning(tiny, tiny_project):
    path = Path("profiles/case.yaml")
    edit(path, 'country: DE, service: "Off-site backup", access_to_data: true}',
         'country: IN, service: "Off-site backup", access_to_data: true, transfer: scc}')
    loaded = load_profile(path)
    selection = select(loaded.profile, tiny_project, loaded.located)
    assert selection.notices == ()
    assert selection.facts.values["transfer_mechanism_missing"] is False
    assert selection.facts.values["transfer_mechanisms"] == ["scc"]


def test_adequacy_for_a_country_without_a_decision_warns(tiny, tiny_project):
    path = Path("profiles/case.yaml")
    edit(path, 'country: DE, service: "Off-site backup", access_to_data: true}',
         'country: IN, service: "Off-site backup", access_to_data: true, transfer: adequacy}')
    loaded = load_profile(path)
    notices = select(loaded.profile, tiny_project, loaded.located).notices
    assert [n.format() for n in notices] == [
        f"profiles/case.yaml:18: sub_suppliers[0].transfer: India has no adequacy decision that clausegen knows of "
        f"(list as of {countries.AS_OF})\n    hint: check the Commission's list of adequacy decisions, or state scc "
        "or bcr"]


def test_conditions_on_the_new_facts(tiny, tiny_project):
    path = Path("profiles/case.yaml")
    edit(path, "critical_to_society: false}", "critical_to_society: false, nis2: important}")
    loaded = load_profile(path)
    values = select(loaded.profile, tiny_project, loaded.located).facts.values
    fields = tiny_project.fields

    def holds(raw):
        return cond.evaluate(cond.parse(raw, fields), values, fields)

    assert holds({"field": "criticality.nis2", "at_least": "important"})
    assert not holds({"field": "criticality.nis2", "at_least": "essential"})
    assert holds({"field": "service.delivery", "equals": "supplier-premises"})
    assert holds({"field": "service.support_hours", "equals": "business-hours"})
    assert holds({"field": "criticality.dora", "equals": False})
    assert holds({"field": "supplier_known", "equals": True})
    with pytest.raises(cond.ConditionError, match="criticality.nis2 is never essentail"):
        cond.parse({"field": "criticality.nis2", "equals": "essentail"}, fields)


def test_supplier_conditions_are_false_without_a_supplier(tiny, tiny_project):
    path = Path("profiles/case.yaml")
    edit(path, 'supplier: {name: "Supplier Ltd", country: DK, relative_size: larger}\n', "")
    loaded = load_profile(path)
    values = select(loaded.profile, tiny_project, loaded.located).facts.values
    fields = tiny_project.fields
    for raw in ({"field": "supplier.relative_size", "at_least": "smaller"}, {"field": "supplier.country", "in": ["DK"]}):
        ok, why = cond.trace(cond.parse(raw, fields), values, fields)
        assert not ok and why.endswith("(is not given)")
    assert not cond.evaluate(cond.parse({"field": "supplier_known", "equals": True}, fields), values, fields)


def test_supplier_outside_the_eea_is_a_fact(tiny, tiny_project, cli):
    path = Path("profiles/case.yaml")
    original = path.read_text(encoding="utf-8")
    fields = tiny_project.fields
    condition = cond.parse({"field": "supplier_outside_eea", "equals": True}, fields)
    for country, outside in (("DK", False), ("NO", False), ("US", True)):
        path.write_text(original, encoding="utf-8")
        edit(path, '"Supplier Ltd", country: DK,', f'"Supplier Ltd", country: {country},')
        loaded = load_profile(path)
        values = select(loaded.profile, tiny_project, loaded.located).facts.values
        assert values["supplier_outside_eea"] is outside, country
        assert cond.evaluate(condition, values, fields) is outside
    out = cli("explain", "profiles/case.yaml").out  # the last one, US
    assert "supplier     Supplier Ltd (US, outside the EU/EEA: supplier_outside_eea)\n" in out


def test_tender_specification_never_names_the_supplier(tiny, tiny_project):
    path = Path("profiles/case.yaml")
    loaded = load_profile(path)
    documents = {d.document_id: d for d in assemble(select(loaded.profile, tiny_project, loaded.located), tiny_project)}
    tender = documents["tender-requirements"]
    assert tender.supplier is None and "Supplier Ltd" not in tender.subtitle
    assert tender.subtitle == "Hosting of the test system: tender by Smith & Jones <Hosting> \"A/S\" Ærø"
    assert documents["security-appendix"].subtitle.endswith("and Supplier Ltd")


def test_a_tender_clause_may_not_use_the_supplier(tiny, cli):
    clause = Path("clauses/core/general.audit@1.0.0.md")
    edit(clause, "documents: {", "documents: {tender-requirements: requirements, ")
    text = clause.read_text(encoding="utf-8")
    clause.write_text(text.rstrip("\n") + " Audited by {{ supplier.name }}.\n", encoding="utf-8")
    result = cli("validate")
    assert result.code == 1
    assert "general.audit@1.0.0.md:" in result.err
    assert ": body: uses `supplier`, but the tender specification never names the supplier: the tender chooses " \
           "it\n    hint: write \"the tenderer\" instead\n" in result.err


def test_sub_supplier_table_states_each_transfer_mechanism(tiny, tiny_project):
    path = Path("profiles/case.yaml")
    edit(path, '  - {name: "Backup GmbH", country: DE, service: "Off-site backup", access_to_data: true}\n',
         '  - {name: "Backup GmbH", country: DE, service: "Off-site backup", access_to_data: true}\n'
         '  - {name: "Cloud Inc", country: US, service: "Hosting", access_to_data: true, transfer: dpf}\n'
         '  - {name: "Desk Ltd", country: IN, service: "Support", access_to_data: true}\n')
    loaded = load_profile(path)
    documents = assemble(select(loaded.profile, tiny_project, loaded.located), tiny_project)
    appendix = next(d for d in documents if d.document_id == "security-appendix")
    part = next(p for s in appendix.sections for p in s.parts if p.title == "Sub-suppliers at signature")
    assert part.table is not None and part.table.columns[-1] == "Transfer mechanism"
    assert [row[-1] for row in part.table.rows] == [
        "Not applicable", "EU-US Data Privacy Framework (Decision (EU) 2023/1795)",
        "None stated: to be agreed before any transfer"]
    assert "may not take place until the Parties have agreed a transfer mechanism" in part.note


def test_shipped_library_builds_a_tender_without_a_supplier(tmp_path):
    import re

    from conftest import ROOT

    from clausegen.pipeline import Inputs, load_project
    from clausegen.rendering import markdown

    source = (ROOT / "profiles" / "aero-municipality-managed-service.yaml").read_text(encoding="utf-8")
    supplier = re.search(r"\nsupplier:\n(?:  .*\n)+", source)
    assert supplier is not None
    name = re.search(r'name: "([^"]+)"', supplier.group(0)).group(1)
    path = tmp_path / "tender.yaml"
    path.write_text(source.replace(supplier.group(0), "\n"), encoding="utf-8")
    project = load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))
    loaded = load_profile(path)
    documents = assemble(select(loaded.profile, project, loaded.located), project)
    assert {d.document_id for d in documents} >= {"security-appendix", "tender-requirements"}
    plain = name.split("<")[0].strip()  # the part Markdown does not escape
    assert plain
    for document in documents:
        text = markdown.write(document)
        assert plain not in text and "None" not in text and document.supplier is None


def test_build_warns_about_a_transfer_without_mechanism(tiny, cli):
    edit(Path("profiles/case.yaml"), 'country: DE, service: "Off-site backup"', 'country: IN, service: "Off-site backup"')
    result = cli("build", "profiles/case.yaml", "--format", "md")
    assert result.code == 0
    assert "warning: tiny-case: profiles/case.yaml:18: sub_suppliers[0]: Backup GmbH (IN) has access to data from " \
           "outside the EU/EEA, and no transfer mechanism is stated" in result.err


def test_explain_shows_the_case_facts_and_the_events(tiny, cli):
    edit(Path("clauses/library.yaml"), "documents:", 'events:\n  exit.deletion: {title: "Deletion after the exit"}\n'
         "documents:")
    for version in ("1.0.0", "1.1.0"):
        edit(Path(f"clauses/core/exit.assets@{version}.md"), "deletion_days: {", "deletion_days: {event: exit.deletion, ")
    edit(Path("profiles/case.yaml"), 'country: DE, service: "Off-site backup", access_to_data: true}',
         'country: IN, service: "Off-site backup", access_to_data: true, transfer: bcr}')
    edit(Path("profiles/case.yaml"), "critical_to_society: false}", "critical_to_society: false, nis2: important}")
    out = cli("explain", "profiles/case.yaml").out
    assert "delivery     supplier-premises (default, from service.cloud: false)\n" in out
    assert "support      business-hours (default)\n" in out
    assert "NIS2         important; DORA no (default)\n" in out
    assert "supplier     Supplier Ltd\n" in out
    assert "  Backup GmbH (IN): binding corporate rules\n" in out
    assert "  remote access from IN, which data.locations does not list (remote_access_countries)\n" in out
    assert "  deletion_days = 20  (profile; period of exit.deletion: Deletion after the exit)\n" in out
