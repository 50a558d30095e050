"""Sharing an organisation's events with another (admin scope)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.dependencies import KeyServiceDep, OrgDep
from api.openapi import errors

router = APIRouter(prefix="/api/v1/sharing", tags=["Sharing"])


class ShareCreate(BaseModel):
    """POST /api/v1/sharing."""

    org: str = Field(
        min_length=1,
        max_length=200,
        pattern=r"\S",
        description="The org to share events with (not only white space).",
    )


@router.post("", status_code=201, summary="Share the organisation's events")
async def share(body: ShareCreate, keys: KeyServiceDep, org: OrgDep) -> dict[str, Any]:
    """The other org's traces include this org's events from now on."""
    return await run_in_threadpool(keys.share, org, body.org)


@router.get("", summary="List shares")
async def shares(keys: KeyServiceDep, org: OrgDep) -> dict[str, Any]:
    """Shares this org grants (outgoing) and receives (incoming)."""
    return {"sharing": await run_in_threadpool(keys.shares, org)}


@router.delete("", summary="Stop sharing", responses=errors(404, e404="No such share"))
async def unshare(
    keys: KeyServiceDep,
    org: OrgDep,
    with_org: Annotated[str, Query(alias="org", description="The org to stop sharing with.")],
) -> dict[str, Any]:
    """The other org's traces lose this org's events at once (cached traces included)."""
    await run_in_threadpool(keys.unshare, org, with_org)
    return {"success": True, "message": "Sharing revoked"}
