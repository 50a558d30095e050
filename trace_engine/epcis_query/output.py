"""Stored events → the EPCIS 2.0 `EPCISQueryDocument` in JSON-LD (pure).

Each event is the event as captured, with its `recordTime` and its identifiers written in the
form `GS1-EPC-Format` asks for (through `trace_engine.identifiers`); an identifier that has no
such form (not a GS1 key, or a company prefix GS1's list does not know) stays as captured.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from trace_engine.epcis.xml import EPCIS_CONTEXT
from trace_engine.epcis_query.schemas import EpcFormat, StoredEvent
from trace_engine.errors import InvalidIdentifier
from trace_engine.identifiers import parse_identifier, to_digital_link, to_epc_urn

_ID_LISTS = ("epcList", "childEPCs", "inputEPCList", "outputEPCList")
_QUANTITY_LISTS = ("quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList")


def rewrite_identifier(value: Any, fmt: EpcFormat) -> Any:
    """One identifier in the asked form, or as it is when it has none."""
    if not isinstance(value, str) or fmt in (EpcFormat.NEVER, EpcFormat.NO_PREFERENCE):
        return value
    try:
        ident = parse_identifier(value)
    except InvalidIdentifier:
        return value
    written = to_epc_urn(ident) if fmt is EpcFormat.EPC_URN else to_digital_link(ident)
    return written or value


def rewrite_event(event: dict[str, Any], fmt: EpcFormat) -> dict[str, Any]:
    """A copy of the event with every identifier field in the asked form."""
    if fmt in (EpcFormat.NEVER, EpcFormat.NO_PREFERENCE):
        return event
    out = dict(event)
    for name in _ID_LISTS:
        if isinstance(out.get(name), list):
            out[name] = [rewrite_identifier(v, fmt) for v in out[name]]
    for name in _QUANTITY_LISTS:
        if isinstance(out.get(name), list):
            out[name] = [
                {**q, "epcClass": rewrite_identifier(q.get("epcClass"), fmt)}
                if isinstance(q, dict)
                else q
                for q in out[name]
            ]
    if "parentID" in out:
        out["parentID"] = rewrite_identifier(out["parentID"], fmt)
    for name in ("readPoint", "bizLocation"):
        if isinstance(out.get(name), dict) and "id" in out[name]:
            out[name] = {**out[name], "id": rewrite_identifier(out[name]["id"], fmt)}
    for name, key in (("sourceList", "source"), ("destinationList", "destination")):
        if isinstance(out.get(name), list):
            out[name] = [
                {**s, key: rewrite_identifier(s.get(key), fmt)} if isinstance(s, dict) else s
                for s in out[name]
            ]
    return out


def event_of(stored: StoredEvent, fmt: EpcFormat) -> dict[str, Any]:
    """The event as captured, with the repository's recordTime (the time it was captured
    here, whatever the client sent), in the asked identifier form."""
    event: dict[str, Any] = orjson.loads(stored.raw)
    if stored.record_time:
        event["recordTime"] = stored.record_time
    return rewrite_event(event, fmt)


def namespaces_of(stored: StoredEvent) -> dict[str, str]:
    """The extension namespaces the event's document declared (prefix → IRI)."""
    if not stored.namespaces:
        return {}
    found: dict[str, str] = orjson.loads(stored.namespaces)
    return found


def now_utc() -> str:
    """The current instant as EPCIS writes it."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def query_document(
    events: list[StoredEvent], fmt: EpcFormat, query_name: str = "SimpleEventQuery"
) -> dict[str, Any]:
    """The EPCISQueryDocument holding `events`, in order, with one @context for all.

    A prefix two events bind to different namespaces is declared in each such event's own
    `@context` instead of the document's.
    """
    shared: dict[str, str] = {}
    clashing: set[str] = set()
    for stored in events:
        for prefix, iri in namespaces_of(stored).items():
            if shared.setdefault(prefix, iri) != iri:
                clashing.add(prefix)
    listed = []
    for stored in events:
        event = event_of(stored, fmt)
        own = {p: i for p, i in namespaces_of(stored).items() if p in clashing}
        if own:
            event = {"@context": [own], **event}
        listed.append(event)
    context: list[Any] = [EPCIS_CONTEXT]
    common = {p: i for p, i in shared.items() if p not in clashing}
    if common:
        context.append(common)
    return {
        "@context": context,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": now_utc(),
        "epcisBody": {
            "queryResults": {
                "queryName": query_name,
                "resultsBody": {"eventList": listed},
            }
        },
    }
