"""Stream subscriptions: capture throughput with 0, 10 and 100 subscriptions, and the delay
from a capture's commit (its recordTime) to the delivery's arrival at a receiver.

    .venv/bin/python bench/subscriptions.py --documents 100 --doc-events 50 --rounds 3 --delays 50

In one process (the app with its lifespan, requests through ASGI): every subscription is on a
named query all captured events match, delivering to one local threaded receiver that answers
200. Throughput runs alternate 0 / 10 / 100 subscriptions per round (graph wiped each time)
so machine load hits them alike; each captures `--documents` documents of `--doc-events`
events and counts events per second of capture requests, and how many events the receiver
got meanwhile (the worker's deliveries competing with capture; a run shorter than the settle
time would measure nothing of them, hence 100 documents by default). The delay run has one
subscription and captures one-event documents one at a time, the next when the previous has
arrived; delay = arrival − the event's recordTime as delivered (both this machine's clock), with the
default settle time and poll interval. Appends a section to bench/RESULTS.md. It wipes the
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


def _delivered(body: Any) -> list[dict[str, Any]]:
    """The events of a subscription's delivery (an EPCISQueryDocument)."""
    events: list[dict[str, Any]] = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return events


def _document(events: int) -> bytes:
    event_list = [
        {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:{uuid.uuid4()}",
            "eventTime": "2024-06-01T10:00:00.000Z",
            "eventTimeZoneOffset": "+00:00",
            "action": "OBSERVE",
            "bizStep": "shipping",
            "quantityList": [
                {"epcClass": f"urn:epc:class:lgtin:4012345.012345.B{n}", "quantity": 1}
            ],
        }
        for n in range(events)
    ]
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-06-01T00:00:00Z",
            "epcisBody": {"eventList": event_list},
        }
    )


async def _setup(http: httpx.AsyncClient, subscriptions: int, dest: str) -> None:
    query = {"name": "all", "query": {"EQ_bizStep": ["shipping"]}}
    assert (await http.post("/epcis/queries", json=query)).status_code == 201
    for _ in range(subscriptions):
        body = {"dest": dest, "stream": True, "signatureToken": "bench"}
        response = await http.post("/epcis/queries/all/subscriptions", json=body)
        assert response.status_code == 201, response.text


async def _throughput(
    subscriptions: int, documents: int, doc_events: int
) -> tuple[float, int, float, float | None]:
    wipe()
    secret = api_key("bench-subs", ["admin"], "bench")
    settings = get_settings().model_copy(update={"subscription_allow_private_dest": True})
    receiver = Receiver(_delivered)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {secret}"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://b", headers=headers, timeout=600
        ) as http:
            await _setup(http, subscriptions, receiver.url)
            bodies = [_document(doc_events) for _ in range(documents)]
            started, cpu, server = time.perf_counter(), time.process_time(), server_cpu_s()
            for body in bodies:
                response = await http.post("/epcis/capture", content=body, headers=JSONLD)
                assert response.status_code == 202, response.text
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            after = server_cpu_s()
            server = after - server if after is not None and server is not None else None
            delivered = sum(len(pairs) for _, pairs in receiver.arrivals)
    receiver.server.shutdown()
    per_k = 1000 / (documents * doc_events)
    return (
        documents * doc_events / elapsed,
        delivered,
        cpu * per_k,
        (server * per_k if server is not None else None),
    )


async def _delays(count: int) -> list[float]:
    wipe()
    secret = api_key("bench-subs", ["admin"], "bench")
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
                body = _document(1)
                event_id = orjson.loads(body)["epcisBody"]["eventList"][0]["eventID"]
                assert (
                    await http.post("/epcis/capture", content=body, headers=JSONLD)
                ).status_code == 202
                while event_id not in receiver.seen():
                    await asyncio.sleep(0.005)
                arrived, record_time = receiver.seen()[event_id]
                committed = datetime.fromisoformat(record_time.replace("Z", "+00:00")).timestamp()
                delays.append((arrived - committed) * 1000)
    receiver.server.shutdown()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--doc-events", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--delays", type=int, default=50)
    args = parser.parse_args()
    rates: dict[int, list[float]] = {0: [], 10: [], 100: []}
    sent: dict[int, list[int]] = {n: [] for n in rates}
    cpus: dict[int, list[float]] = {n: [] for n in rates}
    servers: dict[int, list[float]] = {n: [] for n in rates}
    for _ in range(args.rounds):
        for subscriptions in rates:
            rate, delivered, cpu, server = asyncio.run(
                _throughput(subscriptions, args.documents, args.doc_events)
            )
            rates[subscriptions].append(rate)
            sent[subscriptions].append(delivered)
            cpus[subscriptions].append(cpu)
            if server is not None:
                servers[subscriptions].append(server)
            print(
                f"{subscriptions:>3} subscriptions: {rate:,.0f} events/s, "
                f"{delivered:,} events delivered meanwhile, CPU per 1000 events captured: "
                f"API process {cpu * 1000:.0f} ms, Neo4j "
                + (f"{server * 1000:.0f} ms" if server is not None else "?"),
                flush=True,
            )
    delays = asyncio.run(_delays(args.delays))
    p = percentiles(delays)
    print(f"delay commit → delivery: p50 {p['p50']:.0f} ms, p99 {p['p99']:.0f} ms")
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    command = "python bench/subscriptions.py " + " ".join(sys.argv[1:])
    base = statistics.median(rates[0])
    lines = [
        *section_header("stream subscriptions: capture throughput and delivery delay", command),
        f"- load during the run (`uptime`, shared machine, under contention): {load}",
        f"- capture: {args.documents} documents × {args.doc_events} events per run, "
        f"{args.rounds} alternating rounds, in one process (ASGI), receiver answering 200",
        "",
        "| stream subscriptions | events/s (median of rounds) | runs | vs none "
        "| events delivered during the capture (runs) | CPU ms per 1000 events captured: "
        "API process, Neo4j server (medians) |",
        "|---|---|---|---|---|---|",
    ]
    for subscriptions, values in rates.items():
        median = statistics.median(values)
        shown = ", ".join(f"{v:,.0f}" for v in values)
        during = ", ".join(f"{v:,}" for v in sent[subscriptions])
        cpu = statistics.median(cpus[subscriptions]) * 1000
        server_ms = (
            f"{statistics.median(servers[subscriptions]) * 1000:.0f}"
            if servers[subscriptions]
            else "?"
        )
        lines.append(
            f"| {subscriptions} | {median:,.0f} | {shown} | {median / base:.2f} | {during} "
            f"| {cpu:.0f}, {server_ms} |"
        )
    lines += [
        "",
        f"- delay from capture commit (recordTime) to delivery received, one subscription, "
        f"{len(delays)} one-event captures, default settle "
        f"{get_settings().subscription_settle_ms} ms: p50 {p['p50']:.0f} ms, "
        f"p95 {p['p95']:.0f} ms, p99 {p['p99']:.0f} ms",
    ]
    append_results(lines)


if __name__ == "__main__":
    main()
