"""Named EPCIS queries after the GS1 REST bindings: `/epcis/queries`, per org.

HTTP only: validation and storage live in `trace_engine.named_queries`; running a named query
is the events query of `api.routers.epcis_query` with the stored parameters.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.dependencies import DriverDep, KeyServiceDep, OrgDep, SessionDep, SettingsDep
from api.routers.epcis_query import (
    _PROBLEMS,
    _QUERY_DOCUMENT,
    _TOO_LARGE,
    VERSIONS,
    AcceptHeader,
    CbvFormatHeader,
    EpcFormatHeader,
    _paging_headers,
    _per_page,
    _query_events,
    _secret,
    _served_versions,
    _token,
)
from trace_engine.epcis_query import tokens
from trace_engine.epcis_query.params import PAGING
from trace_engine.epcis_query.schemas import Position
from trace_engine.errors import QueryParameterError
from trace_engine.named_queries.schemas import NAME_MAX, NAME_PATTERN, NamedQueryCreate
from trace_engine.named_queries.service import NamedQueryService
from trace_engine.subscriptions.schemas import SubscriptionCreate
from trace_engine.subscriptions.service import SubscriptionService

router = APIRouter(
    prefix="/epcis/queries", tags=["EPCIS named queries"], dependencies=[Depends(_served_versions)]
)


async def get_named_query_service(driver: DriverDep, settings: SettingsDep) -> NamedQueryService:
    """The named-query service on the app's driver."""
    return NamedQueryService(driver, settings.neo4j_database)


ServiceDep = Annotated[NamedQueryService, Depends(get_named_query_service)]


async def get_subscription_service(
    request: Request, driver: DriverDep, settings: SettingsDep
) -> SubscriptionService:
    """The subscription service; a new subscription starts this process's delivery worker."""
    worker = request.app.state.delivery_worker
    return SubscriptionService(
        driver, settings.neo4j_database, settings.subscription_allow_private_dest, worker.start
    )


SubscriptionsDep = Annotated[SubscriptionService, Depends(get_subscription_service)]
SubscriptionId = Annotated[
    str, Path(alias="subscriptionID", max_length=64, description="The subscription's id")
]
QueryName = Annotated[
    str,
    Path(
        alias="queryName",
        min_length=1,
        max_length=NAME_MAX,
        pattern=NAME_PATTERN,
        description="The query's name",
    ),
]

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "NoSuchResourceException: no query of that name in your org"}
}
_CREATE: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "Created; `Location` names the query",
        "headers": {"Location": {"schema": {"type": "string"}}},
    },
    400: {"description": "QueryParameterException: the query fails query-schema.json or a "
          "parameter's value is refused (`detail` names `query.<parameter>`); "
          "ValidationException: the body is not {name, query} (`detail` names the field)"},
    409: {"description": "ValidationException: your org already has a query of that name"},
}  # fmt: skip


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body),
        status_code=status,
        media_type="application/json",
        headers=VERSIONS | (headers or {}),
    )


@router.post("", status_code=201, summary="Create a named query", responses=_PROBLEMS | _CREATE)
async def create_query(body: NamedQueryCreate, service: ServiceDep, org: OrgDep) -> Response:
    """Store `{name, query}` for your org; the query is validated against GS1's
    query-schema.json and parsed exactly as `GET /epcis/events` parses its parameters."""
    created = await run_in_threadpool(service.create, org, body)
    location = f"/epcis/queries/{quote(created.name, safe='')}"
    return _json(created.model_dump(), 201, {"Location": location})


@router.get("", summary="Your org's named queries, by name", responses=_PROBLEMS)
async def list_queries(
    request: Request, service: ServiceDep, settings: SettingsDep, org: OrgDep
) -> Response:
    """`[{name, query, createdAt}]` by name, `perPage` per page, the next in `Link`."""
    per_page, token = _per_page(request, settings), _token(request)
    secret = _secret(settings)
    after = tokens.read(secret.key, token, org, "named-queries").position.value if token else None
    found = await run_in_threadpool(service.list_page, org, after, per_page + 1)
    headers: dict[str, str] = {}
    if len(found) > per_page:
        found = found[:per_page]
        next_token, expires = tokens.issue(
            secret.key, org, "named-queries", Position(found[-1].name, "", ""), 0, secret.ttl_s
        )
        headers = _paging_headers(request, next_token, expires)
    return _json([q.model_dump() for q in found], headers=headers)


@router.get(
    "/{queryName}",
    summary="One named query",
    responses=_PROBLEMS | _NOT_FOUND,
)
async def get_query(name: QueryName, service: ServiceDep, org: OrgDep) -> Response:
    """`{name, query, createdAt}`; 404 when your org has no query of that name."""
    stored = await run_in_threadpool(service.get, org, name)
    return _json(stored.public.model_dump())


@router.delete(
    "/{queryName}",
    status_code=204,
    summary="Delete a named query",
    responses=_PROBLEMS | _NOT_FOUND,
)
async def delete_query(name: QueryName, service: ServiceDep, org: OrgDep) -> Response:
    """Delete your org's query of that name; 404 when there is none."""
    await run_in_threadpool(service.delete, org, name)
    return Response(status_code=204, headers=VERSIONS)


@router.get(
    "/{queryName}/events",
    summary="Run a named query (paged like /epcis/events)",
    responses=_QUERY_DOCUMENT | _PROBLEMS | _NOT_FOUND | _TOO_LARGE,
)
async def query_events(
    name: QueryName,
    request: Request,
    service: ServiceDep,
    session: SessionDep,
    settings: SettingsDep,
    org: OrgDep,
    keys: KeyServiceDep,
    accept: AcceptHeader = None,
    epc_format: EpcFormatHeader = None,
    cbv_format: CbvFormatHeader = None,
) -> Response:
    """An EPCISQueryDocument (`queryName` = the name) of the events the stored query matches
    among those your org may see; only `perPage` and `nextPageToken` may be given."""
    for parameter in request.query_params:
        if parameter not in PAGING:
            raise QueryParameterError(parameter, "a named query's filters are its own")
    stored = await run_in_threadpool(service.get, org, name)
    return await _query_events(
        request,
        session,
        settings,
        org,
        keys,
        accept,
        epc_format,
        cbv_format,
        extra=stored.pairs,
        scope=f"queries:{name}",
        query_name=name,
    )


# -- subscriptions -----------------------------------------------------------------------------

_SUBSCRIBE: dict[int | str, dict[str, Any]] = {
    201: {
        "description": "Created; `Location` names the subscription (its token is never shown)",
        "headers": {"Location": {"schema": {"type": "string"}}},
    },
    400: {"description": "ValidationException: `detail` names the field (a destination that "
          "is not http(s) or is loopback/link-local/private; `schedule.<field>` out of range "
          "or not a number, [low-high], a list of them or N/step; both or neither of stream "
          "and schedule; reportIfEmpty on a stream; initialRecordTime not a date-time)"},
}  # fmt: skip
_NO_SUBSCRIPTION: dict[int | str, dict[str, Any]] = {
    404: {"description": "NoSuchResourceException: no such query or subscription in your org"}
}


@router.post(
    "/{queryName}/subscriptions",
    status_code=201,
    summary="Subscribe a webhook to a named query",
    responses=_PROBLEMS | _NOT_FOUND | _SUBSCRIBE,
)
async def subscribe(
    name: QueryName, body: SubscriptionCreate, subscriptions: SubscriptionsDep, org: OrgDep
) -> Response:
    """`{dest, signatureToken?, stream: true | schedule, reportIfEmpty?, initialRecordTime?}`:
    every event the query matches, as it is captured (`stream`) or at each time matching the
    schedule (UTC; `reportIfEmpty` then sends empty documents too), POSTed to `dest` as an
    EPCISQueryDocument (signed with `GS1-Signature` when a token is given); events recorded
    from `initialRecordTime` (default: now). See README "Subscriptions" for the guarantees."""
    created = await subscriptions.create(org, name, body)
    location = f"/epcis/queries/{quote(name, safe='')}/subscriptions/{created.subscriptionID}"
    return _json(created.model_dump(), 201, {"Location": location})


@router.get(
    "/{queryName}/subscriptions",
    summary="The subscriptions of a named query",
    responses=_PROBLEMS | _NOT_FOUND,
)
async def list_subscriptions(
    name: QueryName, subscriptions: SubscriptionsDep, org: OrgDep
) -> Response:
    """Each with its status (`active` or `failing`), last error and last delivered event."""
    found = await run_in_threadpool(subscriptions.list_of, org, name)
    return _json([s.model_dump() for s in found])


@router.get(
    "/{queryName}/subscriptions/{subscriptionID}",
    summary="One subscription",
    responses=_PROBLEMS | _NO_SUBSCRIPTION,
)
async def get_subscription(
    name: QueryName, sub_id: SubscriptionId, subscriptions: SubscriptionsDep, org: OrgDep
) -> Response:
    """The subscription, its status and delivery position; never its token."""
    found = await run_in_threadpool(subscriptions.get, org, name, sub_id)
    return _json(found.model_dump())


@router.delete(
    "/{queryName}/subscriptions/{subscriptionID}",
    status_code=204,
    summary="Unsubscribe",
    responses=_PROBLEMS | _NO_SUBSCRIPTION,
)
async def delete_subscription(
    name: QueryName, sub_id: SubscriptionId, subscriptions: SubscriptionsDep, org: OrgDep
) -> Response:
    """Stop deliveries (one in flight may still arrive)."""
    await run_in_threadpool(subscriptions.delete, org, name, sub_id)
    return Response(status_code=204, headers=VERSIONS)
