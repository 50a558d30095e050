"""Sharing an organisation's statements with another: an offer, then an acceptance (admin scope).

Sharing is a two-sided agreement: `POST /api/v1/sharing` by A offers A's statements (events,
master data, payloads, lot data) to B; they appear in B's traces only once B accepts with
`POST /api/v1/sharing/accept`. Either side ends it: A with `DELETE ?org=B`, B with
`DELETE ?from=A` (which also refuses an offer not yet accepted).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.dependencies import KeyServiceDep, OrgDep
from api.openapi import errors
from trace_engine.errors import InvalidInput
from trace_engine.kit.bounds import MAX_ORG_LENGTH

router = APIRouter(prefix="/api/v1/sharing", tags=["Sharing"])


class ShareCreate(BaseModel):
    """POST /api/v1/sharing."""

    org: str = Field(
        min_length=1,
        max_length=MAX_ORG_LENGTH,
        pattern=r"\S",
        description="The org to offer a share to (not only white space).",
    )


class ShareAccept(BaseModel):
    """POST /api/v1/sharing/accept."""

    org: str = Field(
        min_length=1,
        max_length=MAX_ORG_LENGTH,
        description="The org whose offered share to accept.",
    )


@router.post("", status_code=201, summary="Offer to share the organisation's statements")
async def share(body: ShareCreate, keys: KeyServiceDep, org: OrgDep) -> dict[str, Any]:
    """Offer this org's statements to another org; they show in its traces once it accepts.

    Idempotent: offering again changes nothing (an accepted share stays accepted)."""
    return await run_in_threadpool(keys.share, org, body.org)


@router.post(
    "/accept",
    summary="Accept a share offered to the organisation",
    responses=errors(404, e404="No share offered by that org"),
)
async def accept(body: ShareAccept, keys: KeyServiceDep, org: OrgDep) -> dict[str, Any]:
    """From now on this org's traces (and event reads) include the offering org's statements,
    each event marked with its owner (`x-owner`). 404 if that org offered no share."""
    return await run_in_threadpool(keys.accept_share, org, body.org)


@router.get("", summary="List shares")
async def shares(keys: KeyServiceDep, org: OrgDep) -> dict[str, Any]:
    """Shares this org offers (outgoing) and is offered (incoming), `offered` or `accepted`."""
    return {"sharing": await run_in_threadpool(keys.shares, org)}


@router.delete("", summary="End a share (either side)", responses=errors(404))
async def unshare(
    keys: KeyServiceDep,
    org: OrgDep,
    with_org: Annotated[
        str | None, Query(alias="org", description="End this org's share with that org.")
    ] = None,
    from_org: Annotated[
        str | None,
        Query(alias="from", description="End (or refuse) the share that org offered this one."),
    ] = None,
) -> dict[str, Any]:
    """Give exactly one of `org` and `from`. The receiving org's traces lose the sharer's
    statements at once (cached traces included)."""
    if (with_org is None) == (from_org is None):
        raise InvalidInput("org", "give exactly one of `org` (a share you offer) and `from`")
    if with_org is not None:
        await run_in_threadpool(keys.unshare, org, with_org)
    else:
        assert from_org is not None
        await run_in_threadpool(keys.end_incoming, org, from_org)
    return {"success": True, "message": "Sharing revoked"}
