"""Risk profile, format version 1 (see PRODUCT.md)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from clausegen import periods
from clausegen.models import countries
from clausegen.models.base import Model
from clausegen.models.base import ValueLine as Line
from clausegen.models.base import ValueText as Text

PROFILE_FORMAT = 1

EEA = countries.EEA


class Ordered:
    """Marks a Literal field whose values are listed lowest first, so conditions may use `at_least`."""


ORDERED = Ordered()


def _country(value: str) -> str:
    problem = countries.problem(value)
    if problem:
        raise ValueError(problem)
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
    relative_size: Annotated[Literal["smaller", "similar", "larger"], ORDERED]


Delivery = Literal["client-premises", "supplier-premises", "cloud"]
SupportHours = Literal["24x7", "business-hours"]
Transfer = Literal["adequacy", "dpf", "scc", "bcr"]


class Service(Model):
    description: Text
    kinds: list[ServiceKind] = Field(min_length=1)
    cloud: bool
    # Where the service runs. Default (filled in before validation): cloud when `cloud` is true,
    # else supplier-premises: what the text assumed before the key existed.
    delivery: Delivery = Field("supplier-premises", description="where the service runs; default: cloud when "
                               "service.cloud is true, else supplier-premises")
    support_hours: SupportHours = Field("business-hours", description="when the service desk answers")

    @model_validator(mode="before")
    @classmethod
    def _default_delivery(cls, data: Any) -> Any:
        if isinstance(data, dict) and "delivery" not in data:
            return {**data, "delivery": "cloud" if data.get("cloud") is True else "supplier-premises"}
        return data

    @field_validator("delivery")
    @classmethod
    def _delivery_fits_cloud(cls, value: str, info: ValidationInfo) -> str:
        if value == "cloud" and info.data.get("cloud") is False:
            raise ValueError("is cloud, but service.cloud is false; set service.cloud: true, or say where the "
                             "service runs: client-premises or supplier-premises")
        return value


class Data(Model):
    classification: Level
    personal_data: bool
    special_categories: bool
    locations: list[Country] = Field(min_length=1)


class Criticality(Model):
    business_critical: bool
    critical_to_society: bool
    nis2: Annotated[Literal["none", "important", "essential"], ORDERED] = Field(
        "none", description="the client's status under NIS2 (Directive (EU) 2022/2555): essential or important "
                            "entity, or none")
    dora: bool = Field(False, description="the client is a financial entity under DORA (Regulation (EU) 2022/2554)")
    dora_critical_function: bool | None = Field(
        None, description="with dora: true, whether the service supports a critical or important function of the "
                          "client (DORA Art. 30(3)); not stated when left out")

    @field_validator("dora_critical_function", mode="before")
    @classmethod
    def _critical_function_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("is null")
        return value

    @field_validator("dora_critical_function")
    @classmethod
    def _critical_function_needs_dora(cls, value: bool, info: ValidationInfo) -> bool:
        if info.data.get("dora") is not True:
            raise ValueError("is set, but criticality.dora is not true; the critical or important functions are "
                             "those of a financial entity under DORA")
        return value


class SubSupplier(Model):
    name: Line
    country: Country
    service: Line
    access_to_data: bool
    transfer: Transfer | None = Field(None, description="the GDPR Chapter V transfer mechanism for a sub-supplier "
                                      "outside the EU/EEA with access to data; none stated when left out")

    @field_validator("transfer", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("is null")
        return value

    @field_validator("transfer")
    @classmethod
    def _transfer_needed(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if info.data.get("access_to_data") is False:
            raise ValueError("the sub-supplier has no access to data, so nothing is transferred; remove `transfer`")
        if country and countries.in_eea(country):
            raise ValueError(f"{country} is in the EU/EEA, where no transfer mechanism is needed; remove `transfer`")
        if value == "dpf" and country and country != "US":
            raise ValueError(f"dpf (the EU-US Data Privacy Framework) covers only the United States, not {country}")
        return value


Weight = Annotated[int, Field(ge=1, le=1000)]


class Procurement(Model):
    mode: Literal["tender", "direct", "framework"]
    requirements_as: Literal["minimum", "award", "mixed"]
    # Award criterion id -> weight, published in the tender and used by `clausegen evaluate` to
    # score answers (yes: the weight, partly: half of it, no or none: 0). Default: no scores.
    award_weights: dict[str, Weight] = Field(default_factory=dict)


class Contract(Model):
    start: IsoDate
    term_months: int = Field(ge=1, le=600)

    @model_validator(mode="after")
    def _term_ends_within_the_calendar(self) -> Contract:
        """Clauses print the term's last day (clausegen.periods): 600 months from 9990-01-01 have none."""
        try:
            periods.term_end(dt.date.fromisoformat(self.start), self.term_months)
        except periods.PeriodError as e:
            error = PydanticCustomError("term_outside_calendar", str(e))
            raise ValidationError.from_exception_data(
                "Contract", [InitErrorDetails(type=error, loc=("term_months",), input=self.term_months)]) from e
        return self


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
    supplier: Supplier | None = Field(None, description="required unless procurement.mode is tender")
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

    @field_validator("supplier", mode="before")
    @classmethod
    def _supplier_not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("is null")
        return value

    @model_validator(mode="after")
    def _supplier_unless_tender(self) -> Profile:
        if self.supplier is None and self.procurement.mode != "tender":
            error = PydanticCustomError("missing_supplier", "required, but missing: only a tender "
                                        "(procurement.mode: tender) may leave the supplier out")
            raise ValidationError.from_exception_data(
                "Profile", [InitErrorDetails(type=error, loc=("supplier",), input={})])
        return self


# The profile fields a clause template may read, and their models (for attribute checks).
TEMPLATE_FIELDS: dict[str, Any] = {
    "title": str,
    "client": Client,
    "supplier": Supplier,  # None in tender mode without a supplier, and always in the tender specification
    "service": Service,
    "data": Data,
    "criticality": Criticality,
    "sub_suppliers": list[SubSupplier],
    "procurement": Procurement,
    "contract": Contract,
}
