"""Outages and crashes, against real API processes: Neo4j unreachable answers 503 at once and
the API recovers by itself; an API process killed during a capture leaves a job that answers
failed, with its reason, once its lease has run out."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import httpx
import orjson
from servers import Server, TcpRelay, server_env, serving

from trace_engine.config import Settings

# what the API promises when Neo4j cannot be reached
OUTAGE_ANSWER_S = 2.0
# authenticated routes of each kind: a list, a keyed read under /epcis, an admin route
PATHS = ["/api/v1/traceability", "/epcis/capture/no-such-job", "/api/keys"]


def _outage_answers(http: httpx.Client) -> None:
    for path in PATHS:
        started = time.monotonic()
        response = http.get(path)
        elapsed = time.monotonic() - started
        assert response.status_code == 503, (path, response.status_code, response.text)
        assert elapsed < OUTAGE_ANSWER_S, (path, elapsed)
        assert int(response.headers["Retry-After"]) > 0
        body = response.json()
        message = body["detail"] if path.startswith("/epcis") else body["error"]
        assert "unavailable" in message


def test_neo4j_unreachable_answers_503_at_once_and_the_api_recovers_by_itself(
    settings: Settings, new_key: Callable[..., str], tmp_path: Path
) -> None:
    bolt = urlparse(settings.neo4j_uri)
    relay = TcpRelay(bolt.hostname or "127.0.0.1", bolt.port or 7687)
    relay.start()
    env = server_env(settings, TRACE_NEO4J_URI=f"bolt://127.0.0.1:{relay.port}")
    secret = new_key(scopes=["admin"])
    try:
        with (
            serving(env, tmp_path / "api.log") as server,
            httpx.Client(
                base_url=server.base, headers={"Authorization": f"Bearer {secret}"}, timeout=60
            ) as http,
        ):
            assert http.get("/api/v1/traceability").status_code == 200

            relay.stop()  # the network to Neo4j is gone
            _outage_answers(http)  # the key is still trusted in memory: the route meets it
            time.sleep(6)  # past the key's 5 s trust: the key check itself meets it
            _outage_answers(http)

            relay.start()  # back, on the same address; the API is not restarted
            deadline = time.monotonic() + 60
            while (status := http.get("/api/v1/traceability").status_code) != 200:
                assert status == 503 and time.monotonic() < deadline, status
                time.sleep(0.5)
            assert http.get("/api/keys").status_code == 200
    finally:
        relay.stop()


def _document(events: int) -> bytes:
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2026-01-01T00:00:00Z",
            "epcisBody": {
                "eventList": [
                    {
                        "type": "ObjectEvent",
                        "eventID": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
                        "eventTime": "2026-01-01T00:00:00Z",
                        "eventTimeZoneOffset": "+00:00",
                        "epcList": [f"urn:epc:id:sgtin:0614141.107346.{i}"],
                        "action": "ADD",
                        "bizStep": "commissioning",
                        "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"},
                    }
                    for i in range(events)
                ]
            },
        }
    )


def test_a_capture_whose_process_is_killed_answers_failed_after_the_restart(
    settings: Settings, new_key: Callable[..., str], tmp_path: Path
) -> None:
    lease_s = 2
    env = server_env(settings, TRACE_CAPTURE_JOB_LEASE_S=str(lease_s))
    secret = new_key(scopes=["admin"])
    headers = {"Authorization": f"Bearer {secret}"}
    body = _document(8000)  # several seconds of work: the kill lands while it is stored

    first = Server(env, tmp_path / "api.log")
    first.start()
    try:
        accepted = httpx.post(
            f"{first.base}/epcis/capture",
            content=body,
            headers=headers | {"Content-Type": "application/ld+json"},
            timeout=120,
        )
        first.kill()
    finally:
        first.kill()
    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["Location"]

    second = Server(env, tmp_path / "api.log", port=first.port)
    second.start()
    try:
        with httpx.Client(base_url=second.base, headers=headers, timeout=60) as http:
            job = http.get(location).json()
            deadline = time.monotonic() + lease_s + 60
            while job["running"]:
                assert job["success"] is False  # never success while running
                assert time.monotonic() < deadline, job
                time.sleep(0.5)
                job = http.get(location).json()
            assert job["success"] is False
            assert "interrupted" in job["errors"][-1]["detail"]
            assert "resend the document" in job["errors"][-1]["detail"]
            assert http.get(location).json() == job  # recorded once, read the same after
    finally:
        second.stop()
