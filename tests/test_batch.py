"""Batch builds: worker processes, incremental rebuilds, failures that do not stop the others."""

import json
from pathlib import Path

import pytest
from conftest import edit


def second_profile(tiny: Path, profile_id: str, change: tuple[str, str] | None = None) -> str:
    text = (tiny / "profiles/case.yaml").read_text(encoding="utf-8").replace("id: tiny-case", f"id: {profile_id}")
    if change:
        assert change[0] in text
        text = text.replace(*change)
    path = tiny / f"profiles/{profile_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return f"profiles/{profile_id}.yaml"


def stamps(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_unchanged_profile_is_not_rebuilt(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md,docx").code == 0
    before = stamps(tiny / "output/tiny-case")
    result = cli("build", "profiles/case.yaml", "--format", "md,docx")
    assert result.code == 0
    assert result.out == "unchanged profiles/case.yaml -> output/tiny-case/ (inputs as before; --force rebuilds)\n"
    assert stamps(tiny / "output/tiny-case") == before


def test_force_rebuilds(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md").code == 0
    assert cli("build", "profiles/case.yaml", "--format", "md", "--force").out.startswith("built     profiles/case.yaml")


def test_a_changed_input_is_rebuilt(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md").code == 0
    edit(tiny / "clauses/core/general.parties@1.0.0.md", "This agreement", "This Agreement")
    assert cli("build", "profiles/case.yaml", "--format", "md").out.startswith("built")
    assert "This Agreement" in (tiny / "output/tiny-case/security-appendix.md").read_text(encoding="utf-8")
    edit(tiny / "profiles/case.yaml", "deletion_days: 20", "deletion_days: 21")
    assert cli("build", "profiles/case.yaml", "--format", "md").out.startswith("built")
    assert cli("build", "profiles/case.yaml", "--format", "md,docx").out.startswith("built")  # new format


def test_a_damaged_or_missing_output_file_is_rebuilt(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md").code == 0
    (tiny / "output/tiny-case/nda.md").write_text("edited by hand", encoding="utf-8")
    assert cli("build", "profiles/case.yaml", "--format", "md").out.startswith("built")
    (tiny / "output/tiny-case/nda.md").unlink()
    assert cli("build", "profiles/case.yaml", "--format", "md").out.startswith("built")
    assert (tiny / "output/tiny-case/nda.md").exists()


def test_manifest_records_the_build_key(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md").code == 0
    manifest = json.loads((tiny / "output/tiny-case/manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["build"]["key"]) == 64


def test_parallel_batch_reports_each_failure_and_builds_the_rest(tiny, cli):
    good = second_profile(tiny, "second-case")
    bad = second_profile(tiny, "bad-case", ("term_months: 48", "term_months: many"))
    result = cli("build", "profiles/case.yaml", bad, good, "--format", "md,docx", "--jobs", "2")
    assert result.code == 1
    assert "profiles/bad-case.yaml:20: contract.term_months: should be a valid integer; found text 'many'" in result.err
    assert "FAILED    profiles/bad-case.yaml: nothing written for this profile" in result.err
    assert result.out.splitlines()[-1] == "2 built, 0 unchanged, 1 failed"
    for profile_id in ("tiny-case", "second-case"):
        manifest = json.loads((tiny / f"output/{profile_id}/manifest.json").read_text(encoding="utf-8"))
        assert manifest["profile"]["id"] == profile_id
    assert not (tiny / "output/bad-case").exists()


def test_parallel_and_sequential_builds_give_the_same_bytes(tiny, cli):
    other = second_profile(tiny, "second-case")
    assert cli("build", "profiles/case.yaml", other, "--format", "md,docx", "--out", "seq").code == 0
    assert cli("build", "profiles/case.yaml", other, "--format", "md,docx", "--out", "par", "--jobs", "2").code == 0
    for profile_id in ("tiny-case", "second-case"):
        for path in (tiny / "seq" / profile_id).iterdir():
            assert path.read_bytes() == (tiny / "par" / profile_id / path.name).read_bytes(), path


def test_forked_workers_use_the_project_the_parent_loaded(tiny, cli, monkeypatch):
    """Loading the library once per batch, not once more in each worker (where workers are forked)."""
    import multiprocessing
    import os

    from clausegen.commands import build as command

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("workers are not forked here: each loads the project itself")
    loads = tiny / "loads.txt"
    real = command.load_project

    def load_project(inputs):
        with loads.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return real(inputs)

    monkeypatch.setattr(command, "load_project", load_project)  # the forked workers inherit it
    others = [second_profile(tiny, f"case-{i}") for i in range(3)]
    result = cli("build", "profiles/case.yaml", *others, "--format", "md", "--jobs", "2")
    assert result.code == 0, result.err
    assert result.out.endswith("4 built, 0 unchanged, 0 failed\n")
    assert loads.read_text(encoding="utf-8").split() == [str(os.getpid())]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_profiles_with_one_id_are_an_error(tiny, cli, jobs):
    copy = tiny / "profiles/copy.yaml"
    copy.write_text((tiny / "profiles/case.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    other = second_profile(tiny, "second-case")
    result = cli("build", "profiles/case.yaml", "profiles/copy.yaml", other, "--format", "md", "--jobs", jobs)
    assert result.code == 1
    for path, twin in (("profiles/case.yaml", "profiles/copy.yaml"), ("profiles/copy.yaml", "profiles/case.yaml")):
        assert (f"{path}:2: id: same profile id 'tiny-case' as {twin}; they would share output/tiny-case, "
                "so neither is built\n    hint: give each profile its own id") in result.err
    assert not (tiny / "output/tiny-case").exists()  # found before anything was built
    assert (tiny / "output/second-case/manifest.json").is_file()  # the others still build
    assert "1 built, 0 unchanged, 2 failed" in result.out


def test_one_file_named_twice_is_one_profile_not_a_duplicate(tiny, cli):
    result = cli("build", "profiles/case.yaml", "profiles/case.yaml", "--format", "md")
    assert "same profile id" not in result.err


def test_jobs_must_be_positive(tiny, cli):
    result = cli("build", "profiles/case.yaml", "--jobs", "0")
    assert (result.code, result.err) == (2, "--jobs: 0 is not a number of worker processes\n    hint: use 1 or more\n")


def test_progress_bar_on_a_terminal(tiny, cli, monkeypatch):
    import io

    import clausegen.commands.build as cli_module

    screen = io.StringIO()

    class Terminal(cli_module.Console):
        def __init__(self, **kwargs):
            super().__init__(**{**kwargs, "file": screen, "force_terminal": True, "width": 100})

    monkeypatch.setattr(cli_module, "Console", Terminal)
    other = second_profile(tiny, "second-case")
    result = cli("build", "profiles/case.yaml", other, "--format", "md")
    assert result.code == 0
    drawn = screen.getvalue()
    assert "building" in drawn and "2/2" in drawn  # the bar, with its count
    assert "built     profiles/second-case.yaml -> output/second-case/" in drawn  # lines printed above the bar
    assert result.out == "2 built, 0 unchanged, 0 failed\n"
