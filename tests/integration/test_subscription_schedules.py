"""Scheduled webhook subscriptions against the real server and a real HTTP receiver on a free
local port: every second with `reportIfEmpty` sends signed empty documents, then the events
a run matched (once each), `initialRecordTime` reaches back; schedules refused field by field."""

from __future__ import annotations

import asyncio
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
TOKEN = "token-of-the-scheduled-receiver"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app with local destinations allowed and no settle time (the tests' receiver)."""
    quick = settings.model_copy(
        update={
            "subscription_allow_private_dest": True,
            "subscription_poll_interval_s": 0.5,
            "subscription_retry_base_s": 0.05,
            "subscription_retry_max_s": 0.2,
            "subscription_settle_ms": 0,
        }
    )
    application = create_app(quick)
    async with application.router.lifespan_context(application):
        yield application


def _event(n: int, biz_step: str = "shipping") -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:5c000000-0000-4000-8000-{n:012d}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": biz_step,
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.SCH1", "quantity": 1, "uom": "KGM"}
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


def _results(body: bytes) -> dict[str, Any]:
    return dict(orjson.loads(body)["epcisBody"]["queryResults"])


async def _query(http: httpx.AsyncClient, name: str = "shipped") -> None:
    query = {"name": name, "query": {"EQ_bizStep": ["shipping"]}}
    assert (await http.post("/epcis/queries", json=query)).status_code == 201


async def test_every_second_with_report_if_empty_sends_empty_documents_then_the_events(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="sched-a")
    await _query(http)
    body = {
        "dest": receiver.url,
        "signatureToken": TOKEN,
        "schedule": {"second": "[0-59]"},
        "reportIfEmpty": True,
    }
    created = await http.post("/epcis/queries/shipped/subscriptions", json=body)
    assert created.status_code == 201, created.text
    location, shown = created.headers["Location"], created.json()
    assert shown["stream"] is False and shown["schedule"] == {"second": "[0-59]"}
    assert shown["reportIfEmpty"] is True and TOKEN not in created.text

    await _until(lambda: len(receiver.requests) >= 2, "two empty reports")
    for _, headers, raw in receiver.requests[:2]:
        assert verify(TOKEN, raw, headers["GS1-Signature"])
        results = _results(raw)
        assert results["subscriptionID"] == shown["subscriptionID"]
        assert results["queryName"] == "shipped"
        assert results["resultsBody"]["eventList"] == []
    assert (await http.get(location)).json()["lastNotifiedAt"] is not None

    # a matching and a non-matching event: the matching one arrives once, in a later run
    wanted = _event(1)
    await _capture(http, wanted, _event(2, "receiving"))
    await _until(lambda: wanted["eventID"] in receiver.accepted_events(), "the event")
    seen = len(receiver.requests)
    await _until(lambda: len(receiver.requests) >= seen + 2, "two more runs")
    assert receiver.accepted_events() == [wanted["eventID"]]  # once, and nothing else
    later = [_results(raw)["resultsBody"]["eventList"] for _, _, raw in receiver.requests[seen:]]
    assert later[:2] == [[], []]  # the runs after it report empty again
    assert (await http.get(location)).json()["lastDelivered"]["eventID"] == wanted["eventID"]


async def test_a_schedule_without_report_if_empty_sends_only_what_matched_since_initial_time(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="sched-b")
    await _query(http)
    before = _event(10)
    await _capture(http, before)  # recorded before the subscription: sent only if asked
    body = {
        "dest": receiver.url,
        "schedule": {"second": "*"},
        "initialRecordTime": "2000-01-01T00:00:00+01:00",
    }
    created = await http.post("/epcis/queries/shipped/subscriptions", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["initialRecordTime"] == "1999-12-31T23:00:00.000Z"
    await _until(lambda: before["eventID"] in receiver.accepted_events(), "the earlier event")
    after = _event(11)
    await _capture(http, after)
    await _until(lambda: after["eventID"] in receiver.accepted_events(), "the later event")
    assert receiver.accepted_events() == [before["eventID"], after["eventID"]]
    assert all(_results(raw)["resultsBody"]["eventList"] for _, _, raw in receiver.requests)

    # without initialRecordTime a subscription starts from its creation: the past is not sent
    other = Receiver()
    try:
        fresh = {"dest": other.url, "stream": True}
        assert (await http.post("/epcis/queries/shipped/subscriptions", json=fresh)).is_success
        newest = _event(12)
        await _capture(http, newest)
        await _until(lambda: newest["eventID"] in other.accepted_events(), "the newest event")
        assert other.accepted_events() == [newest["eventID"]]
    finally:
        other.close()


async def test_schedules_refused_with_the_field_named_and_nothing_stored(
    make_client: MakeClient, receiver: Receiver
) -> None:
    http = make_client(org="sched-bad")
    await _query(http, "q")
    dest = receiver.url
    refused = {
        "schedule.second": {"dest": dest, "schedule": {"second": "61"}},
        "schedule.minute": {"dest": dest, "schedule": {"minute": "[40-20]"}},
        "schedule.hour": {"dest": dest, "schedule": {"hour": "noon"}},
        "schedule.dayOfMonth": {"dest": dest, "schedule": {"dayOfMonth": "30", "month": "2"}},
        "schedule.month": {"dest": dest, "schedule": {"month": "0"}},
        "schedule.dayOfWeek": {"dest": dest, "schedule": {"dayOfWeek": "8"}},
        "schedule.year": {"dest": dest, "schedule": {"year": "2027"}},
        "stream": {"dest": dest, "stream": True, "schedule": {"second": "0"}},
        "reportIfEmpty": {"dest": dest, "stream": True, "reportIfEmpty": True},
        "body.schedule": {"dest": dest, "schedule": "hourly"},
    }
    for field, body in refused.items():
        response = await http.post("/epcis/queries/q/subscriptions", json=body)
        assert response.status_code == 400, (field, response.text)
        assert response.json()["detail"].startswith(field), (field, response.json())
    assert (await http.get("/epcis/queries/q/subscriptions")).json() == []
    assert receiver.requests == []
