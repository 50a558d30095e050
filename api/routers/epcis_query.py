"""The EPCIS 2.0 query interface after the GS1 REST bindings: events, top-level resources,
discovery. HTTP only: parsing, paging and output live in `trace_engine.epcis_query`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.dependencies import KeyServiceDep, OrgDep, SessionDep, SettingsDep
from trace_engine.capture import job_document
from trace_engine.config import Settings
from trace_engine.epcis.xml import EPCIS_CONTEXT
from trace_engine.epcis_query import service, tokens
from trace_engine.epcis_query.output import query_document, rewrite_identifier
from trace_engine.epcis_query.params import parse_query
from trace_engine.epcis_query.schemas import CbvFormat, EpcFormat, Position, StoredEvent
from trace_engine.epcis_query.service import RESOURCE_PARAMETER, PagingSecret, Resource
from trace_engine.epcis_query.xml_writer import query_document_xml
from trace_engine.errors import NotAcceptable, QueryParameterError
from trace_engine.graph import capture_jobs
from trace_engine.graph.access import read_tx


async def _served_versions(
    epcis_min: Annotated[str | None, Header(alias="GS1-EPCIS-Min")] = None,
    epcis_max: Annotated[str | None, Header(alias="GS1-EPCIS-Max")] = None,
    cbv_min: Annotated[str | None, Header(alias="GS1-CBV-Min")] = None,
    cbv_max: Annotated[str | None, Header(alias="GS1-CBV-Max")] = None,
) -> None:
    """406 when the client's version ranges exclude the one EPCIS / CBV version served."""
    _versions(epcis_min, epcis_max)
    _versions(cbv_min, cbv_max)


router = APIRouter(prefix="/epcis", tags=["EPCIS query"], dependencies=[Depends(_served_versions)])

VERSION = "2.0.0"
VENDOR_VERSION = "trace-engine/0.1.0"
JSONLD = "application/ld+json"
XML = "application/xml"
VERSIONS = {"GS1-EPCIS-Version": VERSION, "GS1-CBV-Version": VERSION}
DISCOVERY = VERSIONS | {
    "GS1-EPCIS-Min": VERSION,
    "GS1-EPCIS-Max": VERSION,
    "GS1-CBV-Min": VERSION,
    "GS1-CBV-Max": VERSION,
    "GS1-EPC-Format": ", ".join(f.value for f in EpcFormat),
    "GS1-CBV-XML-Format": ", ".join(f.value for f in CbvFormat),
    "GS1-Extensions": "",
    "GS1-Vendor-Version": VENDOR_VERSION,
}
TOP_LEVEL = ["capture", "events", *[r.value for r in Resource]]

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: {"description": "QueryParameterException: a parameter is unknown or malformed"},
    401: {"description": "SecurityException: no valid API key"},
    403: {"description": "SecurityException: the key lacks the read scope"},
    406: {"description": "NotAcceptableException: the asked format cannot be given"},
}
# the query document: JSON-LD, or EPCIS 2.0 XML with `Accept: application/xml`
_QUERY_DOCUMENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An EPCISQueryDocument",
        "content": {
            JSONLD: {"schema": {"type": "object"}},
            XML: {"schema": {"type": "string"}},
        },
    }
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "NoSuchResourceException: unknown or not visible to the caller"}
}
_TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"description": "QueryTooLargeException: more events than maxEventCount"}
}

EpcFormatHeader = Annotated[str | None, Header(alias="GS1-EPC-Format")]
CbvFormatHeader = Annotated[str | None, Header(alias="GS1-CBV-XML-Format")]
AcceptHeader = Annotated[str | None, Header(alias="Accept")]


def _media(accept: str | None) -> str:
    """JSON-LD or XML from the Accept header (first acceptable type wins), else 406."""
    if not accept:
        return JSONLD
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *options = [p.strip() for p in part.split(";")]
        weight = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    weight = float(option[2:])
                except ValueError:
                    weight = 0.0
        if weight > 0:
            ranked.append((-weight, index, media.lower()))
    for _, _, media in sorted(ranked):
        if media in ("application/ld+json", "application/json", "*/*", "application/*"):
            return JSONLD
        if media in ("application/xml", "text/xml"):
            return XML
    raise NotAcceptable(f"Accept {accept!r}: this resource is given as {JSONLD} or {XML}")


def _epc_format(value: str | None) -> EpcFormat:
    if value is None:
        return EpcFormat.DIGITAL_LINK
    try:
        return EpcFormat(value.strip())
    except ValueError:
        allowed = ", ".join(f.value for f in EpcFormat)
        raise NotAcceptable(f"GS1-EPC-Format {value!r}: must be one of {allowed}") from None


def _cbv_format(value: str | None) -> CbvFormat:
    if value is None:
        return CbvFormat.NO_PREFERENCE
    try:
        return CbvFormat(value.strip())
    except ValueError:
        allowed = ", ".join(f.value for f in CbvFormat)
        raise NotAcceptable(f"GS1-CBV-XML-Format {value!r}: must be one of {allowed}") from None


def _versions(low: str | None, high: str | None) -> None:
    """406 when the client's GS1-EPCIS-Min/Max exclude the one version served."""

    def parts(text: str) -> tuple[int, ...]:
        try:
            return tuple(int(p) for p in text.strip().split("."))
        except ValueError:
            raise NotAcceptable(f"EPCIS version {text!r} is not like 2.0.0") from None

    served = parts(VERSION)
    if (low and parts(low) > served) or (high and parts(high) < served):
        raise NotAcceptable(f"this repository serves EPCIS {VERSION} only")


def _per_page(request: Request, settings: Settings) -> int:
    values = request.query_params.getlist("perPage")
    if not values:
        return settings.epcis_per_page_default
    if len(values) > 1:
        raise QueryParameterError("perPage", "given more than once")
    value = values[0]
    if not value.isascii() or not value.isdigit() or len(value) > 10 or int(value) < 1:
        raise QueryParameterError("perPage", f"{value!r} is not a positive integer")
    return min(int(value), settings.epcis_per_page_max)


def _token(request: Request) -> str | None:
    values = request.query_params.getlist("nextPageToken")
    if len(values) > 1:
        raise QueryParameterError("nextPageToken", "given more than once")
    return values[0] if values else None


def _paging_headers(request: Request, token: str | None, expires: int | None) -> dict[str, str]:
    if token is None or expires is None:
        return {}
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "nextPageToken"]
    pairs.append(("nextPageToken", token))
    link = str(request.url.replace(query=urlencode(pairs)))
    moment = datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"Link": f'<{link}>; rel="next"', "GS1-Next-Page-Token-Expires": moment}


def _secret(settings: Settings) -> PagingSecret:
    return PagingSecret(
        settings.epcis_page_token_secret.get_secret_value().encode(),
        settings.epcis_page_token_ttl_s,
    )


def _document(
    events: list[StoredEvent],
    media: str,
    epc: EpcFormat,
    cbv: CbvFormat,
    headers: dict[str, str],
    query_name: str = "SimpleEventQuery",
) -> Response:
    if media == XML:
        return Response(
            query_document_xml(events, epc, cbv, query_name),
            media_type=XML,
            headers=VERSIONS | headers,
        )
    body = orjson.dumps(query_document(events, epc, query_name))
    return Response(body, media_type=JSONLD, headers=VERSIONS | headers)


def _collection(members: list[str], headers: dict[str, str] | None = None) -> Response:
    body = {"@context": EPCIS_CONTEXT, "type": "Collection", "member": members}
    return Response(
        orjson.dumps(body), media_type="application/json", headers=VERSIONS | (headers or {})
    )


def _options(allow: str) -> Response:
    return Response(status_code=204, headers=DISCOVERY | {"Allow": allow})


async def _orgs(keys: KeyServiceDep, org: str) -> list[str]:
    return sorted(await run_in_threadpool(keys.visible_orgs, org))


# -- discovery ---------------------------------------------------------------------------------


@router.options("", status_code=204, summary="EPCIS versions, formats and extensions")
async def discover() -> Response:
    """The versions, vocabularies and formats this repository serves."""
    return _options("OPTIONS, GET")


@router.get("", summary="The top-level resources", responses=_PROBLEMS)
async def top_level() -> Response:
    """The top-level resources of this EPCIS repository."""
    return _collection(TOP_LEVEL)


@router.options("/events", status_code=204, summary="Discovery of the events resource")
async def discover_events() -> Response:
    """Versions and formats of the events resource."""
    return _options("OPTIONS, GET, POST")


@router.options(
    "/events/{event_id:path}", status_code=204, summary="Discovery of an event resource"
)
async def discover_event(event_id: str) -> Response:
    """Versions and formats of one event's resource."""
    return _options("OPTIONS, GET")


# -- events ------------------------------------------------------------------------------------


async def _query_events(
    request: Request,
    session: SessionDep,
    settings: Settings,
    org: str,
    keys: KeyServiceDep,
    accept: str | None,
    epc_format: str | None,
    cbv_format: str | None,
    extra: list[tuple[str, str]] | None = None,
    scope: str = "",
    query_name: str = "SimpleEventQuery",
) -> Response:
    media, epc, cbv = _media(accept), _epc_format(epc_format), _cbv_format(cbv_format)
    q = parse_query(request.query_params.multi_items() + (extra or []), scope)
    per_page, token = _per_page(request, settings), _token(request)
    orgs = await _orgs(keys, org)
    page, next_token, expires = await run_in_threadpool(
        service.query_page, session, _secret(settings), org, orgs, q, token, per_page
    )
    headers = _paging_headers(request, next_token, expires)
    return _document(page.events, media, epc, cbv, headers, query_name)


@router.get(
    "/events",
    summary="Query events (EPCIS 2.0 query parameters, keyset paging)",
    responses=_QUERY_DOCUMENT | _PROBLEMS | _TOO_LARGE,
)
async def query_events(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    org: OrgDep,
    keys: KeyServiceDep,
    accept: AcceptHeader = None,
    epc_format: EpcFormatHeader = None,
    cbv_format: CbvFormatHeader = None,
) -> Response:
    """An EPCISQueryDocument of the events the caller's org may see (its own and those shared
    with it) that match every parameter given; `perPage` per page, the next page in the
    `Link` header (rel="next"). `Accept: application/xml` gives the EPCIS 2.0 XML document."""
    return await _query_events(
        request, session, settings, org, keys, accept, epc_format, cbv_format
    )


@router.get(
    "/events/{event_id:path}",
    summary="One event (and its error declaration) as an EPCISQueryDocument",
    responses=_QUERY_DOCUMENT | _PROBLEMS | _NOT_FOUND,
)
async def get_event(
    event_id: str,
    session: SessionDep,
    org: OrgDep,
    keys: KeyServiceDep,
    accept: AcceptHeader = None,
    epc_format: EpcFormatHeader = None,
    cbv_format: CbvFormatHeader = None,
) -> Response:
    """The event as captured, in an EPCISQueryDocument; 404 when unknown or not visible."""
    media, epc, cbv = _media(accept), _epc_format(epc_format), _cbv_format(cbv_format)
    events = await run_in_threadpool(service.event_by_id, session, await _orgs(keys, org), event_id)
    return _document(events, media, epc, cbv, {})


# -- capture jobs ------------------------------------------------------------------------------


@router.get("/capture", summary="The org's capture jobs, newest first", responses=_PROBLEMS)
async def list_capture_jobs(
    request: Request, session: SessionDep, settings: SettingsDep, org: OrgDep
) -> Response:
    """The caller's capture jobs, newest first, paged like the events (`perPage`, `Link`)."""
    per_page, token = _per_page(request, settings), _token(request)
    secret = _secret(settings)
    after = None
    if token is not None:
        position = tokens.read(secret.key, token, org, "capture-jobs").position
        after = (position.value, position.event_id)
    jobs = await run_in_threadpool(
        read_tx, session, capture_jobs.list_jobs, org, after, per_page + 1
    )
    headers: dict[str, str] = {}
    if len(jobs) > per_page:
        jobs = jobs[:per_page]
        last = jobs[-1]
        next_token, expires = tokens.issue(
            secret.key,
            org,
            "capture-jobs",
            Position(last["createdAt"], last["id"], ""),
            0,
            secret.ttl_s,
        )
        headers = _paging_headers(request, next_token, expires)
    documents = []
    for job in jobs:
        document = job_document(job, job["id"])
        document.pop("results", None)
        documents.append(document)
    return Response(
        orjson.dumps(documents), media_type="application/json", headers=VERSIONS | headers
    )


# -- top-level resources -----------------------------------------------------------------------


def _resource_routes(resource: Resource) -> None:
    name = resource.value

    async def members(
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        org: OrgDep,
        keys: KeyServiceDep,
        epc_format: EpcFormatHeader = None,
    ) -> Response:
        per_page, token = _per_page(request, settings), _token(request)
        orgs = await _orgs(keys, org)
        values, next_token, expires = await run_in_threadpool(
            service.resource_page, session, _secret(settings), org, orgs, resource, token, per_page
        )
        epc = _epc_format(epc_format)
        shown = [service.resource_member(resource, v) for v in values]
        if resource in (Resource.EPCS, Resource.BIZ_LOCATIONS, Resource.READ_POINTS):
            shown = [rewrite_identifier(v, epc) for v in shown]
        return _collection(shown, _paging_headers(request, next_token, expires))

    async def member(value: str, session: SessionDep, org: OrgDep, keys: KeyServiceDep) -> Response:
        orgs = await _orgs(keys, org)
        await run_in_threadpool(service.resource_exists, session, orgs, resource, value)
        return _collection(["events"])

    async def member_events(
        value: str,
        request: Request,
        session: SessionDep,
        settings: SettingsDep,
        org: OrgDep,
        keys: KeyServiceDep,
        accept: AcceptHeader = None,
        epc_format: EpcFormatHeader = None,
        cbv_format: CbvFormatHeader = None,
    ) -> Response:
        parameter = RESOURCE_PARAMETER[resource]
        if parameter in request.query_params:
            raise QueryParameterError(parameter, f"already given by the path /{name}/…")
        return await _query_events(
            request,
            session,
            settings,
            org,
            keys,
            accept,
            epc_format,
            cbv_format,
            extra=[(parameter, value)],
            scope=f"{name}:{value}",
        )

    async def discover_members() -> Response:
        return _options("OPTIONS, GET")

    router.add_api_route(
        f"/{name}",
        members,
        methods=["GET"],
        summary=f"The {name} the org's events use",
        responses=_PROBLEMS,
    )
    router.add_api_route(
        f"/{name}",
        discover_members,
        methods=["OPTIONS"],
        status_code=204,
        summary=f"Discovery of {name}",
    )
    router.add_api_route(
        f"/{name}/{{value:path}}/events",
        member_events,
        methods=["GET"],
        summary=f"Events of one of the {name}",
        responses=_QUERY_DOCUMENT | _PROBLEMS | _NOT_FOUND | _TOO_LARGE,
    )
    router.add_api_route(
        f"/{name}/{{value:path}}/events",
        discover_members,
        methods=["OPTIONS"],
        status_code=204,
        summary=f"Discovery of the events of one of the {name}",
    )
    router.add_api_route(
        f"/{name}/{{value:path}}",
        member,
        methods=["GET"],
        summary=f"One of the {name} (its sub-resources)",
        responses=_PROBLEMS | _NOT_FOUND,
    )
    router.add_api_route(
        f"/{name}/{{value:path}}",
        discover_members,
        methods=["OPTIONS"],
        status_code=204,
        summary=f"Discovery of one of the {name}",
    )


for _resource in Resource:
    _resource_routes(_resource)
