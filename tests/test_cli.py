"""The commands as a user runs them: output, exit status and help."""

import subprocess
import sys

from conftest import edit


def test_validate_ok(tiny, cli):
    result = cli("validate")
    assert (result.code, result.out) == (0, "ok: library clauses, catalogues catalogues, register frameworks, "
                                             "1 profile(s)\n")


def test_validate_lists_every_problem_and_exits_1(tiny, cli):
    edit(tiny / "profiles/case.yaml", "cloud: false", "cloud: false\n  clowd: true")
    edit(tiny / "clauses/core/general.audit@1.0.0.md", "at_least: high", "at_least: severe")
    result = cli("validate")
    assert result.code == 1
    assert result.err == (
        "clauses/core/general.audit@1.0.0.md:8: condition.at_least: risk_tier is never severe\n"
        "    hint: values: basic, high\n"
        "profiles/case.yaml:11: service.clowd: unknown key 'clowd'\n"
        "    hint: did you mean 'cloud'? known keys: description, kinds, cloud, delivery, support_hours\n"
        "2 problem(s) in library clauses, catalogues catalogues, register frameworks, 1 profile(s)\n")


def test_validate_renders_every_selected_clause(tiny, cli):
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "{{ supplier.name }}", "{{ supplier.name ~ 'x' * 200000 }}")
    result = cli("validate")
    assert result.code == 1
    assert result.err.startswith("clauses/core/general.parties@1.0.0.md:11: general.parties@1.0.0: unsafe template "
                                 "construct: repetition would produce more than 100000 items")


def test_validate_missing_path(tiny, cli):
    result = cli("validate", "profiles/nope.yaml")
    assert result.code == 1
    assert result.err.startswith("profiles/nope.yaml: no such file or folder\n")


def test_explain_shows_tier_parameters_and_every_decision(tiny, cli):
    result = cli("explain", "profiles/case.yaml")
    assert result.code == 0
    lines = result.out.splitlines()
    assert "risk tier    high: Confidential or business-critical." in lines
    assert "  because    data.classification at least confidential (is confidential)" in lines
    assert "  audit_interval_months = 12  (tier high)" in lines
    assert "  deletion_days = 20  (profile)" in lines
    assert "  + exit.assets@1.0.0 (pinned; 1.1.0 available)  when always" in lines
    assert "  + general.audit@1.0.0  when risk_tier at least high (is high)" in lines
    assert "  - SR-ACC-02  left out: service.cloud = true (is false)" in lines


def test_explain_lists_clauses_left_out_and_documents_not_built(tiny, cli):
    edit(tiny / "profiles/case.yaml", "classification: confidential", "classification: public")
    edit(tiny / "profiles/case.yaml", "mode: tender", "mode: direct")
    lines = cli("explain", "profiles/case.yaml").out.splitlines()
    assert "  - general.audit@1.0.0  left out: risk_tier at least high (is basic)" in lines
    assert "document tender-requirements: not built, because procurement.mode = tender (is direct) is false" in lines


def test_no_traceback_for_a_broken_profile(tiny):
    (tiny / "profiles/case.yaml").write_bytes(b"\xff\xfe not yaml")
    result = subprocess.run([sys.executable, "-m", "clausegen", "build", "profiles/case.yaml"], cwd=tiny,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("profiles/case.yaml:1: not valid UTF-8 at byte offset 0")


def test_help_teaches(cli, capsys):
    import pytest

    with pytest.raises(SystemExit) as info:
        cli("build", "--help")
    assert info.value.code == 0
    text = capsys.readouterr().out
    for fragment in ("examples:", "--jobs", "--force", "--templates", "manifest.json"):
        assert fragment in text


def test_no_command_prints_help_and_exits_2(cli):
    result = cli()
    assert result.code == 2 and "COMMAND" in result.out
