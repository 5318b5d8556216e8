"""The Manifest model: what the build writes reads back as it was; a broken manifest is located."""

import pytest

from clausegen.errors import InputError
from clausegen.models.manifest import Manifest


def test_a_written_manifest_reads_back_byte_for_byte(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md").code == 0
    path = tiny / "output/tiny-case/manifest.json"
    manifest = Manifest.read(path)
    assert manifest.to_json() == path.read_bytes()
    assert manifest.profile.source == (tiny / "profiles/case.yaml").read_text(encoding="utf-8")
    assert manifest.documents["termination-plan"].files["md"].path == "termination-plan.md"


def test_keys_it_does_not_know_are_ignored(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md").code == 0
    path = tiny / "output/tiny-case/manifest.json"
    text = path.read_text(encoding="utf-8").replace('"risk_tier"', '"signed_by": "someone",\n  "risk_tier"', 1)
    assert Manifest.parse(text, "m.json").risk_tier == "high"


def test_a_wrong_type_is_named_with_its_line(tiny, cli):
    assert cli("build", "profiles/case.yaml", "--format", "md").code == 0
    text = (tiny / "output/tiny-case/manifest.json").read_text(encoding="utf-8")
    broken = text.replace('"version": "0.1.0"', '"version": 1', 1)
    line = broken.splitlines().index('    "version": 1') + 1
    with pytest.raises(InputError) as caught:
        Manifest.parse(broken, "m.json")
    assert [d.format() for d in caught.value.diagnostics] == [f"m.json:{line}: library.version: should be a valid string"]


def test_no_manifest(tmp_path):
    with pytest.raises(InputError) as caught:
        Manifest.read(tmp_path / "manifest.json")
    assert caught.value.diagnostics[0].message == "no manifest here"
