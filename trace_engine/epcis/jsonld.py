"""EPCIS 2.0 JSON / JSON-LD → `ParsedDocument`.

Accepted shapes: an `EPCISDocument` (events under `epcisBody.eventList`, or one under
`epcisBody.event`), an `EPCISQueryDocument` (`epcisBody.queryResults.resultsBody.eventList`),
a bare event object, or a JSON list of events. Master data comes from
`epcisHeader.epcisMasterData.vocabularyList` (see `masterdata` for the attribute mapping).

Streaming: `iter_json_events(file)` yields `(index, event dict)` for the events of an
EPCISDocument with ijson, without loading the document; pass each to `normalise_event(index,
event, context)`. `read_json_header(file)` reads the `@context` and master data of the same
document (a second pass over the file, stopping at the body when the header comes first).
`read_whole_json(data)` gives both at once for a small document, read whole with orjson, when
that gives the same (a parse worker of `load --initial`; the online loader streams, so that
its first batches commit while it still reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

import ijson
import orjson

from trace_engine.epcis.masterdata import master_data_of, read_vocabularies
from trace_engine.epcis.model import EVENT_TYPES, Event, ParsedDocument, Rejected
from trace_engine.epcis.normalise import namespaces_from_context, normalise_event
from trace_engine.errors import InvalidDocument

__all__ = [
    "iter_json_events",
    "normalise_event",
    "parse_json",
    "parse_json_document",
    "read_json_header",
]


def _load(data: bytes | str) -> Any:
    if not data or not data.strip():
        raise InvalidDocument("empty body: expected an EPCIS JSON document")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InvalidDocument(f"body is not valid JSON: {exc}") from None


def events_of(document: Any) -> list[Any]:
    """The list of event objects in any accepted JSON shape; InvalidDocument otherwise."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise InvalidDocument("expected a JSON object or a list of events")
    kind = document.get("type")
    if kind == "EPCISDocument":
        body = document.get("epcisBody")
        if not isinstance(body, dict):
            raise InvalidDocument("EPCISDocument has no epcisBody object")
        if isinstance(body.get("eventList"), list):
            return list(body["eventList"])
        if isinstance(body.get("event"), dict):
            return [body["event"]]
        raise InvalidDocument("EPCISDocument has no epcisBody.eventList array")
    if kind == "EPCISQueryDocument":
        body = document.get("epcisBody")
        results = body.get("queryResults") if isinstance(body, dict) else None
        results_body = results.get("resultsBody") if isinstance(results, dict) else None
        if isinstance(results_body, dict) and isinstance(results_body.get("eventList"), list):
            return list(results_body["eventList"])
        raise InvalidDocument(
            "EPCISQueryDocument has no epcisBody.queryResults.resultsBody.eventList array"
        )
    if kind in EVENT_TYPES:
        return [document]
    if isinstance(kind, str):
        raise InvalidDocument(
            f"unsupported document type {kind!r}: expected EPCISDocument, EPCISQueryDocument, "
            "an event or a list of events"
        )
    raise InvalidDocument("JSON object has no 'type': expected an EPCIS document or event")


def parse_json_document(
    document: Any, rejected: dict[int, Rejected] | None = None
) -> ParsedDocument:
    """Normalise an already decoded JSON document, list of events or event.

    `rejected`: events already refused (by the XML schema), by index; their place in the
    event list holds anything (None), they are not looked at again.
    """
    events = events_of(document)
    context = document.get("@context") if isinstance(document, dict) else None
    refused = rejected or {}
    items: list[Event | Rejected] = [
        refused[index] if index in refused else normalise_event(index, event, context)
        for index, event in enumerate(events)
    ]
    parsed = ParsedDocument(items=items)
    if isinstance(document, dict):
        facilities, products, ignored = read_vocabularies(
            master_data_of(document), namespaces_from_context(context)
        )
        parsed.facilities, parsed.products = facilities, products
        parsed.ignored_master_data = ignored
    return parsed


# the EPCIS 2.0 JSON-LD context, under the addresses GS1 has published it at
EPCIS_CONTEXT = re.compile(
    r"^https?://(?:ref\.gs1\.org/standards/epcis(?:/\d+\.\d+\.\d+)?|gs1\.github\.io/EPCIS)"
    r"/epcis-context\.jsonld$"
)
EPCIS_CONTEXT_EXAMPLE = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"


def check_context(document: Any) -> None:
    """The JSON-LD rules the JSON Schema cannot state: a document's `@context` names EPCIS's.

    Without it the document's terms (bizStep, epcList, the bare CBV words) mean nothing in
    JSON-LD. A bare event (the body of POST /events, `application/json` in the REST bindings)
    may leave `@context` out; when it has one, the same rule applies.
    """
    if not isinstance(document, dict):
        return
    kind = document.get("type")
    if "@context" not in document:
        if kind in ("EPCISDocument", "EPCISQueryDocument"):
            raise InvalidDocument(
                f"@context: is required in an {kind}; give the EPCIS context, e.g. "
                f'"@context": ["{EPCIS_CONTEXT_EXAMPLE}"]'
            )
        return
    context = document["@context"]
    items = context if isinstance(context, list) else [context]
    if not any(isinstance(item, str) and EPCIS_CONTEXT.match(item) for item in items):
        raise InvalidDocument(
            "@context: does not name the EPCIS 2.0 context; it must include "
            f'"{EPCIS_CONTEXT_EXAMPLE}"'
        )


def parse_json(data: bytes | str | dict[str, Any] | list[Any]) -> ParsedDocument:
    """Parse an EPCIS 2.0 JSON(-LD) body (or decoded JSON) into events and master data."""
    document = data if isinstance(data, dict | list) else _load(data)
    check_context(document)
    return parse_json_document(document)


def iter_json_events(file: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Stream `(index, event)` from an EPCISDocument's `epcisBody.eventList`, bounded memory."""
    try:
        yield from enumerate(ijson.items(file, "epcisBody.eventList.item", use_float=True))
    except ijson.JSONError as exc:
        raise InvalidDocument(f"body is not valid JSON: {exc}") from None


# what a parse worker of `load --initial` reads whole (see read_whole_json): a document of the
# generated 10,000-event files' size, not one that would fill the memory of the workers
WHOLE_DOCUMENT_BYTES = 8 << 20


# ijson refuses an integer beyond 64-bit signed that orjson reads (up to 2**64 - 1, or as a
# float below -2**63): any run of 19 digits sends a document to ijson
_DIGITS_AS_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def read_whole_json(
    data: bytes,
) -> tuple[Any, ParsedDocument, Iterator[tuple[int, Any]]] | None:
    """What `read_json_header` and `iter_json_events` give for the document `data`, read
    at once with orjson (in half their time), or None when orjson cannot prove it the same
    (the caller then reads `data` their way). Raises what `read_json_header` raises.

    The same values: orjson refuses what it reads differently from ijson (lone surrogates, a
    byte-order mark, infinities, integers beyond 64 bits), and then ijson reads the data,
    errors, the events before an error and all; a run of 19 digits (an integer ijson refuses
    and orjson does not) goes to ijson too. The same items: ijson's paths join keys with dots,
    its stream meets every copy of a repeated key and the header pass stops at the first key
    after the header's, where orjson keeps a repeated key's last value; so one `"epcisBody"`,
    one `"eventList"` and one `"@context"` in the text (at the top), at most one
    `"epcisHeader"`, no \\u-escape (that could spell one of them), no dotted key at the top
    or in the body, and an array of events. The events are dropped from the list as they are
    yielded, as a stream drops them.
    """
    if (
        data.count(b'"eventList"') != 1
        or data.count(b'"epcisBody"') != 1
        or data.count(b'"@context"') != 1
        or data.count(b'"epcisHeader"') > 1
        or b"\\u" in data
        or _LONG_NUMBER in data.translate(_DIGITS_AS_ZEROS)
    ):
        return None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if (
        not isinstance(document, dict)
        or "@context" not in document
        or any("." in key for key in document)
    ):
        return None
    body = document.get("epcisBody")
    if not isinstance(body, dict) or any("." in key for key in body):
        return None
    events = body.get("eventList")
    if not isinstance(events, list):
        return None
    context = document["@context"]
    master = _header(document.get("type"), context, True, document.get("epcisHeader"))
    del document, body
    return context, master, _released(events)


def _released(events: list[Any]) -> Iterator[tuple[int, Any]]:
    for index in range(len(events)):
        event, events[index] = events[index], None
        yield index, event


def read_json_header(file: IO[bytes]) -> tuple[Any, ParsedDocument]:
    """The `@context` and master data (facilities, products) of a streamed EPCISDocument."""
    wanted: dict[str, Any] = {"@context": None, "epcisHeader": None, "type": None}
    builders: dict[str, ijson.ObjectBuilder] = {}
    try:
        # the body is skipped event by event, never built, so memory stays bounded even when
        # the @context comes after it (as in several of the standard's examples)
        for prefix, event, value in ijson.parse(file, use_float=True):
            top = prefix.partition(".")[0]
            if top in wanted and prefix:
                builder = builders.get(top)  # (not setdefault: no builder made per token)
                if builder is None:
                    builder = builders[top] = ijson.ObjectBuilder()
                builder.event(event, value)
            elif prefix == "" and event == "map_key" and all(k in builders for k in wanted):
                break
    except ijson.JSONError as exc:
        raise InvalidDocument(f"body is not valid JSON: {exc}") from None
    for key, builder in builders.items():
        wanted[key] = builder.value
    context = wanted["@context"]
    master = _header(wanted["type"], context, "@context" in builders, wanted["epcisHeader"])
    return context, master


def _header(kind: Any, context: Any, has_context: bool, header: Any) -> ParsedDocument:
    # the same JSON-LD rule as a whole document's (a file that is not an EPCISDocument has no
    # events to stream, which the loader reports)
    check_context({"type": kind, **({"@context": context} if has_context else {})})
    facilities, products, ignored = read_vocabularies(
        master_data_of({"epcisHeader": header}) if isinstance(header, dict) else [],
        namespaces_from_context(context),
    )
    return ParsedDocument(
        items=[], facilities=facilities, products=products, ignored_master_data=ignored
    )
