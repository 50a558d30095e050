"""Traceability records: a per-batch audit trail, strictly per org (404 for another org's)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.dependencies import DriverDep, OrgDep, SettingsDep
from api.openapi import errors
from trace_engine.kit.bounds import MAX_PAGE
from trace_engine.kit.metadata import METADATA_MAX_BYTES
from trace_engine.records.schemas import (
    PAGE_SIZE_MAX,
    RecordPage,
    TraceabilityRecordCreate,
    TraceabilityRecordPublic,
    TraceabilityRecordUpdate,
)
from trace_engine.records.service import RecordService

router = APIRouter(prefix="/api/v1/traceability", tags=["Traceability records"])


async def get_record_service(
    request: Request, driver: DriverDep, settings: SettingsDep
) -> RecordService:
    """The records service; a changed record drops the cached traces of its product instance."""
    return RecordService(driver, settings.neo4j_database, request.app.state.invalidate_traces)


RecordServiceDep = Annotated[RecordService, Depends(get_record_service)]
RecordId = Annotated[str, Path(alias="id", description="The record's id")]
Page = Annotated[int, Query(ge=0, le=MAX_PAGE, description="Zero-based page index")]
Size = Annotated[int, Query(ge=1, le=PAGE_SIZE_MAX, description="Records per page")]

_NOT_FOUND = errors(404, e404="No such record in your org")
_INVALID = errors(
    422,
    e422="A missing, null-for-required, unknown or mistyped field, or metadata "
    f"over {METADATA_MAX_BYTES} bytes (the field named)",
)
_PAGED: dict[str, Any] = {
    "description": "A JSON array of records, oldest first; the paging in headers.",
    "headers": {
        "X-Total-Count": {"description": "Records matching in all", "schema": {"type": "integer"}},
        "X-Total-Pages": {"description": "Pages of this size", "schema": {"type": "integer"}},
        "X-Page": {"description": "This page (0-based)", "schema": {"type": "integer"}},
        "X-Page-Size": {"description": "The page size", "schema": {"type": "integer"}},
    },
}


def _paged(response: Response, page: RecordPage) -> list[TraceabilityRecordPublic]:
    response.headers["X-Total-Count"] = str(page.total)
    response.headers["X-Total-Pages"] = str(page.pages)
    response.headers["X-Page"] = str(page.page)
    response.headers["X-Page-Size"] = str(page.size)
    return page.records


@router.get(
    "",
    response_model=list[TraceabilityRecordPublic],
    summary="List your traceability records (paginated)",
    responses={200: _PAGED},
)
async def list_records(
    response: Response,
    service: RecordServiceDep,
    org: OrgDep,
    page: Page = 0,
    size: Size = 20,
    product_id: Annotated[
        str | None,
        Query(alias="productId", description="Only this product (any form of the identifier)"),
    ] = None,
    batch_number: Annotated[
        str | None, Query(alias="batchNumber", description="Only this batch number")
    ] = None,
    product_id_snake: Annotated[str | None, Query(alias="product_id")] = None,
    batch_number_snake: Annotated[str | None, Query(alias="batch_number")] = None,
) -> list[TraceabilityRecordPublic]:
    """Your org's records, oldest first; `productId` and `batchNumber` combine (both must match).

    The total is in `X-Total-Count` (and `X-Total-Pages`); the body is the array the
    Traceability Records API documents."""
    found = await run_in_threadpool(
        service.find,
        org,
        page,
        size,
        product_id if product_id is not None else product_id_snake,
        batch_number if batch_number is not None else batch_number_snake,
    )
    return _paged(response, found)


@router.get(
    "/product/{productId:path}",
    response_model=list[TraceabilityRecordPublic],
    summary="Find your records by product ID",
    responses={200: _PAGED},
)
async def records_of_product(
    response: Response,
    service: RecordServiceDep,
    org: OrgDep,
    product_id: Annotated[str, Path(alias="productId")],
    page: Page = 0,
    size: Size = 20,
) -> list[TraceabilityRecordPublic]:
    """Your org's records of one product (any form of its identifier), paged as the list."""
    return _paged(
        response, await run_in_threadpool(service.find, org, page, size, product_id=product_id)
    )


@router.get(
    "/batch/{batchNumber:path}",
    response_model=list[TraceabilityRecordPublic],
    summary="Find your records by batch number",
    responses={200: _PAGED},
)
async def records_of_batch(
    response: Response,
    service: RecordServiceDep,
    org: OrgDep,
    batch_number: Annotated[str, Path(alias="batchNumber")],
    page: Page = 0,
    size: Size = 20,
) -> list[TraceabilityRecordPublic]:
    """Your org's records of one batch number (exact match), paged as the list."""
    return _paged(
        response, await run_in_threadpool(service.find, org, page, size, batch_number=batch_number)
    )


@router.get(
    "/{id}",
    response_model=TraceabilityRecordPublic,
    summary="Get a traceability record",
    responses=_NOT_FOUND,
)
async def get_record(
    record_id: RecordId, service: RecordServiceDep, org: OrgDep
) -> TraceabilityRecordPublic:
    """One of your org's records; 404 if it does not exist in your org."""
    return await run_in_threadpool(service.get, org, record_id)


@router.post(
    "",
    status_code=201,
    response_model=TraceabilityRecordPublic,
    summary="Create a traceability record",
    responses=_INVALID,
)
async def create_record(
    body: TraceabilityRecordCreate,
    service: RecordServiceDep,
    org: OrgDep,
    user_id: Annotated[
        str | None, Query(alias="userId", description="Owning user, if the body has none")
    ] = None,
) -> TraceabilityRecordPublic:
    """A record of one batch; `productId`, `batchNumber` and `origin` are required.

    Fields in camelCase or snake_case. `id`, `createdAt` and `updatedAt` are ignored; any other
    unknown field is refused with 422 naming it."""
    return await run_in_threadpool(service.create, org, body, user_id)


@router.patch(
    "/{id}",
    response_model=TraceabilityRecordPublic,
    summary="Partially update a traceability record",
    responses=_NOT_FOUND | _INVALID,
)
async def update_record(
    record_id: RecordId, body: TraceabilityRecordUpdate, service: RecordServiceDep, org: OrgDep
) -> TraceabilityRecordPublic:
    """Fields left out are unchanged; an explicit null clears a field (`isCompliant` back to
    false). productId, batchNumber and origin cannot be null. Invalid input changes nothing."""
    return await run_in_threadpool(service.update, org, record_id, body)


@router.delete(
    "/{id}",
    status_code=204,
    summary="Delete a traceability record",
    responses=_NOT_FOUND,
)
async def delete_record(record_id: RecordId, service: RecordServiceDep, org: OrgDep) -> Response:
    """Delete one of your org's records; 404 if it does not exist in your org."""
    await run_in_threadpool(service.delete, org, record_id)
    return Response(status_code=204)
