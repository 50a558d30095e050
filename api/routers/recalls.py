"""Recalls: the impact report of a lot under recall."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.dependencies import KeyServiceDep, OrgDep
from api.routers.fsma204 import XLSX
from trace_engine.config import Settings
from trace_engine.fsma204.repository import Fsma204Repository
from trace_engine.recalls.service import RecallService
from trace_engine.recalls.workbook import write_impact_xlsx

router = APIRouter(prefix="/api/v1/recalls", tags=["Recalls"])


@router.get(
    "/impact",
    summary="Recall impact: affected lots, facilities, stores, sources and mass balance",
    responses={
        200: {
            "description": "`summary`, `downstream` (lots, logisticUnits, facilities by type, "
            "stores), `upstream` (source lots, TLC sources), `massBalance` (transformations, "
            "shipments, discrepancies, totals), `sharing` (whether partners' events were used); "
            "with `format=xlsx` the same as a workbook.",
            "content": {"application/json": {}, XLSX: {}},
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
    fmt: Annotated[
        Literal["json", "xlsx"],
        Query(alias="format", description="`json` (default) or `xlsx` (one sheet per block)."),
    ] = "json",
) -> Any:
    settings: Settings = request.app.state.settings
    service = RecallService(Fsma204Repository(request.app.state.driver, settings.neo4j_database))
    orgs = await run_in_threadpool(keys.visible_orgs, org)
    report = await run_in_threadpool(service.impact, product_id, org, orgs, tolerance)
    if fmt == "json":
        return report
    handle, name = tempfile.mkstemp(prefix="recall-impact-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        await run_in_threadpool(write_impact_xlsx, report, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=XLSX,
        filename="recall-impact.xlsx",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )
