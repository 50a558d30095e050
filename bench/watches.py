"""Recall watches: capture throughput with 0 and 10 watches, and the delay from a capture's
commit (its recordTime) to the notification's arrival at a receiver.

    .venv/bin/python bench/watches.py --documents 20 --doc-events 50 --rounds 2 --delays 20

In one process (the app with its lifespan, requests through ASGI). Before each run ten farm
lots W0..W9 are harvested; with watches, each lot has one watch delivering to one local
threaded receiver that answers 200. Every captured document ships each of the ten watched lots
once (so every watch has something to deliver after every document) and fills the rest with
events on unrelated lots. Runs alternate 0 / 10 watches per round (graph wiped each time) so
machine load hits them alike; the rate is events per second of capture requests. The delay run
has one watch and captures one-event documents on its lot one at a time, the next when the
previous has arrived; delay = arrival − the event's recordTime (both this machine's clock), with
the default settle time and poll interval. Appends a section to bench/RESULTS.md. It wipes the
graph of TRACE_NEO4J_URI: never point it at a database you care about.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import orjson  # noqa: E402

from api.main import create_app  # noqa: E402
from bench.common import (  # noqa: E402
    api_key,
    append_results,
    percentiles,
    section_header,
    server_cpu_s,
    wipe,
)
from bench.receiver import Receiver  # noqa: E402
from trace_engine.config import get_settings  # noqa: E402

JSONLD = {"Content-Type": "application/ld+json"}
WATCHED = 10


def _delivered(body: Any) -> list[dict[str, Any]]:
    """The events of a watch's notification."""
    events: list[dict[str, Any]] = body["events"]
    return events


def _lot(code: str) -> str:
    return f"urn:epc:class:lgtin:4012345.012345.{code}"


def _event(code: str, step: str, action: str = "OBSERVE") -> dict[str, Any]:
    return {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{uuid.uuid4()}",
        "eventTime": "2024-06-01T10:00:00.000Z",
        "eventTimeZoneOffset": "+00:00",
        "action": action,
        "bizStep": step,
        "quantityList": [{"epcClass": _lot(code), "quantity": 1, "uom": "KGM"}],
    }


def _document(events: list[dict[str, Any]]) -> bytes:
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-06-01T00:00:00Z",
            "epcisBody": {"eventList": events},
        }
    )


def _mixed(doc_events: int) -> bytes:
    """One shipment of each watched lot, the rest on unrelated lots."""
    watched = [_event(f"W{n}", "shipping") for n in range(WATCHED)]
    others = [_event(f"U{uuid.uuid4().hex[:8]}", "shipping") for _ in range(doc_events - WATCHED)]
    return _document(watched + others)


async def _capture(http: httpx.AsyncClient, body: bytes) -> None:
    response = await http.post("/epcis/capture", content=body, headers=JSONLD)
    assert response.status_code == 202, response.text


async def _setup(http: httpx.AsyncClient, watches: int, dest: str) -> None:
    await _capture(http, _document([_event(f"W{n}", "commissioning", "ADD") for n in range(10)]))
    for n in range(watches):
        body = {"productId": _lot(f"W{n}"), "dest": dest, "signatureToken": "bench"}
        response = await http.post("/api/v1/watches", json=body)
        assert response.status_code == 201, response.text


async def _throughput(
    watches: int, documents: int, doc_events: int
) -> tuple[float, int, float, float | None]:
    """Events/s of the capture requests, events delivered meanwhile, and CPU seconds per 1000
    events captured of this process (API, its worker threads) and of the Neo4j server."""
    wipe()
    secret = api_key("bench-watches", ["admin"], "bench")
    settings = get_settings().model_copy(update={"subscription_allow_private_dest": True})
    receiver = Receiver(_delivered)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {secret}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://b", headers=headers, timeout=600
        ) as http:
            await _setup(http, watches, receiver.url)
            bodies = [_mixed(doc_events) for _ in range(documents)]
            started, cpu, server = time.perf_counter(), time.process_time(), server_cpu_s()
            for body in bodies:
                await _capture(http, body)
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            after = server_cpu_s()
            server = after - server if after is not None and server is not None else None
            delivered = len(receiver.seen())
    receiver.server.shutdown()
    per_k = 1000 / (documents * doc_events)
    return (
        documents * doc_events / elapsed,
        delivered,
        cpu * per_k,
        server * per_k if server is not None else None,
    )


async def _delays(count: int) -> list[float]:
    wipe()
    secret = api_key("bench-watches", ["admin"], "bench")
    settings = get_settings().model_copy(update={"subscription_allow_private_dest": True})
    receiver = Receiver(_delivered)
    app = create_app(settings)
    delays: list[float] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {secret}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://b", headers=headers, timeout=600
        ) as http:
            await _setup(http, 1, receiver.url)
            for _ in range(count):
                event = _event("W0", "shipping")
                await _capture(http, _document([event]))
                while event["eventID"] not in receiver.seen():
                    await asyncio.sleep(0.005)
                arrived, record_time = receiver.seen()[event["eventID"]]
                committed = datetime.fromisoformat(record_time.replace("Z", "+00:00")).timestamp()
                delays.append((arrived - committed) * 1000)
    receiver.server.shutdown()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--doc-events", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--delays", type=int, default=20)
    args = parser.parse_args()
    if args.doc_events < WATCHED:
        parser.error(f"--doc-events must be at least {WATCHED}")
    rates: dict[int, list[float]] = {0: [], WATCHED: []}
    cpus: dict[int, list[float]] = {n: [] for n in rates}
    servers: dict[int, list[float]] = {n: [] for n in rates}
    deliveries: dict[int, list[int]] = {n: [] for n in rates}
    load_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    for _ in range(args.rounds):
        for watches in rates:
            rate, delivered, cpu, server = asyncio.run(
                _throughput(watches, args.documents, args.doc_events)
            )
            rates[watches].append(rate)
            cpus[watches].append(cpu)
            deliveries[watches].append(delivered)
            if server is not None:
                servers[watches].append(server)
            print(
                f"{watches:>3} watches: {rate:,.0f} events/s, {delivered} delivered meanwhile, "
                f"CPU per 1000 events: API {cpu * 1000:.0f} ms, Neo4j "
                f"{'-' if server is None else f'{server * 1000:.0f} ms'}",
                flush=True,
            )
    delays = asyncio.run(_delays(args.delays))
    p = percentiles(delays)
    print(f"delay commit → notification: p50 {p['p50']:.0f} ms, p99 {p['p99']:.0f} ms")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    command = "python bench/watches.py " + " ".join(sys.argv[1:])
    base = statistics.median(rates[0])
    lines = [
        *section_header("recall watches: capture throughput and notification delay", command),
        f"- load (`uptime`, shared machine, under contention): before {load_before}; after {load}",
        f"- capture: {args.documents} documents × {args.doc_events} events per run (each "
        f"document ships each of the {WATCHED} watched lots once), {args.rounds} alternating "
        "rounds, in one process (ASGI), receiver answering 200",
        "",
        "| recall watches | events/s (median of rounds) | runs | vs none | events delivered "
        "during the capture (runs) | CPU ms per 1000 events captured: API process, Neo4j "
        "server (medians) |",
        "|---|---|---|---|---|---|",
    ]
    for watches, values in rates.items():
        median = statistics.median(values)
        shown = ", ".join(f"{v:,.0f}" for v in values)
        sent = ", ".join(str(d) for d in deliveries[watches])
        cpu = statistics.median(cpus[watches]) * 1000
        server_ms = f"{statistics.median(servers[watches]) * 1000:.0f}" if servers[watches] else "-"
        lines.append(
            f"| {watches} | {median:,.0f} | {shown} | {median / base:.2f} | {sent} | "
            f"{cpu:.0f}, {server_ms} |"
        )
    lines += [
        "",
        f"- delay from capture commit (recordTime) to notification received, one watch, "
        f"{len(delays)} one-event captures, default settle "
        f"{get_settings().subscription_settle_ms} ms: p50 {p['p50']:.0f} ms, "
        f"p95 {p['p95']:.0f} ms, p99 {p['p99']:.0f} ms",
    ]
    append_results(lines)


if __name__ == "__main__":
    main()
