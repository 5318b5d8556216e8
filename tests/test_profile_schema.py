"""The published JSON Schema of the profile: generated from the model, in sync, and agreeing with
the loader on the example profiles and on typical mistakes."""

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, TINY

from clausegen.loading import strict_yaml
from clausegen.models.profile_schema import profile_schema, text

SCHEMA_FILE = ROOT / "schema" / "profile.schema.json"
EXAMPLES = sorted((ROOT / "profiles").glob("*.yaml"))


def read(path: Path) -> dict:
    return strict_yaml.read(path.read_text(encoding="utf-8"), str(path)).data


def problems(data: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(profile_schema())
    return sorted(f"{'.'.join(str(p) for p in e.absolute_path)}: {e.validator}" for e in validator.iter_errors(data))


def test_published_schema_is_the_generated_one():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == text(), \
        "schema/profile.schema.json is stale: run .venv/bin/python scripts/make_profile_schema.py"


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_profiles_name_the_schema_and_pass_it(path):
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../schema/profile.schema.json\n")
    assert problems(read(path)) == []


def test_schema_refuses_what_the_loader_refuses():
    data = read(TINY / "profiles" / "case.yaml")
    assert problems(data) == []
    assert problems({**data, "clowd": True}) == [": additionalProperties"]
    assert problems({**data, "client": {**data["client"], "country": "UK"}}) == ["client.country: enum"]
    assert problems({**data, "service": {**data["service"], "support_hours": "24/7"}}) == [
        "service.support_hours: enum"]
    sub = {**data["sub_suppliers"][0], "transfer": None}
    assert problems({**data, "sub_suppliers": [sub]}) == ["sub_suppliers.0.transfer: enum", "sub_suppliers.0.transfer: type"]


def test_supplier_is_optional_only_in_a_tender():
    data = read(TINY / "profiles" / "case.yaml")
    without = {k: v for k, v in data.items() if k != "supplier"}
    assert problems(without) == []  # the tiny case is a tender
    direct = {**without, "procurement": {**without["procurement"], "mode": "direct"}}
    assert problems(direct) == [": required"]
