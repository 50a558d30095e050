"""EPCIS capture over HTTP against the real server: the GS1 examples, rollback and proceed,
duplicates, malformed input, single-event capture."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest

from trace_engine.epcis import normalise_event, parse_document
from trace_engine.epcis.model import Event

EXAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "gs1-epcis" / "examples"
# every EPCIS, query and master-data document among the standard's examples (the capture
# job documents are the capture interface's answers, not documents to capture)
JSON_EXAMPLES = sorted(p for p in EXAMPLES.rglob("*.json*") if p.suffix in (".json", ".jsonld"))
XML_EXAMPLES = sorted(p for p in EXAMPLES.rglob("*.xml") if "CaptureJob" not in p.parts)

Counts = Callable[[], tuple[int, int]]


def _content_type(path: Path) -> str:
    return "application/ld+json" if path.suffix in (".jsonld", ".json") else "application/xml"


async def _capture(
    client: httpx.AsyncClient, body: bytes, content_type: str, behaviour: str = "rollback"
) -> httpx.Response:
    return await client.post(
        "/epcis/capture",
        content=body,
        headers={"Content-Type": content_type, "GS1-Capture-Error-Behaviour": behaviour},
    )


async def _job(client: httpx.AsyncClient, response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 202, response.text
    location = response.headers["Location"]
    assert location.startswith("/epcis/capture/")
    job = await client.get(location)
    assert job.status_code == 200
    body: dict[str, Any] = job.json()
    return body


def _business(event: Event) -> dict[str, Any]:
    """What an event says, independent of its syntax."""
    return {
        "type": event.event_type,
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
        "sources": [(s.type, s.id.key) for s in event.sources],
        "destinations": [(d.type, d.id.key) for d in event.destinations],
        "bizTransactions": event.biz_transactions,
        "ilmd": event.ilmd,
        "lotData": event.lot_data,
        "raw": {k: v for k, v in event.raw.items() if k != "eventID"},
    }


@pytest.mark.parametrize(
    "path", JSON_EXAMPLES + XML_EXAMPLES, ids=lambda p: str(p.relative_to(EXAMPLES))
)
async def test_every_gs1_example_is_captured_and_comes_back(
    client: httpx.AsyncClient, path: Path
) -> None:
    body = path.read_bytes()
    parsed = parse_document(body, _content_type(path))
    # rollback: one refused event would refuse the whole document with a 400
    job = await _job(client, await _capture(client, body, _content_type(path), "rollback"))
    assert job["running"] is False
    assert job["totalCount"] == len(parsed.items)
    assert parsed.items or parsed.facilities or parsed.products
    assert job["success"] is True, job["errors"]
    assert all(r["status"] in ("accepted", "duplicate") for r in job["results"])

    # an error declaration repeats an eventID: the stored event is the declared one, the last
    last = {item.event_id: item for item in parsed.items if isinstance(item, Event)}
    for item in last.values():
        response = await client.get(
            f"/epcis/events/{quote(item.event_id, safe='')}",
            headers={"GS1-EPC-Format": "Never_Translates"},
        )
        assert response.status_code == 200, item.event_id
        assert response.headers["content-type"].startswith("application/ld+json")
        listed = response.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
        assert len(listed) == 1
        # the repository's recordTime is given on the way out, whatever the client sent
        if "recordTime" in item.raw:
            listed[0]["recordTime"] = item.raw["recordTime"]
        else:
            del listed[0]["recordTime"]
        returned = normalise_event(0, listed[0], parsed_context(body, path))
        assert isinstance(returned, Event)
        assert returned.event_id == item.event_id
        assert _business(returned) == _business(item)


def parsed_context(body: bytes, path: Path) -> Any:
    """The document's @context (namespaces of user extensions), for re-reading one event."""
    if path.suffix == ".xml":
        from trace_engine.epcis.xml import xml_to_json_events

        context, _ = xml_to_json_events(body)
        return context
    return orjson.loads(body).get("@context")


def _document(*events: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-03-01T00:00:00Z",
            "epcisBody": {"eventList": list(events)},
        }
    )


def _object_event(n: int, **changes: Any) -> dict[str, Any]:
    event = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        "eventTime": f"2024-03-01T10:{n % 60:02d}:00.000+01:00",
        "eventTimeZoneOffset": "+01:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{n}"],
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200, "uom": "KGM"}
        ],
        "bizLocation": {"id": "urn:epc:id:sgln:0614141.00777.0"},
    }
    event.update(changes)
    return event


def _with_invalid_third() -> bytes:
    bad = _object_event(3)
    del bad["eventTime"]
    return _document(_object_event(1), _object_event(2), bad, _object_event(4))


async def test_rollback_stores_nothing_and_names_the_index_and_field(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    before = counts()
    response = await _capture(client, _with_invalid_third(), "application/ld+json")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] == [
        {
            "index": 2,
            "eventID": "urn:uuid:00000000-0000-4000-8000-000000000003",
            "field": "eventTime",
            "reason": "is required",
        }
    ]
    assert "event 2" in problem["detail"] and "eventTime" in problem["detail"]
    assert counts() == before


async def test_proceed_stores_the_valid_events_and_reports_the_other(
    client: httpx.AsyncClient,
) -> None:
    job = await _job(
        client, await _capture(client, _with_invalid_third(), "application/ld+json", "proceed")
    )
    assert job["batchStatus"] == "PARTIALLY_ACCEPTED"
    assert (job["totalCount"], job["acceptedCount"], job["rejectedCount"]) == (4, 3, 1)
    assert job["success"] is False
    assert [e["instance"] for e in job["errors"]] == ["#/epcisBody/eventList/2"]
    for n, status in ((1, 200), (2, 200), (3, 404), (4, 200)):
        event_id = quote(f"urn:uuid:00000000-0000-4000-8000-{n:012d}", safe="")
        assert (await client.get(f"/epcis/events/{event_id}")).status_code == status


async def test_the_same_document_twice_stores_nothing_the_second_time(
    client: httpx.AsyncClient, counts: Counts
) -> None:
    document = _document(*(_object_event(n) for n in range(1, 6)))
    first = await _job(client, await _capture(client, document, "application/ld+json"))
    assert (first["batchStatus"], first["acceptedCount"], first["duplicateCount"]) == (
        "ACCEPTED",
        5,
        0,
    )
    after_first = counts()
    second = await _job(client, await _capture(client, document, "application/ld+json"))
    assert (second["acceptedCount"], second["duplicateCount"]) == (0, 5)
    assert {r["status"] for r in second["results"]} == {"duplicate"}
    nodes, relationships = counts()
    # only the second capture job node is new
    assert (nodes - 1, relationships) == after_first


async def test_events_repeated_inside_one_document_are_stored_once(
    client: httpx.AsyncClient,
) -> None:
    document = _document(_object_event(1), _object_event(1))
    job = await _job(client, await _capture(client, document, "application/ld+json"))
    assert [r["status"] for r in job["results"]] == ["accepted", "duplicate"]


async def test_event_hash_examples_become_one_event(client: httpx.AsyncClient) -> None:
    folder = EXAMPLES / "XML" / "WithEventHashID"
    ids: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        job = await _job(client, await _capture(client, path.read_bytes(), _content_type(path)))
        assert job["totalCount"] == 1 and job["rejectedCount"] == 0
        ids[path.name] = job["results"][0]["eventID"]
    # file 2 gives the same event in another time zone: the CBV 2.0 hash includes
    # eventTimeZoneOffset, so it is a distinct event (as the reference implementation says)
    same = {name: eid for name, eid in ids.items() if "hash_id_2" not in name}
    assert len(set(same.values())) == 1
    assert next(iter(same.values())).startswith("ni:///sha-256;")
    assert ids["event_with_identical_hash_id_2.xml"] not in same.values()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        (b"this is neither", "application/json", 400, "JSON"),
        (b"<not-epcis/>", "application/xml", 400, "EPCIS"),
        (b"{}", "text/csv", 415, "content type"),
        (b"", "application/ld+json", 400, ""),
        (
            _document(_object_event(1, epcList=["urn:epc:id:sgtin:0614141.107346"])),
            "application/ld+json",
            400,
            "epcList[0]",
        ),
        (
            _document(
                _object_event(
                    1,
                    quantityList=[
                        {
                            "epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
                            "quantity": "200",
                            "uom": "KGM",
                        }
                    ],
                )
            ),
            "application/ld+json",
            400,
            "quantity",
        ),
        (
            _document({k: v for k, v in _object_event(1).items() if k != "eventTime"}),
            "application/ld+json",
            400,
            "eventTime",
        ),
    ],
    ids=[
        "not-json",
        "not-epcis-xml",
        "wrong-type",
        "empty",
        "bad-urn",
        "text-quantity",
        "no-eventTime",
    ],  # fmt: skip
)
async def test_malformed_input_is_a_problem_and_stores_nothing(
    client: httpx.AsyncClient,
    counts: Counts,
    body: bytes,
    content_type: str,
    status: int,
    says: str,
) -> None:
    before = counts()
    for path in ("/epcis/capture", "/epcis/events"):
        response = await client.post(path, content=body, headers={"Content-Type": content_type})
        assert response.status_code == status, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == status and says in problem["detail"]
    assert counts() == before


async def test_a_50_mb_body_is_refused_with_413(client: httpx.AsyncClient, counts: Counts) -> None:
    before = counts()
    body = b"[" + b" " * (50 * 1024 * 1024) + b"]"
    response = await client.post(
        "/epcis/capture", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "GS1-EPCIS-Capture-File-Size-Limit" in response.json()["detail"]
    assert counts() == before


async def test_options_advertises_the_capture_limits(client: httpx.AsyncClient) -> None:
    response = await client.options("/epcis/capture")
    assert response.status_code == 204
    assert int(response.headers["GS1-EPCIS-Capture-Limit"]) > 0
    assert int(response.headers["GS1-EPCIS-Capture-File-Size-Limit"]) > 0


async def test_too_many_events_is_413(client: httpx.AsyncClient, settings: Any) -> None:
    limit = settings.capture_max_events
    events = [_object_event(n) for n in range(limit + 1)]
    response = await _capture(client, _document(*events), "application/ld+json")
    assert response.status_code == 413
    assert "GS1-EPCIS-Capture-Limit" in response.json()["detail"]


async def test_single_event_capture_201_then_409(client: httpx.AsyncClient) -> None:
    event = _object_event(7)
    body = orjson.dumps(event)
    created = await client.post(
        "/epcis/events", content=body, headers={"Content-Type": "application/ld+json"}
    )
    assert created.status_code == 201
    location = created.headers["Location"]
    assert location == "/epcis/events/" + quote(event["eventID"], safe="")
    document = (await client.get(location, headers={"GS1-EPC-Format": "Never_Translates"})).json()
    (stored,) = document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert stored.pop("recordTime")
    assert stored == event
    again = await client.post(
        "/epcis/events", content=body, headers={"Content-Type": "application/ld+json"}
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


async def test_an_unknown_event_and_job_are_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/epcis/events/urn%3Auuid%3Anope")).status_code == 404
    assert (await client.get("/epcis/capture/nope")).status_code == 404


async def test_graph_shape_of_a_transformation(client: httpx.AsyncClient, driver: Any) -> None:
    transform = {
        "type": "TransformationEvent",
        "eventID": "urn:uuid:10000000-0000-4000-8000-000000000001",
        "eventTime": "2024-03-02T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "bizStep": "creating_class_instance",
        "inputQuantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.A1", "quantity": 10, "uom": "KGM"},
            {"epcClass": "urn:epc:class:lgtin:4012345.012346.B1", "quantity": 5, "uom": "KGM"},
        ],
        "outputQuantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.022345.C1", "quantity": 14, "uom": "KGM"}
        ],
        "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
        "ilmd": {"cbvmda:bestBeforeDate": "2024-04-01"},
    }
    job = await _job(client, await _capture(client, _document(copy.deepcopy(transform)),
                                            "application/ld+json"))  # fmt: skip
    assert job["acceptedCount"] == 1
    records, _, _ = driver.execute_query(
        # lot data is the capturing org's statement about the lot (the ownership model)
        "MATCH (a:ProductInstance)-[:TRANSFORMED_INTO]->(b:ProductInstance) "
        "OPTIONAL MATCH (d:LotData)-[:DESCRIBES]->(b) "
        "RETURN a.displayId AS a, b.displayId AS b, d.bestBeforeDate AS bb ORDER BY a"
    )
    assert [(r["a"], r["b"], r["bb"]) for r in records] == [
        ("urn:epc:class:lgtin:4012345.012345.A1", "urn:epc:class:lgtin:4012345.022345.C1",
         "2024-04-01"),
        ("urn:epc:class:lgtin:4012345.012346.B1", "urn:epc:class:lgtin:4012345.022345.C1",
         "2024-04-01"),
    ]  # fmt: skip
    # the Digital Link form of an input finds the same node through its canonical key
    records, _, _ = driver.execute_query(
        "MATCH (:Alias {id: $raw})-[:ALIAS_OF]->(p:ProductInstance)<-[r:INPUT]-(:Event) "
        "RETURN p.id AS id, r.quantity AS q",
        raw="urn:epc:class:lgtin:4012345.012345.A1",
    )
    assert [(r["id"], r["q"]) for r in records] == [("01/04012345123456/10/A1", 10.0)]
