"""`clausegen lint`: every rule firing and not firing, suppressions, output, the shipped library."""

import json
from pathlib import Path

import pytest
from conftest import ROOT, edit

import clausegen.lint as lint_package
from clausegen.cli import main
from clausegen.lint import RULES

CONF = "catalogues/confidential.yaml"
PUBLIC = "catalogues/public.yaml"
AUDIT = "clauses/core/general.audit@1.0.0.md"
INC_TEXT = '"The supplier must notify the client of a security incident within {{ incident_notice_hours }} hours."'
ACC01 = '"The supplier must review privileged accounts every 90 days."'
HINT = ("to accept a finding for one clause or requirement, add to it:\n"
        "    lint: {suppress: [{rule: R-VAGUE, subject: reasonable, reason: \"why it is right here\"}]}\n")


@pytest.fixture(autouse=True)
def per_item_rules_only(monkeypatch):
    """These tests are about the per-item rules; tests/test_lint_consistency.py covers the others."""
    monkeypatch.setattr(lint_package, "CONSISTENCY", False)


@pytest.fixture
def clean(tiny):
    """The tiny project made lint-clean: one requirement made SMART, one finding suppressed with a reason."""
    edit(tiny / CONF, '"The supplier must use multi-factor authentication for cloud consoles."',
         '"The supplier must use multi-factor authentication for every cloud console login from the service start date."')
    edit(tiny / "clauses/core/exit.assets@2.0.0.md", "changelog:",
         'lint: {suppress: [{rule: C-DEPRECATED, reason: "A withdrawn draft, kept for the selection tests."}]}\nchangelog:')
    return tiny


def findings(cli, *args) -> tuple[int, str]:
    result = cli("lint", *args)
    return result.code, result.out


def only(out: str) -> str:
    """The findings, without the summary and the suppression hint."""
    return out.split("\n\n")[0] + "\n"


def test_clean_project(clean, cli):
    assert findings(cli) == (0, "clean: 0 error(s), 0 warning(s) in 3 requirements and 6 clause versions; "
                                "1 suppressed with a reason\n")


def test_the_tiny_project_has_findings_and_exits_1(tiny, cli):
    code, out = findings(cli)
    assert code == 1
    assert out == (
        f"{CONF}:14: error R-MEASURE: SR-ACC-02: text has no number, threshold or yes/no test\n"
        "    fix: add what can be counted or checked: a number, a parameter such as {{ x_days }}, a standard, "
        "or a quantifier such as \"every\" or \"no\"\n"
        f"{CONF}:14: error R-TIME: SR-ACC-02: text has no deadline, time bound or frequency\n"
        "    fix: say when: \"within 30 days after ...\", \"at least every 12 months\", or \"from the service start "
        "date\" for a standing obligation\n"
        "clauses/core/exit.assets@2.0.0.md:5: error C-DEPRECATED: exit.assets@2.0.0: deprecated, and no newer active "
        "version replaces it: profiles get the older 1.1.0 unless they pin another\n"
        "    fix: add exit.assets@<newer version>.md with status: active and name it in this version's changelog; "
        "if the clause is withdrawn on purpose, suppress this with the reason\n"
        "\n3 error(s), 0 warning(s) in 3 requirements and 6 clause versions\n" + HINT)


# --- Requirement rules: each firing, and a near miss that does not -----------------------------

REQUIREMENT_CASES = {
    "R-VAGUE": (
        (INC_TEXT, '"The supplier must promptly notify the client of a security incident within {{ incident_notice_hours }} hours."'),
        f"{PUBLIC}:5: error R-VAGUE: SR-INC-01: text: vague term 'promptly'\n"
        "    fix: state the deadline, e.g. \"within 24 hours\"\n",
        (INC_TEXT, '"The supplier must notify the client of a security incident, however irregularly it occurs, within {{ incident_notice_hours }} hours."')),
    "R-SUBJECT": (
        (INC_TEXT, '"The Supplier shall notify the client of a security incident within {{ incident_notice_hours }} hours."'),
        f"{PUBLIC}:5: error R-SUBJECT: SR-INC-01: text starts 'The Supplier shall'; a requirement starts "
        "\"The supplier must\"\n"
        "    fix: rewrite it as \"The supplier must <verb> ...\": one party, one binding obligation\n",
        (INC_TEXT, '"The supplier must not delay the notice of a security incident beyond {{ incident_notice_hours }} hours."')),
    "R-MEASURE": (
        (ACC01, '"The supplier must review privileged accounts from the service start date."'),
        f"{CONF}:7: error R-MEASURE: SR-ACC-01: text has no number, threshold or yes/no test\n"
        "    fix: add what can be counted or checked: a number, a parameter such as {{ x_days }}, a standard, or a "
        "quantifier such as \"every\" or \"no\"\n",
        (ACC01, '"The supplier must review all privileged accounts from the service start date."')),
    "R-TIME": (
        (ACC01, '"The supplier must review all privileged accounts."'),
        f"{CONF}:7: error R-TIME: SR-ACC-01: text has no deadline, time bound or frequency\n"
        "    fix: say when: \"within 30 days after ...\", \"at least every 12 months\", or \"from the service start "
        "date\" for a standing obligation\n",
        (ACC01, '"The supplier must review all privileged accounts throughout the contract term."')),
    "R-SINGLE": (
        (ACC01, '"The supplier must review privileged accounts every 90 days and notify the client of each change."'),
        f"{CONF}:7: warning R-SINGLE: SR-ACC-01: text adds a second obligation: 'and notify'\n"
        "    fix: split it into two requirements, one obligation each\n",
        (ACC01, '"The supplier must review privileged accounts and test results every 90 days."')),
    "R-VERIFY": (
        ('"Inspection of the review log."', '"The supplier confirms that it complies."'),
        f"{CONF}:8: error R-VERIFY: SR-ACC-01: verification 'The supplier confirms that it complies.' names no "
        "method\n"
        "    fix: say how the client checks it: inspection, demonstration, test, or a record it reviews or compares, "
        "and when\n",
        ('"Inspection of the review log."', '"The client samples 5 accounts."')),
}


@pytest.mark.parametrize("rule", list(REQUIREMENT_CASES))
def test_requirement_rule_fires(clean, cli, rule):
    (old, new), expected, _ = REQUIREMENT_CASES[rule]
    edit(clean / (PUBLIC if "INC" in expected else CONF), old, new)
    code, out = findings(cli)
    assert only(out) == expected
    assert code == (1 if RULES[rule].severity == "error" else 0)


@pytest.mark.parametrize("rule", list(REQUIREMENT_CASES))
def test_requirement_rule_near_miss_does_not_fire(clean, cli, rule):
    (old, new), expected, near = REQUIREMENT_CASES[rule]
    edit(clean / (PUBLIC if "INC" in expected else CONF), *near)
    assert findings(cli)[0] == 0 and findings(cli)[1].startswith("clean:")


def test_vague_terms_in_the_verification_and_the_longest_term_wins(clean, cli):
    edit(clean / CONF, '"Inspection of the review log."', '"Inspection of the review log as soon as possible."')
    assert only(findings(cli)[1]) == (
        f"{CONF}:8: error R-VAGUE: SR-ACC-01: verification: vague term 'as soon as possible'\n"
        "    fix: state the deadline, e.g. \"within 24 hours\"\n")


DUPLICATE = """  - id: SR-ACC-03
    area: access
    text: "The supplier must review privileged accounts every 30 days."
    verification: "Inspection of the review log."
    control: preventive
    default_as: award
    sources: ["GDPR:Art28(3)(a)"]
"""


def test_near_duplicate_requirements(clean, cli):
    (clean / CONF).write_text((clean / CONF).read_text() + DUPLICATE)
    code, out = findings(cli)
    assert (code, only(out)) == (0, (
        f"{CONF}:22: warning R-DUPLICATE: SR-ACC-03: text nearly repeats SR-ACC-01 ({CONF}:7): 100% of the words "
        "agree\n"
        "    fix: merge the two, or make the difference plain; if one tightens the other at a higher level, say in "
        "its text that it replaces SR-ACC-01\n"))


def test_different_requirements_are_not_duplicates(clean, cli):
    (clean / CONF).write_text((clean / CONF).read_text() + DUPLICATE.replace(
        "review privileged accounts every 30 days", "delete unused service accounts within 30 days of their last use"))
    assert findings(cli)[1].startswith("clean:")


def test_duplicate_threshold_comes_from_the_terms_file(clean, cli):
    (clean / CONF).write_text((clean / CONF).read_text() + DUPLICATE.replace("every 30 days", "every 30 days in full"))
    assert "R-DUPLICATE" in findings(cli)[1]
    (clean / "terms.yaml").write_text("duplicate_percent: 95\n")
    assert findings(cli, "--terms", "terms.yaml")[1].startswith("clean:")


# --- Clause rules -------------------------------------------------------------------------------

BODY = "The Client may audit the Supplier every {{ audit_interval_months }} months:"


def test_c_default_fires_on_default_filter_and_is_defined(clean, cli):
    edit(clean / AUDIT, BODY, "The Client may audit the Supplier every {{ audit_interval_months|default(12) }} "
                              "months{% if client.name is defined %}:{% endif %}")
    code, out = findings(cli)
    assert code == 1
    assert only(out) == (
        f"{AUDIT}:14: error C-DEFAULT: general.audit@1.0.0: body: `|default` on audit_interval_months hides a "
        "missing value\n"
        "    fix: audit_interval_months always has a value (its declared default, or the profile's); print "
        "{{ audit_interval_months }} as it is\n"
        f"{AUDIT}:14: error C-DEFAULT: general.audit@1.0.0: body: `is defined` on client.name hides a missing value\n"
        "    fix: a valid profile always sets client.name; use it as it is\n")


def test_c_default_does_not_fire_on_other_filters(clean, cli):
    edit(clean / AUDIT, BODY, "The Client may audit the Supplier every {{ audit_interval_months|string }} months:")
    assert findings(cli)[1].startswith("clean:")


def test_c_param_unused(clean, cli):
    edit(clean / AUDIT, "parameters:\n", 'parameters:\n  audit_notice_days: {type: integer, default: 14, '
                                        'description: "Days of notice."}\n')
    code, out = findings(cli)
    assert (code, only(out)) == (0, (
        f"{AUDIT}:10: warning C-PARAM-UNUSED: general.audit@1.0.0: parameter audit_notice_days is declared but the "
        "text never uses it\n"
        "    fix: use {{ audit_notice_days }} in the text, or remove the declaration\n"))


def test_c_param_used_in_the_verification_counts_as_used(clean, cli):
    edit(clean / PUBLIC, '"Review of incident reports."',
         '"Review of incident reports for notices later than {{ incident_notice_hours }} hours."')
    assert findings(cli)[1].startswith("clean:")


def test_c_param_undeclared_in_a_body_and_in_a_level_file(clean, cli):
    edit(clean / AUDIT, "every {{ audit_interval_months }} months", "every {{ audit_months }} months")
    edit(clean / CONF, "incident_notice_hours: 24", "incident_notice_hours: 24\n  incident_hours: 12")
    code, out = findings(cli)
    assert code == 1
    assert only(out) == (
        f"{CONF}:4: error C-PARAM-UNDECLARED: level confidential sets incident_hours, which no clause or "
        "requirement declares\n"
        "    fix: did you mean incident_notice_hours? declare it under parameters of the clause or requirement that "
        "uses it\n"
        f"{AUDIT}:10: warning C-PARAM-UNUSED: general.audit@1.0.0: parameter audit_interval_months is declared but "
        "the text never uses it\n"
        "    fix: use {{ audit_interval_months }} in the text, or remove the declaration\n"
        f"{AUDIT}:14: error C-PARAM-UNDECLARED: general.audit@1.0.0: body: {{{{ audit_months }}}} is neither a "
        "declared parameter nor a profile field\n"
        "    fix: did you mean {{ audit_interval_months }}? otherwise declare it: parameters: {audit_months: "
        "{type: integer, default: ..., description: \"...\"}}\n")


def test_profile_fields_and_loop_variables_are_not_undeclared(clean, cli):
    edit(clean / AUDIT, BODY, BODY + " {% for s in sub_suppliers %}{{ s.name }} {% endfor %}{{ risk_tier }}")
    assert findings(cli)[1].startswith("clean:")


@pytest.mark.parametrize("markup, message", [
    ("<div>raw</div>", "body: raw HTML '<div>raw</div>'"),
    ('<w:p><w:r><w:t>x</w:t></w:r></w:p>', "body: raw OpenXML '<w:p><w:r><w:t>x</w:t></w:r></w:p>'"),
    ("\\newpage", "body: LaTeX '\\\\newpage'"),
    ("a&nbsp;b", "body: HTML entity '&nbsp;'"),
    ("```{=typst}\npagebreak()\n```", "body: raw output block '{=typst}'"),
])
def test_c_raw_in_a_clause_body(clean, cli, markup, message):
    edit(clean / AUDIT, "1. with notice;", f"{markup}\n\n1. with notice;")
    code, out = findings(cli)
    fix = {"HTML entity": "write the character itself", "LaTeX": "write plain text; layout comes from the templates",
           "raw output": "write plain Markdown; every format is produced from it"}
    expected_fix = next((v for k, v in fix.items() if k in message),
                        "write plain text with Markdown emphasis or lists; escape a literal < as \\<")
    assert code == 1
    assert only(out) == f"{AUDIT}:16: error C-RAW: general.audit@1.0.0: {message}\n    fix: {expected_fix}\n"


def test_c_raw_in_a_requirement_text(clean, cli):
    edit(clean / CONF, ACC01, '"The supplier must review <b>privileged</b> accounts every 90 days."')
    assert only(findings(cli)[1]) == (
        f"{CONF}:7: error C-RAW: SR-ACC-01: text: raw HTML '<b>'\n"
        "    fix: write plain text with Markdown emphasis or lists; escape a literal < as \\<\n"
        f"{CONF}:7: error C-RAW: SR-ACC-01: text: raw HTML '</b>'\n"
        "    fix: write plain text with Markdown emphasis or lists; escape a literal < as \\<\n")


def test_c_raw_does_not_fire_on_escaped_markup_or_comparisons(clean, cli):
    edit(clean / AUDIT, "1. with notice;", "Less than \\<10 days, and {{ 'x' if audit_interval_months < 3 }}.\n\n"
                                          "1. with notice;")
    edit(clean / CONF, ACC01, '"The supplier must review privileged accounts every 90 days (fewer than 1 < 2 misses)."')
    assert findings(cli)[1].startswith("clean:")


def test_c_sources(clean, cli):
    edit(clean / AUDIT, 'sources: ["DEMO:3/incidents"]', 'sources: ["DEMO:3/incident"]')
    code, out = findings(cli)
    assert code == 1
    assert only(out) == (
        f"{AUDIT}:11: error C-SOURCES: general.audit@1.0.0: cites DEMO:3/incident, which the register does not list\n"
        "    fix: did you mean DEMO:3/incidents? cite an item id from frameworks/*.yaml, or register the item there\n")


def test_c_sources_does_not_fire_for_items_in_the_register(clean, cli):
    edit(clean / AUDIT, 'sources: ["DEMO:3/incidents"]', 'sources: ["DEMO:3/incidents", "GDPR:Art28(3)(a)"]')
    assert findings(cli)[1].startswith("clean:")


def test_c_sources_missing_entirely_is_a_load_error(clean, cli):
    edit(clean / AUDIT, 'sources: ["DEMO:3/incidents"]\n', "")
    result = cli("lint")
    assert (result.code, result.out) == (1, "")
    assert result.err == f"{AUDIT}:2: sources: required, but missing\n"


def test_c_deprecated_fires_without_a_replacement(clean, cli):
    edit(clean / "clauses/core/exit.assets@2.0.0.md",
         'lint: {suppress: [{rule: C-DEPRECATED, reason: "A withdrawn draft, kept for the selection tests."}]}\n', "")
    assert only(findings(cli)[1]) == (
        "clauses/core/exit.assets@2.0.0.md:5: error C-DEPRECATED: exit.assets@2.0.0: deprecated, and no newer active "
        "version replaces it: profiles get the older 1.1.0 unless they pin another\n"
        "    fix: add exit.assets@<newer version>.md with status: active and name it in this version's changelog; "
        "if the clause is withdrawn on purpose, suppress this with the reason\n")


def test_c_deprecated_is_quiet_once_a_newer_version_replaces_it_and_the_suppression_goes_stale(clean, cli):
    newer = (clean / "clauses/core/exit.assets@1.1.0.md").read_text().replace('version: "1.1.0"', 'version: "3.0.0"')
    (clean / "clauses/core/exit.assets@3.0.0.md").write_text(newer.replace('- {version: "1.1.0"',
                                                                            '- {version: "3.0.0", changes: ["Replaces 2.0.0."]}\n  - {version: "1.1.0"'))
    code, out = findings(cli)
    assert (code, only(out)) == (0, (
        "clauses/core/exit.assets@2.0.0.md:8: warning L-UNUSED: exit.assets@2.0.0: suppression of C-DEPRECATED "
        "silences nothing\n"
        "    fix: remove it: the finding it was for is gone\n"))


def test_c_syntax(clean, cli):
    edit(clean / AUDIT, "every {{ audit_interval_months }} months", "every {{ audit_interval_months months")
    assert only(findings(cli)[1]) == (
        f"{AUDIT}:14: error C-SYNTAX: general.audit@1.0.0: body: template syntax: expected token 'end of print "
        "statement', got 'months'\n"
        "    fix: run `clausegen validate` for details\n")


def test_c_syntax_does_not_fire_on_blocks_and_loops(clean, cli):
    edit(clean / AUDIT, BODY, BODY + "{% if risk_tier == 'high' %} (high){% endif %}")
    assert findings(cli)[1].startswith("clean:")


# --- Suppressions -------------------------------------------------------------------------------

def test_a_suppression_with_a_subject_silences_only_that_term(clean, cli):
    edit(clean / CONF, ACC01, '"The supplier must review privileged accounts regularly and promptly every 90 days."')
    edit(clean / CONF, "    default_as: award\n",
         "    default_as: award\n    lint: {suppress: [{rule: R-VAGUE, subject: regularly, reason: \"Quoted from the "
         "framework agreement.\"}]}\n")
    code, out = findings(cli)
    assert code == 1
    assert out == (f"{CONF}:7: error R-VAGUE: SR-ACC-01: text: vague term 'promptly'\n"
                   "    fix: state the deadline, e.g. \"within 24 hours\"\n"
                   "\n1 error(s), 0 warning(s) in 3 requirements and 6 clause versions; 2 suppressed with a reason\n"
                   + HINT)


def test_a_suppression_without_a_reason_is_an_error_and_suppresses_nothing(clean, cli):
    edit(clean / CONF, ACC01, '"The supplier must review privileged accounts regularly, every 90 days."')
    edit(clean / CONF, "    default_as: award\n", "    default_as: award\n    lint: {suppress: [{rule: R-VAGUE}]}\n")
    code, out = findings(cli)
    assert code == 1
    assert only(out) == (
        f"{CONF}:7: error R-VAGUE: SR-ACC-01: text: vague term 'regularly'\n"
        "    fix: state the interval, e.g. \"at least every 12 months\"\n"
        f"{CONF}:11: error L-SUPPRESS: SR-ACC-01: suppression of R-VAGUE has no reason\n"
        "    fix: add reason: \"why R-VAGUE does not apply here\", so a reviewer can judge it\n")


def test_suppressing_an_unknown_or_unsuppressible_rule(clean, cli):
    edit(clean / AUDIT, "changelog:", 'lint: {suppress: [{rule: R-VAGEU, reason: "typo"}, '
                                      '{rule: C-DEFAULT, reason: "we like it"}]}\nchangelog:')
    code, out = findings(cli)
    suppressible = ", ".join(r for r, v in RULES.items() if v.suppressible)
    assert code == 1
    assert only(out) == (
        f"{AUDIT}:12: error L-SUPPRESS: general.audit@1.0.0: suppression of unknown rule R-VAGEU\n"
        f"    fix: rules: {suppressible}\n"
        f"{AUDIT}:12: error L-SUPPRESS: general.audit@1.0.0: C-DEFAULT cannot be suppressed\n"
        "    fix: fix the finding; `clausegen validate` refuses it as well\n")


def test_a_suppression_key_with_a_typo_is_a_load_error(clean, cli):
    edit(clean / AUDIT, "changelog:", 'lint: {supress: []}\nchangelog:')
    result = cli("lint")
    assert result.code == 1
    assert result.err == (f"{AUDIT}:12: lint.supress: unknown key 'supress'\n"
                          "    hint: did you mean 'suppress'? known keys: suppress, periods\n")


def test_suppressions_do_not_change_the_manifest_hash(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md").code == 0
    before = json.loads((tiny / "output/tiny-case/manifest.json").read_text())["documents"]
    edit(tiny / AUDIT, "changelog:", 'lint: {suppress: [{rule: R-VAGUE, reason: "x"}]}\nchangelog:')
    assert cli("build", "profiles/case.yaml", "--format", "md", "--force").code == 0
    after = json.loads((tiny / "output/tiny-case/manifest.json").read_text())["documents"]
    assert [c["sha256"] for c in before["security-appendix"]["clauses"]] == \
           [c["sha256"] for c in after["security-appendix"]["clauses"]]


# --- Options and output -------------------------------------------------------------------------

def test_paths_limit_the_findings(tiny, cli):
    assert findings(cli, "clauses")[1] == (
        "clauses/core/exit.assets@2.0.0.md:5: error C-DEPRECATED: exit.assets@2.0.0: deprecated, and no newer active "
        "version replaces it: profiles get the older 1.1.0 unless they pin another\n"
        "    fix: add exit.assets@<newer version>.md with status: active and name it in this version's changelog; "
        "if the clause is withdrawn on purpose, suppress this with the reason\n"
        "\n1 error(s), 0 warning(s) in 3 requirements and 6 clause versions\n" + HINT)
    assert findings(cli, "catalogues/public.yaml")[1].startswith("clean:")


def test_a_path_outside_the_library_or_missing(tiny, cli):
    result = cli("lint", "profiles/case.yaml")
    assert (result.code, result.err) == (2, "profiles/case.yaml: is not in the clause library or the catalogues "
                                            "(clauses, catalogues)\n"
                                            "    hint: to lint another library, pass --library DIR --catalogue DIR\n")
    result = cli("lint", "clauses/nothing.md")
    assert (result.code, result.err) == (2, "clauses/nothing.md: no such file or folder\n")


def test_json_output(tiny, cli):
    code, out = findings(cli, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {"errors": 3, "warnings": 0, "suppressed": 0, "requirements": 3, "clauses": 6}
    assert data["findings"][0] == {
        "file": CONF, "line": 14, "rule_id": "R-MEASURE", "severity": "error", "item": "SR-ACC-02", "subject": "",
        "message": "text has no number, threshold or yes/no test",
        "fix": "add what can be counted or checked: a number, a parameter such as {{ x_days }}, a standard, or a "
               "quantifier such as \"every\" or \"no\""}
    assert set(data["rules"]) == set(RULES)


def test_own_terms_replace_the_shipped_list(clean, cli):
    edit(clean / CONF, ACC01, '"The supplier must review privileged accounts diligently every 90 days."')
    assert findings(cli)[1].startswith("clean:")
    (clean / "terms.yaml").write_text('vague_terms:\n  diligently: "say what the review must find"\n')
    assert only(findings(cli, "--terms", "terms.yaml")[1]) == (
        f"{CONF}:7: error R-VAGUE: SR-ACC-01: text: vague term 'diligently'\n"
        "    fix: say what the review must find\n")


def test_a_broken_terms_file(clean, cli):
    (clean / "terms.yaml").write_text("vague_terms:\n  diligently: 3\nverbs: []\n")
    result = cli("lint", "--terms", "terms.yaml")
    assert result.code == 1
    assert result.err == ("terms.yaml:2: vague_terms.diligently: should be a valid string; found a whole number 3\n"
                          "terms.yaml:3: verbs: unknown key 'verbs'\n"
                          "    hint: known keys: vague_terms, obligation_verbs, verification_methods, duplicate_percent, "
                          "known_names, ordinary_phrases\n")
    result = cli("lint", "--terms", "missing.yaml")
    assert (result.code, result.err) == (1, "missing.yaml: cannot read: No such file or directory\n")


def test_help_lists_every_rule_and_the_terms_file(cli, capsys):
    with pytest.raises(SystemExit):
        cli("lint", "--help")
    text = capsys.readouterr().out
    for rule_id in RULES:
        assert rule_id in text
    assert "terms.yaml" in text and "suppress" in text and "examples:" in text


def test_every_rule_has_a_test():
    source = Path(__file__).read_text() + (Path(__file__).parent / "test_lint_consistency.py").read_text()
    assert [r for r in RULES if r not in source] == []


# --- The shipped library ------------------------------------------------------------------------

def test_shipped_library_lints_clean_and_every_suppression_has_a_reason(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["lint", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["findings"] == []
    assert all(s["reason"].strip() for s in data["suppressed"])


def test_r_subject_accepts_the_defined_term(tiny, cli):
    edit(tiny / PUBLIC, INC_TEXT, INC_TEXT.replace("The supplier must", "The Supplier must"))
    assert "R-SUBJECT" not in cli("lint").out
