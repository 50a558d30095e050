"""Trace latency and throughput on generated supply chains.

    .venv/bin/python bench/trace.py --events 10000 100000 1000000

For each size: generate (cached under bench/data/), wipe the graph, bulk-load, then measure
on lots whose traces have at most --max-trace-events events (all events):
  - in-process: uncached (the Cypher round trip + assembly) and cached, p50/p95/p99;
  - over HTTP against `trace-engine serve` on loopback: uncached (X-ApiCache-Bypass) latency
    p50/p95/p99, and cached throughput with wrk (traces/s) when wrk is installed.
Results are appended to bench/RESULTS.md. Uses the Neo4j of TRACE_NEO4J_URI (default local).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    ManagedTransaction,
    Record,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    api_key,
    append_results,
    counts,
    dataset,
    percentiles,
    section_header,
    serving,
    wipe,
)
from trace_engine.config import Settings, get_settings  # noqa: E402
from trace_engine.graph.catalog import Query, query  # noqa: E402
from trace_engine.graph.driver import make_driver  # noqa: E402
from trace_engine.seed.generator import load_truth, truth_trace  # noqa: E402
from trace_engine.trace.assembly import build_trace  # noqa: E402
from trace_engine.trace.cache import TraceCache  # noqa: E402
from trace_engine.trace.repository import fetch_lineage  # noqa: E402
from trace_engine.trace.schemas import TraceParams  # noqa: E402
from trace_engine.trace.service import TraceService, instance_key  # noqa: E402

ORG = "bench"


def make_async_driver(settings: Settings) -> AsyncDriver:
    """An async driver, only to compare it with the app's sync driver (the app has none)."""
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    return AsyncGraphDatabase.driver(settings.neo4j_uri, auth=auth)


def pick_lots(folder: Path, count: int, max_events: int, seed: int) -> list[tuple[str, int]]:
    """Random instances whose full trace has at most `max_events` events, with that size."""
    truth = load_truth(folder)
    rng = random.Random(seed)
    ids = sorted(truth)
    rng.shuffle(ids)
    chosen: list[tuple[str, int]] = []
    for instance in ids:
        size = len(truth_trace(truth, instance, "both").events)
        if size <= max_events:
            chosen.append((instance, size))
        if len(chosen) == count:
            break
    return chosen


async def _raw_read(tx: AsyncManagedTransaction, key: str) -> Record | None:
    result = await tx.run(query(Query.TRACE), productId=key)
    return await result.single()


def _raw_read_sync(tx: ManagedTransaction, key: str) -> Record | None:
    return tx.run(query(Query.TRACE), productId=key).single()


async def in_process(lots: list[tuple[str, int]]) -> dict[str, Any]:
    """Per lot, side by side on one server: the raw Cypher round trip on the app's sync
    driver (and, for comparison, on an async one: the managed read, the record fetched and
    nothing else), the service uncached (its read in a worker thread, as the API runs it)
    and cached, and the same read + assembly without the thread hop."""
    settings = get_settings()
    driver = make_async_driver(settings)
    sync_driver = make_driver(settings)
    service = TraceService(TraceCache(3600, 100_000), settings.trace_max_events)
    params = TraceParams(all_events=True)
    orgs = frozenset({ORG})
    times: dict[str, list[float]] = {
        name: [] for name in ("raw", "uncached", "cached", "raw_async", "sync", "data", "items")
    }
    sync_session = sync_driver.session(database=settings.neo4j_database)
    async with driver.session(database=settings.neo4j_database) as session:

        async def fetch(key: str) -> dict[str, Any] | None:
            # what the app does: the sync driver's managed read, in a worker thread
            return await asyncio.to_thread(sync_session.execute_read, fetch_lineage, key)

        async def visible() -> frozenset[str]:
            return orgs

        def sync_trace(lot: str) -> bytes:
            key = instance_key(lot)
            record = sync_session.execute_read(_raw_read_sync, key)
            lineage = dict(record.items()) if record else None
            body, _ = build_trace(lot, key, lineage, orgs, params, settings.trace_max_events)
            return orjson.dumps(body)

        def timed(name: str, start: float) -> None:
            times[name].append((time.perf_counter() - start) * 1000)

        for lot, _ in lots[:20]:  # warm the query plans and the page cache
            await service.trace_with(fetch, visible, lot, ORG, params, bypass_cache=True)
            await session.execute_read(_raw_read, instance_key(lot))
            sync_trace(lot)
        for n, (lot, _) in enumerate(lots):
            key = instance_key(lot)
            # every other lot the other way round, so neither side always meets the cold pages
            for first in ("raw", "uncached") if n % 2 == 0 else ("uncached", "raw"):
                start = time.perf_counter()
                if first == "raw":
                    record = sync_session.execute_read(_raw_read_sync, key)
                else:
                    await service.trace_with(fetch, visible, lot, ORG, params, bypass_cache=True)
                timed(first, start)
            start = time.perf_counter()
            result = await service.trace_with(fetch, visible, lot, ORG, params)
            timed("cached", start)
            assert result.cached
            start = time.perf_counter()
            await session.execute_read(_raw_read, key)
            timed("raw_async", start)
            start = time.perf_counter()
            sync_trace(lot)
            timed("sync", start)
            assert record is not None
            start = time.perf_counter()
            as_data = record.data()
            timed("data", start)
            start = time.perf_counter()
            as_items = dict(record.items())
            timed("items", start)
            assert as_data == as_items  # the row holds no nodes: both give the same answer
    sync_session.close()
    sync_driver.close()
    await driver.close()
    return {
        "raw_ms": percentiles(times["raw"]),
        "uncached_ms": percentiles(times["uncached"]),
        "cached_ms": percentiles(times["cached"]),
        "raw_async_ms": percentiles(times["raw_async"]),
        "sync_ms": percentiles(times["sync"]),
        "record_data_ms": percentiles(times["data"]),
        "record_items_ms": percentiles(times["items"]),
    }


def load(folder: Path) -> float:
    """Bulk-load a generated folder as ORG with `trace-engine load`; return the seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "trace_engine", "load", str(folder), "--org", ORG],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def over_http(lots: list[tuple[str, int]], wrk_seconds: int) -> dict[str, Any]:
    secret = api_key(ORG, ["read"], "bench/trace.py")
    auth = {"Authorization": f"Bearer {secret}"}
    with serving() as base:
        latencies = []
        with httpx.Client(base_url=base, timeout=30, headers=auth) as client:
            for lot, _ in lots[:20]:
                client.get("/api/v1/traces", params={"productId": lot, "events": "all"})
            for lot, _ in lots:
                start = time.perf_counter()
                response = client.get(
                    "/api/v1/traces",
                    params={"productId": lot, "events": "all"},
                    headers={"X-ApiCache-Bypass": "true"},
                )
                latencies.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text
        result: dict[str, Any] = {"uncached_ms": percentiles(latencies)}
        wrk = shutil.which("wrk")
        if wrk:
            lot = lots[0][0]
            url = str(
                httpx.URL(f"{base}/api/v1/traces", params={"productId": lot, "events": "all"})
            )
            out = subprocess.run(
                [
                    wrk,
                    "-t2",
                    "-c16",
                    f"-d{wrk_seconds}s",
                    "-H",
                    f"Authorization: Bearer {secret}",
                    url,
                ],
                capture_output=True,
                text=True,
            ).stdout
            rps = next(line for line in out.splitlines() if line.startswith("Requests/sec"))
            result["cached_traces_per_s"] = float(rps.split()[1])
            result["cached_wrk"] = "wrk -t2 -c16 (one lot, cache warm)"
        return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--max-trace-events", type=int, default=200)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument(
        "--no-write", action="store_true", help="Print, do not append to RESULTS.md"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep the graph as it is (it must hold this dataset, loaded by an earlier run)",
    )
    args = parser.parse_args()

    load_before = os.getloadavg()
    rows = []
    for size in args.events:
        folder, _ = dataset(size, args.seed, 10_000)
        if args.reuse and counts()[0] > 0:
            load_seconds = float("nan")  # loaded by an earlier run
        else:
            wipe()
            load_seconds = load(folder)
        lots = pick_lots(folder, args.samples, args.max_trace_events, args.seed)
        sizes = [s for _, s in lots]
        local = asyncio.run(in_process(lots))
        http = over_http(lots, args.wrk_seconds)
        row = {
            "events": size,
            "load_s": round(load_seconds, 1),
            "lots": len(lots),
            "trace_events_median": statistics.median(sizes),
            "trace_events_max": max(sizes),
            "in_process": local,
            "http": http,
        }
        print(row, flush=True)
        rows.append(row)

    lines = [
        "| graph (events) | load s | traces (median / max events) "
        "| raw Cypher round trip p50 / p95 ms "
        "| in-process uncached p50 / p95 / p99 ms | uncached p50 ÷ raw p50 "
        "| in-process cached p50 / p99 ms "
        "| HTTP uncached p50 / p95 / p99 ms | HTTP cached traces/s "
        "| raw on an async driver p50 ms | read + assembly, no thread hop p50 ms "
        "| record.data() / dict(items) p50 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        local = r["in_process"]
        u, c, raw = local["uncached_ms"], local["cached_ms"], local["raw_ms"]
        h = r["http"]["uncached_ms"]
        lines.append(
            f"| {r['events']:,} | {r['load_s']} "
            f"| {r['lots']} ({r['trace_events_median']:.0f} / {r['trace_events_max']}) "
            f"| {raw['p50']:.1f} / {raw['p95']:.1f} "
            f"| {u['p50']:.1f} / {u['p95']:.1f} / {u['p99']:.1f} "
            f"| {u['p50'] / raw['p50']:.2f} "
            f"| {c['p50']:.2f} / {c['p99']:.2f} "
            f"| {h['p50']:.1f} / {h['p95']:.1f} / {h['p99']:.1f} "
            f"| {r['http'].get('cached_traces_per_s', 'n/a')} "
            f"| {local['raw_async_ms']['p50']:.1f} | {local['sync_ms']['p50']:.1f} "
            f"| {local['record_data_ms']['p50']:.2f} / {local['record_items_ms']['p50']:.3f} |"
        )
    notes = [
        "",
        "Traces are of randomly drawn generated instances with at most "
        f"{args.max_trace_events} events (events=all); uncached = Cypher round trip + "
        "assembly (X-ApiCache-Bypass over HTTP); cached throughput: wrk, 2 threads, 16 "
        f"connections, {args.wrk_seconds} s, on the same 2-core machine as Neo4j. "
        "Raw Cypher round trip: a managed read transaction on the app's sync driver running "
        "cypher/trace.cypher and fetching its record, nothing else, per lot, alternating with "
        "the uncached trace (the service, its read in a worker thread as the API does it); "
        "the async column is the same raw read on an async driver, for comparison.",
        "",
        f"Load average (1/5/15 min) at start {' / '.join(f'{x:.1f}' for x in load_before)}, "
        f"at end {' / '.join(f'{x:.1f}' for x in os.getloadavg())}: the 2 cores were shared "
        "with other work, so the figures were taken under contention; the ratios compare "
        "measurements taken side by side, lot by lot.",
        "",
    ]
    if not args.no_write:
        command = " ".join([".venv/bin/python bench/trace.py", *sys.argv[1:]])
        append_results(section_header("trace latency and throughput", command) + lines + notes)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
