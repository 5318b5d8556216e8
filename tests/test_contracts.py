"""Issue 14, point 10: profiles that are valid YAML but impossible contracts.

An Exit Period longer than the term is an ERROR (the documents would have to state a notice date
before the start). A final document whose contract starts in the past is a WARNING (back-dated
contracts exist; and "the past" needs a clock, which must never change what is written)."""


import pytest
from conftest import ROOT, edit

PROFILE = "profiles/aero-municipality-managed-service.yaml"


@pytest.fixture
def real(tmp_path, monkeypatch):
    """A copy of the real library and one real profile (the tiny library has no exit timeline)."""
    import shutil

    for folder in ("clauses", "catalogues", "frameworks", "profiles"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_exit_period_longer_than_the_term_is_an_error_naming_the_parameter(real, cli):
    edit(real / PROFILE, "term_months: 48", "term_months: 6")  # the profile sets exit_period_months: 9
    result = cli("build", PROFILE, "--format", "md")
    assert result.code == 1
    line = (real / PROFILE).read_text(encoding="utf-8").split("\n").index("  exit_period_months: 9") + 1
    assert result.err.startswith(
        f"{PROFILE}:{line}: parameters.exit_period_months: the Exit Period of 9 months is longer than the term of 6 "
        "months: notice would be due on 1 October 2026, before the Agreement starts on 1 January 2027\n"
        "    hint: shorten parameters.exit_period_months or lengthen contract.term_months\n"), result.err
    assert not (real / "output").exists()
    result = cli("validate", PROFILE)
    assert result.code == 1 and f"{PROFILE}:{line}: parameters.exit_period_months: the Exit Period" in result.err


def test_a_default_exit_period_longer_than_the_term_names_the_term(real, cli):
    edit(real / PROFILE, "  exit_period_months: 9\n", "")
    edit(real / PROFILE, "term_months: 48", "term_months: 1")
    result = cli("build", PROFILE, "--format", "md")
    assert result.code == 1
    line = (real / PROFILE).read_text(encoding="utf-8").split("\n").index("  term_months: 1") + 1
    assert f"{PROFILE}:{line}: contract.term_months: the Exit Period of " in result.err, result.err


def test_an_exit_period_as_long_as_the_term_builds(real, cli):
    edit(real / PROFILE, "term_months: 48", "term_months: 9")
    assert cli("build", PROFILE, "--format", "md").code == 0
