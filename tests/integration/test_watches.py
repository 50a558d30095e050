"""Recall watches against the real server and a real HTTP receiver on a free local port: a
farm lot's watcher hears of the transformation that used it and the shipment of the output to
a new store, with a summary naming the store; unrelated lots and siblings send nothing; the
signature verifies; tenancy; expiry; retries; a slow receiver; two workers deliver once
(a killed process: test_watch_processes.py)."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from receiver import Receiver

from api.main import create_app
from trace_engine.config import Settings
from trace_engine.subscriptions.signing import verify
from trace_engine.watches import worker as watch_worker

MakeClient = Callable[..., httpx.AsyncClient]
JSONLD = {"Content-Type": "application/ld+json"}
TOKEN = "watch-token-of-the-receiver"
FARM = "urn:epc:id:sgln:4012345.00001.0"
PLANT = "urn:epc:id:sgln:4012345.00002.0"
STORE = "urn:epc:id:sgln:4012345.00077.0"
_ids = itertools.count(1)


def lot(code: str) -> str:
    """The EPC class URN of a lot of the test GTIN."""
    return f"urn:epc:class:lgtin:4012345.012345.{code}"


def dl(code: str) -> str:
    """The same lot as a GS1 Digital Link."""
    return f"https://id.gs1.org/01/04012345123456/10/{code}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def _quick(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "subscription_allow_private_dest": True,
            "subscription_poll_interval_s": 0.2,
            "subscription_retry_base_s": 0.05,
            "subscription_retry_max_s": 0.2,
            "subscription_retry_window_s": 0.5,
            "subscription_settle_ms": 0,
        }
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app with local destinations allowed and short intervals (the tests' receiver)."""
    application = create_app(_quick(settings))
    async with application.router.lifespan_context(application):
        yield application


def _id() -> str:
    return f"urn:uuid:70000000-0000-4000-8000-{next(_ids):012d}"


def harvest(code: str) -> dict[str, Any]:
    """A lot created at the farm."""
    return {
        "type": "ObjectEvent",
        "eventID": _id(),
        "eventTime": "2024-06-01T08:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "bizStep": "commissioning",
        "bizLocation": {"id": FARM},
        "quantityList": [{"epcClass": lot(code), "quantity": 100, "uom": "KGM"}],
    }


def transform(inputs: list[str], output: str) -> dict[str, Any]:
    """The inputs made into the output at the plant."""
    return {
        "type": "TransformationEvent",
        "eventID": _id(),
        "eventTime": "2024-06-02T08:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "bizStep": "commissioning",
        "bizLocation": {"id": PLANT},
        "inputQuantityList": [{"epcClass": lot(c), "quantity": 50, "uom": "KGM"} for c in inputs],
        "outputQuantityList": [{"epcClass": lot(output), "quantity": 40, "uom": "KGM"}],
    }


def ship(code: str, to: str = STORE) -> dict[str, Any]:
    """The lot shipped from the plant to `to`."""
    return {
        "type": "ObjectEvent",
        "eventID": _id(),
        "eventTime": "2024-06-03T08:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "bizLocation": {"id": PLANT},
        "quantityList": [{"epcClass": lot(code), "quantity": 40, "uom": "KGM"}],
        "destinationList": [{"type": "location", "destination": to}],
    }


async def capture(http: httpx.AsyncClient, *events: dict[str, Any]) -> None:
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
    assert job.json()["success"] is True, job.text


async def until(check: Callable[[], Any], what: str, deadline_s: float = 60.0) -> None:
    """Wait for `check()` to hold (a deadline only against hanging, not a timing claim)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while not check():
        assert loop.time() < end, f"never happened: {what}"
        await asyncio.sleep(0.05)


async def watch(
    http: httpx.AsyncClient, product_id: str, dest: str, **extra: Any
) -> dict[str, Any]:
    body = {"productId": product_id, "dest": dest, **extra}
    created = await http.post("/api/v1/watches", json=body)
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"/api/v1/watches/{created.json()['watchID']}"
    return dict(created.json())


def notes(receiver: Receiver, watch_id: str | None = None) -> list[dict[str, Any]]:
    """The notifications answered 2xx (of one watch, if given), in arrival order."""
    with receiver.lock:
        taken = [body for status, _, body in receiver.requests if 200 <= status < 300]
    found = [orjson.loads(body) for body in taken]
    return [n for n in found if watch_id is None or n["watchID"] == watch_id]


def event_ids(receiver: Receiver, watch_id: str | None = None) -> list[str]:
    return [e["eventID"] for n in notes(receiver, watch_id) for e in n["events"]]


async def test_a_farm_lot_watcher_hears_of_the_transformation_and_the_shipment_to_a_new_store(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="watch-a")
    await capture(http, harvest("FARM1"))
    store = {"name": "Corner Grocer #7", "type": "STORE"}
    assert (await http.put(f"/api/v1/facilities/{STORE}", json=store)).status_code == 200
    created = await watch(http, dl("FARM1"), receiver.url, signatureToken=TOKEN)
    assert TOKEN not in orjson.dumps(created).decode()
    assert created["trace"]["events"] == 1 and created["trace"]["stores"] == 0
    assert created["status"] == "active" and created["signed"] is True

    made, shipped = transform(["FARM1"], "JUICE1"), ship("JUICE1")
    await capture(http, made)
    await capture(http, shipped)
    await until(lambda: shipped["eventID"] in event_ids(receiver), "the shipment delivered")

    assert event_ids(receiver) == [made["eventID"], shipped["eventID"]]
    last = notes(receiver)[-1]
    assert last["type"] == "RecallWatchNotification" and last["watchID"] == created["watchID"]
    assert last["productId"] == dl("FARM1")
    summary = last["trace"]
    assert summary["events"] == 3 and summary["productInstances"] == 2
    assert summary["stores"] == 1 and summary["facilities"] == 3
    assert summary["storeList"] == [{"id": STORE, "name": "Corner Grocer #7", "type": "STORE"}]
    assert {f["id"] for f in summary["facilityList"]} == {FARM, PLANT, STORE}
    for _, headers, body in receiver.requests:
        assert verify(TOKEN, body, headers["GS1-Signature"])
        assert not verify("another-token", body, headers["GS1-Signature"])

    # the worker records a delivery once the receiver has answered: wait for the record
    location = f"/api/v1/watches/{created['watchID']}"
    shown = (await http.get(location)).json()
    loop = asyncio.get_running_loop()
    end = loop.time() + 60
    while shown["deliveries"] < len(notes(receiver)):
        assert loop.time() < end, shown
        await asyncio.sleep(0.05)
        shown = (await http.get(location)).json()
    assert shown["deliveries"] == len(notes(receiver))
    assert shown["lastEventID"] == shipped["eventID"] and shown["lastDeliveredAt"]
    assert TOKEN not in orjson.dumps(shown).decode() and "trace" not in shown


async def test_instances_that_join_through_the_capture_itself_count(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="watch-join")
    await capture(http, harvest("FARM3"))
    created = await watch(http, lot("FARM3"), receiver.url)
    pallet = "urn:epc:id:sscc:4012345.0000000031"
    made = transform(["FARM3"], "JUICE3")
    packed = {
        "type": "AggregationEvent",
        "eventID": _id(),
        "eventTime": "2024-06-02T09:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "ADD",
        "bizStep": "packing",
        "parentID": pallet,
        "childQuantityList": [{"epcClass": lot("JUICE3"), "quantity": 40, "uom": "KGM"}],
    }
    shipped = {**ship("JUICE3"), "eventID": _id(), "quantityList": [], "epcList": [pallet]}
    # one document: the output lot and the pallet join the trace in the very capture whose
    # later events (the packing, the pallet's shipment) name only them
    await capture(http, made, packed, shipped)
    await until(lambda: shipped["eventID"] in event_ids(receiver), "the pallet's shipment")

    assert event_ids(receiver) == [made["eventID"], packed["eventID"], shipped["eventID"]]
    summary = notes(receiver)[-1]["trace"]
    assert summary["productInstances"] == 3 and summary["stores"] == 0
    assert all(n["watchID"] == created["watchID"] for n in notes(receiver))


async def test_unrelated_lots_and_siblings_send_nothing(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="watch-quiet")
    await capture(http, harvest("FARM2"), harvest("OTHER"), harvest("SIBLING"))
    created = await watch(http, lot("FARM2"), receiver.url)
    # FARM2 and SIBLING both go into MIX; SIBLING is not part of FARM2's trace (a trace never
    # goes up from a descendant to the other inputs), and OTHER has nothing to do with it
    mixed = transform(["FARM2", "SIBLING"], "MIX")
    await capture(http, ship("OTHER"), harvest("UNRELATED"))
    await capture(http, mixed)
    await capture(http, ship("SIBLING"))
    sentinel = ship("MIX")
    await capture(http, sentinel)
    await until(lambda: sentinel["eventID"] in event_ids(receiver), "the sentinel")

    assert event_ids(receiver) == [mixed["eventID"], sentinel["eventID"]]
    assert all(n["watchID"] == created["watchID"] for n in notes(receiver))
    assert "GS1-Signature" not in receiver.requests[0][1]


async def test_every_identifier_form_watches_the_same_lot_and_bad_input_is_refused(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="watch-forms")
    await capture(http, harvest("FORMS"))
    forms = [lot("FORMS"), dl("FORMS"), "urn:ibm:ift:product:lot:class:4012345.012345.FORMS"]
    for form in forms:
        created = await watch(http, form, receiver.url)
        assert created["productId"] == form and created["trace"]["events"] == 1
    listed = (await http.get("/api/v1/watches")).json()
    assert [w["productId"] for w in listed] == forms

    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    refused = {
        "productId": {"productId": "not an identifier", "dest": receiver.url},
        "productId ": {"productId": "urn:epc:idpat:sgtin:4012345.012345.*", "dest": receiver.url},
        "dest": {"productId": lot("FORMS"), "dest": "ftp://example.com/x"},
        "expiresAt": {"productId": lot("FORMS"), "dest": receiver.url, "expiresAt": past},
    }
    for field, body in refused.items():
        response = await http.post("/api/v1/watches", json=body)
        assert response.status_code == 400, (field, response.text)
        assert response.json()["error"].startswith(field.strip() + ":"), response.json()
    missing = await http.post("/api/v1/watches", json={"productId": lot("FORMS")})
    assert missing.status_code == 422 and "dest" in missing.text
    unknown = await http.post(
        "/api/v1/watches", json={"productId": lot("NONE"), "dest": receiver.url}
    )
    assert unknown.status_code == 404
    assert len((await http.get("/api/v1/watches")).json()) == len(forms)


async def test_orgs_cannot_see_use_or_delete_each_others_watches_and_hear_only_what_they_see(
    make_client: MakeClient, receiver: Receiver
) -> None:
    a, b, c = (make_client(org=f"watch-org-{x}") for x in "abc")
    await capture(a, harvest("SHARED"))
    created = await watch(a, lot("SHARED"), receiver.url)
    location = f"/api/v1/watches/{created['watchID']}"
    assert (await b.get(location)).status_code == 404
    assert (await b.delete(location)).status_code == 404
    assert (await b.get("/api/v1/watches")).json() == []
    # B may not watch a lot only A's (unshared) events name: as for its trace, 404
    body = {"productId": lot("SHARED"), "dest": receiver.url}
    assert (await b.post("/api/v1/watches", json=body)).status_code == 404

    assert (await a.post("/api/v1/sharing", json={"org": "watch-org-b"})).status_code == 201
    assert (await b.post("/api/v1/sharing/accept", json={"org": "watch-org-a"})).status_code == 200
    b_watch = await watch(b, lot("SHARED"), receiver.url)
    from_a, from_c, from_b = ship("SHARED"), ship("SHARED"), ship("SHARED")
    await capture(a, from_a)
    await capture(c, from_c)  # C shares with nobody: no watcher but C's would hear of it
    await capture(b, from_b)
    await until(lambda: from_b["eventID"] in event_ids(receiver, b_watch["watchID"]), "B's own")
    await until(lambda: from_a["eventID"] in event_ids(receiver, created["watchID"]), "A's own")

    assert event_ids(receiver, b_watch["watchID"]) == [from_a["eventID"], from_b["eventID"]]
    assert event_ids(receiver, created["watchID"]) == [from_a["eventID"]]
    assert from_c["eventID"] not in event_ids(receiver)
    assert (await a.get(location)).status_code == 200
    assert (await a.delete(location)).status_code == 204
    assert (await a.get(location)).status_code == 404


async def test_an_expired_watch_stops_and_shows_as_expired(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="watch-expiry")
    await capture(http, harvest("EXP"))
    soon = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    short = await watch(http, lot("EXP"), receiver.url, expiresAt=soon)
    assert short["status"] == "active" and short["expiresAt"].endswith("Z")
    location = f"/api/v1/watches/{short['watchID']}"
    loop = asyncio.get_running_loop()
    end = loop.time() + 60
    while (await http.get(location)).json()["status"] != "expired":
        assert loop.time() < end
        await asyncio.sleep(0.1)
    lasting = await watch(http, lot("EXP"), receiver.url)
    after = ship("EXP")
    await capture(http, after)
    await until(lambda: after["eventID"] in event_ids(receiver, lasting["watchID"]), "the event")

    assert event_ids(receiver, short["watchID"]) == []
    assert (await http.get(location)).json()["status"] == "expired"


async def test_two_workers_on_one_database_deliver_each_event_once(
    settings: Settings, new_key: Callable[..., str], receiver: Receiver
) -> None:
    headers = {"Authorization": f"Bearer {new_key('watch-two')}"}
    one, two = create_app(_quick(settings)), create_app(_quick(settings))
    async with one.router.lifespan_context(one), two.router.lifespan_context(two):
        transport = httpx.ASGITransport(app=one)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        ) as http:
            await capture(http, harvest("TWO"))
            await watch(http, lot("TWO"), receiver.url)
            await two.state.watch_worker.start_if_needed()
            assert one.state.watch_worker.running and two.state.watch_worker.running
            shipped = [ship("TWO") for _ in range(5)]
            for event in shipped:
                await capture(http, event)
            await until(lambda: len(event_ids(receiver)) >= len(shipped), "all five")
            # a later event: once it is in, any second delivery of the five would be too
            # (each worker delivers in record-time order from the stored position)
            sentinel = ship("TWO")
            await capture(http, sentinel)
            await until(lambda: sentinel["eventID"] in event_ids(receiver), "the sentinel")
    assert event_ids(receiver) == [e["eventID"] for e in [*shipped, sentinel]]


async def test_500_twice_then_200_delivers_the_event_once_and_clears_the_error(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="watch-retry")
    await capture(http, harvest("RETRY"))
    created = await watch(http, lot("RETRY"), receiver.url)
    receiver.script = [500, 500]
    shipped = ship("RETRY")
    await capture(http, shipped)
    await until(lambda: shipped["eventID"] in event_ids(receiver), "delivery after the 500s")
    sentinel = ship("RETRY")
    await capture(http, sentinel)
    await until(lambda: sentinel["eventID"] in event_ids(receiver), "the sentinel")

    assert [status for status, _, _ in receiver.requests[:2]] == [500, 500]
    assert event_ids(receiver) == [shipped["eventID"], sentinel["eventID"]]
    location = f"/api/v1/watches/{created['watchID']}"
    shown = (await http.get(location)).json()
    loop = asyncio.get_running_loop()
    end = loop.time() + 60
    while shown.get("lastEventID") != sentinel["eventID"]:
        assert loop.time() < end, shown
        await asyncio.sleep(0.05)
        shown = (await http.get(location)).json()
    assert shown["status"] == "active" and "lastError" not in shown


class GatedReceiver(Receiver):
    """A receiver that holds every POST until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.waiting = threading.Event()
        handler = self.server.RequestHandlerClass
        receiver = self

        class Held(handler):  # type: ignore[misc, valid-type]
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                receiver.waiting.set()
                receiver.gate.wait()
                super().do_POST()

        self.server.RequestHandlerClass = Held


async def test_a_receiver_that_does_not_answer_does_not_hold_up_capture(
    make_client: MakeClient,
) -> None:
    held = GatedReceiver()
    try:
        http = make_client(org="watch-slow")
        await capture(http, harvest("SLOW"))
        await watch(http, lot("SLOW"), held.url)
        first, second = ship("SLOW"), ship("SLOW")
        await capture(http, first)
        await until(held.waiting.is_set, "the worker's POST reached the receiver")
        # the receiver holds that POST unanswered; the next capture still completes
        await capture(http, second)
        assert not held.gate.is_set() and event_ids(held) == []
        held.gate.set()
        await until(lambda: second["eventID"] in event_ids(held), "both delivered")
        assert set(event_ids(held)) == {first["eventID"], second["eventID"]}
    finally:
        held.gate.set()
        held.close()


async def test_every_due_watch_is_served_when_more_are_due_than_one_read_holds(
    make_client: MakeClient, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch_worker, "_DUE_PER_ROUND", 2)
    http = make_client(org="watch-many")
    await capture(http, harvest("QUIET"), harvest("BUSY"))
    # six due watches read two at a time, the quiet ones with nothing new (skipped without a
    # write): every busy one is served, wherever its id puts it
    quiet = [await watch(http, lot("QUIET"), receiver.url) for _ in range(3)]
    busy = [await watch(http, lot("BUSY"), receiver.url) for _ in range(3)]
    shipped = ship("BUSY")
    await capture(http, shipped)
    for created in busy:
        await until(lambda w=created: event_ids(receiver, w["watchID"]) == [shipped["eventID"]],
                    "every busy watch notified")  # fmt: skip
    assert all(event_ids(receiver, w["watchID"]) == [] for w in quiet)
