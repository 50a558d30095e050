"""A recall watch across real API processes (`trace-engine serve` children) on one database:
a process killed between capture and delivery leaves the events to the next one (position,
pending work and lease are on the Watch node in Neo4j)."""

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

ORG = "watch-proc"
JSONLD = {"Content-Type": "application/ld+json"}
LOT = "urn:epc:class:lgtin:4012345.012345.WPROC"
QUICK = {
    "TRACE_SUBSCRIPTION_ALLOW_PRIVATE_DEST": "true",
    "TRACE_SUBSCRIPTION_POLL_INTERVAL_S": "0.2",
    "TRACE_SUBSCRIPTION_RETRY_BASE_S": "0.05",
    "TRACE_SUBSCRIPTION_RETRY_MAX_S": "0.2",
    "TRACE_SUBSCRIPTION_LEASE_S": "2",
}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def _event(n: int, step: str = "shipping", action: str = "OBSERVE") -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:71000000-0000-4000-8000-{n:012d}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": action,
        "bizStep": step,
        "quantityList": [{"epcClass": LOT, "quantity": 1, "uom": "KGM"}],
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
    # a served capture job runs after the 202: the lot must be stored before it is watched
    location = response.headers["Location"]
    _until(lambda: not http.get(location).json()["running"], "the capture job finished")
    assert http.get(location).json()["success"] is True


def _until(check: Callable[[], bool], what: str, deadline_s: float = 90.0) -> None:
    end = time.monotonic() + deadline_s
    while not check():
        assert time.monotonic() < end, f"never happened: {what}"
        time.sleep(0.05)


def _accepted(receiver: Receiver) -> list[str]:
    with receiver.lock:
        taken = [body for status, _, body in receiver.requests if 200 <= status < 300]
    return [e["eventID"] for body in taken for e in orjson.loads(body)["events"]]


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
            _capture(http, _event(1, "commissioning", "ADD"))
            body = {"productId": LOT, "dest": receiver.url, "signatureToken": "t"}
            assert http.post("/api/v1/watches", json=body).status_code == 201
            _capture(http, _event(2), _event(3))
        _until(lambda: len(receiver.requests) >= 1, "a refused delivery attempt")
    finally:
        first.kill()
    assert _accepted(receiver) == []
    receiver.default = 200
    second = Server(env, tmp_path / "second.log")
    second.start()
    try:
        wanted = [_event(2)["eventID"], _event(3)["eventID"]]
        _until(lambda: _accepted(receiver) == wanted, "delivery after the restart")
        with _client(second, secret) as http:
            _capture(http, _event(4))
        _until(lambda: len(_accepted(receiver)) == 3, "the next event")
        assert _accepted(receiver) == [*wanted, _event(4)["eventID"]]
    finally:
        second.stop()
