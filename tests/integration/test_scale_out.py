"""Several API processes over one Neo4j, sharing invalidations, revocations and rate limits
through a real Redis (TRACE_REDIS_URL): two uvicorn processes on their own ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import redis
from neo4j import Bookmarks, Driver, ManagedTransaction
from neo4j.exceptions import ClientError

from trace_engine.config import Settings
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.graph.bookmarks import ProcessBookmarks
from trace_engine.graph.driver import make_driver
from trace_engine.kit.shared_state import JOB, SharedState
from trace_engine.local_redis import LocalRedis

LOTS = iter(f"urn:epc:class:lgtin:4012345.012345.SCALE{n}" for n in range(1, 100))
TRACE = "/ift/api/outbound/v1/traces"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRedis]:
    server = LocalRedis(_free_port(), tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _serve(settings: Settings, redis_url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "TRACE_NEO4J_URI": settings.neo4j_uri,
        "TRACE_NEO4J_USER": settings.neo4j_user,
        "TRACE_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "TRACE_REDIS_URL": redis_url,
    }
    command = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def _wait(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        try:
            if httpx.get(f"{base}/health", timeout=5).status_code in (200, 503):
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"the API at {base} did not start: {log.read_text()}")


@pytest.fixture(scope="module")
def two_apis(
    settings: Settings, redis_server: LocalRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """Processes A and B, both on the suite's Neo4j and the test's Redis (each test traces
    its own lot: the graph is emptied between tests, the processes' caches are not)."""
    tmp_path = tmp_path_factory.mktemp("apis")
    started = [
        (*_serve(settings, redis_server.url, tmp_path / f"{name}.log"), tmp_path / f"{name}.log")
        for name in ("a", "b")
    ]
    try:
        for process, base, log in started:
            _wait(process, base, log)
        yield started[0][1], started[1][1]
    finally:
        for process, _, _ in started:
            process.terminate()
        for process, _, _ in started:
            process.wait(timeout=30)


def _client(base: str, secret: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=30)


@pytest.fixture
def lot() -> str:
    return next(LOTS)


def _event(lot: str, eid: int, when: str, **body: Any) -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:22000000-0000-4000-8000-{eid:012d}",
        "eventTime": when,
        "eventTimeZoneOffset": "+00:00",
        "action": "OBSERVE",
        "quantityList": [{"epcClass": lot, "quantity": eid, "uom": "KGM"}],
        "bizLocation": {"id": f"urn:epc:id:sgln:4012345.0000{eid}.0"},
        **body,
    }


def _capture(client: httpx.Client, events: list[dict[str, Any]]) -> str:
    """Capture through `client`, wait for the job's success; the job's id."""
    document = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-05-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    }
    response = client.post(
        "/epcis/capture",
        content=orjson.dumps(document),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 202, response.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(response.headers["Location"]).json()
        if not job["running"]:
            assert job["rejectedCount"] == 0, job
            return str(job["captureID"])
        time.sleep(0.05)
    raise AssertionError(f"capture job still running: {job}")


def _events(response: httpx.Response, lot: str) -> list[str]:
    assert response.status_code == 200, response.text
    events: list[str] = response.json()[lot]["events"]
    return events


def test_a_capture_through_a_drops_the_trace_cached_in_b(
    two_apis: tuple[str, str], new_key: Callable[..., str], lot: str
) -> None:
    secret = new_key(scopes=("read", "write"))
    a, b = (_client(base, secret) for base in two_apis)
    _capture(a, [_event(lot, 1, "2024-05-01T08:00:00.000Z", action="ADD", bizStep="commissioning")])
    b.get(TRACE, params={"productId": lot})
    cached = b.get(TRACE, params={"productId": lot})
    assert cached.headers["X-ApiCache"] == "HIT" and len(_events(cached, lot)) == 1

    for n in range(2, 6):  # several rounds: never the stale answer, whatever the timing
        _capture(a, [_event(lot, n, f"2024-05-0{n}T08:00:00.000Z", bizStep="stocking")])
        after = b.get(TRACE, params={"productId": lot})
        assert f"urn:uuid:22000000-0000-4000-8000-{n:012d}" in _events(after, lot)
        assert len(_events(after, lot)) == n


def test_a_key_revoked_through_a_is_refused_by_b_at_once(
    two_apis: tuple[str, str], new_key: Callable[..., str], lot: str
) -> None:
    admin = new_key(scopes=("admin",))
    a, b = (_client(base, admin) for base in two_apis)
    made = a.post("/api/keys", json={"name": "to revoke", "scopes": ["read"]})
    assert made.status_code == 201, made.text
    victim = _client(two_apis[1], made.json()["secret"])
    key_id = made.json()["key"]["id"]
    assert victim.get("/api/v1/sharing").status_code == 403  # known to B (read scope only)
    assert victim.get(TRACE, params={"productId": lot}).status_code == 404  # trusted by B now
    revoked = a.delete("/api/keys", params={"id": key_id})
    assert revoked.status_code == 200, revoked.text
    assert victim.get(TRACE, params={"productId": lot}).status_code == 401
    assert b.get(TRACE, params={"productId": lot}).status_code == 404  # others unaffected


def test_a_limit_of_10_is_10_calls_across_both_processes(
    two_apis: tuple[str, str], new_key: Callable[..., str], lot: str
) -> None:
    secret = new_key(scopes=("read",), rate_limit_per_hour=10)
    a, b = (_client(base, secret) for base in two_apis)
    statuses = [(a if n % 2 else b).get(TRACE, params={"productId": lot}) for n in range(14)]
    allowed = [r for r in statuses if r.status_code != 429]
    assert len(allowed) == 10 and all(r.status_code == 404 for r in allowed)
    assert [r.status_code for r in statuses[10:]] == [429] * 4
    assert a.get(TRACE, params={"productId": lot}).status_code == 429
    assert b.get(TRACE, params={"productId": lot}).status_code == 429


def test_redis_down_the_api_answers_and_says_so_then_sharing_resumes(
    two_apis: tuple[str, str], new_key: Callable[..., str], lot: str, redis_server: LocalRedis
) -> None:
    secret = new_key(scopes=("read", "write"))
    a, b = (_client(base, secret) for base in two_apis)
    _capture(a, [_event(lot, 1, "2024-05-01T08:00:00.000Z", action="ADD", bizStep="commissioning")])
    assert b.get("/health").json()["redis"] == {"reachable": True}

    assert redis_server.stop()
    for client in (a, b):
        health = client.get("/health")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert health.json()["redis"]["reachable"] is False
    _capture(a, [_event(lot, 2, "2024-05-02T08:00:00.000Z", bizStep="stocking")])
    down = b.get(TRACE, params={"productId": lot})
    assert down.headers["X-ApiCache"] == "MISS" and len(_events(down, lot)) == 2
    assert b.get(TRACE, params={"productId": lot}).headers["X-ApiCache"] == "MISS"  # cache off

    redis_server.start()
    assert b.get("/health").json()["redis"] == {"reachable": True}
    assert a.get("/health").json()["redis"] == {"reachable": True}
    b.get(TRACE, params={"productId": lot})
    assert b.get(TRACE, params={"productId": lot}).headers["X-ApiCache"] == "HIT"
    _capture(a, [_event(lot, 3, "2024-05-03T08:00:00.000Z", bizStep="stocking")])
    assert len(_events(b.get(TRACE, params={"productId": lot}), lot)) == 3
    # the shared limit counts again: a key with limit 3 gets 3 calls across both
    limited = new_key(scopes=("read",), rate_limit_per_hour=3)
    la, lb = (_client(base, limited) for base in two_apis)
    codes = [(la if n % 2 else lb).get("/api/v1/traces/x").status_code for n in range(5)]
    assert codes.count(429) == 2 and codes[3:] == [429, 429]


def test_a_lost_message_still_drops_the_cache_before_the_next_request(
    redis_server: LocalRedis,
) -> None:
    """B never hears A's announcement (B does not listen): B's check of the epoch at its next
    request drops everything; a Redis emptied or restarted (a new era) does too."""
    heard: list[tuple[str, object]] = []
    resets = {"a": 0, "b": 0}

    def count(name: str) -> Callable[[], None]:
        def reset() -> None:
            resets[name] += 1

        return reset

    a = SharedState(
        redis_server.url, lambda kind, payload: heard.append((kind, payload)), count("a")
    )
    b = SharedState(
        redis_server.url, lambda kind, payload: heard.append((kind, payload)), count("b")
    )
    try:
        assert a.fresh() and b.fresh()  # both up to date (a first check drops nothing cached)
        before = dict(resets)
        assert b.fresh() and resets == before  # nothing changed: nothing dropped

        a.announce("instances", ["urn:epc:class:lgtin:4012345.012345.LOST"])
        assert a.fresh() and resets["a"] == before["a"]  # A applied its own change
        assert b.fresh() and resets["b"] == before["b"] + 1  # B missed it: drops everything
        assert b.fresh() and resets["b"] == before["b"] + 1  # once

        client = redis.Redis.from_url(redis_server.url)
        client.flushall()
        client.close()
        assert b.fresh() and resets["b"] == before["b"] + 2  # a new era
        assert heard == []  # neither listened: only the epoch check saw the changes
    finally:
        a.stop()
        b.stop()


# -- bookmarks: a read on any member waits for the writes it must see ------------------------
# A single Community server has applied every committed transaction, so what can be shown
# here is that the bookmarks are the real ones, travel as described, and reach the server.


def _count_probes(tx: ManagedTransaction, marker: str) -> int:
    record = tx.run("MATCH (p:BookmarkProbe {marker: $m}) RETURN count(p) AS n", m=marker).single()
    return int(record["n"]) if record else 0


def _add_probe(tx: ManagedTransaction, marker: str) -> None:
    tx.run("CREATE (:BookmarkProbe {marker: $m})", m=marker).consume()


def test_bookmarks_of_a_write_in_a_reach_b_by_message_and_by_the_epoch_check(
    settings: Settings, redis_server: LocalRedis, lot: str
) -> None:
    mine, theirs, late = ProcessBookmarks(), ProcessBookmarks(), ProcessBookmarks()
    quiet = lambda *_: None  # noqa: E731
    a = SharedState(redis_server.url, quiet, quiet, own_bookmarks=mine.own)
    b = SharedState(redis_server.url, quiet, quiet, on_bookmarks=theirs.add)
    c = SharedState(redis_server.url, quiet, quiet, on_bookmarks=late.add)  # never listens
    drivers = [make_driver(settings, bookmarks=m.manager) for m in (mine, theirs)]
    try:
        a.start()
        b.start()
        assert c.fresh()
        with drivers[0].session(database=settings.neo4j_database) as session:
            write_tx(session, _add_probe, lot)
            written = list(session.last_bookmarks().raw_values)
        assert written and mine.own() == written  # the process's manager has the write's
        a.announce("instances", [lot])

        deadline = time.monotonic() + 10
        while not set(written) <= set(theirs.others()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert set(written) <= set(theirs.others())  # heard with the message
        listed = redis.Redis.from_url(redis_server.url).lrange("trace-engine:bookmarks", 0, -1)
        assert set(written) <= {v.decode() for v in listed}  # kept in Redis too
        assert c.fresh() and set(written) <= set(late.others())  # missed it: read from Redis

        with drivers[1].session(database=settings.neo4j_database) as session:
            assert read_tx(session, _count_probes, lot) == 1  # B's read, with A's bookmarks
    finally:
        for state in (a, b, c):
            state.stop()
        for drv in drivers:
            drv.close()


def test_the_bookmarks_a_process_holds_reach_the_server(settings: Settings) -> None:
    """A bookmark the server cannot parse is refused by it: what ProcessBookmarks supplies is
    sent with every transaction of the driver's sessions."""
    held = ProcessBookmarks()
    with make_driver(settings, bookmarks=held.manager) as drv:
        with drv.session(database=settings.neo4j_database) as session:
            assert read_tx(session, _count_probes, "x") == 0
        held.add(["not-a-bookmark"])
        with drv.session(database=settings.neo4j_database) as session:
            with pytest.raises(ClientError, match="(?i)bookmark"):
                read_tx(session, _count_probes, "x")


def test_a_capture_jobs_bookmarks_are_kept_for_its_readers_in_any_process(
    two_apis: tuple[str, str],
    new_key: Callable[..., str],
    lot: str,
    redis_server: LocalRedis,
    driver: Driver,
    settings: Settings,
) -> None:
    secret = new_key(scopes=("read", "write"))
    a, b = (_client(base, secret) for base in two_apis)
    job_id = _capture(a, [_event(lot, 1, "2024-05-01T08:00:00.000Z", action="ADD")])
    raw = redis.Redis.from_url(redis_server.url).get(JOB + job_id)
    assert raw is not None
    kept = orjson.loads(raw)
    assert kept and all(isinstance(v, str) for v in kept)
    # B answers the job (its read began with those bookmarks); so does any driver given them
    answered = b.get(f"/epcis/capture/{job_id}")
    assert answered.status_code == 200 and answered.json()["success"] is True
    with driver.session(
        database=settings.neo4j_database, bookmarks=Bookmarks.from_raw_values(kept)
    ) as session:
        job = session.execute_read(
            lambda tx: tx.run(
                "MATCH (j:CaptureJob {id: $id}) RETURN j.summary AS s", id=job_id
            ).single()
        )
    assert job is not None and orjson.loads(job["s"])["success"] is True
    # the trace right after the capture, through B, has the event
    assert len(_events(b.get(TRACE, params={"productId": lot}), lot)) == 1


def test_serve_with_granian_workers(
    settings: Settings,
    redis_server: LocalRedis,
    new_key: Callable[..., str],
    lot: str,
    tmp_path: Path,
) -> None:
    """`trace-engine serve --server granian --workers 2` serves the API (the optional server
    that bench/scale_out.py compares with uvicorn)."""
    port = _free_port()
    env = {
        **os.environ,
        "TRACE_NEO4J_URI": settings.neo4j_uri,
        "TRACE_NEO4J_USER": settings.neo4j_user,
        "TRACE_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "TRACE_REDIS_URL": redis_server.url,
    }
    command = [sys.executable, "-m", "trace_engine", "serve", "--server", "granian"]
    command += ["--workers", "2", "--host", "127.0.0.1", "--port", str(port)]
    log = tmp_path / "granian.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(process, base, log)
        client = _client(base, new_key(scopes=("read", "write")))
        _capture(client, [_event(lot, 1, "2024-05-01T08:00:00.000Z", action="ADD")])
        for _ in range(4):  # whichever worker answers
            assert len(_events(client.get(TRACE, params={"productId": lot}), lot)) == 1
        assert "worker-2" in log.read_text()  # granian logs each worker it spawns
    finally:
        process.terminate()
        process.wait(timeout=30)
