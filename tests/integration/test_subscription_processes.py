"""Subscriptions across real API processes (`trace-engine serve` children) on one database:
a process killed between capture and delivery delivers after restart, and two processes
deliver each event once (the lease)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from receiver import Receiver
from servers import Server, server_env

from trace_engine.config import Settings

ORG = "sub-proc"
JSONLD = {"Content-Type": "application/ld+json"}
QUICK = {
    "TRACE_SUBSCRIPTION_ALLOW_PRIVATE_DEST": "true",
    "TRACE_SUBSCRIPTION_POLL_INTERVAL_S": "0.2",
    "TRACE_SUBSCRIPTION_RETRY_BASE_S": "0.05",
    "TRACE_SUBSCRIPTION_RETRY_MAX_S": "0.2",
    # captures of two processes commit in any order: the settle time keeps the position
    # from passing an event still committing (the production default)
    "TRACE_SUBSCRIPTION_SETTLE_MS": "1000",
    "TRACE_SUBSCRIPTION_LEASE_S": "2",
}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def _event(n: int) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:60000000-0000-4000-8000-{n:012d}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "bizStep": "shipping",
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:4012345.012345.PROC", "quantity": 1, "uom": "KGM"}
        ],
    }


def _capture(http: httpx.Client, *events: dict[str, Any]) -> None:
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-06-01T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }
    response = http.post("/epcis/capture", content=orjson.dumps(document), headers=JSONLD)
    assert response.status_code == 202, response.text


def _subscribe(http: httpx.Client, dest: str) -> None:
    query = {"name": "shipped", "query": {"EQ_bizStep": ["shipping"]}}
    assert http.post("/epcis/queries", json=query).status_code == 201
    body = {"dest": dest, "stream": True, "signatureToken": "t"}
    assert http.post("/epcis/queries/shipped/subscriptions", json=body).status_code == 201


def _until(check: Callable[[], bool], what: str, deadline_s: float = 90.0) -> None:
    end = time.monotonic() + deadline_s
    while not check():
        assert time.monotonic() < end, f"never happened: {what}"
        time.sleep(0.05)


def _client(server: Server, secret: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.base, headers={"Authorization": f"Bearer {secret}"}, timeout=60
    )


def test_a_process_killed_before_delivery_delivers_after_restart(
    settings: Settings, new_key: Callable[..., str], receiver: Receiver, tmp_path: Path
) -> None:
    secret = new_key(ORG, ["admin"])
    env = server_env(settings, **QUICK)
    receiver.default = 500  # nothing is accepted while the first process lives
    first = Server(env, tmp_path / "first.log")
    first.start()
    try:
        with _client(first, secret) as http:
            _subscribe(http, receiver.url)
            _capture(http, _event(1), _event(2))
        _until(lambda: len(receiver.requests) >= 1, "a refused delivery attempt")
    finally:
        first.kill()
    assert receiver.accepted_events() == []
    receiver.default = 200
    second = Server(env, tmp_path / "second.log")
    second.start()
    try:
        wanted = [_event(1)["eventID"], _event(2)["eventID"]]
        _until(lambda: receiver.accepted_events() == wanted, "delivery after the restart")
        with _client(second, secret) as http:
            _capture(http, _event(3))
        _until(lambda: len(receiver.accepted_events()) == 3, "the next event")
        assert receiver.accepted_events() == [*wanted, _event(3)["eventID"]]
    finally:
        second.stop()


def test_two_processes_deliver_each_event_once(
    settings: Settings, new_key: Callable[..., str], receiver: Receiver, tmp_path: Path
) -> None:
    secret = new_key(ORG, ["admin"])
    # a lease outliving a round even on a loaded machine: an expired one would let the other
    # process resend the page (at least once, by design), which is not what this test is about
    env = server_env(settings, **(QUICK | {"TRACE_SUBSCRIPTION_LEASE_S": "8"}))
    servers = [Server(env, tmp_path / "one.log"), Server(env, tmp_path / "two.log")]
    servers[0].start()
    try:
        with _client(servers[0], secret) as http:
            _subscribe(http, receiver.url)
        servers[1].start()  # finds the subscription at start-up: both workers run
        clients = [_client(s, secret) for s in servers]
        ids = []
        for n in range(10, 30, 2):
            _capture(clients[n % 4 // 2], _event(n), _event(n + 1))
            ids += [_event(n)["eventID"], _event(n + 1)["eventID"]]
        _until(lambda: len(receiver.accepted_events()) >= len(ids), "every event")
        time.sleep(1.0)  # let a duplicate, if either process were to send one, arrive
        accepted = receiver.accepted_events()
        assert len(accepted) == len(ids) and sorted(accepted) == sorted(ids)
        for http in clients:
            http.close()
    finally:
        for server in servers:
            server.stop()
