"""Facts derived from a profile: the risk tier, the classification level and data transfers.

The tier is never typed in: the library's `risk_tiers` conditions decide it, highest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clausegen import conditions as cond
from clausegen.models import countries
from clausegen.models.catalogue import LevelSpec
from clausegen.models.library import RiskTier
from clausegen.models.profile import Profile, SubSupplier


@dataclass(frozen=True)
class Facts:
    values: dict[str, Any]  # dotted condition field -> value
    tier: RiskTier
    tier_reason: str
    level: LevelSpec
    third_countries: tuple[str, ...]

    @property
    def transfers_outside_eea(self) -> bool:
        return bool(self.third_countries)


def third_countries(profile: Profile) -> tuple[str, ...]:
    """Countries outside the EU/EEA where client data is stored, processed or reachable by a sub-supplier."""
    places = set(profile.data.locations) | {s.country for s in profile.sub_suppliers if s.access_to_data}
    return tuple(sorted(c for c in places if not countries.in_eea(c)))


def remote_access_countries(profile: Profile) -> tuple[str, ...]:
    """Countries from which a sub-supplier reaches client data that `data.locations` does not list
    (a location `EU` covers the EU member states)."""
    listed = {countries.canonical(c) for c in profile.data.locations}
    reached = {s.country for s in profile.sub_suppliers if s.access_to_data}
    return tuple(sorted(c for c in reached if countries.canonical(c) not in listed
                        and not ("EU" in listed and countries.canonical(c) in countries.EU_MEMBERS)))


def third_country_sub_suppliers(profile: Profile) -> list[tuple[int, SubSupplier]]:
    """Sub-suppliers (with their index) that reach client data from outside the EU/EEA."""
    return [(i, s) for i, s in enumerate(profile.sub_suppliers) if s.access_to_data and not countries.in_eea(s.country)]


def without_transfer(profile: Profile) -> list[tuple[int, SubSupplier]]:
    """Those of them with no transfer mechanism stated: it must be agreed before any transfer."""
    return [(i, s) for i, s in third_country_sub_suppliers(profile) if s.transfer is None]


def derive(profile: Profile, tiers: list[RiskTier], tier_conditions: tuple[tuple[str, cond.Condition], ...],
           levels: list[LevelSpec], fields: dict[str, cond.FieldSpec]) -> Facts:
    values: dict[str, Any] = {}
    dumped = profile.model_dump()
    for name in fields:
        node: Any = dumped
        for part in name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        values[name] = node
    outside = third_countries(profile)
    values["third_countries"] = list(outside)
    values["transfers_outside_eea"] = bool(outside)
    values["transfer_mechanism_missing"] = bool(without_transfer(profile))
    values["transfer_mechanisms"] = sorted({s.transfer for _, s in third_country_sub_suppliers(profile) if s.transfer})
    values["supplier_known"] = profile.supplier is not None
    values["remote_access_countries"] = list(remote_access_countries(profile))
    # A supplier established outside the EU/EEA: the Client's own transfer to it is a Chapter V
    # transfer, and a judgment of the Client's courts may not be enforceable against it.
    values["supplier_outside_eea"] = profile.supplier is not None and not countries.in_eea(profile.supplier.country)
    by_id = {t.id: t for t in tiers}
    chosen, reason = tiers[0], "no higher tier applies"
    for tier_id, condition in reversed(tier_conditions):
        ok, why = cond.trace(condition, values, fields)
        if ok:
            chosen, reason = by_id[tier_id], why
            break
    values["risk_tier"] = chosen.id
    level = next(lvl for lvl in levels if lvl.id == profile.data.classification)
    return Facts(values, chosen, reason, level, outside)
