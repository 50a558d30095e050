"""Recall watches: `/api/v1/watches`, per org (404 for another org's).

HTTP only: the rules live in `trace_engine.watches`; deliveries are the watch worker's, in the
background (README "Recall watches")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.dependencies import DriverDep, KeyServiceDep, OrgDep, SettingsDep
from api.openapi import errors
from trace_engine.watches.schemas import RecallWatchNotification, WatchCreate, WatchPublic
from trace_engine.watches.service import WatchService

router = APIRouter(prefix="/api/v1/watches", tags=["Recall watches"])
# what the watcher receives, documented as the POST's OpenAPI callback
notifications = APIRouter()


@notifications.post(
    "{$request.body#/dest}",
    summary="A notification of new events on the watched lot's trace",
    responses={"2XX": {"description": "Taken; anything else is retried with backoff"}},
)
def notification(body: RecallWatchNotification) -> None:
    """Signed with `GS1-Signature` = Base64(HMAC-SHA256(key = signatureToken, message = the
    exact body bytes)) when the watch has a token."""


async def get_watch_service(
    request: Request, driver: DriverDep, settings: SettingsDep, keys: KeyServiceDep
) -> WatchService:
    """The watch service; a new watch starts this process's watch worker."""
    return WatchService(
        driver,
        settings.neo4j_database,
        settings.subscription_allow_private_dest,
        keys.visible_orgs,
        request.app.state.watch_worker.start,
    )


WatchServiceDep = Annotated[WatchService, Depends(get_watch_service)]
WatchId = Annotated[str, Path(alias="watchID", max_length=64, description="The watch's id")]

_NOT_FOUND = errors(404, e404="No such watch in your org")
_CREATED: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "Created; `Location` names the watch. The answer holds `trace`, the "
        "lot's trace summary now; the token is never shown",
        "headers": {"Location": {"schema": {"type": "string"}}},
    },
    **errors(
        400,
        404,
        422,
        e400='`{"error": "<field>: …"}`: a productId that is not an identifier or not a '
        "product instance, a destination that is not http(s) or is loopback/link-local/"
        "private, an expiresAt not in the future",
        e404="No event your org may see names this product (as for a trace)",
        e422="A missing, unknown or mistyped field (named)",
    ),
}


@router.post(
    "",
    status_code=201,
    response_model=WatchPublic,
    response_model_exclude_none=True,
    summary="Watch a lot's whole trace (recall watch)",
    responses=_CREATED,
    callbacks=notifications.routes,
)
async def create_watch(
    body: WatchCreate, response: Response, service: WatchServiceDep, org: OrgDep
) -> WatchPublic:
    """`{productId, dest, signatureToken?, expiresAt?}`: after each capture that adds an event
    on any product instance of the lot's trace (upstream or downstream, including instances
    that join it through that capture), `dest` is POSTed the new events and the trace's
    updated summary (events, facilities, stores, named), signed with `GS1-Signature` when a
    token is given; only events your org may see."""
    created = await service.create(org, body)
    response.headers["Location"] = f"/api/v1/watches/{created.watchID}"
    return created


@router.get(
    "",
    response_model=list[WatchPublic],
    response_model_exclude_none=True,
    summary="Your org's recall watches, oldest first",
)
async def list_watches(service: WatchServiceDep, org: OrgDep) -> list[WatchPublic]:
    """Each with its status (`active`, `failing` or `expired`), deliveries and last error."""
    return await run_in_threadpool(service.list_of, org)


@router.get(
    "/{watchID}",
    response_model=WatchPublic,
    response_model_exclude_none=True,
    summary="One recall watch",
    responses=_NOT_FOUND,
)
async def get_watch(watch_id: WatchId, service: WatchServiceDep, org: OrgDep) -> WatchPublic:
    """The watch, its status and deliveries; never its token."""
    return await run_in_threadpool(service.get, org, watch_id)


@router.delete(
    "/{watchID}",
    status_code=204,
    summary="Stop a recall watch",
    responses=_NOT_FOUND,
)
async def delete_watch(watch_id: WatchId, service: WatchServiceDep, org: OrgDep) -> Response:
    """Stop deliveries (one in flight may still arrive)."""
    await run_in_threadpool(service.delete, org, watch_id)
    return Response(status_code=204)
