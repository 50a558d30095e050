"""EPCIS 2.0 capture and event resources, after the GS1 REST bindings."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, BackgroundTasks, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.dependencies import CaptureServiceDep, OrgDep, SettingsDep
from api.errors import allowed_methods
from api.openapi import errors
from trace_engine.epcis.model import EVENT_TYPES
from trace_engine.errors import PayloadTooLarge
from trace_engine.ingest import ErrorBehaviour

router = APIRouter(prefix="/epcis", tags=["EPCIS capture"])

JSONLD = "application/ld+json"
# every EPCIS response says which versions it speaks
VERSIONS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}

# The body is read raw (parsed by trace_engine.epcis), so FastAPI cannot describe it: it is
# declared here, as the shapes the parser accepts. Each event is checked by the server against
# GS1's EPCIS 2.0 JSON Schema: under `proceed` an invalid event is reported in the capture job,
# not refused with the document, so the outline says nothing about an event's content.
_EVENT_TYPES = sorted(EVENT_TYPES)
_EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"type": "string", "enum": _EVENT_TYPES}},
    "description": "One EPCIS 2.0 event",
}
_ANY_EVENTS: dict[str, Any] = {"type": "array", "items": {}}
_BODY: dict[str, Any] = {
    "type": "object",
    "anyOf": [
        {"required": ["eventList"], "properties": {"eventList": _ANY_EVENTS}},
        {"required": ["event"], "properties": {"event": {"type": "object"}}},
    ],
}
_DOCUMENT: dict[str, Any] = {
    "type": "object",
    "required": ["type", "epcisBody"],
    "properties": {"type": {"const": "EPCISDocument"}, "epcisBody": _BODY},
    "description": "An EPCISDocument",
}
_QUERY_DOCUMENT: dict[str, Any] = {
    "type": "object",
    "required": ["type", "epcisBody"],
    "properties": {
        "type": {"const": "EPCISQueryDocument"},
        "epcisBody": {
            "type": "object",
            "required": ["queryResults"],
            "properties": {
                "queryResults": {
                    "type": "object",
                    "required": ["resultsBody"],
                    "properties": {
                        "resultsBody": {
                            "type": "object",
                            "required": ["eventList"],
                            "properties": {"eventList": _ANY_EVENTS},
                        }
                    },
                }
            },
        },
    },
    "description": "An EPCISQueryDocument",
}
_DOCUMENT_OUTLINE: dict[str, Any] = {
    "anyOf": [_DOCUMENT, _QUERY_DOCUMENT, _EVENT, _ANY_EVENTS | {"description": "Events"}]
}
_XML = {"schema": {"type": "string", "description": "EPCIS 2.0 or 1.2 XML"}}


def _body_doc(outline: dict[str, Any], what: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": f"{what}: EPCIS 2.0 JSON-LD, or EPCIS 2.0 / 1.2 XML",
            "content": {
                JSONLD: {"schema": outline},
                "application/json": {"schema": outline},
                "application/xml": _XML,
                "text/xml": _XML,
            },
        }
    }


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(
            f"body of {declared} bytes exceeds GS1-EPCIS-Capture-File-Size-Limit ({limit} bytes)"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body exceeds GS1-EPCIS-Capture-File-Size-Limit ({limit} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _limits(settings: SettingsDep) -> dict[str, str]:
    return {
        "GS1-EPCIS-Capture-Limit": str(settings.capture_max_events),
        "GS1-EPCIS-Capture-File-Size-Limit": str(settings.capture_max_bytes),
        "GS1-EPCIS-Version": "2.0.0",
        "GS1-CBV-Version": "2.0.0",
    }


@router.options("/capture", status_code=204, summary="Capture limits and options")
async def capture_options(request: Request, settings: SettingsDep) -> Response:
    """Advertise the capture limits (events per document, bytes per body)."""
    headers = _limits(settings) | {"Allow": ", ".join(allowed_methods(request))}
    return Response(status_code=204, headers=headers)


@router.post(
    "/capture",
    status_code=202,
    summary="Capture an EPCIS document",
    openapi_extra=_body_doc(_DOCUMENT_OUTLINE, "An EPCIS document"),
    responses=errors(
        400,
        413,
        415,
        e400="The document is unreadable, or (under rollback) an event is invalid: each one "
        "in `errors` by index, eventID and field",
        e413="Over GS1-EPCIS-Capture-Limit events or GS1-EPCIS-Capture-File-Size-Limit bytes",
    ),
)
async def capture(
    request: Request,
    background: BackgroundTasks,
    service: CaptureServiceDep,
    settings: SettingsDep,
    org: OrgDep,
    behaviour: Annotated[
        ErrorBehaviour, Header(alias="GS1-Capture-Error-Behaviour")
    ] = ErrorBehaviour.ROLLBACK,
) -> Response:
    """Accept a document (202 + Location of its capture job); events are stored in the job.

    With `GS1-Capture-Error-Behaviour: rollback` (the default) nothing is stored if any event
    is invalid; with `proceed` the valid events are stored and the others reported.
    """
    body = await _body(request, settings.capture_max_bytes)
    document = await run_in_threadpool(service.parse, body, request.headers.get("content-type"))
    service.check_rollback(document, behaviour)
    service.check_master_data(document, org)
    job_id = await run_in_threadpool(service.open_job, org, behaviour, len(document.items))
    background.add_task(service.run_job, job_id, document, org, behaviour)
    location = f"/epcis/capture/{job_id}"
    return JSONResponse(
        {"captureID": job_id, "running": True, "captureErrorBehaviour": behaviour.value},
        status_code=202,
        headers={"Location": location} | _limits(settings),
    )


@router.get("/capture/{capture_id}", summary="A capture job", responses=errors(404))
async def capture_job(capture_id: str, service: CaptureServiceDep, org: OrgDep) -> JSONResponse:
    """The job: running, success, errors, and the per-event account with its counts."""
    return JSONResponse(await run_in_threadpool(service.job, capture_id, org), headers=VERSIONS)


@router.post(
    "/events",
    status_code=201,
    summary="Capture one event",
    openapi_extra=_body_doc(_DOCUMENT_OUTLINE, "One EPCIS event (alone or in a document)"),
    responses=errors(400, 409, 413, 415, e409="An event with this eventID exists"),
)
async def capture_event(
    request: Request, service: CaptureServiceDep, settings: SettingsDep, org: OrgDep
) -> Response:
    """Store a single event: 201 with its Location, 409 if this org has it already, 400 if
    invalid. Another org's event with the same id is another event: it is never refused."""
    body = await _body(request, settings.capture_max_bytes)
    event_id = await run_in_threadpool(
        service.capture_one, body, request.headers.get("content-type"), org
    )
    return Response(
        status_code=201,
        headers={"Location": f"/epcis/events/{quote(event_id, safe='')}"} | VERSIONS,
    )
