"""Issue 14, point 10: profiles that are valid YAML but impossible contracts.

An Exit Period longer than the term is an ERROR (the documents would have to state a notice date
before the start). A final document whose contract starts in the past is a WARNING (back-dated
contracts exist; and "the past" needs a clock, which must never change what is written)."""

import datetime as dt

import pytest
from conftest import ROOT, edit

from clausegen import contract_checks
from clausegen.loading import load_profile

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


# --- a final document whose contract starts in the past: a warning only ----------------------------------
# The check alone (every combination, with an injected clock), then through build and validate.

def _case(real, status: str, date: str | None):
    from types import SimpleNamespace

    loaded = load_profile(real / PROFILE)
    profile = SimpleNamespace(contract=loaded.profile.contract, document=SimpleNamespace(status=status, date=date))
    return profile, loaded.located


@pytest.mark.parametrize("status, date, today, warned", [
    ("final", "2027-02-01", None, "before its date (2027-02-01)"),
    ("final", "2026-12-01", dt.date(2030, 1, 1), None),      # dated before the start: fine, whatever today is
    ("final", None, dt.date(2027, 3, 1), "before today (2027-03-01)"),
    ("final", None, dt.date(2026, 3, 1), None),
    ("final", None, None, None),                              # no clock given (a library caller): no warning
    ("draft", "2027-02-01", dt.date(2030, 1, 1), None),       # a draft may start in the past
])
def test_a_final_document_starting_in_the_past_is_a_warning(real, status, date, today, warned):
    profile, located = _case(real, status, date)
    found = contract_checks.doubtful(profile, located, today)
    if warned is None:
        assert found == []
    else:
        line = located.line(("contract", "start"))
        assert [d.format() for d in found] == [
            f"{PROFILE}:{line}: contract.start: the document is marked final but the contract starts on "
            f"2027-01-01, {warned}\n    hint: check contract.start, or mark the document draft"]


def test_the_clock_never_changes_what_is_written(real, cli, monkeypatch):
    """`today` reaches only the messages: builds on two days give the same bytes."""
    import hashlib

    from clausegen.commands import build as command

    def digests():
        folder = real / "output/aero-municipality-managed-service"
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    class Then(dt.date):
        @classmethod
        def today(cls):
            return dt.date(2035, 1, 1)

    assert cli("build", PROFILE, "--format", "md,docx").code == 0
    first = digests()
    monkeypatch.setattr(command, "date", Then)
    assert cli("build", PROFILE, "--format", "md,docx", "--force").code == 0
    assert digests() == first


@pytest.mark.parametrize("document, warned", [
    ('{status: final, date: "2027-02-01"}', "before its date (2027-02-01)"),
    ('{status: final, date: "2026-12-01"}', None),
    ('{status: draft, date: "2027-02-01"}', None),
])
def test_a_final_document_through_build_and_validate(real, cli, document, warned):
    text = (real / PROFILE).read_text(encoding="utf-8")
    (real / PROFILE).write_text(text.replace("\ncontract:", f"\ndocument: {document}\ncontract:", 1), encoding="utf-8")
    line = (real / PROFILE).read_text(encoding="utf-8").split("\n").index('  start: "2027-01-01"') + 1
    message = (f"{PROFILE}:{line}: contract.start: the document is marked final but the contract starts "
               f"on 2027-01-01, {warned}")
    for args in (("build", PROFILE, "--format", "md"), ("validate", PROFILE)):
        result = cli(*args)
        assert result.code == 0, result.err
        assert (message in result.err) == (warned is not None), result.err
