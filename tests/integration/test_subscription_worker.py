"""The delivery worker's due list against the real server: a stream subscription that has
examined everything is not claimed again until an event is recorded after that point (idle
subscriptions cost one shared read per round, not a claim and a release each); an event its
query does not match moves the examined point without a delivery."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from neo4j import Driver
from receiver import Receiver

from api.main import create_app
from trace_engine.config import Settings
from trace_engine.kit.timestamps import now_utc
from trace_engine.subscriptions import repository

MakeClient = Callable[..., httpx.AsyncClient]
JSONLD = {"Content-Type": "application/ld+json"}


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


def _event(n: int, biz_step: str) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:5d000000-0000-4000-8000-{n:012d}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": biz_step,
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.WRK1", "quantity": 1, "uom": "KGM"}
        ],
    }


async def _capture(http: httpx.AsyncClient, event: dict[str, Any]) -> None:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-06-01T00:00:00Z",
        "epcisBody": {"eventList": [event]},
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


async def test_a_caught_up_stream_is_due_again_only_after_a_new_event(
    make_client: MakeClient, receiver: Receiver, driver: Driver, settings: Settings
) -> None:
    http = make_client(org="worker-a")
    query = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"]}}
    assert (await http.post("/epcis/queries", json=query)).status_code == 201
    body = {"dest": receiver.url, "stream": True}
    created = await http.post("/epcis/queries/shipped/subscriptions", json=body)
    sub_id = created.json()["subscriptionID"]

    def node() -> dict[str, Any]:
        with driver.session(database=settings.neo4j_database) as session:
            found = session.execute_read(repository.by_id, sub_id, None)
        assert found is not None
        return found

    def due() -> list[str]:
        now = now_utc()
        with driver.session(database=settings.neo4j_database) as session:
            found: list[str] = session.execute_read(repository.due, now, now, "", 100)
        return found

    wanted = _event(1, "shipping")
    await _capture(http, wanted)
    await _until(lambda: receiver.accepted_events() == [wanted["eventID"]], "the delivery")
    await _until(lambda: node().get("checkedUntil") is not None, "a caught-up round")
    assert sub_id not in due()  # nothing new since: not claimed

    checked = node()["checkedUntil"]
    await _capture(http, _event(2, "receiving"))  # recorded after: due, though not matching
    await _until(lambda: node()["checkedUntil"] > checked, "a round over the new event")
    assert sub_id not in due()
    assert receiver.accepted_events() == [wanted["eventID"]]  # nothing sent for it
    assert node()["lastEventID"] == wanted["eventID"]


async def test_subscriptions_of_one_query_each_get_every_event_under_their_own_id(
    make_client: MakeClient,
) -> None:
    """A round reads and encodes a page once for the subscriptions at one position; each
    delivery still names its own subscription and carries its own signature."""
    from trace_engine.subscriptions.signing import verify

    http = make_client(org="worker-b")
    query = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"]}}
    assert (await http.post("/epcis/queries", json=query)).status_code == 201
    receivers = [Receiver() for _ in range(3)]
    try:
        ids = {}
        for n, receiver in enumerate(receivers):
            body = {"dest": receiver.url, "stream": True, "signatureToken": f"token-{n}"}
            created = await http.post("/epcis/queries/shipped/subscriptions", json=body)
            ids[n] = created.json()["subscriptionID"]
        wanted = [_event(n, "shipping") for n in range(10, 13)]
        for event in wanted:
            await _capture(http, event)
        expected = [e["eventID"] for e in wanted]
        for n, receiver in enumerate(receivers):
            await _until(lambda r=receiver: r.accepted_events() == expected, f"receiver {n}")
            for _, headers, raw in receiver.requests:
                results = orjson.loads(raw)["epcisBody"]["queryResults"]
                assert results["subscriptionID"] == ids[n]
                assert verify(f"token-{n}", raw, headers["GS1-Signature"])
    finally:
        for receiver in receivers:
            receiver.close()


async def test_a_stream_never_passes_a_capture_job_still_being_written(
    make_client: MakeClient, receiver: Receiver, driver: Driver, settings: Settings
) -> None:
    """A long document's events are stamped when its job starts and commit later: while a job
    is being written, the delivery position stops at the job's start, and events recorded
    after it wait for the job to end (without the floor the position would pass them)."""
    http = make_client(org="worker-floor")
    query = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"]}}
    assert (await http.post("/epcis/queries", json=query)).status_code == 201
    body = {"dest": receiver.url, "stream": True}
    created = await http.post("/epcis/queries/shipped/subscriptions", json=body)
    sub_id = created.json()["subscriptionID"]
    started = now_utc()
    far = 4_102_444_800_000  # 2100: the lease of a job its process is still renewing
    with driver.session(database=settings.neo4j_database) as session:
        session.run(
            "CREATE (:CaptureJob {id: $id, org: 'worker-floor', createdAt: $at, running: true,"
            " success: false, captureErrorBehaviour: 'rollback', totalCount: 1,"
            " leaseUntil: $far})",
            id=f"floor-{sub_id}",
            at=started,
            far=far,
        ).consume()

    def node() -> dict[str, Any]:
        with driver.session(database=settings.neo4j_database) as session:
            found = session.execute_read(repository.by_id, sub_id, None)
        assert found is not None
        return found

    try:
        wanted = _event(3, "shipping")
        await _capture(http, wanted)
        await _until(lambda: node().get("checkedUntil") is not None, "a round")
        assert node()["checkedUntil"] <= started  # held back at the job's start
        assert receiver.accepted_events() == []
    finally:
        with driver.session(database=settings.neo4j_database) as session:
            session.run(
                "MATCH (j:CaptureJob {id: $id}) SET j.summary = '{}', j.running = false",
                id=f"floor-{sub_id}",
            ).consume()
    await _until(lambda: receiver.accepted_events() == [wanted["eventID"]], "the delivery")
