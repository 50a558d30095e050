"""Product journeys: a header plus processing stages ordered by sequenceOrder, with totals.

`totalDistanceKm` and `totalCo2PerKg` are the sums of the stages' `distanceKm` and
`co2Emissions`. Every stage-changing transaction first takes the write lock of its journey
(on the journey's JourneyLock node, `cypher/journeys_lock.cypher`), then reads the stages,
validates, writes and recomputes the totals before it commits, so concurrent stage writes on
one journey are serialised and no committed state has totals that disagree with its stages.

Input is accepted in both documents' forms (camelCase or snake_case; ROAD/SEA/RAIL/AIR as
TRUCK/SHIP/TRAIN/PLANE); answers are camelCase with TRUCK/SHIP/TRAIN/PLANE.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from neo4j import Driver, ManagedTransaction
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    WithJsonSchema,
    field_validator,
)
from pydantic.alias_generators import to_camel

from trace_engine.errors import Conflict, InvalidInput, NotFound
from trace_engine.graph import journeys as repo
from trace_engine.identifiers import resolve_key
from trace_engine.kit.bounds import MAX_POSITION, MAX_QUANTITY, SAFE_INTEGER
from trace_engine.kit.inputs import CamelInput, CamelOutput, id_text, not_nullable, refuse_null
from trace_engine.kit.metadata import Metadata, metadata_text, metadata_value
from trace_engine.kit.paging import page_count, skip
from trace_engine.kit.timestamps import now_utc

T = TypeVar("T")

# the older document's transport modes → the later document's
_TRANSPORT_ALIASES = {"ROAD": "TRUCK", "SEA": "SHIP", "RAIL": "TRAIN", "AIR": "PLANE"}
# tolerance when checking stored totals against a fresh sum (float addition order differs)
_SUM_TOLERANCE = 1e-9


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
    starts_from_company: StrictBool | None = None
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


# -- pure helpers (unit-tested) ------------------------------------------------------------------


def field_name(loc: tuple[int | str, ...]) -> str:
    """The camelCase field a pydantic error location names."""
    names = [str(p) for p in loc if isinstance(p, str)]
    return to_camel(names[0]) if names else "body"


def check_company(stage: dict[str, Any]) -> tuple[str, str] | None:
    """(field, reason) if the stage's companyType lacks the id it requires."""
    if stage.get("companyType") == "SUPPLIER" and not stage.get("supplierId"):
        return "supplierId", "required when companyType is SUPPLIER"
    if stage.get("companyType") == "COMPANY" and not stage.get("companyId"):
        return "companyId", "required when companyType is COMPANY"
    return None


def totals_agree(journey: dict[str, Any], stages: list[dict[str, Any]]) -> bool:
    """True if the stored totals are the sums of these stages."""
    distance = math.fsum(s.get("distanceKm") or 0.0 for s in stages)
    co2 = math.fsum(s.get("co2Emissions") or 0.0 for s in stages)
    return math.isclose(
        journey.get("totalDistanceKm") or 0.0, distance, rel_tol=_SUM_TOLERANCE, abs_tol=1e-9
    ) and math.isclose(
        journey.get("totalCo2PerKg") or 0.0, co2, rel_tol=_SUM_TOLERANCE, abs_tol=1e-9
    )


def facet_counts(
    rows: Iterable[dict[str, Any]], client_ids: tuple[str, ...], composition_ids: tuple[str, ...]
) -> tuple[int, Facets]:
    """Total matching journeys and the facets, from (clientId, compositionId, n) rows.

    Each facet counts the journeys that pass the other facet's filter (disjunctive faceting),
    so a client sees how many it would get by adding a value to the facet.
    """
    total = 0
    clients: Counter[str] = Counter()
    compositions: Counter[str] = Counter()
    for row in rows:
        client, composition, n = row.get("clientId"), row.get("compositionId"), int(row["n"])
        client_ok = not client_ids or client in client_ids
        composition_ok = not composition_ids or composition in composition_ids
        if client_ok and composition_ok:
            total += n
        if composition_ok and client is not None:
            clients[client] += n
        if client_ok and composition is not None:
            compositions[composition] += n

    def values(counter: Counter[str]) -> list[FacetValue]:
        ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        return [FacetValue(value=v, count=c) for v, c in ordered]

    return total, Facets(client_ids=values(clients), composition_ids=values(compositions))


@dataclass
class UpsertPlan:
    """What a bulk upsert writes (full stage states) and what it refuses."""

    writes: list[dict[str, Any]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    errors: list[BulkError] = field(default_factory=list)


def _stage_props(base: dict[str, Any], changes: dict[str, Any], now: str) -> dict[str, Any]:
    merged = {**base, **changes, "updatedAt": now}
    merged["supplierKey"] = resolve_key(merged.get("supplierId"), "location")
    merged["companyKey"] = resolve_key(merged.get("companyId"), "location")
    return merged


def plan_upsert(
    journey_id: str,
    org: str,
    user_id: str | None,
    existing: list[dict[str, Any]],
    items: list[dict[str, Any]],
    now: str,
    new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
) -> UpsertPlan:
    """Apply the items in order to the journey's stages: by id, else by sequenceOrder, else new.

    An item that is invalid, names a stage not in this journey, breaks the companyType rule
    or takes a sequenceOrder another stage holds becomes an error with its index and field;
    the others are applied (a later item sees the earlier ones' effect).
    """
    plan = UpsertPlan()
    by_id = {s["id"]: dict(s) for s in existing}
    by_seq = {s["sequenceOrder"]: s["id"] for s in existing}
    written: dict[str, dict[str, Any]] = {}
    for index, raw in enumerate(items):
        try:
            item = StageUpsert.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            plan.errors.append(
                BulkError(index=index, field=field_name(first["loc"]), message=first["msg"])
            )
            continue
        changes = _changes(item)
        stage_id = item.id
        seq = changes.get("sequenceOrder")
        if stage_id is not None and stage_id not in by_id:
            plan.errors.append(
                BulkError(index=index, field="id", message="no such stage in this journey")
            )
            continue
        if stage_id is None and seq is not None and seq in by_seq:
            stage_id = by_seq[seq]
        if stage_id is None:
            if "stageName" not in changes:
                plan.errors.append(
                    BulkError(index=index, field="stageName", message="Field required")
                )
                continue
            if seq is None:
                seq = max(by_seq, default=0) + 1
            base = {
                "id": new_id(),
                "traceabilityId": journey_id,
                "org": org,
                "userId": user_id,
                "distanceKm": 0.0,
                "co2Emissions": 0.0,
                "createdAt": now,
            }
            stage = _stage_props(base, {**changes, "sequenceOrder": seq}, now)
        else:
            stage = _stage_props(by_id[stage_id], changes, now)
            seq = stage["sequenceOrder"]
            holder = by_seq.get(seq)
            if holder is not None and holder != stage_id:
                plan.errors.append(
                    BulkError(
                        index=index,
                        field="sequenceOrder",
                        message=f"{seq} is already used by stage {holder} of this journey",
                    )
                )
                continue
        problem = check_company(stage)
        if problem is not None:
            plan.errors.append(BulkError(index=index, field=problem[0], message=problem[1]))
            continue
        if stage["id"] in by_id:
            old_seq = by_id[stage["id"]]["sequenceOrder"]
            if by_seq.get(old_seq) == stage["id"]:
                del by_seq[old_seq]
            plan.updated += 1
        else:
            plan.created += 1
        by_id[stage["id"]] = stage
        by_seq[seq] = stage["id"]
        written[stage["id"]] = stage
    plan.writes = list(written.values())
    return plan


def _changes(model: BaseModel) -> dict[str, Any]:
    """The fields a client gave, camelCase, in stored form (without a stage `id`)."""
    data = model.model_dump(by_alias=True, exclude_unset=True, mode="json")
    data.pop("id", None)
    return data


# -- the service -------------------------------------------------------------------------------


def _journey_summary(stored: dict[str, Any]) -> dict[str, Any]:
    data = dict(stored)
    raw = data.pop("metadata", None)
    data["metadata"] = metadata_value(raw)
    data.setdefault("stageCount", 0)
    return data


def _public_stage(stored: dict[str, Any]) -> StagePublic:
    return StagePublic.model_validate(stored)


def _ordered(stages: list[dict[str, Any]]) -> list[StagePublic]:
    return [_public_stage(s) for s in sorted(stages, key=lambda s: s["sequenceOrder"])]


def _journey_changes(model: BaseModel) -> tuple[dict[str, Any], bool]:
    """Stored properties for the given fields and whether the product link must change."""
    data = model.model_dump(by_alias=True, exclude_unset=True, mode="json")
    if "metadata" in data:
        data["metadata"] = metadata_text(data["metadata"]) if data["metadata"] else None
    relink = "productId" in data
    if relink:
        data["productKey"] = resolve_key(data["productId"], "product", instances_as_products=True)
    return data, relink


class JourneyService:
    """Journeys and their stages, strictly per org; each call is one managed transaction."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.database = database

    def _write(self, work: Callable[[ManagedTransaction], T]) -> T:
        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def _read(self, work: Callable[[ManagedTransaction], T]) -> T:
        with self.driver.session(database=self.database) as session:
            return session.execute_read(work)

    # -- journeys --------------------------------------------------------------------------

    def create(self, org: str, user_id: str | None, body: JourneyCreate) -> JourneyPublic:
        """A new journey with no stages."""
        now = now_utc()
        props, _ = _journey_changes(body)
        props |= {
            "id": str(uuid.uuid4()),
            "org": org,
            "userId": user_id,
            "totalDistanceKm": 0.0,
            "totalCo2PerKg": 0.0,
            "stageCount": 0,
            "version": 0,
            "createdAt": now,
            "updatedAt": now,
        }
        props.setdefault("productKey", None)
        stored = self._write(lambda tx: repo.create_journey(tx, props))
        return JourneyPublic.model_validate(_journey_summary(stored) | {"processingStages": []})

    def get(self, org: str, journey_id: str) -> JourneyPublic:
        """A journey with its stages in sequenceOrder; NotFound outside the caller's org."""
        journey, stages = self._read_consistent(org, journey_id)
        return JourneyPublic.model_validate(
            _journey_summary(journey) | {"processingStages": _ordered(stages)}
        )

    def stages(self, org: str, journey_id: str) -> list[StagePublic]:
        """A journey's stages in sequenceOrder."""
        _, stages = self._read_consistent(org, journey_id)
        return _ordered(stages)

    def _read_consistent(
        self, org: str, journey_id: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        # Reads are read-committed: a stage write committing while this query walks the
        # stages could pair old totals with new stages. Such a read is simply repeated.
        for _ in range(5):
            found = self._read(lambda tx: repo.get_journey(tx, org, journey_id))
            if found is None:
                raise NotFound("journey", journey_id)
            journey, stages = found
            if totals_agree(journey, stages):
                break
        return journey, stages

    def update(self, org: str, journey_id: str, body: JourneyUpdate) -> JourneyPublic:
        """Change the given header fields."""
        props, relink = _journey_changes(body)
        props["updatedAt"] = now_utc()
        found = self._write(lambda tx: repo.update_journey(tx, org, journey_id, props, relink))
        if not found:
            raise NotFound("journey", journey_id)
        return self.get(org, journey_id)

    def delete(self, org: str, journey_id: str) -> None:
        """Delete a journey and all its stages."""
        if not self._write(lambda tx: repo.delete_journey(tx, org, journey_id)):
            raise NotFound("journey", journey_id)

    def list(self, org: str, q: JourneyQuery) -> JourneyList:
        """A page of the org's journeys with the total and the facets."""
        search = q.search.strip().lower() if q.search and q.search.strip() else None
        params = {
            "org": org,
            "search": search,
            "clientIds": list(q.client_ids) or None,
            "compositionIds": list(q.composition_ids) or None,
            "sortBy": q.sort_by.value,
            "descending": q.sort_direction is SortDirection.DESC,
            "skip": skip(q.page, q.limit),
            "limit": q.limit,
        }

        def work(tx: ManagedTransaction) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            return repo.list_journeys(tx, params), repo.journey_facets(tx, org, search)

        page, facet_rows = self._read(work)
        total, facets = facet_counts(facet_rows, q.client_ids, q.composition_ids)
        return JourneyList(
            data=[JourneySummary.model_validate(_journey_summary(j)) for j in page],
            meta=PageMeta(
                page=q.page, limit=q.limit, total=total, total_pages=page_count(total, q.limit)
            ),
            facets=facets,
        )

    # -- stages: lock the journey, read its stages, validate, write, recompute ---------------

    def add_stage(
        self, org: str, user_id: str | None, journey_id: str, body: StageCreate
    ) -> StagePublic:
        """Append a stage (at the next free sequenceOrder unless one is given)."""
        changes = body.model_dump(by_alias=True, mode="json")

        def work(tx: ManagedTransaction) -> dict[str, Any]:
            existing = _locked_stages(tx, org, journey_id)
            now = now_utc()
            seq = changes.get("sequenceOrder")
            taken = {s["sequenceOrder"]: s["id"] for s in existing}
            if seq is None:
                seq = max(taken, default=0) + 1
            elif seq in taken:
                raise Conflict(
                    f"sequenceOrder: {seq} is already used by stage {taken[seq]} of this journey"
                )
            base = {
                "id": str(uuid.uuid4()),
                "traceabilityId": journey_id,
                "org": org,
                "userId": user_id,
                "createdAt": now,
            }
            stage = _stage_props(base, {**changes, "sequenceOrder": seq}, now)
            _require_company(stage)
            repo.write_stages(tx, journey_id, [stage])
            repo.recompute_totals(tx, journey_id, now)
            return stage

        return _public_stage(self._write(work))

    def update_stage(self, org: str, stage_id: str, body: StageUpdate) -> StagePublic:
        """Change the given fields of a stage."""
        changes = _changes(body)

        def work(tx: ManagedTransaction) -> dict[str, Any]:
            journey_id, existing = _locked_stage(tx, org, stage_id)
            now = now_utc()
            current = next(s for s in existing if s["id"] == stage_id)
            stage = _stage_props(current, changes, now)
            for other in existing:
                if other["id"] != stage_id and other["sequenceOrder"] == stage["sequenceOrder"]:
                    raise Conflict(
                        f"sequenceOrder: {stage['sequenceOrder']} is already used by stage "
                        f"{other['id']} of this journey"
                    )
            _require_company(stage)
            repo.write_stages(tx, journey_id, [stage])
            repo.recompute_totals(tx, journey_id, now)
            return stage

        return _public_stage(self._write(work))

    def delete_stage(self, org: str, stage_id: str) -> None:
        """Remove a stage and recompute its journey's totals."""

        def work(tx: ManagedTransaction) -> None:
            journey_id, _ = _locked_stage(tx, org, stage_id)
            repo.delete_stage(tx, journey_id, stage_id)
            repo.recompute_totals(tx, journey_id, now_utc())

        self._write(work)

    def bulk_upsert(
        self, org: str, user_id: str | None, journey_id: str, body: StageBulk
    ) -> BulkResult:
        """Create or update many stages in one transaction; invalid ones are listed, not written."""

        def work(tx: ManagedTransaction) -> tuple[UpsertPlan, dict[str, Any]]:
            existing = _locked_stages(tx, org, journey_id)
            now = now_utc()
            plan = plan_upsert(journey_id, org, user_id, existing, body.stages, now)
            if plan.writes:
                repo.write_stages(tx, journey_id, plan.writes)
            totals = repo.recompute_totals(tx, journey_id, now)
            return plan, totals

        plan, totals = self._write(work)
        return BulkResult(
            created=plan.created,
            updated=plan.updated,
            failed=len(plan.errors),
            errors=plan.errors,
            total_distance_km=totals["totalDistanceKm"],
            total_co2_per_kg=totals["totalCo2PerKg"],
        )


def _require_company(stage: dict[str, Any]) -> None:
    problem = check_company(stage)
    if problem is not None:
        raise InvalidInput(*problem)


def _locked_stages(tx: ManagedTransaction, org: str, journey_id: str) -> list[dict[str, Any]]:
    """Take the journey's write lock (NotFound outside the org), then read its stages."""
    if not repo.lock_journey(tx, org, journey_id):
        raise NotFound("journey", journey_id)
    return repo.stages_of(tx, journey_id)


def _locked_stage(
    tx: ManagedTransaction, org: str, stage_id: str
) -> tuple[str, list[dict[str, Any]]]:
    """Lock the journey of a stage; its id and stages (the stage re-checked under the lock)."""
    journey_id = repo.journey_of_stage(tx, org, stage_id)
    if journey_id is None or not repo.lock_journey(tx, org, journey_id):
        raise NotFound("stage", stage_id)
    existing = repo.stages_of(tx, journey_id)
    if not any(s["id"] == stage_id for s in existing):
        raise NotFound("stage", stage_id)  # deleted while this transaction waited
    return journey_id, existing
