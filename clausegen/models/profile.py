"""Risk profile, format version 1 (see PRODUCT.md)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator

from clausegen.models.base import Model
from clausegen.models.base import ValueLine as Line
from clausegen.models.base import ValueText as Text

PROFILE_FORMAT = 1

# EU member states plus the EEA states Iceland, Liechtenstein and Norway.
EEA = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)
_COUNTRY = re.compile(r"[A-Z]{2}")


def _country(value: str) -> str:
    if value != "EU" and not _COUNTRY.fullmatch(value):
        raise ValueError(f"{value!r} is not an ISO 3166 two-letter country code (or EU); quote codes like \"NO\"")
    return value


def _iso_date(value: str) -> str:
    try:
        dt.date.fromisoformat(value)
    except ValueError as e:
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD") from e
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
    return value


Country = Annotated[str, AfterValidator(_country)]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
ProfileId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)]
Level = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]

ServiceKind = Literal["hosting", "operations", "support", "development", "saas", "iaas", "paas"]


class Client(Model):
    name: Line
    country: Country
    sector: Literal["public", "private"]


class Supplier(Model):
    name: Line
    country: Country
    relative_size: Literal["smaller", "similar", "larger"]


class Service(Model):
    description: Text
    kinds: list[ServiceKind] = Field(min_length=1)
    cloud: bool


class Data(Model):
    classification: Level
    personal_data: bool
    special_categories: bool
    locations: list[Country] = Field(min_length=1)


class Criticality(Model):
    business_critical: bool
    critical_to_society: bool


class SubSupplier(Model):
    name: Line
    country: Country
    service: Line
    access_to_data: bool


class Procurement(Model):
    mode: Literal["tender", "direct", "framework"]
    requirements_as: Literal["minimum", "award", "mixed"]


class Contract(Model):
    start: IsoDate
    term_months: int = Field(ge=1, le=600)


class Exclusion(Model):
    id: str
    reason: Text


class Tailoring(Model):
    """Requirement ids to leave out (a minimum requirement needs a reason) or to add from higher levels."""

    exclude: list[str | Exclusion] = Field(default_factory=list)
    add: list[str] = Field(default_factory=list)


class DocumentControl(Model):
    """Document control shown on every page and in the file properties. Optional; every field has a
    default, and with no date none is shown (the build never reads the clock)."""

    status: Literal["draft", "final"] = "draft"
    revision: int = Field(default=1, ge=1, le=9999)
    date: IsoDate | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_not_null(cls, value: Any) -> Any:
        if value is None:  # leaving the key out means "no date"; an explicit null is a mistake
            raise ValueError("is null")
        return value


class Profile(Model):
    profile: Literal[1]
    id: ProfileId
    title: Line
    language: Literal["en"]
    client: Client
    supplier: Supplier
    service: Service
    data: Data
    criticality: Criticality
    sub_suppliers: list[SubSupplier]
    procurement: Procurement
    contract: Contract
    parameters: dict[str, Any] = Field(default_factory=dict)
    pins: dict[str, str] = Field(default_factory=dict)
    tailoring: Tailoring = Field(default_factory=Tailoring)
    document: DocumentControl = Field(default_factory=DocumentControl)


# The profile fields a clause template may read, and their models (for attribute checks).
TEMPLATE_FIELDS: dict[str, Any] = {
    "title": str,
    "client": Client,
    "supplier": Supplier,
    "service": Service,
    "data": Data,
    "criticality": Criticality,
    "sub_suppliers": list[SubSupplier],
    "procurement": Procurement,
    "contract": Contract,
}
