"""The shipped library read as a lawyer would: amounts that must agree with each other do, in every
example profile and at every risk tier."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from clausegen import loading
from clausegen.pipeline import Inputs, load_project
from clausegen.selection import select

PROFILES = sorted((ROOT / "profiles").glob("*.yaml"))


@pytest.fixture(scope="module")
def project():
    return load_project(Inputs(ROOT / "clauses", ROOT / "catalogues", ROOT / "frameworks"))


def values(project, path: Path) -> dict[str, object]:
    loaded = loading.load_profile(path)
    selection = select(loaded.profile, project, loaded.located)
    return {name: p.value for name, p in selection.parameters.items()}


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_insurance_cover_is_never_below_the_liability_cap_floor(project, path: Path):
    p = values(project, path)
    assert p["cyber_insurance_million_eur"] >= p["liability_cap_minimum_million_eur"]


def test_liability_insurance_and_penalties_rise_with_the_risk_tier(project):
    tiers = project.library.meta.risk_tiers
    names = ("liability_cap_minimum_million_eur", "cyber_insurance_million_eur", "penalty_per_day_eur",
             "penalty_cap_percent", "nda_liquidated_damages_eur")
    for name in names:
        ladder = [t.parameters[name] for t in tiers]
        assert ladder == sorted(ladder), name
        assert ladder[-1] > ladder[0], name
    for tier in tiers:
        assert tier.parameters["cyber_insurance_million_eur"] >= tier.parameters["liability_cap_minimum_million_eur"]
        # One breach of the NDA costs a small part of what the liability cap must at least allow.
        floor = tier.parameters["liability_cap_minimum_million_eur"] * 1_000_000
        assert tier.parameters["nda_liquidated_damages_eur"] * 10 <= floor, tier.id


def test_a_personal_data_breach_is_never_notified_later_than_a_security_incident(project):
    """A Personal Data Breach is a Security Incident: its own period may only be the same or shorter."""
    checked = 0
    for level in project.catalogue.levels:
        p = level.parameters
        if "personal_data_breach_notice_hours" in p and "incident_notice_hours" in p:
            assert p["personal_data_breach_notice_hours"] <= p["incident_notice_hours"], level.level
            checked += 1
    assert checked >= 3
