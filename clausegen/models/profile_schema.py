"""The JSON Schema of profile format 1, generated from the pydantic model.

Editors use it to complete and check profiles as they are typed (`# yaml-language-server:
$schema=...` on the first line). It is published as schema/profile.schema.json, written by
scripts/make_profile_schema.py; a test keeps the file equal to what this module generates.
"""

from __future__ import annotations

import json
from typing import Any

from clausegen.models import countries
from clausegen.models.profile import Profile

SCHEMA_ID = "https://clausegen.invalid/schema/profile.schema.json"  # a name, never fetched


def profile_schema() -> dict[str, Any]:
    schema = _without_null(Profile.model_json_schema())
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
    schema["title"] = "clausegen risk profile (format 1)"
    schema["description"] = "One IT-outsourcing case. See docs/format.md; unknown keys are errors."
    # `supplier` may be left out only in a tender (checked by the model as well).
    schema["required"] = [k for k in schema["required"] if k != "supplier"]
    schema["if"] = {"properties": {"procurement": {"properties": {"mode": {"const": "tender"}}}}}
    schema["else"] = {"required": ["supplier"]}
    schema["$defs"]["CountryCode"] = {
        "type": "string",
        "description": "ISO 3166-1 alpha-2 country code, EU, or EL (Greece, as the EU writes it)",
        "enum": sorted(set(countries.names_by_code()) | {"EU", *countries.EU_ALIASES}),
    }
    _country_refs(schema)
    # Derived from service.cloud when left out: no single default.
    schema["$defs"]["Service"]["properties"]["delivery"].pop("default")
    return schema


def text() -> str:
    """The schema as the published file holds it."""
    return json.dumps(profile_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _without_null(node: Any) -> Any:
    """Optional keys are left out, never written as null (the loader refuses null): drop the null
    alternative pydantic adds for `X | None`, and the `default: null` that goes with it."""
    if isinstance(node, list):
        return [_without_null(n) for n in node]
    if not isinstance(node, dict):
        return node
    node = {k: _without_null(v) for k, v in node.items()}
    options = node.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        node.pop("anyOf")
        if node.get("default", "") is None:
            node.pop("default")
        node = {**rest[0], **node} if len(rest) == 1 else {"anyOf": rest, **node}
    return node


# Fields that hold country codes: the model checks them with a validator, which JSON Schema cannot
# see, so the schema lists the codes.
_COUNTRY_FIELDS = {("Client", "country"), ("Supplier", "country"), ("SubSupplier", "country"),
                   ("Data", "locations")}


def _country_refs(schema: dict[str, Any]) -> None:
    for model, field in _COUNTRY_FIELDS:
        prop = schema["$defs"][model]["properties"][field]
        ref = {"$ref": "#/$defs/CountryCode"}
        if prop.get("type") == "array":
            prop["items"] = ref
        else:
            schema["$defs"][model]["properties"][field] = {**ref, **{k: v for k, v in prop.items() if k != "type"}}
