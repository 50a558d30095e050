"""The enterprise listings' shapes: farms, collection batches, shipments and readiness.

The listing rows are exactly the fields and types of the OriginTrace Enterprise API
(`GET /api/v1/farms|batches|shipments`): snake_case, timestamps ISO 8601 UTC with `Z`, dates
`YYYY-MM-DD`, absent values null.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

LIMIT_DEFAULT = 100
LIMIT_MAX = 500
SHIPMENT_ID_MAX = 200


class ComplianceStatus(enum.StrEnum):
    """A farm's compliance status."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ShipmentStatus(enum.StrEnum):
    """A shipment's status: declared (draft, ready, cancelled) or `shipped` once captured."""

    DRAFT = "draft"
    READY = "ready"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class DeclaredStatus(enum.StrEnum):
    """The statuses a client may declare; `shipped` follows from a shipping event."""

    DRAFT = "draft"
    READY = "ready"
    CANCELLED = "cancelled"


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class FarmFields(BaseModel):
    """The farm fields of a facility, as one org states them (all optional)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    farmer_name: Text | None = Field(default=None, alias="farmerName")
    farmer_id: Text | None = Field(default=None, alias="farmerId")
    phone: Text | None = None
    community: Text | None = None
    area_hectares: float | None = Field(default=None, alias="areaHectares", ge=0, le=1e7)
    commodity: Text | None = None
    compliance_status: ComplianceStatus | None = Field(default=None, alias="complianceStatus")

    def given(self) -> bool:
        """True if any farm field has a value."""
        return any(v is not None for v in self.model_dump().values())


class Meta(BaseModel):
    """Paging of a listing."""

    total: int = Field(
        description="how many rows of your org match the filter, over all pages (read from "
        "per-status tallies kept with every write: exact, and as cheap at any size)"
    )
    limit: int = Field(description="the page size asked for")
    offset: int = Field(description="rows skipped before this page")


class Farm(BaseModel):
    """A row of `GET /api/v1/farms`."""

    id: str = Field(description="the facility's canonical key, e.g. 414/0614141000012")
    farmer_name: str | None
    farmer_id: str | None
    phone: str | None
    community: str | None
    area_hectares: float | None
    commodity: str | None
    compliance_status: ComplianceStatus
    created_at: str = Field(examples=["2024-01-10T12:00:00Z"])


class Batch(BaseModel):
    """A row of `GET /api/v1/batches`."""

    id: str = Field(description="the lot's canonical key, e.g. 01/00614141000005/10/B-001")
    farm_id: str
    agent_id: str | None
    status: str = Field(examples=["completed"])
    total_weight: float = Field(description="kilograms")
    bag_count: int
    notes: str | None
    collected_at: str
    created_at: str


class Shipment(BaseModel):
    """A row of `GET /api/v1/shipments`."""

    id: str
    shipment_code: str | None
    status: ShipmentStatus
    destination_country: str | None
    destination_port: str | None
    buyer_company: str | None
    commodity: str | None
    total_weight_kg: float
    total_items: int
    readiness_score: int = Field(ge=0, le=100)
    readiness_decision: str = Field(examples=["go", "no_go", "pending"])
    estimated_ship_date: str | None = Field(examples=["2024-02-15"])
    created_at: str


class FarmPage(BaseModel):
    """`GET /api/v1/farms`."""

    data: list[Farm]
    meta: Meta


class BatchPage(BaseModel):
    """`GET /api/v1/batches`."""

    data: list[Batch]
    meta: Meta


class ShipmentPage(BaseModel):
    """`GET /api/v1/shipments`."""

    data: list[Shipment]
    meta: Meta


class ShipmentDeclare(BaseModel):
    """Body of `PUT /api/v1/shipments/{id}`: a shipment declared ahead (fields left out are
    cleared); `items` are what it carries (SSCCs, lots, serials, in any identifier form)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    shipment_code: Text | None = Field(default=None, alias="shipmentCode")
    status: DeclaredStatus = DeclaredStatus.DRAFT
    buyer_company: Text | None = Field(default=None, alias="buyerCompany")
    destination_country: Text | None = Field(default=None, alias="destinationCountry")
    destination_port: Text | None = Field(default=None, alias="destinationPort")
    commodity: Text | None = None
    estimated_ship_date: date | None = Field(default=None, alias="estimatedShipDate")
    items: list[Annotated[str, StringConstraints(min_length=1, max_length=1000)]] = Field(
        default_factory=list, max_length=10_000
    )

    @field_validator("estimated_ship_date", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        # a number is not a date (pydantic would read it as seconds since 1970)
        if value is not None and (not isinstance(value, str) or len(value) != 10):
            raise ValueError("must be a date YYYY-MM-DD")
        return value


class FarmEvidence(BaseModel):
    """A farm a shipment's weight traces back to."""

    farm_id: str
    compliance_status: str
    weight_kg: float
    share_percent: float


class ReadinessEvidence(BaseModel):
    """`GET /api/v1/shipments/{id}/readiness`: the score and how it was reached."""

    shipment_id: str
    readiness_score: int
    readiness_decision: str
    threshold: int
    total_weight_kg: float
    approved_weight_kg: float
    untraced_weight_kg: float
    total_items: int
    items: list[str] = Field(description="what the shipment carries (canonical keys)")
    farms: list[FarmEvidence]
