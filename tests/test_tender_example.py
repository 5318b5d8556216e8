"""The README's "Running a tender", step by step, on the shipped example and the real library."""

import json
import re
import shutil

import openpyxl
import pytest
from conftest import ROOT

from clausegen.cli import main

PROFILE = "examples/tender/aero-municipality-tender.yaml"
NORDIC = "examples/tender/answers/nordic-hosting.xlsx"
BALTIC = "examples/tender/answers/baltic-it.xlsx"
STALE = "the shipped answered matrices no longer match the example tender: run scripts/make_tender_example.py"


@pytest.fixture
def clone(tmp_path, monkeypatch):
    """The inputs of a clean clone, in a folder of their own."""
    for folder in ("clauses", "catalogues", "frameworks", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args):
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_running_a_tender_from_the_readme(clone, capsys):
    readme = (ROOT / "README.md").read_text()
    steps = [f"clausegen build {PROFILE} --documents tender-requirements --format md,docx,pdf,xlsx",
             f"clausegen evaluate {PROFILE} {NORDIC} {BALTIC}",
             f"clausegen build {PROFILE} --answers {NORDIC}"]
    assert all(step in readme for step in steps)
    folder = clone / "output/aero-municipality-tender"

    code, _, err = run(capsys, *steps[0].split()[1:])
    assert code == 0, err
    issued = openpyxl.load_workbook(folder / "tender-requirements.xlsx")["Requirements"]
    assert issued.max_row > 80

    code, out, err = run(capsys, *steps[1].split()[1:])
    assert code == 0, f"{STALE}\n{err}"
    report = (folder / "evaluation.md").read_text()
    assert re.search(r"\| Nordic Hosting A/S \| (\d+) of \1 \| Compliant: every minimum requirement answered yes "
                     r"\| 35 of 50 \|", report)
    assert re.search(r"\| Baltic IT Services UAB \| (\d+) of \d+ \| Reject: 1 minimum requirement not answered yes "
                     r"\| Not scored: rejected \|", report)

    code, _, err = run(capsys, *steps[2].split()[1:])
    assert code == 0, err
    appendix = (folder / "security-appendix.md").read_text()
    assert "Schedule: the Supplier's committed solution (Nordic Hosting A/S)" in appendix
    assert "Partly: to the extent described" in appendix
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["answers"]["file"] == "nordic-hosting.xlsx"
    assert (folder / "evaluation.md").exists()  # the contract build leaves the evaluation in place


def test_the_rejected_tender_cannot_win(clone, capsys):
    code, _, err = run(capsys, "build", PROFILE, "--format", "md", "--answers", BALTIC)
    assert code == 1
    assert "baltic-it.xlsx: Requirements!F" in err and "cannot be awarded" in err


def test_the_tender_publishes_the_weights_and_rule_that_evaluate_applies(clone, capsys):
    """Procurement rules: the method published in the tender is the one applied to the answers."""
    import yaml

    profile = "examples/tender/aero-municipality-tender.yaml"
    code, _, err = run(capsys, "build", profile, "--documents", "tender-requirements", "--format", "md")
    assert code == 0, err
    text = next(clone.glob("output/*/tender-requirements.md")).read_text(encoding="utf-8")
    weights = yaml.safe_load((clone / profile).read_text(encoding="utf-8"))["procurement"]["award_weights"]
    assert weights
    for requirement_id, weight in weights.items():
        assert f"- {requirement_id}: {weight} points\n" in text
    assert 'an answer "partly" earns half of it' in text and "scale from 0 to 10" not in text
