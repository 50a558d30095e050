"""Recalls: the impact report of a lot under recall."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.dependencies import KeyServiceDep, OrgDep
from trace_engine.config import Settings
from trace_engine.fsma204.repository import Fsma204Repository
from trace_engine.recalls.service import RecallService

router = APIRouter(prefix="/api/v1/recalls", tags=["Recalls"])


@router.get(
    "/impact",
    summary="Recall impact: affected lots, facilities, stores, sources and mass balance",
    responses={
        200: {
            "description": "`summary`, `downstream` (lots, logisticUnits, facilities by type, "
            "stores), `upstream` (source lots, TLC sources), `massBalance` (transformations, "
            "shipments, discrepancies, totals), `sharing` (whether partners' events were used)."
        },
        400: {"description": 'A malformed identifier, or not a product instance: `{"error": …}`'},
        404: {"description": "No such product instance, or none of its events is visible"},
        422: {"description": "A missing productId or a tolerance out of range"},
    },
)
async def impact(
    request: Request,
    keys: KeyServiceDep,
    org: OrgDep,
    product_id: Annotated[
        str,
        Query(
            alias="productId",
            max_length=2000,
            description="The lot (or serial, or SSCC) under recall, in any identifier form.",
        ),
    ],
    tolerance: Annotated[
        float,
        Query(
            ge=0,
            le=100,
            description="Percent by which two sides of a balance may differ before it is "
            "listed as a discrepancy.",
        ),
    ] = 2.0,
) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    service = RecallService(
        Fsma204Repository(request.app.state.sync_driver, settings.neo4j_database)
    )
    orgs = await run_in_threadpool(keys.visible_orgs, org)
    return await run_in_threadpool(service.impact, product_id, org, orgs, tolerance)
