"""Product journeys and their processing stages (product-traceability-journeys-api.txt)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.dependencies import CurrentKey, SettingsDep, app_driver
from api.openapi import errors
from trace_engine.journeys.schemas import (
    STAGE_TYPES,
    BulkResult,
    JourneyCreate,
    JourneyList,
    JourneyPublic,
    JourneyQuery,
    JourneyUpdate,
    SortBy,
    SortDirection,
    StageBulk,
    StageCreate,
    StagePublic,
    StageType,
    StageUpdate,
)
from trace_engine.journeys.service import JourneyService
from trace_engine.kit.bounds import MAX_PAGE

router = APIRouter(prefix="/api/v1/product/traceability", tags=["Product journeys"])


async def get_journey_service(request: Request, settings: SettingsDep) -> JourneyService:
    """The journey service on the app's synchronous driver."""
    return JourneyService(app_driver(request), settings.neo4j_database)


JourneyServiceDep = Annotated[JourneyService, Depends(get_journey_service)]

_JOURNEY_404 = errors(404, e404="No such journey in your organisation")
_STAGE_404 = errors(
    404,
    409,
    e404="No such stage in your organisation",
    e409="sequenceOrder already used by another stage of the journey",
)


def _ids(values: list[str] | None) -> tuple[str, ...]:
    """Repeated (`?clientIds=a&clientIds=b`) or comma-separated values."""
    return tuple(v.strip() for raw in values or [] for v in raw.split(",") if v.strip())


@router.get("/stage-types", response_model=list[StageType], summary="List stage types")
async def stage_types() -> list[StageType]:
    """The stage types offered on the traceability canvas (id, code, label, icon)."""
    return list(STAGE_TYPES)


@router.get("", response_model=JourneyList, summary="List journeys with pagination and facets")
async def list_journeys(
    service: JourneyServiceDep,
    key: CurrentKey,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    search: Annotated[str | None, Query(max_length=500, description="in the name")] = None,
    client_ids: Annotated[list[str], Query(alias="clientIds")] = [],  # noqa: B006 (FastAPI copies it)
    composition_ids: Annotated[list[str], Query(alias="compositionIds")] = [],  # noqa: B006
    sort_by: Annotated[SortBy, Query(alias="sortBy")] = SortBy.CREATED_AT,
    sort_direction: Annotated[SortDirection, Query(alias="sortDirection")] = SortDirection.DESC,
) -> JourneyList:
    """The caller's journeys: `data`, `meta` (page, limit, total, totalPages) and `facets`."""
    q = JourneyQuery(
        page=page,
        limit=limit,
        search=search,
        client_ids=_ids(client_ids),
        composition_ids=_ids(composition_ids),
        sort_by=sort_by,
        sort_direction=sort_direction,
    )
    return await run_in_threadpool(service.list, key.org, q)


@router.post("", status_code=201, response_model=JourneyPublic, summary="Create a journey")
async def create_journey(
    body: JourneyCreate, service: JourneyServiceDep, key: CurrentKey
) -> JourneyPublic:
    """A new journey with no stages; its totals start at 0."""
    return await run_in_threadpool(service.create, key.org, key.id, body)


@router.get(
    "/{journey_id}",
    response_model=JourneyPublic,
    summary="Get a journey with all its stages",
    responses=_JOURNEY_404,
)
async def get_journey(
    journey_id: str, service: JourneyServiceDep, key: CurrentKey
) -> JourneyPublic:
    """The journey and its processingStages sorted by sequenceOrder."""
    return await run_in_threadpool(service.get, key.org, journey_id)


@router.patch(
    "/{journey_id}",
    response_model=JourneyPublic,
    summary="Partially update a journey",
    responses=_JOURNEY_404,
)
async def update_journey(
    journey_id: str, body: JourneyUpdate, service: JourneyServiceDep, key: CurrentKey
) -> JourneyPublic:
    """Change the given header fields (the totals follow the stages and cannot be set)."""
    return await run_in_threadpool(service.update, key.org, journey_id, body)


@router.delete(
    "/{journey_id}",
    status_code=204,
    response_class=Response,
    summary="Delete a journey (cascades to stages)",
    responses=_JOURNEY_404,
)
async def delete_journey(journey_id: str, service: JourneyServiceDep, key: CurrentKey) -> Response:
    """Remove the journey and all its processing stages."""
    await run_in_threadpool(service.delete, key.org, journey_id)
    return Response(status_code=204)


@router.get(
    "/{journey_id}/stages",
    response_model=list[StagePublic],
    summary="List the stages of a journey",
    responses=_JOURNEY_404,
)
async def list_stages(
    journey_id: str, service: JourneyServiceDep, key: CurrentKey
) -> list[StagePublic]:
    """The journey's stages sorted by sequenceOrder."""
    return await run_in_threadpool(service.stages, key.org, journey_id)


@router.post(
    "/{journey_id}/stages",
    status_code=201,
    response_model=StagePublic,
    summary="Append a stage to a journey",
    responses=_JOURNEY_404 | {409: _STAGE_404[409]},
)
async def add_stage(
    journey_id: str, body: StageCreate, service: JourneyServiceDep, key: CurrentKey
) -> StagePublic:
    """Append a stage (at the next free sequenceOrder unless given); the totals follow."""
    return await run_in_threadpool(service.add_stage, key.org, key.id, journey_id, body)


@router.post(
    "/{journey_id}/stages/bulk",
    response_model=BulkResult,
    summary="Bulk upsert stages",
    responses=_JOURNEY_404,
)
async def bulk_upsert(
    journey_id: str, body: StageBulk, service: JourneyServiceDep, key: CurrentKey
) -> BulkResult:
    """Create or update many stages in one transaction: a stage with an `id` updates that
    stage, one whose `sequenceOrder` is taken updates the stage there, any other is created.
    Invalid stages are listed in `errors` by index and field; the others are written."""
    return await run_in_threadpool(service.bulk_upsert, key.org, key.id, journey_id, body)


@router.patch(
    "/stages/{stage_id}",
    response_model=StagePublic,
    summary="Update a stage",
    responses=_STAGE_404,
)
async def update_stage(
    stage_id: str, body: StageUpdate, service: JourneyServiceDep, key: CurrentKey
) -> StagePublic:
    """Change the given fields of a stage; the journey's totals follow."""
    return await run_in_threadpool(service.update_stage, key.org, stage_id, body)


@router.delete(
    "/stages/{stage_id}",
    status_code=204,
    response_class=Response,
    summary="Remove a stage (recomputes the totals)",
    responses=_STAGE_404,
)
async def delete_stage(stage_id: str, service: JourneyServiceDep, key: CurrentKey) -> Response:
    """Remove the stage; the journey's totalDistanceKm and totalCo2PerKg are recomputed."""
    await run_in_threadpool(service.delete_stage, key.org, stage_id)
    return Response(status_code=204)
