"""The validated project every stage after validation reads: library, catalogue, register, and what is
derived from them once (parsed conditions, the global parameter table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clausegen import conditions as cond
from clausegen.models.catalogue import Catalogue
from clausegen.models.framework import Framework
from clausegen.models.library import Library


@dataclass(frozen=True)
class Project:
    """Validated inputs, with conditions parsed and parameters gathered. Immutable."""

    library: Library
    catalogue: Catalogue
    frameworks: tuple[Framework, ...]
    fields: dict[str, cond.FieldSpec]
    clause_conditions: dict[tuple[str, str], cond.Condition]
    requirement_conditions: dict[str, cond.Condition]
    document_conditions: dict[str, cond.Condition]
    tier_conditions: tuple[tuple[str, cond.Condition], ...]
    parameters: dict[str, Any]
    source_items: dict[str, str] = field(default_factory=dict)  # id -> summary
    mandatory_conditions: dict[str, cond.Condition] = field(default_factory=dict)  # requirement id -> condition
    law_items: frozenset[str] = frozenset()  # register items of frameworks marked `law: true`
    # Content hashes of clauses and requirements, filled on first use (manifest.content_hash):
    # the same clause is hashed once per process, not once per profile and document.
    content_hashes: dict[tuple[str, str, str], str] = field(default_factory=dict, compare=False, repr=False)
