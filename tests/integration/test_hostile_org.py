"""Org B plays the hostile partner against org A, through every thing two orgs can share.

One test per leak of issue 12 (each failed on the code before the ownership model), and the
guarantees that replace them: B cannot rewrite, squat, hide or learn about A's events; B's
payloads, master data and lot data never reach A's traces; B's events reach A's traces only
after A accepts B's share, marked with B as their owner, and leave them when it ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import orjson
import pytest

MakeClient = Callable[..., httpx.AsyncClient]
JSONLD = {"Content-Type": "application/ld+json"}
LOT = "urn:epc:class:lgtin:4012345.012345.HOSTILE1"
SITE = "urn:epc:id:sgln:4012345.00001.0"
PRODUCT = "urn:epc:idpat:sgtin:4012345.012345.*"
_ids = itertools.count(1)


def _event(
    n: int | None = None, lot: str = LOT, time: str = "2024-06-01T10:00:00.000Z", **extra: Any
) -> dict[str, Any]:
    n = next(_ids) if n is None else n
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:40000000-0000-4000-8000-{n:012d}",
        "eventTime": time,
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "quantityList": [{"epcClass": lot, "quantity": 5, "uom": "KGM"}],
        "bizLocation": {"id": SITE},
        **extra,
    }


async def _post(http: httpx.AsyncClient, event: dict[str, Any]) -> httpx.Response:
    return await http.post("/epcis/events", content=orjson.dumps(event), headers=JSONLD)


def _path(event_id: str) -> str:
    return f"/epcis/events/{quote(event_id, safe='')}"


async def _stored(http: httpx.AsyncClient, event_id: str) -> dict[str, Any]:
    """The one event with this id the caller may see (GET /epcis/events/{id})."""
    response = await http.get(_path(event_id))
    assert response.status_code == 200, response.text
    events = orjson.loads(response.content)["epcisBody"]["queryResults"]["resultsBody"]
    assert len(events["eventList"]) == 1, events
    event: dict[str, Any] = events["eventList"][0]
    return event


async def _trace(http: httpx.AsyncClient, lot: str = LOT, **params: str) -> httpx.Response:
    return await http.get("/api/v1/traces", params={"productId": lot, "events": "all", **params})


def _blocks(response: httpx.Response, lot: str = LOT) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    blocks: dict[str, Any] = response.json()[lot]
    return blocks


def _payload(target: dict[str, list[str]], pid: str | None = None, content: str = "x") -> dict:
    body: dict[str, Any] = {
        "time": "2024-06-01T00:00:00Z",
        "content": content,
        "contentType": "text/plain",
        "typeUri": "urn:test:certificate",
        "attachedTo": target,
    }
    if pid is not None:
        body["id"] = pid
    return body


@pytest.fixture
def orgs(make_client: MakeClient) -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    return make_client(org="org-a"), make_client(org="org-b")


# -- leak 1: rewriting another org's event ----------------------------------------------------


async def test_another_orgs_error_declaration_leaves_the_event_alone(orgs: Any) -> None:
    a, b = orgs
    event = _event()
    assert (await _post(a, event)).status_code == 201
    declared = {
        **event,
        "bizStep": "destroying",
        "errorDeclaration": {"declarationTime": "2024-06-02T00:00:00Z", "reason": "incorrect_data"},
    }
    # B's declaration is B's own event (B has no event with this id): stored for B
    assert (await _post(b, declared)).status_code == 201
    mine = await _stored(a, event["eventID"])
    assert "errorDeclaration" not in mine and mine["bizStep"] == "commissioning"
    theirs = await _stored(b, event["eventID"])
    assert "errorDeclaration" in theirs
    # A's own declaration still applies to A's event
    assert (await _post(a, declared)).status_code == 201
    assert "errorDeclaration" in (await _stored(a, event["eventID"]))


# -- leak 2: event-ID squatting and the existence oracle ----------------------------------------


async def test_the_same_event_id_is_two_events_one_per_org(orgs: Any) -> None:
    a, b = orgs
    a_event = _event()
    b_event = {**a_event, "bizStep": "shipping"}  # B squats A's id first
    assert (await _post(b, b_event)).status_code == 201
    assert (await _post(a, a_event)).status_code == 201
    assert (await _stored(a, a_event["eventID"]))["bizStep"] == ("commissioning")
    assert (await _stored(b, a_event["eventID"]))["bizStep"] == "shipping"
    assert list(_blocks(await _trace(a))["events"]) == [a_event["eventID"]]


async def test_a_409_is_only_about_the_callers_own_event(orgs: Any) -> None:
    a, b = orgs
    event = _event()
    assert (await _post(a, event)).status_code == 201
    # B learns nothing: A's id is accepted as B's own event, like an id nobody has
    assert (await _post(b, event)).status_code == 201
    assert (await _post(b, _event())).status_code == 201
    again = await _post(b, event)
    assert again.status_code == 409  # B's own duplicate


async def test_an_event_keyed_by_its_hash_is_not_squatted(orgs: Any) -> None:
    a, b = orgs
    event = _event()
    del event["eventID"]  # keyed by its CBV hash, which B can compute in advance
    first = await _post(b, event)
    assert first.status_code == 201
    location = first.headers["Location"]
    assert (await _post(a, event)).status_code == 201
    assert (await a.get(location)).status_code == 200
    # A's trace has A's event only
    assert len(_blocks(await _trace(a))["events"]) == 1


async def test_b_cannot_tell_whether_an_id_exists_in_as_data(orgs: Any) -> None:
    a, b = orgs
    event = _event()
    assert (await _post(a, event)).status_code == 201
    pid = "urn:uuid:50000000-0000-4000-8000-000000000001"
    first = await a.post("/api/v1/payloads", json=_payload({"events": [event["eventID"]]}, pid))
    assert first.status_code == 201, first.text
    never = "urn:uuid:40000000-0000-4000-8000-999999999999"
    unseen_lot = "urn:epc:class:lgtin:4012345.012345.NEVER"

    async def answers(event_id: str, lot: str) -> list[tuple[int, str]]:
        replies = [
            await b.get(_path(event_id)),
            await _trace(b, lot),
            await b.post("/api/v1/payloads", json=_payload({"events": [event_id]})),
            await b.post("/api/v1/payloads", json=_payload({"productInstances": [lot]})),
        ]
        name = lot.rsplit(".", 1)[1]  # in the lot's URN and its canonical key alike
        return [
            (r.status_code, r.text.replace(event_id, "ID").replace(name, "LOT")) for r in replies
        ]

    # A's event and lot answer exactly like ones that exist nowhere
    assert await answers(event["eventID"], LOT) == await answers(never, unseen_lot)
    # a payload id A uses is B's to use too: no "belongs to another organisation"
    assert (
        await _post(b, _event(lot="urn:epc:class:lgtin:4012345.012345.BLOT"))
    ).status_code == 201
    taken = await b.post(
        "/api/v1/payloads",
        json=_payload({"productInstances": ["urn:epc:class:lgtin:4012345.012345.BLOT"]}, pid),
    )
    assert taken.status_code == 201, taken.text


# -- leak 3: payloads and lot data across tenants -----------------------------------------------


async def test_bs_payload_on_as_lot_stays_out_of_as_trace(orgs: Any) -> None:
    a, b = orgs
    assert (await _post(a, _event())).status_code == 201
    # B names A's lot in an event of its own, so it may attach a payload to it
    assert (await _post(b, _event(bizStep="receiving"))).status_code == 201
    attached = await b.post(
        "/api/v1/payloads", json=_payload({"productInstances": [LOT]}, content="fake recall")
    )
    assert attached.status_code == 201, attached.text
    blocks = _blocks(await _trace(a))
    assert blocks["payloads"] == {}
    assert blocks["productInstances"][LOT]["payloadIds"] == []
    # B sees its own payload in its own trace
    assert attached.json()["id"] in _blocks(await _trace(b))["payloads"]


async def test_as_payloads_and_lot_data_stay_out_of_bs_trace(orgs: Any) -> None:
    a, b = orgs
    ilmd = {"cbvmda:harvestStartDate": "2024-05-01", "cbvmda:sellByDate": "2024-07-01"}
    assert (await _post(a, _event(ilmd=ilmd))).status_code == 201
    secret = await a.post("/api/v1/payloads", json=_payload({"productInstances": [LOT]}))
    assert secret.status_code == 201
    assert _blocks(await _trace(a))["productInstances"][LOT]["data"]["harvestStartDate"] == (
        "2024-05-01"
    )
    # B captures one event on A's lot: its trace shows neither A's payload nor A's lot data
    assert (await _post(b, _event(bizStep="receiving"))).status_code == 201
    blocks = _blocks(await _trace(b))
    assert blocks["payloads"] == {}
    instance = blocks["productInstances"][LOT]
    assert instance["payloadIds"] == []
    assert "harvestStartDate" not in instance["data"] and "sellByDate" not in instance["data"]


# -- leak 4: master data ------------------------------------------------------------------------


async def test_b_renaming_as_facility_and_product_does_not_reach_as_trace(orgs: Any) -> None:
    a, b = orgs
    assert (await _post(a, _event())).status_code == 201
    assert (await a.put(f"/api/v1/facilities/{SITE}", json={"name": "A's farm"})).status_code == 200
    assert (
        await a.put(f"/api/v1/products/{PRODUCT}", json={"name": "A's lettuce"})
    ).status_code == (200)
    renamed = await b.put(f"/api/v1/facilities/{SITE}", json={"name": "B's name", "type": "X"})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "B's name"  # B's own statement
    assert (await b.put(f"/api/v1/products/{PRODUCT}", json={"name": "B's"})).status_code == 200
    blocks = _blocks(await _trace(a))
    assert [f["data"] for f in blocks["facilities"].values()] == [{"name": "A's farm"}]
    assert [p["data"] for p in blocks["products"].values()] == [{"name": "A's lettuce"}]
    assert blocks["productInstances"][LOT]["data"]["name"] == "A's lettuce"


async def test_a_facility_a_never_named_has_no_name_from_b(orgs: Any) -> None:
    a, b = orgs
    assert (await _post(a, _event())).status_code == 201
    assert (await b.put(f"/api/v1/facilities/{SITE}", json={"name": "B's name"})).status_code == (
        200
    )
    blocks = _blocks(await _trace(a))
    assert [f["data"] for f in blocks["facilities"].values()] == [{}]


# -- leak 5: sharing without consent ------------------------------------------------------------


async def test_a_share_shows_nothing_until_accepted_and_goes_when_ended(orgs: Any) -> None:
    a, b = orgs
    mine = _event(time="2024-06-01T10:00:00.000Z")
    theirs = _event(time="2024-06-02T10:00:00.000Z", bizStep="shipping")
    assert (await _post(a, mine)).status_code == 201
    assert (await _post(b, theirs)).status_code == 201
    assert (await b.put(f"/api/v1/facilities/{SITE}", json={"name": "B's DC"})).status_code == 200

    # B pushes a share: A's trace of its own lot is unchanged (and cached)
    assert (await b.post("/api/v1/sharing", json={"org": "org-a"})).status_code == 201
    alone = await _trace(a)
    assert list(_blocks(alone)["events"]) == [mine["eventID"]]
    assert "x-owner" not in _blocks(alone)["events"][mine["eventID"]]  # Food Trust shape
    listed = (await a.get("/api/v1/sharing")).json()["sharing"]
    assert [(s["from"], s["status"], s["direction"]) for s in listed] == [
        ("org-b", "offered", "incoming")
    ]
    # only A can accept it
    assert (await b.post("/api/v1/sharing/accept", json={"org": "org-a"})).status_code == 404
    assert (await a.post("/api/v1/sharing/accept", json={"org": "org-b"})).status_code == 200

    # accepted: B's event joins A's trace, every event says whose it is
    shared = _blocks(await _trace(a))
    assert {k: e["x-owner"] for k, e in shared["events"].items()} == {
        mine["eventID"]: "org-a",
        theirs["eventID"]: "org-b",
    }
    # A never named the facility: the name is B's, the owner of the events that refer to it
    assert [f["data"] for f in shared["facilities"].values()] == [{"name": "B's DC"}]
    # orgs= narrows to some of the visible orgs; an org A cannot see adds nothing
    narrowed = _blocks(await _trace(a, orgs="org-a,org-c"))
    assert list(narrowed["events"]) == [mine["eventID"]]
    assert "x-owner" not in narrowed["events"][mine["eventID"]]
    only_b = _blocks(await _trace(a, orgs="org-b"))
    assert list(only_b["events"]) == [theirs["eventID"]]
    assert (await _trace(a, orgs="org-c")).status_code == 404
    assert (await _trace(a, orgs=" , ")).status_code == 422

    # A ends it (cached trace included)
    assert (await _trace(a)).headers["X-ApiCache"] == "HIT"
    assert (await a.delete("/api/v1/sharing", params={"from": "org-b"})).status_code == 200
    assert list(_blocks(await _trace(a))["events"]) == [mine["eventID"]]
    assert (await a.get(_path(theirs["eventID"]))).status_code == 404


async def test_the_sharer_can_end_an_accepted_share(orgs: Any) -> None:
    a, b = orgs
    assert (await _post(a, _event())).status_code == 201
    theirs = _event(bizStep="shipping")
    assert (await _post(b, theirs)).status_code == 201
    assert (await b.post("/api/v1/sharing", json={"org": "org-a"})).status_code == 201
    assert (await a.post("/api/v1/sharing/accept", json={"org": "org-b"})).status_code == 200
    assert theirs["eventID"] in _blocks(await _trace(a))["events"]
    assert (await b.delete("/api/v1/sharing", params={"org": "org-a"})).status_code == 200
    assert theirs["eventID"] not in _blocks(await _trace(a))["events"]
    # nothing left to end on either side
    assert (await a.delete("/api/v1/sharing", params={"from": "org-b"})).status_code == 404


async def test_precedence_the_callers_own_statement_then_the_event_owner(
    orgs: Any, make_client: MakeClient
) -> None:
    a, b = orgs
    c = make_client(org="org-c")
    same = _event()
    assert (await _post(a, same)).status_code == 201
    assert (await _post(b, {**same, "bizStep": "shipping"})).status_code == 201
    for http, name in ((a, "A's"), (b, "B's"), (c, "C's")):
        assert (await http.put(f"/api/v1/facilities/{SITE}", json={"name": name})).status_code == (
            200
        )
    for sharer in (b, c):
        await sharer.post("/api/v1/sharing", json={"org": "org-a"})
    for sharer in ("org-b", "org-c"):
        await a.post("/api/v1/sharing/accept", json={"org": sharer})
    blocks = _blocks(await _trace(a))
    # A's own statement wins; A's own event keeps the shared id, B's is told apart
    assert [f["data"]["name"] for f in blocks["facilities"].values()] == ["A's"]
    assert blocks["events"][same["eventID"]]["x-owner"] == "org-a"
    assert blocks["events"][f"{same['eventID']}@org-b"]["x-owner"] == "org-b"
    # without A's own statement, the event owner's (B), not C's
    await a.put(f"/api/v1/facilities/{SITE}", json={})
    blocks = _blocks(await _trace(a, orgs="org-b,org-c"))
    assert [f["data"]["name"] for f in blocks["facilities"].values()] == ["B's"]
