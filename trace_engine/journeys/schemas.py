"""Journey and stage bodies, answers and list parameters (camelCase or snake_case in, camelCase
out; ROAD/SEA/RAIL/AIR accepted as TRUCK/SHIP/TRAIN/PLANE)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    field_validator,
)

from trace_engine.kit.bounds import MAX_POSITION, MAX_QUANTITY, SAFE_INTEGER
from trace_engine.kit.inputs import CamelInput, CamelOutput, id_text, not_nullable, refuse_null
from trace_engine.kit.metadata import Metadata

# the older document's transport modes → the later document's
_TRANSPORT_ALIASES = {"ROAD": "TRUCK", "SEA": "SHIP", "RAIL": "TRAIN", "AIR": "PLANE"}


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _transport(value: Any) -> Any:
    value = _upper(value)
    return _TRANSPORT_ALIASES.get(value, value) if isinstance(value, str) else value


def _process_text(value: Any) -> Any:
    # the older document has internal_process as a boolean; the later one a description
    return str(value).lower() if isinstance(value, bool) else value


CompanyType = Annotated[Literal["SUPPLIER", "COMPANY"], BeforeValidator(_upper)]
TransportMode = Annotated[
    Literal["TRUCK", "SHIP", "TRAIN", "PLANE"],
    BeforeValidator(_transport),
    Field(description="TRUCK, SHIP, TRAIN or PLANE (ROAD, SEA, RAIL, AIR accepted)"),
]
PartyId = Annotated[
    str,
    BeforeValidator(id_text),
    Field(min_length=1, max_length=500),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": 500},
                {"type": "integer", "minimum": -SAFE_INTEGER, "maximum": SAFE_INTEGER},
            ]
        }
    ),
]
ProcessText = Annotated[
    str,
    BeforeValidator(_process_text),
    Field(max_length=5000),
    WithJsonSchema({"anyOf": [{"type": "string", "maxLength": 5000}, {"type": "boolean"}]}),
]
# strict: `false` is not 0; bounded, so a journey's totals cannot overflow
NonNegative = Annotated[float, Field(ge=0, le=MAX_QUANTITY, allow_inf_nan=False, strict=True)]


# -- stage types -------------------------------------------------------------------------------


class StageType(CamelOutput):
    """One stage type offered on the traceability canvas."""

    id: str
    code: str
    label: str
    icon: str


def _stage_type(code: str, label: str, icon: str) -> StageType:
    ident = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:trace-engine:stage-type:{code}"))
    return StageType(id=ident, code=code, label=label, icon=icon)


STAGE_TYPES: tuple[StageType, ...] = (
    _stage_type("RAW_MATERIAL", "Raw material", "sprout"),
    _stage_type("HARVESTING", "Harvesting", "wheat"),
    _stage_type("SPINNING", "Spinning", "spool"),
    _stage_type("WEAVING", "Weaving", "grid"),
    _stage_type("KNITTING", "Knitting", "needle"),
    _stage_type("DYEING", "Dyeing", "droplet"),
    _stage_type("PROCESSING", "Processing", "factory"),
    _stage_type("CUTTING", "Cutting", "scissors"),
    _stage_type("SEWING", "Sewing", "shirt"),
    _stage_type("FINISHING", "Finishing", "sparkles"),
    _stage_type("PACKAGING", "Packaging", "package"),
    _stage_type("TRANSPORT", "Transport", "truck"),
    _stage_type("WAREHOUSING", "Warehousing", "warehouse"),
    _stage_type("DISTRIBUTION", "Distribution", "network"),
    _stage_type("RETAIL", "Retail", "store"),
)


# -- stages ------------------------------------------------------------------------------------


def _company_rule(schema: dict[str, Any]) -> None:
    # the companyType rule (`check_company`), in JSON Schema
    schema["allOf"] = [
        {
            "if": {"properties": {"companyType": {"const": kind}}, "required": ["companyType"]},
            "then": {"required": [field], "properties": {field: {"not": {"type": "null"}}}},
        }
        for kind, field in (("SUPPLIER", "supplierId"), ("COMPANY", "companyId"))
    ]


class StageCreate(CamelInput):
    """Body of POST …/{id}/stages (CreateProcessingStageDto)."""

    model_config = ConfigDict(json_schema_extra=_company_rule)

    sequence_order: int | None = Field(
        default=None,
        ge=1,
        le=MAX_POSITION,
        description="1-based position; the next free one when left out",
    )
    stage_name: str = Field(min_length=1, max_length=500)
    company_type: CompanyType | None = None
    supplier_id: PartyId | None = Field(default=None, description="required for SUPPLIER")
    company_id: PartyId | None = Field(default=None, description="required for COMPANY")
    internal_process: ProcessText | None = None
    transport_mode: TransportMode | None = None
    starts_from_company: StrictBool | None = None
    distance_km: NonNegative = 0.0
    co2_emissions: NonNegative = Field(default=0.0, description="kg CO2eq for this leg")
    certifications_snapshot: str | None = Field(default=None, max_length=5000)


class StageUpdate(CamelInput):
    """Body of PATCH …/stages/{stageId}: only the fields given change.

    `sequenceOrder`, `stageName`, `distanceKm` and `co2Emissions` may be left out but not
    set to null.
    """

    sequence_order: int | None = Field(
        default=None, ge=1, le=MAX_POSITION, json_schema_extra=not_nullable
    )
    stage_name: str | None = Field(
        default=None, min_length=1, max_length=500, json_schema_extra=not_nullable
    )
    company_type: CompanyType | None = None
    supplier_id: PartyId | None = None
    company_id: PartyId | None = None
    internal_process: ProcessText | None = None
    transport_mode: TransportMode | None = None
    starts_from_company: StrictBool | None = None
    distance_km: NonNegative | None = Field(default=None, json_schema_extra=not_nullable)
    co2_emissions: NonNegative | None = Field(default=None, json_schema_extra=not_nullable)
    certifications_snapshot: str | None = Field(default=None, max_length=5000)

    @field_validator("sequence_order", "stage_name", "distance_km", "co2_emissions")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        return refuse_null(value)


class StageUpsert(StageUpdate):
    """One stage of a bulk upsert: by `id`, else by `sequenceOrder`, else a new stage."""

    id: str | None = Field(default=None, description="update this stage of the journey")


class StageBulk(BaseModel):
    """Body of POST …/{id}/stages/bulk; each stage is validated on its own."""

    stages: list[dict[str, Any]] = Field(max_length=10_000)


class StagePublic(CamelOutput):
    """A stored stage (ProcessingStageDto)."""

    id: str
    traceability_id: str
    user_id: str | None = None
    sequence_order: int
    stage_name: str
    company_type: str | None = None
    supplier_id: str | None = None
    company_id: str | None = None
    internal_process: str | None = None
    transport_mode: str | None = None
    starts_from_company: bool | None = None
    distance_km: float
    co2_emissions: float
    certifications_snapshot: str | None = None
    created_at: str
    updated_at: str


class BulkError(CamelOutput):
    """Why one stage of a bulk upsert was not written."""

    index: int = Field(description="0-based position in `stages`")
    field: str | None = Field(default=None, description="the field at fault, camelCase")
    message: str


class BulkResult(CamelOutput):
    """Outcome of a bulk upsert (the valid stages are written, the others listed)."""

    created: int
    updated: int
    failed: int
    errors: list[BulkError]
    total_distance_km: float
    total_co2_per_kg: float


# -- journeys ----------------------------------------------------------------------------------


class JourneyCreate(CamelInput):
    """Body of POST /api/v1/product/traceability (CreateProductTraceabilityDto)."""

    traceability_name: str = Field(min_length=1, max_length=500)
    product_id: str | None = Field(default=None, min_length=1, max_length=2000)
    pfcr_calculation_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = Field(default=None, description="the client facet")
    composition_id: uuid.UUID | None = Field(default=None, description="the composition facet")
    description: str | None = Field(default=None, max_length=20_000)
    metadata: Metadata | None = None


class JourneyUpdate(CamelInput):
    """Body of PATCH /api/v1/product/traceability/{id}; the totals are computed, not set."""

    traceability_name: str | None = Field(
        default=None, min_length=1, max_length=500, json_schema_extra=not_nullable
    )
    product_id: str | None = Field(default=None, min_length=1, max_length=2000)
    pfcr_calculation_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    composition_id: uuid.UUID | None = None
    description: str | None = Field(default=None, max_length=20_000)
    metadata: Metadata | None = None

    @field_validator("traceability_name")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        return refuse_null(value)


class JourneySummary(CamelOutput):
    """A journey without its stages (list items)."""

    id: str
    user_id: str | None = None
    product_id: str | None = None
    pfcr_calculation_id: str | None = None
    client_id: str | None = None
    composition_id: str | None = None
    traceability_name: str
    description: str | None = None
    total_co2_per_kg: float
    total_distance_km: float
    stage_count: int
    metadata: dict[str, Any] | None = None
    created_at: str
    updated_at: str


class JourneyPublic(JourneySummary):
    """A journey with its stages sorted by sequenceOrder (ProductTraceabilityDto)."""

    processing_stages: list[StagePublic]


class SortBy(StrEnum):
    """The sort keys of the journey list (journeys_list.cypher knows each)."""

    CREATED_AT = "createdAt"
    UPDATED_AT = "updatedAt"
    TRACEABILITY_NAME = "traceabilityName"
    TOTAL_DISTANCE_KM = "totalDistanceKm"
    TOTAL_CO2_PER_KG = "totalCo2PerKg"


class SortDirection(StrEnum):
    """asc or desc."""

    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True)
class JourneyQuery:
    """What GET /api/v1/product/traceability asks for."""

    page: int = 1
    limit: int = 20
    search: str | None = None
    client_ids: tuple[str, ...] = ()
    composition_ids: tuple[str, ...] = ()
    sort_by: SortBy = SortBy.CREATED_AT
    sort_direction: SortDirection = SortDirection.DESC


class FacetValue(CamelOutput):
    """One value of a facet and how many journeys have it."""

    value: str
    count: int


class Facets(CamelOutput):
    """Counts per facet value; each facet is filtered by the search and the other facets."""

    client_ids: list[FacetValue]
    composition_ids: list[FacetValue]


class PageMeta(CamelOutput):
    """Where this page is."""

    page: int
    limit: int
    total: int
    total_pages: int


class JourneyList(CamelOutput):
    """ProductTraceabilityListResponseDto."""

    data: list[JourneySummary]
    meta: PageMeta
    facets: Facets
