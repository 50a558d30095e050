"""Stream webhook subscriptions against the real server and a real HTTP receiver on a free
local port: matching events only, in record-time order, signed; retries after 500s deliver
each event once; a receiver that keeps failing makes the subscription `failing`; tenancy."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from receiver import Receiver

from api.main import create_app
from trace_engine.config import Settings
from trace_engine.subscriptions.signing import verify

MakeClient = Callable[..., httpx.AsyncClient]
JSONLD = {"Content-Type": "application/ld+json"}
TOKEN = "s3cret-token-of-the-receiver"
_ids = itertools.count(1)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app with local destinations allowed and short intervals (the tests' receiver)."""
    quick = settings.model_copy(
        update={
            "subscription_allow_private_dest": True,
            "subscription_poll_interval_s": 0.2,
            "subscription_retry_base_s": 0.05,
            "subscription_retry_max_s": 0.2,
            "subscription_retry_window_s": 0.5,
            "subscription_settle_ms": 0,
        }
    )
    application = create_app(quick)
    async with application.router.lifespan_context(application):
        yield application


def _event(biz_step: str) -> dict[str, Any]:
    n = next(_ids)
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:50000000-0000-4000-8000-{n:012d}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": biz_step,
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.SUB1", "quantity": 1, "uom": "KGM"}
        ],
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


async def _until(check: Callable[[], Any], what: str, deadline_s: float = 60.0) -> None:
    """Wait for `check()` to hold (a deadline only against hanging, not a timing claim)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while not check():
        assert loop.time() < end, f"never happened: {what}"
        await asyncio.sleep(0.05)


async def _subscribe(
    http: httpx.AsyncClient, dest: str, token: str | None = TOKEN, name: str = "shipped"
) -> str:
    query = {"name": name, "query": {"EQ_bizStep": ["shipping"]}}
    assert (await http.post("/epcis/queries", json=query)).status_code == 201
    body: dict[str, Any] = {"dest": dest, "stream": True}
    if token:
        body["signatureToken"] = token
    created = await http.post(f"/epcis/queries/{name}/subscriptions", json=body)
    assert created.status_code == 201, created.text
    assert TOKEN not in created.text
    assert created.headers["Location"].endswith(created.json()["subscriptionID"])
    return str(created.headers["Location"])


async def test_a_stream_gets_its_matching_events_signed_and_nothing_else(
    make_client: MakeClient, receiver: Receiver
) -> None:
    a, other = make_client(org="sub-a"), make_client(org="sub-other")
    location = await _subscribe(a, receiver.url)
    first = [_event("shipping"), _event("shipping")]
    await _capture(a, *first, _event("receiving"))
    await _capture(other, _event("shipping"))  # another org's, not shared with A
    last = _event("shipping")
    await _capture(a, last)  # captured after the others: delivered after them, if at all
    expected = [e["eventID"] for e in [*first, last]]
    await _until(lambda: last["eventID"] in receiver.accepted_events(), "the last event")

    assert receiver.accepted_events() == expected
    sub_id = location.rsplit("/", 1)[1]
    for _, headers, body in receiver.requests:
        assert verify(TOKEN, body, headers["GS1-Signature"])
        assert not verify("another-token", body, headers["GS1-Signature"])
        results = orjson.loads(body)["epcisBody"]["queryResults"]
        assert results["subscriptionID"] == sub_id and results["queryName"] == "shipped"

    shown = await a.get(location)
    assert shown.status_code == 200 and TOKEN not in shown.text
    assert shown.json()["signed"] is True and shown.json()["status"] == "active"
    assert shown.json()["lastDelivered"]["eventID"] == last["eventID"]
    listed = await a.get("/epcis/queries/shipped/subscriptions")
    assert [s["subscriptionID"] for s in listed.json()] == [sub_id] and TOKEN not in listed.text


async def test_500_three_times_then_200_delivers_every_event_exactly_once(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="sub-retry")
    receiver.script = [500, 500, 500]
    await _subscribe(http, receiver.url)
    batch = [_event("shipping") for _ in range(3)]
    await _capture(http, *batch)
    await _until(lambda: len(receiver.accepted_events()) >= 3, "the batch accepted")
    sentinel = _event("shipping")
    await _capture(http, sentinel)
    await _until(lambda: sentinel["eventID"] in receiver.accepted_events(), "the sentinel")

    assert [status for status, _, _ in receiver.requests[:3]] == [500, 500, 500]
    assert receiver.accepted_events() == [e["eventID"] for e in [*batch, sentinel]]


async def test_a_receiver_that_keeps_failing_makes_the_subscription_failing(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="sub-failing")
    receiver.default = 500
    location = await _subscribe(http, receiver.url, token=None)
    await _capture(http, _event("shipping"))

    async def status() -> dict[str, Any]:
        return dict((await http.get(location)).json())

    seen: dict[str, Any] = {}
    loop = asyncio.get_running_loop()
    end = loop.time() + 60
    while seen.get("status") != "failing":
        assert loop.time() < end, seen
        await asyncio.sleep(0.1)
        seen = await status()
    assert seen["lastError"] == "HTTP 500" and seen["failingSince"] and not seen["signed"]
    assert seen["lastDelivered"] is None
    assert "GS1-Signature" not in receiver.requests[0][1]
    # the receiver recovers: the event arrives and the subscription is active again
    receiver.default = 200
    await _until(lambda: len(receiver.accepted_events()) == 1, "delivery after recovery")
    recovered = await status()
    while recovered["status"] != "active":
        assert loop.time() < end, recovered
        await asyncio.sleep(0.1)
        recovered = await status()
    assert recovered["lastError"] is None and recovered["failingSince"] is None


async def test_destinations_and_bodies_refused_with_the_field_named(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="sub-bad")
    assert (await http.post("/epcis/queries", json={"name": "q", "query": {}})).status_code == 201
    refused = {
        "dest": {"dest": "ftp://example.com/x", "stream": True},
        "schedule.second": {"dest": receiver.url, "schedule": {"second": "60"}},
        "stream": {"dest": receiver.url, "stream": False},
        "initialRecordTime": {"dest": receiver.url, "stream": True, "initialRecordTime": "soon"},
    }
    for field, body in refused.items():
        response = await http.post("/epcis/queries/q/subscriptions", json=body)
        assert response.status_code == 400, (field, response.text)
        assert response.json()["detail"].startswith(field), (field, response.json())
    missing = await http.post("/epcis/queries/nope/subscriptions", json=refused["dest"])
    assert missing.status_code == 404
    assert (await http.get("/epcis/queries/q/subscriptions")).json() == []


async def test_orgs_cannot_see_or_delete_each_others_subscriptions(
    make_client: MakeClient, receiver: Receiver
) -> None:
    a, b = make_client(org="sub-org-a"), make_client(org="sub-org-b")
    location = await _subscribe(a, receiver.url)
    assert (await b.get(location)).status_code == 404
    assert (await b.delete(location)).status_code == 404
    assert (await b.get("/epcis/queries/shipped/subscriptions")).status_code == 404
    post = {"dest": receiver.url, "stream": True}
    assert (await b.post("/epcis/queries/shipped/subscriptions", json=post)).status_code == 404
    assert (await a.get(location)).status_code == 200
    assert (await a.delete(location)).status_code == 204
    assert (await a.get(location)).status_code == 404
