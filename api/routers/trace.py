"""The Food Trust compatible trace API (and its extensions)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response

from api.dependencies import OrgDep, TraceServiceDep
from api.openapi import errors
from trace_engine.kit.bounds import BoundedDatetime
from trace_engine.kit.timestamps import utc_millis
from trace_engine.trace.schemas import TraceParams
from trace_engine.visibility import parse_orgs

router = APIRouter(tags=["trace"])

_ERRORS = errors(
    400,
    404,
    422,
    e400="productId is not a well-formed identifier",
    e404="No product instance with this identifier is visible to your organisation",
    e422="A parameter is refused, or the trace has more events than the server's cap "
    "(narrow it with depth, direction, since or until)",
)


def _utc(value: datetime | None) -> str | None:
    return utc_millis(value) if value is not None else None


async def _trace(
    service: TraceServiceDep,
    org: OrgDep,
    product_id: Annotated[
        str,
        Query(
            alias="productId",
            description="The product instance: EPC URN (lgtin, sgtin, sscc, …), Food Trust "
            "URN or GS1 Digital Link, in any form it was captured in.",
        ),
    ],
    direction: Annotated[
        Literal["upstream", "downstream", "both"],
        Query(description="Only where it came from, only where it went, or both."),
    ] = "both",
    depth: Annotated[
        int | None,
        Query(
            ge=1,
            description="At most this many lineage hops each way (at most "
            "TRACE_TRACE_MAX_DEPTH, 64 by default).",
        ),
    ] = None,
    since: Annotated[
        BoundedDatetime | None,
        Query(description="Only events at or after this time (with its offset)."),
    ] = None,
    until: Annotated[
        BoundedDatetime | None,
        Query(description="Only events at or before this time (with its offset)."),
    ] = None,
    events: Annotated[
        Literal["default", "all"],
        Query(
            description="`default`: lot creation, transformations and store scans (as Food "
            "Trust); `all`: every event in the trace."
        ),  # fmt: skip
    ] = "default",
    orgs: Annotated[
        str | None,
        Query(
            description="Only the statements of these orgs (comma-separated), among those the "
            "caller may see: itself and the orgs sharing with it. Others are left out."
        ),
    ] = None,
    bypass: Annotated[
        str | None, Header(alias="X-ApiCache-Bypass", description="`true` recomputes the trace.")
    ] = None,
) -> Response:
    params = TraceParams(
        direction=direction,
        depth=depth,
        since=_utc(since),
        until=_utc(until),
        all_events=events == "all",
        orgs=parse_orgs(orgs),
    )

    result = await service.trace(
        product_id, org, params, bypass_cache=(bypass or "").lower() == "true"
    )
    return Response(
        result.body,
        media_type="application/json",
        headers={"X-ApiCache": "HIT" if result.cached else "MISS"},
    )


router.add_api_route(
    "/ift/api/outbound/v1/traces",
    _trace,
    methods=["GET"],
    summary="Trace a product (IBM Food Trust compatible)",
    response_description="The trace, keyed by the productId as asked.",
    responses=_ERRORS,
)
router.add_api_route(
    "/api/v1/traces",
    _trace,
    methods=["GET"],
    summary="Trace a product",
    response_description="The trace, keyed by the productId as asked.",
    responses=_ERRORS,
)
