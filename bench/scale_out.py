"""Several API processes (issue 22): cached-trace throughput over HTTP with 1, 2 and 4
workers sharing one Redis, under uvicorn and under granian, and what the shared invalidation
costs capture.

    .venv/bin/python bench/scale_out.py [--events 2000] [--seconds 8] [--docs 15]
        [--servers uvicorn,granian]

Starts its own redis-server (trace_engine.local_redis) on a free port, loads generated
events into the Neo4j of TRACE_NEO4J_URI (the graph is wiped first), runs
`trace-engine serve --server S --workers N`, and drives it from 2 client processes of 16
connections.
Capture: the same documents (fresh event ids each time) through one process without and with
TRACE_REDIS_URL, rounds interleaved. Results are appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    api_key,
    append_results,
    dataset,
    free_port,
    section_header,
    wipe,
)
from bench.trace import ORG, load, pick_lots  # noqa: E402
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.local_redis import LocalRedis  # noqa: E402


@contextmanager
def serve(workers: int, redis_url: str | None, server: str = "uvicorn") -> Iterator[str]:
    """`trace-engine serve --server S --workers N`, with or without TRACE_REDIS_URL."""
    port = free_port()
    settings = get_settings()
    env = dict(
        os.environ,
        TRACE_NEO4J_URI=settings.neo4j_uri,
        TRACE_NEO4J_PASSWORD=settings.neo4j_password.get_secret_value(),
    )
    env.pop("TRACE_REDIS_URL", None)
    if redis_url:
        env["TRACE_REDIS_URL"] = redis_url
    command = [sys.executable, "-m", "trace_engine", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", str(workers), "--server", server],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the API did not come up")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


def _client_process(args: tuple[str, str, list[str], float]) -> int:
    base, secret, lots, seconds = args

    async def run() -> int:
        done = 0
        stop = time.monotonic() + seconds

        async def worker(offset: int) -> None:
            nonlocal done
            headers = {"Authorization": f"Bearer {secret}"}
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
                i = offset
                while time.monotonic() < stop:
                    response = await client.get(
                        "/api/v1/traces", params={"productId": lots[i % len(lots)]}
                    )
                    assert response.status_code == 200, response.text
                    done += 1
                    i += 1

        await asyncio.gather(*(worker(n) for n in range(16)))
        return done

    return asyncio.run(run())


def cached_throughput(base: str, secret: str, lots: list[str], seconds: float, n: int) -> float:
    """Requests per second of cached traces from 2 client processes."""
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=base, timeout=30, headers=headers) as c:
        for _ in range(3 * n):  # every worker process has its own cache: warm them all
            for lot in lots:
                assert c.get("/api/v1/traces", params={"productId": lot}).status_code == 200
    started = time.monotonic()
    with multiprocessing.Pool(2) as pool:
        done = sum(pool.map(_client_process, [(base, secret, lots, seconds)] * 2))
    return done / (time.monotonic() - started)


def _document(lots: list[str], events: int) -> bytes:
    body = [
        {
            "type": "ObjectEvent",
            "eventID": f"urn:uuid:{uuid.uuid4()}",
            "eventTime": "2024-06-01T08:00:00.000Z",
            "eventTimeZoneOffset": "+00:00",
            "action": "OBSERVE",
            "bizStep": "inspecting",
            "quantityList": [{"epcClass": lots[i % len(lots)], "quantity": 1, "uom": "KGM"}],
            "bizLocation": {"id": "urn:epc:id:sgln:4012345.00001.0"},
        }
        for i in range(events)
    ]
    return orjson.dumps(
        {
            "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2024-06-01T00:00:00Z",
            "epcisBody": {"eventList": body},
        }
    )


def capture_rate(base: str, secret: str, lots: list[str], docs: int, events: int) -> float:
    """Events per second captured, one document after another, each job waited for."""
    documents = [_document(lots, events) for _ in range(docs)]
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        started = time.perf_counter()
        for document in documents:
            response = client.post(
                "/epcis/capture", content=document, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 202, response.text
            while client.get(response.headers["Location"]).json()["running"]:
                time.sleep(0.01)
        return docs * events / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--lots", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--docs", type=int, default=15)
    parser.add_argument("--doc-events", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--servers", default="uvicorn,granian", help="comma-separated")
    args = parser.parse_args()
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    folder, _ = dataset(args.events, args.seed, events_per_file=1000)
    wipe()
    load(folder)
    lots = [lot for lot, _ in pick_lots(folder, args.lots, 200, args.seed)]
    secret = api_key(ORG, ["read", "write"], "bench/scale_out.py")
    load_before = os.getloadavg()
    throughput: dict[str, float] = {}
    capture: dict[str, list[float]] = {"without Redis": [], "with Redis": []}
    with tempfile.TemporaryDirectory() as tmp:
        redis = LocalRedis(free_port(), Path(tmp))
        redis.start()
        try:
            with serve(1, None) as base:
                throughput["1 worker, no Redis"] = cached_throughput(
                    base, secret, lots, args.seconds, 1
                )
                print(throughput, flush=True)
            for workers in (1, 2, 4):
                for server in servers:
                    with serve(workers, redis.url, server) as base:
                        label = f"{workers} worker{'s' if workers > 1 else ''}, Redis, {server}"
                        throughput[label] = cached_throughput(
                            base, secret, lots, args.seconds, workers
                        )
                        print(throughput, flush=True)
            for _ in range(args.rounds):
                for name, url in (("without Redis", None), ("with Redis", redis.url)):
                    with serve(1, url) as base:
                        capture[name].append(
                            capture_rate(base, secret, lots, args.docs, args.doc_events)
                        )
                        print(name, capture[name][-1], flush=True)
        finally:
            redis.stop()
    load_after = os.getloadavg()

    without = sum(capture["without Redis"]) / len(capture["without Redis"])
    with_redis = sum(capture["with Redis"]) / len(capture["with Redis"])
    command = " ".join(["bench/scale_out.py", *sys.argv[1:]])
    lines = section_header("several API processes (issue 22): workers and Redis", command)
    lines += [
        f"- data: {args.events:,} generated events loaded, {len(lots)} lots (traces of at most "
        f"200 events); cached traces from 2 client processes x 16 connections, "
        f"{args.seconds:.0f} s per row; `trace-engine serve --server S --workers N` (the row "
        "without Redis: uvicorn)",
        f"- `uptime` at the start: {uptime}",
        f"- load average {load_before[0]:.1f} at the start, {load_after[0]:.1f} at the end "
        "(the machine's 2 CPUs are shared with other work, and the clients run on them too: "
        "figures under contention)",
        "",
        "| cached traces over HTTP | requests/s |",
        "|---|---|",
        *(f"| {name} | {rate:,.0f} |" for name, rate in throughput.items()),
        "",
        f"- capture, {args.docs} documents of {args.doc_events} events one after another "
        f"through 1 process, {args.rounds} rounds interleaved: {without:,.0f} events/s without "
        f"Redis, {with_redis:,.0f} events/s with TRACE_REDIS_URL (shared invalidation: "
        f"{(with_redis - without) / without * 100:+.1f}%)",
    ]
    append_results(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
