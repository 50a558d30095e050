"""Named EPCIS queries (`/epcis/queries`) against the real server: validation against GS1's
query-schema.json, 201 + Location, 409 per org, running one paged, and tenancy."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import httpx
import orjson

MakeClient = Callable[..., httpx.AsyncClient]
JSONLD = {"Content-Type": "application/ld+json"}
_ids = itertools.count(1)


def _event(biz_step: str, lot: str = "urn:epc:class:lgtin:4012345.012345.NQ1") -> dict[str, Any]:
    n = next(_ids)
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:40000000-0000-4000-8000-{n:012d}",
        "eventTime": f"2024-06-01T10:00:{n % 60:02d}.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": biz_step,
        "quantityList": [{"epcClass": lot, "quantity": 5, "uom": "KGM"}],
        "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
    }


async def _capture(http: httpx.AsyncClient, *events: dict[str, Any]) -> None:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-06-01T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }
    response = await http.post("/epcis/capture", content=orjson.dumps(document), headers=JSONLD)
    assert response.status_code == 202, response.text
    job = await http.get(response.headers["Location"])
    assert job.json()["running"] is False and job.json()["success"] is True, job.text


async def _all_events(http: httpx.AsyncClient, path: str) -> tuple[list[str], list[str]]:
    """The eventIDs of every page (perPage=1, following `Link`) and each page's queryName."""
    ids: list[str] = []
    names: list[str] = []
    url: str | None = f"{path}?perPage=1"
    while url is not None:
        response = await http.get(url)
        assert response.status_code == 200, response.text
        results = response.json()["epcisBody"]["queryResults"]
        names.append(results["queryName"])
        ids += [e["eventID"] for e in results["resultsBody"]["eventList"]]
        link = re.match(r"<([^>]+)>", response.headers.get("Link", ""))
        url = link.group(1).replace("http://test", "") if link else None
    return ids, names


async def test_create_get_list_run_and_delete(make_client: MakeClient) -> None:
    http = make_client(org="nq-a")
    shipped = [_event("shipping"), _event("shipping"), _event("urn:epcglobal:cbv:bizstep:shipping")]
    await _capture(http, *shipped, _event("receiving"))

    body = {"name": "shipped.v1", "query": {"EQ_bizStep": ["shipping"], "orderBy": "eventTime",
                                            "orderDirection": "ASC"}}  # fmt: skip
    created = await http.post("/epcis/queries", json=body)
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == "/epcis/queries/shipped.v1"
    assert created.json()["query"] == body["query"]

    one = await http.get(created.headers["Location"])
    assert one.status_code == 200 and one.json()["name"] == "shipped.v1"
    assert one.json()["query"] == body["query"]

    # the same name again in the same org: 409, and the stored query is unchanged
    again = await http.post("/epcis/queries", json={"name": "shipped.v1", "query": {}})
    assert again.status_code == 409, again.text
    assert (await http.get("/epcis/queries/shipped.v1")).json()["query"] == body["query"]

    ids, names = await _all_events(http, "/epcis/queries/shipped.v1/events")
    assert ids == [e["eventID"] for e in shipped]  # ASC by eventTime, each page of one
    assert set(names) == {"shipped.v1"}

    # a named query's filters are its own
    extra = await http.get("/epcis/queries/shipped.v1/events", params={"EQ_bizStep": "receiving"})
    assert extra.status_code == 400 and "EQ_bizStep" in extra.json()["detail"]

    await http.post("/epcis/queries", json={"name": "a-first", "query": {}})
    listed = await http.get("/epcis/queries", params={"perPage": 1})
    assert [q["name"] for q in listed.json()] == ["a-first"]
    assert 'rel="next"' in listed.headers["Link"]
    everything = await http.get("/epcis/queries")
    assert [q["name"] for q in everything.json()] == ["a-first", "shipped.v1"]

    assert (await http.delete("/epcis/queries/shipped.v1")).status_code == 204
    assert (await http.get("/epcis/queries/shipped.v1")).status_code == 404
    assert (await http.get("/epcis/queries/shipped.v1/events")).status_code == 404
    assert (await http.delete("/epcis/queries/shipped.v1")).status_code == 404


async def test_a_query_the_schema_or_the_parser_refuses_is_a_400_naming_it(
    make_client: MakeClient,
) -> None:
    http = make_client(org="nq-bad")
    refused = {
        "query.bogus": {"bogus": ["x"]},  # not in query-schema.json
        "query.GE_eventTime": {"GE_eventTime": "yesterday"},  # not a date-time
        "query.EQ_action": {"EQ_action": ["JUMP"]},  # not in the schema's enum
        "query.eventType": {"eventType": "ObjectEvent"},  # the schema wants a list
        "query.MATCH_epc": {"MATCH_epc": ["urn:epc:id:sgtin:nonsense"]},  # parser: not an EPC
        "query.eventCountLimit": {"eventCountLimit": 5},  # parser: requires orderBy
        "query.EQ_type": {"EQ_type": ["Temperature"]},  # in the schema, not served here
    }
    for field, query in refused.items():
        response = await http.post("/epcis/queries", json={"name": "bad", "query": query})
        assert response.status_code == 400, (field, response.text)
        assert response.json()["detail"].startswith(field), (field, response.json())
    for body in ({"name": "bad"}, {"name": "has space", "query": {}}, {"query": {}}):
        response = await http.post("/epcis/queries", json=body)
        assert response.status_code == 400 and "body" in response.json()["detail"], body
    assert (await http.get("/epcis/queries")).json() == []  # nothing was stored


async def test_orgs_cannot_see_use_or_delete_each_others_queries(
    make_client: MakeClient,
) -> None:
    a, b = make_client(org="nq-org-a"), make_client(org="nq-org-b")
    a_event, b_event = _event("shipping"), _event("shipping")
    await _capture(a, a_event)
    await _capture(b, b_event)
    query = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"]}}
    assert (await a.post("/epcis/queries", json=query)).status_code == 201

    # B sees nothing of A's query, and cannot run or delete it
    assert (await b.get("/epcis/queries")).json() == []
    assert (await b.get("/epcis/queries/shipped")).status_code == 404
    assert (await b.get("/epcis/queries/shipped/events")).status_code == 404
    assert (await b.delete("/epcis/queries/shipped")).status_code == 404
    assert (await a.get("/epcis/queries/shipped")).status_code == 200

    # the name is A's, not global: B may use it for its own query, which sees B's events only
    assert (await b.post("/epcis/queries", json=query)).status_code == 201
    assert (await _all_events(b, "/epcis/queries/shipped/events"))[0] == [b_event["eventID"]]
    assert (await _all_events(a, "/epcis/queries/shipped/events"))[0] == [a_event["eventID"]]

    # A shares with B and B accepts: B's query now sees A's events too
    assert (await a.post("/api/v1/sharing", json={"org": "nq-org-b"})).status_code == 201
    assert (await b.post("/api/v1/sharing/accept", json={"org": "nq-org-a"})).status_code == 200
    seen = (await _all_events(b, "/epcis/queries/shipped/events"))[0]
    assert sorted(seen) == sorted([a_event["eventID"], b_event["eventID"]])
    assert (await _all_events(a, "/epcis/queries/shipped/events"))[0] == [a_event["eventID"]]
