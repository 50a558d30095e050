"""The EPCIS 2.0 query interface against the real server.

Every GS1 example document is captured once for the module (org `acme`), plus events of an
org that shares with acme (`partner`) and of one that does not (`rival`). Each query's
expected answer is computed independently, by a plain Python filter over the parsed
documents, and the pages are followed through their `Link` headers at perPage=2.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest
from fastapi import FastAPI
from lxml import etree

from api.main import create_app
from trace_engine.config import Settings
from trace_engine.epcis import normalise_event, parse_document, parse_xml
from trace_engine.epcis.model import Event
from trace_engine.epcis.xml import xml_to_json_events
from trace_engine.epcis.xsd import schema_for
from trace_engine.graph.maintenance import wipe
from trace_engine.identifiers import parse_identifier
from trace_engine.keys import KeyCreate, KeyService

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "gs1-epcis" / "examples"
DOCUMENTS = sorted(
    p
    for p in [*(EXAMPLES / "JSON").rglob("*.jsonld"), *(EXAMPLES / "XML").rglob("*.xml")]
    if "CaptureJob" not in p.parts and (p.suffix != ".xml" or b"EventList" in p.read_bytes())
)
ACME, PARTNER, RIVAL = "acme", "partner", "rival"
# master data captured first: a site containing two of the examples' business locations, one
# of which contains a third (WD_ follows it)
SITE = "urn:epc:id:sgln:0614141.99999.0"
HIERARCHY = {
    SITE: ["urn:epc:id:sgln:0614141.00888.0", "https://id.gs1.org/414/0012345111112"],
    "urn:epc:id:sgln:0614141.00888.0": ["urn:epc:id:sgln:4012345.00002.0"],
}


def _content_type(path: Path) -> str:
    return "application/xml" if path.suffix == ".xml" else "application/ld+json"


def _context(path: Path, body: bytes) -> Any:
    if path.suffix == ".xml":
        return xml_to_json_events(body)[0]
    document = orjson.loads(body)
    return document.get("@context") if isinstance(document, dict) else None


class Captured:
    """What was captured, as the test itself reads it: eventID → (event, owner, group)."""

    def __init__(self) -> None:
        self.events: dict[tuple[str, str], Event] = {}
        self.contexts: dict[str, Any] = {}
        self.group: dict[tuple[str, str], int] = {}
        self.boundary = ""

    def visible(self, org: str) -> list[tuple[str, Event]]:
        orgs = {ACME, PARTNER} if org == ACME else {org}
        return [(owner, e) for (owner, _), e in self.events.items() if owner in orgs]


@pytest.fixture
def empty_graph() -> None:
    """This module captures its data once (see `world`), so the graph is not wiped per test."""


@pytest.fixture(scope="module")
async def world(settings: Settings) -> AsyncIterator[tuple[FastAPI, dict[str, str], Captured]]:
    from trace_engine.graph.driver import make_driver
    from trace_engine.graph.schema import apply_schema

    with make_driver(settings) as driver:
        apply_schema(driver, settings.neo4j_database)
        wipe(driver, settings.neo4j_database)
        keys = KeyService(driver, settings.neo4j_database)
        secrets = {
            org: keys.create_key(org, KeyCreate(name=f"{org} test", scopes=["admin"]))[1]
            for org in (ACME, PARTNER, RIVAL)
        }
        _share(keys, PARTNER, ACME)
    app = create_app(settings)
    captured = Captured()
    async with app.router.lifespan_context(app):
        async with _client(app, secrets[ACME]) as acme:
            await _capture_hierarchy(acme)
            half = len(DOCUMENTS) // 2
            for index, path in enumerate(DOCUMENTS):
                if index == half:
                    captured.boundary = _now()
                await _capture(acme, path, captured, index, 0 if index < half else 1)
        for org, stamp in ((PARTNER, "partner"), (RIVAL, "rival")):
            async with _client(app, secrets[org]) as client:
                await _capture_copy(client, org, stamp, captured)
        yield app, secrets, captured
    with make_driver(settings) as driver:
        wipe(driver, settings.neo4j_database)


def _share(keys: KeyService, owner: str, reader: str) -> None:
    """`owner` lets `reader` see its events (the key service's own sharing operations: an
    offer, then the reader's acceptance)."""
    keys.share(owner, reader)
    keys.accept_share(reader, owner)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _client(app: FastAPI, secret: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"Authorization": f"Bearer {secret}"}
    )


async def _capture_hierarchy(client: httpx.AsyncClient) -> None:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-01-01T00:00:00Z",
        "epcisHeader": {
            "epcisMasterData": {
                "vocabularyList": [
                    {
                        "type": "urn:epcglobal:epcis:vtype:BusinessLocation",
                        "vocabularyElementList": [
                            {"id": parent, "attributes": [], "children": children}
                            for parent, children in HIERARCHY.items()
                        ],
                    }
                ]
            }
        },
        "epcisBody": {"eventList": []},
    }
    response = await client.post(
        "/epcis/capture", json=document, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 202, response.text


def _within(place: str) -> set[str]:
    """The place and every place the test's master data puts inside it, as keys."""
    found, todo = set(), [place]
    while todo:
        current = todo.pop()
        if parse_identifier(current).key in found:
            continue
        found.add(parse_identifier(current).key)
        for parent, children in HIERARCHY.items():
            if parse_identifier(parent).key == parse_identifier(current).key:
                todo.extend(children)
    return found


def _comparable(event: Event) -> dict[str, Any]:
    return {k: v for k, v in event.raw.items() if k != "errorDeclaration"}


def _renamed(body: bytes, path: Path, captured: Captured, index: int) -> bytes:
    """The document with a new eventID for each event that contradicts one already captured
    under the same eventID: the standard's examples reuse eventIDs for different events, and
    the XML twins of the JSON examples differ in value types. (Events identified by their
    hash are the same event when the hash is the same.)"""
    for item in parse_document(body, _content_type(path)).items:
        if not isinstance(item, Event) or item.hash_id:
            continue
        stored = captured.events.get((ACME, item.event_id))
        if stored is not None and _comparable(stored) != _comparable(item):
            body = body.replace(item.event_id.encode(), f"{item.event_id}-doc{index}".encode())
    return body


async def _capture(
    client: httpx.AsyncClient, path: Path, captured: Captured, index: int, group: int
) -> None:
    body = _renamed(path.read_bytes(), path, captured, index)
    response = await client.post(
        "/epcis/capture",
        content=body,
        headers={"Content-Type": _content_type(path), "GS1-Capture-Error-Behaviour": "proceed"},
    )
    assert response.status_code == 202, response.text
    job = (await client.get(response.headers["Location"])).json()
    assert job["running"] is False
    context = _context(path, body)
    for item in parse_document(body, _content_type(path)).items:
        if not isinstance(item, Event):
            continue
        key = (ACME, item.event_id)
        # a repeated eventID stores nothing, unless it declares an error on an event that has
        # none yet: then the declaration is the stored event
        stored = captured.events.get(key)
        if stored is None or (
            "errorDeclaration" in item.raw and "errorDeclaration" not in stored.raw
        ):
            captured.events[key] = item
            captured.contexts[item.event_id] = context
            captured.group.setdefault(key, group)


async def _capture_copy(
    client: httpx.AsyncClient, org: str, stamp: str, captured: Captured
) -> None:
    """Three events of the 9.6.1 example under new eventIDs and a location of the org's own."""
    source = EXAMPLES / "JSON" / "Example_9.6.1-ObjectEvent.jsonld"
    document = orjson.loads(source.read_bytes())
    events = document["epcisBody"]["eventList"][:3]
    for index, event in enumerate(events):
        event["eventID"] = f"urn:uuid:00000000-0000-4000-8000-{stamp[:4].encode().hex()}{index:04d}"
        event["bizLocation"] = {"id": f"urn:epc:id:sgln:0614141.0{len(stamp):04d}.{stamp}"}
    document["epcisBody"]["eventList"] = events
    body = orjson.dumps(document)
    path = source.with_name(f"{stamp}.jsonld")
    response = await client.post(
        "/epcis/capture", content=body, headers={"Content-Type": "application/ld+json"}
    )
    assert response.status_code == 202, response.text
    assert (await client.get(response.headers["Location"])).json()["success"] is True
    context = _context(path, body)
    for item in parse_document(body, "application/ld+json").items:
        assert isinstance(item, Event)
        captured.events[(org, item.event_id)] = item
        captured.contexts[item.event_id] = context
        captured.group[(org, item.event_id)] = 1


@pytest.fixture(scope="module")
async def acme(world: tuple[FastAPI, dict[str, str], Captured]) -> AsyncIterator[httpx.AsyncClient]:
    app, secrets, _ = world
    async with _client(app, secrets[ACME]) as client:
        yield client


@pytest.fixture(scope="module")
def captured(world: tuple[FastAPI, dict[str, str], Captured]) -> Captured:
    return world[2]


# -- the expected answers, independently -------------------------------------------------------


def _keys(idents: Any) -> set[str]:
    return {i.key for i in idents}


def _classes(quantities: Any) -> set[str]:
    return {q.epc_class.key for q in quantities}


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _quantities(e: Event) -> list[float]:
    lists = e.quantities + e.input_quantities + e.output_quantities
    return [q.quantity for q in lists if q.quantity is not None]


def _cbv(kind: str, word: str) -> str:
    return f"urn:epcglobal:cbv:{kind}:{word}"


def _declaration(e: Event) -> dict[str, Any]:
    value = e.raw.get("errorDeclaration")
    return value if isinstance(value, dict) else {}


def _ext_values(container: Any, name: str) -> list[Any]:
    if not isinstance(container, dict) or name not in container:
        return []
    value = container[name]
    return value if isinstance(value, list) else [value]


def _pattern_gtin(value: str) -> str:
    return parse_identifier(value).key[3:]


Filter = Callable[[Event], bool]


def _expected_filter(name: str, value: str) -> Filter:
    """What one query parameter means, written from the standard, over the parsed event."""
    values = value.split("|")
    if name == "eventType":
        return lambda e: e.event_type in values
    if name in ("GE_eventTime", "LT_eventTime"):
        bound = _instant(value)
        if name.startswith("GE"):
            return lambda e: _instant(e.event_time_utc) >= bound
        return lambda e: _instant(e.event_time_utc) < bound
    if name == "EQ_action":
        return lambda e: e.action in values
    if name == "EQ_bizStep":
        return lambda e: e.biz_step in {_cbv("bizstep", v) for v in values}
    if name == "EQ_disposition":
        return lambda e: e.disposition in {_cbv("disp", v) for v in values}
    if name in ("EQ_readPoint", "EQ_bizLocation", "WD_readPoint", "WD_bizLocation"):
        keys = {parse_identifier(v).key for v in values}
        if name.startswith("WD_"):
            keys = {k for v in values for k in _within(v)}
        attr = "read_point" if "readPoint" in name else "biz_location"
        return lambda e: getattr(e, attr) is not None and getattr(e, attr).key in keys
    if name.startswith("MATCH_"):
        instance_level = not name.endswith("Class")
        exact = {parse_identifier(v).key for v in values if ":idpat:" not in v}
        gtins = {_pattern_gtin(v) for v in values if ":idpat:" in v}

        def hit(keys: set[str]) -> bool:
            if keys & exact:
                return True
            ai = "/21/" if instance_level else "/10/"
            return any(
                k.startswith(f"01/{g}{ai}") or (not instance_level and k == f"01/{g}")
                for k in keys
                for g in gtins
            )

        def targets(e: Event) -> set[str]:
            parent = {e.parent.key} if e.parent else set()
            return {
                "MATCH_epc": lambda: _keys(e.epcs),
                "MATCH_parentID": lambda: parent,
                "MATCH_inputEPC": lambda: _keys(e.input_epcs),
                "MATCH_outputEPC": lambda: _keys(e.output_epcs),
                "MATCH_anyEPC": lambda: (
                    _keys(e.epcs) | parent | _keys(e.input_epcs) | _keys(e.output_epcs)
                ),
                "MATCH_epcClass": lambda: _classes(e.quantities),
                "MATCH_inputEPCClass": lambda: _classes(e.input_quantities),
                "MATCH_outputEPCClass": lambda: _classes(e.output_quantities),
                "MATCH_anyEPCClass": lambda: (
                    _classes(e.quantities)
                    | _classes(e.input_quantities)
                    | _classes(e.output_quantities)
                ),
            }[name]()

        return lambda e: hit(targets(e))
    if name.endswith("_quantity"):
        number = float(value)
        ops = {
            "EQ": lambda a: a == number,
            "GT": lambda a: a > number,
            "GE": lambda a: a >= number,
            "LT": lambda a: a < number,
            "LE": lambda a: a <= number,
        }[name[:2]]
        return lambda e: any(ops(q) for q in _quantities(e))
    if name == "EQ_eventID":
        return lambda e: e.event_id in values
    if name == "EXISTS_errorDeclaration":
        return lambda e: bool(_declaration(e))
    if name == "GE_errorDeclarationTime":
        bound = _instant(value)
        return lambda e: (
            "declarationTime" in _declaration(e)
            and (_instant(_declaration(e)["declarationTime"]) >= bound)
        )
    if name == "EQ_errorReason":
        return lambda e: _declaration(e).get("reason") in values + [_cbv("er", v) for v in values]
    if name == "EQ_correctiveEventID":
        return lambda e: bool(set(_declaration(e).get("correctiveEventIDs", [])) & set(values))
    if name.startswith("EQ_bizTransaction_"):
        kind = _cbv("btt", name[18:])
        return lambda e: any(t == kind and v in values for t, v in e.biz_transactions)
    if name.startswith(("EQ_source_", "EQ_destination_")):
        kind = _cbv("sdt", name.split("_", 2)[2])
        keys = {parse_identifier(v).key for v in values}
        attr = "sources" if name.startswith("EQ_source_") else "destinations"
        return lambda e: any(s.type == kind and s.id.key in keys for s in getattr(e, attr))
    if name.startswith("EQ_persistentDisposition_"):
        part = name.rsplit("_", 1)[1]

        def persistent(e: Event) -> bool:
            have = e.raw.get("persistentDisposition", {}).get(part, [])
            return bool(
                {_cbv("disp", h) if ":" not in h else h for h in have}
                & {_cbv("disp", v) for v in values}
            )

        return persistent
    if name == "EQ_transformationID":
        return lambda e: e.transformation_id in values
    if name.startswith("EXISTS_ILMD_"):
        field = name[12:]
        return lambda e: bool(_ext_values(e.raw.get("ilmd"), field))
    if name.startswith("EXISTS_"):
        field = name[7:]
        return lambda e: bool(_ext_values(e.raw, field))
    if name.startswith("EQ_ILMD_"):
        field = name[8:]
        return lambda e: any(str(v) in values for v in _ext_values(e.raw.get("ilmd"), field))
    match = re.match(r"^(EQ|GT|GE|LT|LE)_(.+:.+)$", name)
    if match:
        op, field = match.groups()
        if op == "EQ":
            return lambda e: any(str(v) in values for v in _ext_values(e.raw, field))
        number = float(value)
        compare = {
            "GT": lambda a: a > number,
            "GE": lambda a: a >= number,
            "LT": lambda a: a < number,
            "LE": lambda a: a <= number,
        }[op]

        def numeric(e: Event) -> bool:
            for v in _ext_values(e.raw, field):
                try:
                    if compare(float(v)):
                        return True
                except (TypeError, ValueError):
                    continue
            return False

        return numeric
    raise AssertionError(f"no expected filter for {name}")


def _expected(
    captured: Captured,
    params: list[tuple[str, str]],
    org: str = ACME,
    record_times: dict[str, str] | None = None,
) -> list[str]:
    """The eventIDs `params` should answer, in the asked order."""
    order_by, direction = "eventTime", "DESC"
    filters: list[Filter] = []
    for name, value in params:
        if name == "orderBy":
            order_by = value
        elif name == "orderDirection":
            direction = value
        elif name == "eventCountLimit":
            continue
        elif name == "GE_recordTime":
            assert record_times is not None
            bound = _instant(value)
            filters.append(lambda e, b=bound: _instant(record_times[e.event_id]) >= b)
        else:
            filters.append(_expected_filter(name, value))
    chosen = [(owner, e) for owner, e in captured.visible(org) if all(f(e) for f in filters)]

    def sort_key(item: tuple[str, Event]) -> tuple[str, str, str]:
        owner, e = item
        moment = (
            e.event_time_utc
            if order_by == "eventTime"
            else (record_times or {}).get(e.event_id, "")
        )
        return (moment, e.event_id, owner)

    chosen.sort(key=sort_key, reverse=direction == "DESC")
    ids = [e.event_id for _, e in chosen]
    limit = dict(params).get("eventCountLimit")
    return ids[: int(limit)] if limit else ids


async def _all_pages(
    client: httpx.AsyncClient,
    path: str,
    params: list[tuple[str, str]],
    per_page: int = 2,
    headers: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """Every event of every page, following rel="next" links; and the number of pages."""
    response = await client.get(path, params=[*params, ("perPage", str(per_page))], headers=headers)
    events: list[dict[str, Any]] = []
    pages = 0
    while True:
        assert response.status_code == 200, response.text
        assert response.headers["GS1-EPCIS-Version"] == "2.0.0"
        body = response.json()
        assert body["type"] == "EPCISQueryDocument"
        page = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        assert len(page) <= per_page
        events.extend(page)
        pages += 1
        link = response.headers.get("Link")
        if link is None:
            return events, pages
        assert "GS1-Next-Page-Token-Expires" in response.headers
        url = re.fullmatch(r'<([^>]+)>; rel="next"', link)
        assert url is not None, link
        response = await client.get(url.group(1), headers=headers)


def _ids(events: list[dict[str, Any]]) -> list[str]:
    return [e["eventID"] for e in events]


@pytest.fixture(scope="module")
async def record_times(acme: httpx.AsyncClient) -> dict[str, str]:
    events, _ = await _all_pages(acme, "/epcis/events", [], per_page=1000)
    return {e["eventID"]: e["recordTime"] for e in events}


# -- filters, alone and combined, paged at perPage=2 -------------------------------------------

SINGLE: list[list[tuple[str, str]]] = [
    [("eventType", "AggregationEvent|TransformationEvent")],
    [("GE_eventTime", "2013-06-08T14:58:56.591Z")],
    [("LT_eventTime", "2013-06-08T15:00:00+01:00")],
    [("EQ_action", "ADD")],
    [("EQ_bizStep", "shipping|receiving")],
    [("EQ_disposition", "in_progress")],
    [("EQ_readPoint", "urn:epc:id:sgln:4012345.00001.0|urn:epc:id:sgln:4012345.00002.0")],
    [("WD_bizLocation", "urn:epc:id:sgln:0614141.00888.0")],
    [("WD_bizLocation", SITE)],
    [("WD_bizLocation", SITE), ("EQ_bizLocation", "urn:epc:id:sgln:0614141.00888.0")],
    [("WD_readPoint", SITE)],
    [("EQ_bizLocation", "https://id.gs1.org/414/0614141008889")],
    [("MATCH_epc", "urn:epc:id:sgtin:0614141.107346.2017")],
    [("MATCH_epc", "urn:epc:idpat:sgtin:0614141.107346.*")],
    [("MATCH_parentID", "urn:epc:id:sscc:0614141.1234567890")],
    [("MATCH_inputEPC", "urn:epc:id:sgtin:4012345.011122.25")],
    [("MATCH_outputEPC", "urn:epc:id:sgtin:4012345.077889.25")],
    [("MATCH_anyEPC", "https://id.gs1.org/00/106141412345678908")],
    [("MATCH_epcClass", "urn:epc:class:lgtin:4012345.012345.998877")],
    [("MATCH_inputEPCClass", "urn:epc:class:lgtin:4012345.011111.4444")],
    [("MATCH_outputEPCClass", "urn:epc:idpat:sgtin:4012345.044444.*")],
    [("MATCH_anyEPCClass", "urn:epc:idpat:sgtin:4012345.012345.*")],
    [("EQ_quantity", "200")],
    [("GT_quantity", "100")],
    [("LE_quantity", "10")],
    [("EXISTS_errorDeclaration", "")],
    [("GE_errorDeclarationTime", "2000-01-01T00:00:00Z")],
    [("EQ_errorReason", "incorrect_data|did_not_occur")],
    [("EQ_correctiveEventID", "urn:uuid:404d95fc-9457-4a51-bd6a-0bba133845a8")],
    [("EQ_bizTransaction_po", "urn:epc:id:gdti:0614141.00001.1618034")],
    [("EQ_source_owning_party", "https://id.gs1.org/417/4012345002256")],
    [("EQ_destination_location", "urn:epc:id:sgln:0614141.00777.0")],
    [("EQ_persistentDisposition_set", "completeness_inferred|completeness_verified")],
    [("EQ_transformationID", "urn:epc:id:gdti:0614141.12345.400")],
    [("EQ_example:myField", "Example of a vendor/user extension")],
    [("GT_ext1:int", "5")],
    [("EXISTS_ext1:object", "")],
    [("EXISTS_ILMD_ext1:float", "")],
    [("EQ_ILMD_example:batch", "XYZ")],
    [("orderBy", "eventTime"), ("orderDirection", "ASC"), ("eventType", "ObjectEvent")],
]
COMBINED: list[list[tuple[str, str]]] = [
    [("EQ_bizStep", "receiving|shipping|inspecting"), ("GE_eventTime", "2015-01-01T00:00:00Z")],
    [("eventType", "ObjectEvent"), ("MATCH_epc", "urn:epc:idpat:sgtin:0614141.107346.*")],
    [("EQ_bizLocation", "urn:epc:id:sgln:0614141.00888.0"), ("EQ_action", "OBSERVE")],
    [("eventType", "ObjectEvent"), ("EXISTS_example:myField", ""), ("EQ_action", "OBSERVE")],
    [("orderBy", "eventTime"), ("orderDirection", "ASC"), ("eventCountLimit", "5")],
    [
        ("EQ_disposition", "in_progress|active"),
        ("LT_eventTime", "2020-01-01T00:00:00Z"),
        ("orderBy", "recordTime"),
    ],
]


@pytest.mark.parametrize(
    "params", SINGLE + COMBINED, ids=lambda p: "&".join(f"{k}={v}" for k, v in p)
)
async def test_filters_page_through_to_the_expected_answer(
    acme: httpx.AsyncClient,
    captured: Captured,
    record_times: dict[str, str],
    params: list[tuple[str, str]],
) -> None:
    expected = _expected(captured, params, record_times=record_times)
    assert expected, "the example data must give this query an answer"
    assert len(expected) < len(captured.visible(ACME)) or params[0][0] == "orderBy"
    events, pages = await _all_pages(acme, "/epcis/events", params)
    ids = _ids(events)
    assert len(ids) == len(set(ids)), "an event came twice"
    assert ids == expected
    assert pages == max(1, -(-len(expected) // 2))


async def test_record_time_filter_and_order(
    acme: httpx.AsyncClient, captured: Captured, record_times: dict[str, str]
) -> None:
    params = [("GE_recordTime", captured.boundary), ("orderBy", "recordTime")]
    expected = _expected(captured, params, record_times=record_times)
    earlier = [k for k, g in captured.group.items() if g == 0 and k[0] == ACME]
    assert expected and earlier
    assert not {event_id for _, event_id in earlier} & set(expected)
    events, _ = await _all_pages(acme, "/epcis/events", params)
    assert _ids(events) == expected


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("foo=1", "foo"),
        ("GE_eventTime=yesterday", "GE_eventTime"),
        ("eventType=Event", "eventType"),
        ("EQ_action=MOVE", "EQ_action"),
        ("MATCH_epc=not%20an%20id", "MATCH_epc"),
        ("eventCountLimit=3", "eventCountLimit"),
        ("orderBy=bizStep", "orderBy"),
        ("perPage=0", "perPage"),
        ("GT_quantity=many", "GT_quantity"),
        ("nextPageToken=forged", "nextPageToken"),
        ("EQ_bizStep=a||b", "EQ_bizStep"),
    ],
)
async def test_bad_parameters_are_named(
    acme: httpx.AsyncClient, query: str, parameter: str
) -> None:
    response = await acme.get(f"/epcis/events?{query}")
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["type"] == "epcisException:QueryParameterException"
    assert problem["detail"].startswith(f"{parameter}:")


async def test_more_than_max_event_count_is_413(acme: httpx.AsyncClient) -> None:
    response = await acme.get(
        "/epcis/events", params={"eventType": "ObjectEvent", "maxEventCount": 2}
    )
    assert response.status_code == 413
    assert response.json()["type"] == "epcisException:QueryTooLargeException"
    fine = await acme.get(
        "/epcis/events", params={"eventType": "ObjectEvent", "maxEventCount": 10_000}
    )
    assert fine.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [{"Accept": "text/csv"}, {"GS1-EPC-Format": "Always_Barcode"}, {"GS1-EPCIS-Min": "3.0.0"}],
)
async def test_forms_that_cannot_be_given_are_406(
    acme: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await acme.get("/epcis/events", headers=headers)
    assert response.status_code == 406, response.text


# -- identifier forms --------------------------------------------------------------------------


async def test_every_identifier_form_finds_the_same_events(
    acme: httpx.AsyncClient, captured: Captured
) -> None:
    forms = [
        "urn:epc:id:sgtin:0614141.107346.2017",
        "https://id.gs1.org/01/10614141073464/21/2017",
        "https://example.com/01/10614141073464/21/2017?linkType=all",
    ]
    answers = []
    for form in forms:
        events, _ = await _all_pages(acme, "/epcis/events", [("MATCH_epc", form)])
        answers.append(_ids(events))
    assert answers[0] and all(answer == answers[0] for answer in answers)
    pattern, _ = await _all_pages(
        acme, "/epcis/events", [("MATCH_epc", "urn:epc:idpat:sgtin:0614141.107346.*")]
    )
    assert set(answers[0]) <= set(_ids(pattern))


async def test_epc_format_header_writes_urns_or_digital_links(acme: httpx.AsyncClient) -> None:
    params = [("MATCH_epc", "https://id.gs1.org/01/10614141073464/21/2017")]
    urns, _ = await _all_pages(
        acme, "/epcis/events", params, headers={"GS1-EPC-Format": "Always_EPC_URN"}
    )
    links, _ = await _all_pages(acme, "/epcis/events", params)
    assert urns and len(urns) == len(links)
    for urn_event, link_event in zip(urns, links, strict=True):
        listed = "epcList" if "epcList" in urn_event else "childEPCs"
        assert all(epc.startswith("urn:epc:id:") for epc in urn_event[listed])
        assert all(epc.startswith("https://id.gs1.org/") for epc in link_event[listed])
        assert [parse_identifier(e).key for e in urn_event[listed]] == [
            parse_identifier(e).key for e in link_event[listed]
        ]


# -- round trip --------------------------------------------------------------------------------


def _business(event: Event) -> dict[str, Any]:
    """What an event says, independent of its syntax and identifier forms."""
    return {
        "type": event.event_type,
        "id": event.event_id,
        "time": event.event_time_utc,
        "offset": event.event_time_zone_offset,
        "action": event.action,
        "bizStep": event.biz_step,
        "disposition": event.disposition,
        "readPoint": event.read_point.key if event.read_point else None,
        "bizLocation": event.biz_location.key if event.biz_location else None,
        "epcs": [i.key for i in event.epcs],
        "quantities": [(q.epc_class.key, q.quantity, q.uom) for q in event.quantities],
        "parent": event.parent.key if event.parent else None,
        "inputs": [i.key for i in event.input_epcs]
        + [(q.epc_class.key, q.quantity, q.uom) for q in event.input_quantities],
        "outputs": [i.key for i in event.output_epcs]
        + [(q.epc_class.key, q.quantity, q.uom) for q in event.output_quantities],
        "transformationID": event.transformation_id,
        "sources": [(s.type, s.id.key) for s in event.sources],
        "destinations": [(d.type, d.id.key) for d in event.destinations],
        "bizTransactions": event.biz_transactions,
        "lotData": event.lot_data,
        "errorDeclaration": event.raw.get("errorDeclaration", {}).get("declarationTime"),
        "sensors": len(event.raw.get("sensorElementList", [])),
    }


def _loose(value: Any) -> Any:
    """Extension and ILMD values as XML carries them: text."""
    if isinstance(value, dict):
        return {k: _loose(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_loose(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _expanded(value: Any, namespaces: dict[str, str]) -> Any:
    """Keys `prefix:local` as full IRIs, so that two documents' prefixes do not matter."""
    standard = {"cbvmda": "urn:epcglobal:cbv:mda:", "gs1": "https://gs1.org/voc/"}
    known = standard | namespaces

    def iri(key: str) -> str:
        prefix, sep, local = key.partition(":")
        if sep and prefix in known:
            return known[prefix].rstrip(":#/") + "/" + local
        return key

    if isinstance(value, dict):
        return {iri(k): _expanded(v, namespaces) for k, v in value.items()}
    if isinstance(value, list):
        return [_expanded(v, namespaces) for v in value]
    return value


def _extensions(event: Event) -> dict[str, Any]:
    """User extensions and ILMD of an event, by full IRI, with XML's text values."""
    chosen = {k: v for k, v in event.raw.items() if ":" in k}
    chosen["ilmd"] = event.raw.get("ilmd", {})
    return _loose(_expanded(chosen, event.namespaces))


async def test_every_example_event_comes_back_by_event_id_in_json_ld_and_xml(
    acme: httpx.AsyncClient, captured: Captured
) -> None:
    own = [e for (o, _), e in captured.events.items() if o == ACME]
    assert len(own) > 90
    for event in own:
        params = {"EQ_eventID": event.event_id}
        as_json = await acme.get("/epcis/events", params=params)
        assert as_json.status_code == 200, as_json.text
        listed = as_json.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        assert len(listed) == 1
        context = as_json.json()["@context"]
        returned = normalise_event(0, listed[0], context)
        assert isinstance(returned, Event), returned
        assert _business(returned) == _business(event)
        raw_form = await acme.get(
            "/epcis/events", params=params, headers={"GS1-EPC-Format": "Never_Translates"}
        )
        as_captured = raw_form.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]
        assert {k: v for k, v in as_captured.items() if k != "recordTime"} == {
            k: v for k, v in event.raw.items() if k != "recordTime"
        }

        as_xml = await acme.get(
            "/epcis/events", params=params, headers={"Accept": "application/xml"}
        )
        assert as_xml.status_code == 200
        assert as_xml.headers["content-type"].startswith("application/xml")
        parsed = parse_xml(as_xml.content).items
        assert len(parsed) == 1 and isinstance(parsed[0], Event), parsed
        assert _business(parsed[0]) == _business(event)
        assert _extensions(parsed[0]) == _extensions(event)


async def test_xml_query_documents_are_valid_against_gs1s_xsd(acme: httpx.AsyncClient) -> None:
    for cbv_format in ("Always_URN", "Always_Web_URI"):
        response = await acme.get(
            "/epcis/events",
            params={"perPage": 1000},
            headers={"Accept": "application/xml", "GS1-CBV-XML-Format": cbv_format},
        )
        assert response.status_code == 200
        document = etree.fromstring(response.content)
        schema = schema_for("2.0")
        assert schema.validate(document), schema.error_log
        assert len(document.findall(".//EventList/*")) > 90


async def test_event_resource_is_a_query_document(
    acme: httpx.AsyncClient, captured: Captured
) -> None:
    declared = next(
        e for (o, _), e in captured.events.items() if o == ACME and "errorDeclaration" in e.raw
    )
    response = await acme.get(f"/epcis/events/{quote(declared.event_id, safe='')}")
    assert response.status_code == 200
    listed = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["eventID"] for e in listed] == [declared.event_id]
    assert listed[0]["errorDeclaration"] == declared.raw["errorDeclaration"]
    missing = await acme.get("/epcis/events/urn:uuid:00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.json()["type"] == "epcisException:NoSuchResourceException"


# -- tenancy -----------------------------------------------------------------------------------


def _rival_ids(captured: Captured) -> set[str]:
    return {event_id for owner, event_id in captured.events if owner == RIVAL}


async def test_another_orgs_events_never_appear(
    world: tuple[FastAPI, dict[str, str], Captured], acme: httpx.AsyncClient, captured: Captured
) -> None:
    app, secrets, _ = world
    rival_ids = _rival_ids(captured)
    partner_ids = {event_id for owner, event_id in captured.events if owner == PARTNER}
    everything, _ = await _all_pages(acme, "/epcis/events", [], per_page=50)
    seen = set(_ids(everything))
    assert partner_ids <= seen, "events of an org sharing with acme are visible"
    assert not rival_ids & seen
    for event_id in rival_ids:
        response = await acme.get(f"/epcis/events/{quote(event_id, safe='')}")
        assert response.status_code == 404
        by_id = await acme.get("/epcis/events", params={"EQ_eventID": event_id})
        assert by_id.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"] == []
    rival_place = "urn:epc:id:sgln:0614141.00005.rival"
    locations = (await acme.get("/epcis/bizLocations", params={"perPage": 1000})).json()["member"]
    assert "https://id.gs1.org/414/0614141000050/254/rival" not in locations
    assert (await acme.get(f"/epcis/bizLocations/{quote(rival_place, safe='')}")).status_code == 404
    async with _client(app, secrets[RIVAL]) as rival:
        own = (await rival.get("/epcis/bizLocations")).json()["member"]
        assert "https://id.gs1.org/414/0614141000050/254/rival" in own
        assert (
            await rival.get(f"/epcis/bizLocations/{quote(rival_place, safe='')}")
        ).status_code == 200


async def test_page_tokens_cannot_be_forged_or_carried_over(
    world: tuple[FastAPI, dict[str, str], Captured], acme: httpx.AsyncClient
) -> None:
    app, secrets, _ = world
    first = await acme.get("/epcis/events", params={"perPage": 1})
    token = re.search(r"nextPageToken=([^&>]+)", first.headers["Link"])
    assert token is not None
    value = token.group(1)
    body, mac = value.split(".")
    forged_body = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    for bad in (f"{forged_body}.{mac}", f"{body}.{mac[:-2]}xx", body):
        response = await acme.get(f"/epcis/events?perPage=1&nextPageToken={bad}")
        assert response.status_code == 400
    other_query = await acme.get(
        f"/epcis/events?perPage=1&eventType=ObjectEvent&nextPageToken={value}"
    )
    assert other_query.status_code == 400
    async with _client(app, secrets[RIVAL]) as rival:
        stolen = await rival.get(f"/epcis/events?perPage=1&nextPageToken={value}")
        assert stolen.status_code == 400
    follow = await acme.get(f"/epcis/events?perPage=1&nextPageToken={value}")
    assert follow.status_code == 200


# -- resources and discovery -------------------------------------------------------------------


async def test_top_level_resources_list_what_the_org_uses(
    acme: httpx.AsyncClient, captured: Captured
) -> None:
    visible = [e for _, e in captured.visible(ACME)]
    steps, _ = await _collection_pages(acme, "/epcis/bizSteps")
    assert sorted(steps) == sorted({e.biz_step for e in visible if e.biz_step})
    types, _ = await _collection_pages(acme, "/epcis/eventTypes")
    assert sorted(types) == sorted({e.event_type for e in visible})
    places, pages = await _collection_pages(acme, "/epcis/bizLocations")
    assert pages > 1
    assert sorted(parse_identifier(p).key for p in places) == sorted(
        {e.biz_location.key for e in visible if e.biz_location}
    )
    epcs, _ = await _collection_pages(acme, "/epcis/epcs", per_page=500)
    assert "https://id.gs1.org/01/10614141073464/21/2017" in epcs
    step = "urn:epcglobal:cbv:bizstep:shipping"
    member = await acme.get(f"/epcis/bizSteps/{step}")
    assert member.status_code == 200 and member.json()["member"] == ["events"]
    assert (await acme.get("/epcis/bizSteps/urn:epcglobal:cbv:bizstep:killing")).status_code == 404
    events, _ = await _all_pages(
        acme, f"/epcis/bizSteps/{step}/events", [("eventType", "ObjectEvent")]
    )
    expected = _expected(captured, [("EQ_bizStep", "shipping"), ("eventType", "ObjectEvent")])
    assert expected and _ids(events) == expected


async def _collection_pages(
    client: httpx.AsyncClient, path: str, per_page: int = 2
) -> tuple[list[str], int]:
    response = await client.get(path, params={"perPage": per_page})
    members: list[str] = []
    pages = 0
    while True:
        assert response.status_code == 200, response.text
        members.extend(response.json()["member"])
        pages += 1
        link = response.headers.get("Link")
        if link is None:
            assert len(members) == len(set(members))
            return members, pages
        response = await client.get(link[1 : link.index(">")])


async def test_discovery_headers(acme: httpx.AsyncClient) -> None:
    for path in ("/epcis", "/epcis/events", "/epcis/bizSteps", "/epcis/epcs/x/events"):
        response = await acme.options(path)
        assert response.status_code == 204, path
        for header in (
            "GS1-EPCIS-Version",
            "GS1-EPCIS-Min",
            "GS1-EPCIS-Max",
            "GS1-CBV-Version",
            "GS1-CBV-Min",
            "GS1-CBV-Max",
            "GS1-Extensions",
            "GS1-Vendor-Version",
            "Allow",
        ):
            assert header in response.headers, (path, header)
    top = await acme.get("/epcis")
    assert {
        "events",
        "eventTypes",
        "epcs",
        "bizSteps",
        "bizLocations",
        "readPoints",
        "dispositions",
        "capture",
    } <= set(top.json()["member"])
    assert top.headers["GS1-CBV-Version"] == "2.0.0"


async def test_capture_jobs_newest_first(acme: httpx.AsyncClient) -> None:
    jobs, _ = await _jobs(acme)
    assert len(jobs) == len(DOCUMENTS) + 1  # and the master data
    created = [job["createdAt"] for job in jobs]
    assert created == sorted(created, reverse=True)


async def _jobs(client: httpx.AsyncClient) -> tuple[list[dict[str, Any]], int]:
    response = await client.get("/epcis/capture", params={"perPage": 7})
    jobs: list[dict[str, Any]] = []
    pages = 0
    while True:
        assert response.status_code == 200
        jobs.extend(response.json())
        pages += 1
        link = response.headers.get("Link")
        if link is None:
            return jobs, pages
        response = await client.get(link[1 : link.index(">")])
