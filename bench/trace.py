"""Trace latency and throughput on generated supply chains.

    .venv/bin/python bench/trace.py --events 10000 100000 1000000 [--before REV]

For each size: generate (cached under bench/data/), wipe the graph, bulk-load, then measure
on lots whose traces have at most --max-trace-events events (all events), lot by lot, side by
side in one run:
  - raw: the Cypher round trip of cypher/trace.cypher alone (a managed read transaction on
    the app's sync driver, the record fetched, nothing else);
  - served uncached: the app's own `TraceService` (built by `create_app`, its lifespan run),
    X-ApiCache-Bypass as a client asks it: what a client gets in-process;
  - before (--before REV): the same, served by the app of git revision REV, in a child
    process of its own (REV's trace_engine, api and cypher extracted from git);
  - the raw round trip in a fresh session (each request has its own), the read + assembly
    without the worker-thread hop, and the cached trace;
  - the other driver style, for the choice of one (issue 14): the same raw round trip on an
    async driver, and the served trace with its read on that async driver and the same
    assembly on the event loop (no worker-thread hop at all);
  - over HTTP against `trace-engine serve` on loopback: uncached (X-ApiCache-Bypass) latency
    p50/p95/p99, and cached throughput with wrk (traces/s) when wrk is installed.
Results are appended to bench/RESULTS.md. Uses the Neo4j of TRACE_NEO4J_URI (default local).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import httpx
import orjson
from neo4j import (
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    ManagedTransaction,
    NotificationDisabledClassification,
    Record,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.main import create_app  # noqa: E402
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
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.graph.catalog import Query, query  # noqa: E402
from trace_engine.graph.driver import make_driver  # noqa: E402
from trace_engine.seed.generator import load_truth, truth_trace  # noqa: E402
from trace_engine.trace.assembly import build_trace  # noqa: E402
from trace_engine.trace.repository import TraceRepository  # noqa: E402
from trace_engine.trace.schemas import TraceParams  # noqa: E402
from trace_engine.trace.service import TraceService, instance_key  # noqa: E402

ORG = "bench"
COLUMNS = ("raw", "raw_fresh", "served", "before", "no_hop", "async_raw", "async_served")
"""What `in_process` times lot by lot, in turns (then the cached trace)."""


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


def _raw_read(tx: ManagedTransaction, key: str) -> Record | None:
    return tx.run(query(Query.TRACE), productId=key).single()


async def _async_read(tx: AsyncManagedTransaction, key: str) -> dict[str, Any] | None:
    """The trace repository's read (`fetch_lineage`), on an async driver."""
    record = await (await tx.run(query(Query.TRACE), productId=key)).single()
    return dict(record.items()) if record else None


# The child process that serves traces with the app of another revision: it reads a lot per
# line and answers the milliseconds its app's TraceService took (uncached), as this process
# measures its own, and the SHA-256 of the body it served (the two apps' answers compared).
BEFORE_CHILD = """
import asyncio, hashlib, sys, time
sys.path.insert(0, sys.argv[1])
import trace_engine
assert trace_engine.__file__.startswith(sys.argv[1]), trace_engine.__file__
from api.main import create_app
from trace_engine.config import get_settings
try:
    from trace_engine.trace.schemas import TraceParams
except ImportError:
    from trace_engine.trace import TraceParams

async def main():
    app = create_app(get_settings())
    async with app.router.lifespan_context(app):
        service, params = app.state.trace_service, TraceParams(all_events=True)
        print("ready", flush=True)
        for line in sys.stdin:
            start = time.perf_counter()
            result = await service.trace(line.strip(), sys.argv[2], params, bypass_cache=True)
            elapsed = (time.perf_counter() - start) * 1000
            print(elapsed, hashlib.sha256(result.body).hexdigest(), flush=True)

asyncio.run(main())
"""


@contextmanager
def before_app(revision: str) -> Iterator[Any]:
    """A child process serving traces with the app of git revision `revision` (its
    trace_engine, api and cypher, the queries mapped into the package as a build does);
    yields a function timing one uncached trace there: (ms, SHA-256 of the body)."""
    archive = subprocess.run(
        ["git", "archive", revision, "trace_engine", "api", "cypher"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory(prefix="trace-before-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        shutil.copytree(Path(tmp) / "cypher", Path(tmp) / "trace_engine" / "queries")
        child = subprocess.Popen(
            [sys.executable, "-c", BEFORE_CHILD, tmp, ORG],
            cwd=ROOT,  # its settings: this checkout's .env
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdin is not None and child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            raise SystemExit(f"the app of {revision} did not start")

        def timed(lot: str) -> tuple[float, str]:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.write(lot + "\n")
            child.stdin.flush()
            ms, digest = child.stdout.readline().split()
            return float(ms), digest

        try:
            yield timed
        finally:
            child.stdin.close()
            child.wait(timeout=60)


async def in_process(lots: list[tuple[str, int]], before: str | None) -> dict[str, Any]:
    """Per lot, side by side on one server, in turns (every other lot the other way round, so
    no column always meets the cold pages): the raw round trip, the app's service uncached
    (as a client gets it), the same in the app of revision `before`, and the read + assembly
    without the worker-thread hop; then the cached trace."""
    settings = get_settings()
    params = TraceParams(all_events=True)
    digests: dict[str, dict[str, str]] = {"served": {}, "before": {}}
    times: dict[str, list[float]] = {name: [] for name in (*COLUMNS, "cached")}
    raw_driver = make_driver(settings)
    raw_session = raw_driver.session(database=settings.neo4j_database)
    async_driver = AsyncGraphDatabase.driver(  # as make_driver builds the sync one
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        notifications_disabled_classifications=[NotificationDisabledClassification.UNRECOGNIZED],
    )

    async def async_lineage(key: str) -> dict[str, Any] | None:
        async with async_driver.session(database=settings.neo4j_database) as session:
            return await session.execute_read(_async_read, key)

    app = create_app(settings)
    with nullcontext() if before is None else before_app(before) as old:
        async with app.router.lifespan_context(app):
            service: TraceService = app.state.trace_service
            repository = TraceRepository(lambda: app.state.driver, settings.neo4j_database)
            keys = app.state.key_service

            def no_hop(lot: str, key: str) -> bytes:
                lineage = repository.lineage(key)
                orgs = keys.visible_orgs(ORG)
                body, _ = build_trace(lot, key, lineage, orgs, params, service.max_events, ORG)
                return orjson.dumps(body)

            async def visible() -> frozenset[str]:
                return keys.visible_orgs(ORG)

            async def run(name: str, lot: str, key: str) -> None:
                if name == "before":
                    if old is not None:
                        elapsed, digests["before"][lot] = old(lot)
                        times[name].append(elapsed)
                    return
                body = None
                start = time.perf_counter()
                if name == "raw":
                    raw_session.execute_read(_raw_read, key)
                elif name == "raw_fresh":  # a session of its own, as each request has
                    with raw_driver.session(database=settings.neo4j_database) as session:
                        session.execute_read(_raw_read, key)
                elif name == "served":
                    body = (await service.trace(lot, ORG, params, bypass_cache=True)).body
                elif name == "async_raw":
                    await async_lineage(key)
                elif name == "async_served":
                    await service.trace_with(
                        async_lineage, visible, lot, ORG, params, bypass_cache=True
                    )
                else:
                    no_hop(lot, key)
                times[name].append((time.perf_counter() - start) * 1000)
                if body is not None:
                    digests["served"][lot] = hashlib.sha256(body).hexdigest()

            order = COLUMNS
            for lot, _ in lots[:20]:  # warm the query plans and the page cache
                for name in order:
                    await run(name, lot, instance_key(lot))
            for name in order:
                times[name].clear()
            for n, (lot, _) in enumerate(lots):
                key = instance_key(lot)
                for name in order if n % 2 == 0 else reversed(order):
                    await run(name, lot, key)
                start = time.perf_counter()
                result = await service.trace(lot, ORG, params)
                times["cached"].append((time.perf_counter() - start) * 1000)
                assert result.cached
    raw_session.close()
    raw_driver.close()
    await async_driver.close()
    answers: dict[str, Any] = {
        name + "_ms": percentiles(v) if v else None for name, v in times.items()
    }
    if before is not None:  # lots whose body is byte for byte the one the other app served
        answers["identical_to_before"] = sum(
            digest == digests["before"].get(lot) for lot, digest in digests["served"].items()
        )
    return answers


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
        "--before",
        metavar="REV",
        help="Also serve each trace with the app of this git revision (a column beside)",
    )
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
        local = asyncio.run(in_process(lots, args.before))
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

    before = (
        args.before
        and subprocess.run(
            ["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    )
    lines = [
        "| graph (events) | load s | traces (median / max events) "
        "| raw Cypher round trip p50 / p95 ms "
        "| served uncached p50 / p95 / p99 ms | served ÷ raw (p50) "
        + (
            f"| before ({before}) served uncached p50 / p95 ms | before ÷ raw (p50) "
            "| bodies identical to before "
            if before
            else ""
        )
        + "| raw in a fresh session p50 ms | read + assembly, no thread hop p50 ms "
        "| async driver: raw p50 ms | async driver: served, no hop p50 ms (÷ raw) "
        "| cached p50 / p99 ms "
        "| HTTP uncached p50 / p95 / p99 ms | HTTP cached traces/s |",
        "|---" * 6 + ("|---" * 3 if before else "") + "|---" * 7 + "|",
    ]
    for r in rows:
        local = r["in_process"]
        u, c, raw = local["served_ms"], local["cached_ms"], local["raw_ms"]
        old = local["before_ms"]
        h = r["http"]["uncached_ms"]
        lines.append(
            f"| {r['events']:,} | {r['load_s']} "
            f"| {r['lots']} ({r['trace_events_median']:.0f} / {r['trace_events_max']}) "
            f"| {raw['p50']:.2f} / {raw['p95']:.2f} "
            f"| {u['p50']:.2f} / {u['p95']:.2f} / {u['p99']:.2f} "
            f"| **{u['p50'] / raw['p50']:.2f}** "
            + (
                f"| {old['p50']:.2f} / {old['p95']:.2f} | {old['p50'] / raw['p50']:.2f} "
                f"| {local['identical_to_before']} / {r['lots']} "
                if old
                else ""
            )
            + f"| {local['raw_fresh_ms']['p50']:.2f} | {local['no_hop_ms']['p50']:.2f} "
            f"| {local['async_raw_ms']['p50']:.2f} "
            f"| {local['async_served_ms']['p50']:.2f} "
            f"({local['async_served_ms']['p50'] / raw['p50']:.2f}) "
            f"| {c['p50']:.2f} / {c['p99']:.2f} "
            f"| {h['p50']:.1f} / {h['p95']:.1f} / {h['p99']:.1f} "
            f"| {r['http'].get('cached_traces_per_s', 'n/a')} |"
        )
    notes = [
        "",
        "Traces are of randomly drawn generated instances with at most "
        f"{args.max_trace_events} events (events=all), measured lot by lot in turns (every "
        "other lot the other way round). Raw: a managed read transaction on a sync driver "
        "running cypher/trace.cypher and fetching its record, nothing else, in one long-lived "
        "session (and in a fresh session per read, as a request has). Served uncached: "
        "the app's TraceService as `create_app` builds it, with X-ApiCache-Bypass, which is "
        "what a client gets in-process (the route adds nothing but the Response). Async driver: "
        "the same raw read on an async driver, and the TraceService with its read on that "
        "driver and the same assembly on the event loop, no worker thread (the other driver "
        "style, measured beside the one chosen)"
        + (
            f"; before: the same with the app of revision {before}, in a child process"
            if before
            else ""
        )
        + ". HTTP: `trace-engine serve` on loopback (X-ApiCache-Bypass); cached throughput: "
        f"wrk, 2 threads, 16 connections, {args.wrk_seconds} s, on the same machine as Neo4j.",
        "",
        f"Load average (1/5/15 min) at start {' / '.join(f'{x:.1f}' for x in load_before)}, "
        f"at end {' / '.join(f'{x:.1f}' for x in os.getloadavg())}, on "
        f"{os.cpu_count()} CPUs: the machine was shared with other work, so the figures were "
        "taken under contention; the ratios compare measurements taken side by side, lot by "
        "lot.",
        "",
    ]
    if not args.no_write:
        command = " ".join([".venv/bin/python bench/trace.py", *sys.argv[1:]])
        append_results(section_header("trace latency and throughput", command) + lines + notes)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
