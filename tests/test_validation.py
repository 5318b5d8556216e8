"""Library and catalogue problems: each reported whole, with file and line, all in one run."""

import pytest
from conftest import edit

from clausegen.errors import InputError
from clausegen.pipeline import load_project

CLAUSE = "clauses/core/general.audit@1.0.0.md"


def problems(inputs) -> list[str]:
    with pytest.raises(InputError) as info:
        load_project(inputs)
    return [d.format() for d in info.value.diagnostics]


def test_tiny_project_is_valid(tiny_project):
    assert tiny_project.library.meta.version == "0.1.0"
    assert sorted(tiny_project.parameters) == ["audit_interval_months", "deletion_days", "incident_notice_hours"]


def test_condition_on_unknown_field(tiny, tiny_inputs):
    edit(tiny / CLAUSE, "field: risk_tier,", "field: risk_level,")
    assert problems(tiny_inputs) == [
        f"{CLAUSE}:8: condition.field: no profile field 'risk_level'\n    hint: fields: " + ", ".join(sorted([
            "title", "client.name", "client.country", "client.sector", "supplier.name", "supplier.country",
            "supplier.relative_size", "service.kinds", "service.cloud", "data.classification", "data.personal_data",
            "data.special_categories", "data.locations", "criticality.business_critical",
            "criticality.critical_to_society", "sub_suppliers", "procurement.mode", "procurement.requirements_as",
            "contract.term_months", "risk_tier", "transfers_outside_eea", "third_countries",
                # round 2: every profile field is a condition field, plus derived transfer facts
                "service.description", "service.delivery", "service.support_hours", "criticality.nis2",
                "criticality.dora", "contract.start", "transfer_mechanism_missing", "transfer_mechanisms",
                "supplier_known", "supplier_outside_eea", "remote_access_countries",
                "criticality.dora_critical_function",
                # round 3: derived from the selected requirements (clauses and documents only)
                "minimum_requirements"]))]


def test_condition_value_the_field_never_takes(tiny, tiny_inputs):
    edit(tiny / CLAUSE, "at_least: high", "at_least: severe")
    assert problems(tiny_inputs) == [
        f"{CLAUSE}:8: condition.at_least: risk_tier is never severe\n    hint: values: basic, high"]


def test_undeclared_variable_named_with_clause_file_and_line(tiny, tiny_inputs):
    edit(tiny / CLAUSE, "every {{ audit_interval_months }} months", "every {{ audit_months }} months")
    assert problems(tiny_inputs) == [
        f"{CLAUSE}:14: body: {{{{ audit_months }}}} is neither a declared parameter nor a profile field\n"
        "    hint: declare `audit_months` under parameters"]


def test_default_filter_and_is_defined_are_refused(tiny, tiny_inputs):
    edit(tiny / CLAUSE, "{{ audit_interval_months }} months:",
         "{{ audit_interval_months|default('') }} months{% if client is defined %}:{% endif %}")
    assert problems(tiny_inputs) == [
        f"{CLAUSE}:14: body: filter |default is not allowed: it can hide a missing value\n"
        "    hint: declare a parameter with a default instead",
        f"{CLAUSE}:14: body: test `is defined` is not allowed: it can hide a missing value\n"
        "    hint: declare a parameter with a default instead"]


def test_attribute_typo_on_a_profile_field(tiny, tiny_inputs):
    edit(tiny / CLAUSE, "every {{ audit_interval_months }}", "every {{ client.nmae }} {{ audit_interval_months }}")
    assert problems(tiny_inputs) == [
        f"{CLAUSE}:14: body: client.nmae does not exist; client has: name, country, sector"]


def test_include_and_raw_html_are_refused(tiny, tiny_inputs):
    edit(tiny / CLAUSE, "1. with notice;", '{% include "../secret.txt" %}\n\n<div>raw</div>\n\n1. with notice;')
    found = problems(tiny_inputs)
    assert f"{CLAUSE}:16: body: {{% include %}} is not allowed: templates cannot read other files\n" \
           "    hint: declare a parameter with a default instead" in found
    assert f"{CLAUSE}:18: body: raw HTML is not allowed: '<div>raw</div>'\n" \
           "    hint: write Markdown; a literal < must be escaped as \\<" in found


def test_unknown_source_citation(tiny, tiny_inputs):
    edit(tiny / CLAUSE, 'sources: ["DEMO:3/incidents"]', 'sources: ["DEMO:9/nothing"]')
    assert problems(tiny_inputs) == [
        f"{CLAUSE}:11: sources: source item 'DEMO:9/nothing' is not in the register (frameworks/)\n"
        "    hint: cite an item id from frameworks/*.yaml, or register the item"]


def test_level_that_loosens_a_parameter(tiny, tiny_inputs):
    edit(tiny / "catalogues/confidential.yaml", "incident_notice_hours: 24", "incident_notice_hours: 96")
    assert problems(tiny_inputs) == [
        "catalogues/confidential.yaml:3: parameters.incident_notice_hours: level confidential loosens "
        "incident_notice_hours to 96 (below it: 72)\n"
        "    hint: a higher level must keep the value or make it stricter (lower is stricter)"]


def test_parameter_declared_differently(tiny, tiny_inputs):
    edit(tiny / "clauses/core/exit.assets@1.1.0.md", "default: 30", "default: 14")
    assert problems(tiny_inputs) == [
        "clauses/core/exit.assets@1.1.0.md:8: parameters.deletion_days: parameter 'deletion_days' is declared "
        "differently in clauses/core/exit.assets@1.0.0.md (default 30 vs 14)\n"
        "    hint: a parameter name is global: copy the first declaration exactly"]


def test_duplicate_requirement_id(tiny, tiny_inputs):
    edit(tiny / "catalogues/confidential.yaml", "id: SR-ACC-02", "id: SR-INC-01")
    assert problems(tiny_inputs) == [
        "catalogues/confidential.yaml:12: requirements[1].id: duplicate requirement id SR-INC-01 "
        "(also in catalogues/public.yaml)"]


def test_file_name_must_match_id_and_version(tiny, tiny_inputs):
    (tiny / "clauses/core/exit.assets@1.1.0.md").rename(tiny / "clauses/core/exit.assets@1.2.0.md")
    assert problems(tiny_inputs) == [
        "clauses/core/exit.assets@1.2.0.md:2: id: file name does not match id and version (exit.assets@1.1.0.md)"]


def test_template_like_file_name_refused(tiny, tiny_inputs):
    (tiny / "clauses/core/{{7*7}}.md").write_text("---\n---\n", encoding="utf-8")
    assert problems(tiny_inputs) == [
        "clauses/core/{{7*7}}.md: clause file name must be <clause id>@<version>.md\n"
        "    hint: for example termination.asset-return@1.0.0.md"]


def test_symlink_out_of_the_library_refused(tiny, tiny_inputs, tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text("secret", encoding="utf-8")
    (tiny / "clauses/core/leak.x@1.0.0.md").symlink_to(outside)
    assert problems(tiny_inputs) == [
        "clauses/core/leak.x@1.0.0.md: symbolic links are not allowed in a library\n"
        "    hint: copy the file into the library instead"]


def test_every_problem_in_every_file_at_once(tiny, tiny_inputs):
    """Schema problems in every file are listed together (cross-file checks need a valid library.yaml)."""
    edit(tiny / CLAUSE, "status: active", "status: draft")
    edit(tiny / "catalogues/public.yaml", "control: detective", "control: sometimes")
    edit(tiny / "clauses/library.yaml", 'version: "0.1.0"\nchangelog', "version: 0.1\nchangelog")
    found = problems(tiny_inputs)
    assert len(found) == 3
    assert found[0].startswith("catalogues/public.yaml:7: requirements[0].control: should be 'preventive', "
                               "'detective' or 'corrective'")
    assert found[1].startswith(f"{CLAUSE}:5: status: should be 'active' or 'deprecated'")
    assert found[2].startswith("clauses/library.yaml:2: version: '0.1' is not a version MAJOR.MINOR.PATCH")
