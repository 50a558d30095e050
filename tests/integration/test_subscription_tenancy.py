"""Tenancy of subscriptions against the real server and real receivers: org B's subscription
never delivers org A's events until A shares with B and B accepts (an offer alone is not
enough), does then, and stops when A ends the share; B cannot see, use, test or delete A's
queries or subscriptions (404), stream or scheduled."""

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

MakeClient = Callable[..., httpx.AsyncClient]
JSONLD = {"Content-Type": "application/ld+json"}
_ids = itertools.count(1)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app with local destinations allowed, quick polls and no settle time."""
    quick = settings.model_copy(
        update={
            "subscription_allow_private_dest": True,
            "subscription_poll_interval_s": 0.2,
            "subscription_settle_ms": 0,
        }
    )
    application = create_app(quick)
    async with application.router.lifespan_context(application):
        yield application


def _event() -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:5e000000-0000-4000-8000-{next(_ids):012d}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.TEN1", "quantity": 1, "uom": "KGM"}
        ],
    }


async def _capture(http: httpx.AsyncClient, event: dict[str, Any]) -> str:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-06-01T00:00:00Z",
        "epcisBody": {"eventList": [event]},
    }
    response = await http.post("/epcis/capture", content=orjson.dumps(document), headers=JSONLD)
    assert response.status_code == 202, response.text
    return str(event["eventID"])


async def _until(check: Callable[[], Any], what: str, deadline_s: float = 60.0) -> None:
    """Wait for `check()` to hold (a deadline only against hanging, not a timing claim)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while not check():
        assert loop.time() < end, f"never happened: {what}"
        await asyncio.sleep(0.05)


async def _after_b(b: httpx.AsyncClient, receiver: Receiver) -> None:
    """Capture one of B's own events and wait for it: whatever A captured before it and B's
    subscription was going to send has been sent by then (record-time order)."""
    sentinel = await _capture(b, _event())
    await _until(lambda: sentinel in receiver.accepted_events(), "B's own event")


async def test_b_gets_a_s_events_only_while_a_shares_and_b_accepted(
    make_client: MakeClient, receiver: Receiver
) -> None:
    a, b = make_client(org="ten-a"), make_client(org="ten-b")
    query = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"]}}
    assert (await b.post("/epcis/queries", json=query)).status_code == 201
    body = {"dest": receiver.url, "stream": True}
    assert (await b.post("/epcis/queries/shipped/subscriptions", json=body)).status_code == 201

    before = await _capture(a, _event())
    await _after_b(b, receiver)
    assert (await a.post("/api/v1/sharing", json={"org": "ten-b"})).status_code == 201
    offered = await _capture(a, _event())  # offered, not yet accepted: still A's alone
    await _after_b(b, receiver)
    assert before not in receiver.accepted_events()
    assert offered not in receiver.accepted_events()

    assert (await b.post("/api/v1/sharing/accept", json={"org": "ten-a"})).status_code == 200
    shared = await _capture(a, _event())
    await _until(lambda: shared in receiver.accepted_events(), "A's event once shared")

    assert (await a.delete("/api/v1/sharing", params={"org": "ten-b"})).status_code == 200
    ended = await _capture(a, _event())
    await _after_b(b, receiver)
    delivered = receiver.accepted_events()
    assert ended not in delivered and before not in delivered and offered not in delivered
    assert delivered.count(shared) == 1


async def test_b_cannot_see_use_or_delete_a_s_queries_or_subscriptions(
    make_client: MakeClient, receiver: Receiver
) -> None:
    a, b = make_client(org="ten-a2"), make_client(org="ten-b2")
    query = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"]}}
    assert (await a.post("/epcis/queries", json=query)).status_code == 201
    locations = []
    for mode in ({"stream": True}, {"schedule": {"second": "0", "minute": "0"}}):
        created = await a.post(
            "/epcis/queries/shipped/subscriptions", json={"dest": receiver.url, **mode}
        )
        assert created.status_code == 201, created.text
        locations.append(created.headers["Location"])

    assert (await b.get("/epcis/queries")).json() == []
    for path in ("/epcis/queries/shipped", "/epcis/queries/shipped/events",
                 "/epcis/queries/shipped/subscriptions", *locations):  # fmt: skip
        assert (await b.get(path)).status_code == 404, path
    for mode in ({"stream": True}, {"schedule": {"second": "0"}}):
        body = {"dest": receiver.url, **mode}
        subscribed = await b.post("/epcis/queries/shipped/subscriptions", json=body)
        assert subscribed.status_code == 404, subscribed.text
    for path in (*locations, "/epcis/queries/shipped"):
        assert (await b.delete(path)).status_code == 404, path
    # A's subscription id under B's own query of the same name: still 404
    assert (await b.post("/epcis/queries", json=query)).status_code == 201
    for location in locations:
        assert (await b.get(location)).status_code == 404
        assert (await b.delete(location)).status_code == 404
    listed = await b.get("/epcis/queries/shipped/subscriptions")
    assert listed.json() == []

    # sharing events does not share queries or subscriptions
    assert (await a.post("/api/v1/sharing", json={"org": "ten-b2"})).status_code == 201
    assert (await b.post("/api/v1/sharing/accept", json={"org": "ten-a2"})).status_code == 200
    for location in locations:
        assert (await b.get(location)).status_code == 404
    mine = (await a.get("/epcis/queries/shipped/subscriptions")).json()
    assert [s["subscriptionID"] for s in mine] == [loc.rsplit("/", 1)[1] for loc in locations]
