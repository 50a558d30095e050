"""The enterprise listings (OriginTrace Enterprise API): farms, collection batches, shipments.

Bad query parameters answer 400 `{"error": "<parameter>: …"}` (`api/errors.py`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.dependencies import OrgDep
from trace_engine.enterprise.schemas import (
    LIMIT_DEFAULT,
    LIMIT_MAX,
    SHIPMENT_ID_MAX,
    BatchPage,
    ComplianceStatus,
    FarmPage,
    ReadinessEvidence,
    Shipment,
    ShipmentDeclare,
    ShipmentPage,
    ShipmentStatus,
)
from trace_engine.enterprise.service import EnterpriseService
from trace_engine.enterprise.status import BatchStatus

router = APIRouter(prefix="/api/v1", tags=["Enterprise listings"])


async def get_enterprise_service(request: Request) -> EnterpriseService:
    """The enterprise service, built once per app."""
    service: EnterpriseService = request.app.state.enterprise_service
    return service


EnterpriseDep = Annotated[EnterpriseService, Depends(get_enterprise_service)]
Limit = Annotated[int, Query(ge=1, le=LIMIT_MAX, description=f"Rows per page (1-{LIMIT_MAX})")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]
ShipmentId = Annotated[
    str, Path(min_length=1, max_length=SHIPMENT_ID_MAX, description="The shipment's id")
]

_BAD_PARAMETER: dict[int | str, dict[str, Any]] = {
    400: {"description": 'A bad query parameter: `{"error": "limit: …"}`'},
}


@router.get(
    "/farms",
    response_model=FarmPage,
    summary="List your registered farms with their compliance status",
    responses=_BAD_PARAMETER,
)
async def list_farms(
    service: EnterpriseDep,
    org: OrgDep,
    compliance_status: Annotated[
        ComplianceStatus | None, Query(description="Only farms with this status")
    ] = None,
    limit: Limit = LIMIT_DEFAULT,
    offset: Offset = 0,
) -> FarmPage:
    """Facilities your org says are farms (`PUT /api/v1/facilities/{id}` with farm fields or
    type FARM, or EPCIS master data), newest first then by id."""
    status = compliance_status.value if compliance_status else None
    return await run_in_threadpool(service.list_farms, org, status, limit, offset)


@router.get(
    "/batches",
    response_model=BatchPage,
    summary="List your collection batches with their status",
    responses=_BAD_PARAMETER,
)
async def list_batches(
    service: EnterpriseDep,
    org: OrgDep,
    status: Annotated[BatchStatus | None, Query(description="Only batches in this stage")] = None,
    limit: Limit = LIMIT_DEFAULT,
    offset: Offset = 0,
) -> BatchPage:
    """Lots your org collected at its farms (a commissioning / creating_class_instance event
    there); the status follows the events after it (`docs/enterprise.md`). Newest first."""
    value = status.value if status else None
    return await run_in_threadpool(service.list_batches, org, value, limit, offset)


@router.get(
    "/shipments",
    response_model=ShipmentPage,
    summary="List your shipments with readiness computed from the trace",
    responses=_BAD_PARAMETER,
)
async def list_shipments(
    service: EnterpriseDep,
    org: OrgDep,
    status: Annotated[
        ShipmentStatus | None, Query(description="Only shipments with this status")
    ] = None,
    limit: Limit = LIMIT_DEFAULT,
    offset: Offset = 0,
) -> ShipmentPage:
    """Shipments you declared (`PUT /api/v1/shipments/{id}`) and shipping events you captured;
    `readiness_score` is the share of the weight that traces back to approved farms."""
    value = status.value if status else None
    return await run_in_threadpool(service.list_shipments, org, value, limit, offset)


@router.put(
    "/shipments/{shipment_id}",
    response_model=Shipment,
    summary="Declare a shipment ahead and what it carries",
    responses={
        400: {"description": 'An item that is not a lot, serial or SSCC: `{"error": …}`'},
        422: {"description": 'A missing or mistyped field: `{"error": "body.<field>: …"}`'},
    },
)
async def put_shipment(
    shipment_id: ShipmentId, body: ShipmentDeclare, service: EnterpriseDep, org: OrgDep
) -> Shipment:
    """Create or replace a declared shipment (fields left out are cleared). `items` are
    SSCCs, lots or serials in any identifier form; the status is yours to set (draft, ready,
    cancelled) until a shipping event of an item is captured, then `shipped`."""
    return await run_in_threadpool(service.put_shipment, org, shipment_id, body)


@router.get(
    "/shipments/{shipment_id}/readiness",
    response_model=ReadinessEvidence,
    summary="A shipment's readiness with the evidence: farms reached and weight through each",
    responses={404: {"description": 'Not one of your shipments: `{"error": …}`'}},
)
async def shipment_readiness(
    shipment_id: ShipmentId, service: EnterpriseDep, org: OrgDep
) -> ReadinessEvidence:
    """The farms the shipment's weight traces back to, their compliance status and the
    kilograms through each, so the score can be checked by hand."""
    return await run_in_threadpool(service.readiness, org, shipment_id)
