"""API keys of the caller's organisation (admin scope)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.dependencies import KeyServiceDep, OrgDep
from api.openapi import errors
from trace_engine.keys import STORE_MESSAGE, KeyCreate

router = APIRouter(prefix="/api/keys", tags=["API keys"])


@router.post("", status_code=201, summary="Create an API key")
async def create_key(body: KeyCreate, keys: KeyServiceDep, org: OrgDep) -> JSONResponse:
    """The key record and, this once, its secret."""
    key, secret = await run_in_threadpool(keys.create_key, org, body)
    return JSONResponse({"key": key, "secret": secret, "message": STORE_MESSAGE}, status_code=201)


@router.get("", summary="List the organisation's API keys")
async def list_keys(keys: KeyServiceDep, org: OrgDep) -> dict[str, Any]:
    """Every key of the caller's org; never a hash or a secret."""
    return {"keys": await run_in_threadpool(keys.list_keys, org)}


@router.delete("", summary="Revoke an API key", responses=errors(404))
async def revoke_key(
    keys: KeyServiceDep,
    org: OrgDep,
    key_id: Annotated[str, Query(alias="id", description="The key's id.")],
) -> dict[str, Any]:
    """Revoke at once; 404 for a key of another org."""
    await run_in_threadpool(keys.revoke_key, org, key_id)
    return {"success": True, "message": "API key revoked"}
