"""FSMA 204: the FDA sortable spreadsheet and the KDE completeness report."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.dependencies import Fsma204ServiceDep, KeyServiceDep, OrgDep
from trace_engine.fsma204.scope import Scope, utc

router = APIRouter(prefix="/api/v1/fsma204", tags=["FSMA 204"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ProductId = Annotated[
    str | None,
    Query(
        alias="productId",
        max_length=2000,
        description="One product instance (lot, serial or SSCC) in any identifier form: the "
        "report covers its whole trace (upstream and downstream), as `GET /api/v1/traces`.",
    ),
]
Product = Annotated[
    str | None,
    Query(
        max_length=2000,
        description="A product class (GTIN in any form: EPC class pattern, Digital Link, Food "
        "Trust product class): every lot of it the caller's org may see. Give this or productId.",
    ),
]
Since = Annotated[
    datetime | None,
    Query(description="Only events at or after this time (ISO 8601; UTC without an offset)."),
]
Until = Annotated[
    datetime | None,
    Query(description="Only events at or before this time (ISO 8601; UTC without an offset)."),
]

SCOPE_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": 'A malformed identifier: `{"error": …}` naming it'},
    404: {"description": "No such product, or none of its events is visible to your org"},
    422: {
        "description": "Neither or both of productId and product, since after until, or a "
        "malformed parameter"
    },
}


def scope_of(
    product_id: str | None, product: str | None, since: datetime | None, until: datetime | None
) -> Scope:
    """The request's scope (checked by the service)."""
    return Scope(
        product_id=product_id,
        product=product,
        since=utc(since, "since"),
        until=utc(until, "until"),
    )


@router.get(
    "/spreadsheet",
    summary="The FDA FSMA 204 electronic sortable spreadsheet (21 CFR 1.1455)",
    response_class=FileResponse,
    responses={
        200: {
            "description": "XLSX (one sheet per CTE present, then `Read me`) or CSV (a `cte` "
            "column first). Columns: the KDEs of 21 CFR 1.1325-1.1350 (see README).",
            "content": {XLSX: {}, "text/csv": {}},
        },
        **SCOPE_ERRORS,
    },
)
async def spreadsheet(
    service: Fsma204ServiceDep,
    keys: KeyServiceDep,
    org: OrgDep,
    product_id: ProductId = None,
    product: Product = None,
    since: Since = None,
    until: Until = None,
    fmt: Annotated[
        Literal["xlsx", "csv"], Query(alias="format", description="`xlsx` (default) or `csv`.")
    ] = "xlsx",
) -> FileResponse:
    scope = scope_of(product_id, product, since, until)
    orgs = await run_in_threadpool(keys.visible_orgs, org)
    resolved = await run_in_threadpool(service.resolve, scope, orgs)
    handle, name = tempfile.mkstemp(prefix="fsma204-", suffix=f".{fmt}")
    os.close(handle)
    path = Path(name)
    try:
        await run_in_threadpool(service.spreadsheet, resolved, path, fmt, org)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path,
        media_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8",
        filename=f"fsma204-traceability.{fmt}",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get(
    "/completeness",
    summary="KDE completeness: per CTE the share of each required KDE present",
    responses={
        200: {
            "description": "`ctes`: per CTE the events and, per required KDE, the count and "
            "share present; `incompleteEvents`: eventID, CTE, missing KDEs, first reference "
            "document."
        },
        **SCOPE_ERRORS,
    },
)
async def completeness(
    service: Fsma204ServiceDep,
    keys: KeyServiceDep,
    org: OrgDep,
    product_id: ProductId = None,
    product: Product = None,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    scope = scope_of(product_id, product, since, until)
    orgs = await run_in_threadpool(keys.visible_orgs, org)
    resolved = await run_in_threadpool(service.resolve, scope, orgs)
    return await run_in_threadpool(service.completeness, resolved, org)
