"""What the robustness work costs (issue 13): cached-trace throughput and uncached trace latency
of the API before and after, side by side in one run, and the trace cache's memory under
10,000 distinct entries.

    .venv/bin/python bench/robustness.py --before <commit> [--events 10000] [--rounds 2]

Loads a generated supply chain (bench/data, cached) once, then serves the API from a
checkout of `--before` (a temporary git worktree) and from this tree in turn, `--rounds`
times (A B A B, so a change in the machine's load hits both), against the same Neo4j:
  - cached throughput: 16 concurrent keep-alive clients for --seconds on warm lots (traces/s);
  - uncached latency: `X-ApiCache-Bypass: true`, p50/p95/p99.
Then, in this process, a TraceCache filled with 10,000 distinct entries (real trace bodies,
each under its own `since`): the memory tracemalloc sees, and what the cache accounts.
Results are appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    api_key,
    append_results,
    dataset,
    free_port,
    percentiles,
    section_header,
    wipe,
)
from bench.trace import ORG, load, pick_lots  # noqa: E402
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.trace.cache import TraceCache  # noqa: E402
from trace_engine.trace.schemas import TraceParams  # noqa: E402


@contextmanager
def serving_from(tree: Path) -> Iterator[str]:
    """`trace-engine serve` from the sources in `tree` (its own package first on the path)."""
    port = free_port()
    settings = get_settings()
    env = dict(
        os.environ,
        PYTHONPATH=str(tree),
        TRACE_NEO4J_URI=settings.neo4j_uri,
        TRACE_NEO4J_USER=settings.neo4j_user,
        TRACE_NEO4J_PASSWORD=settings.neo4j_password.get_secret_value(),
        TRACE_NEO4J_DATABASE=settings.neo4j_database,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "trace_engine", "serve", "--port", str(port)],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"the API from {tree} did not come up")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _throughput(base: str, secret: str, lots: list[str], seconds: float) -> float:
    headers = {"Authorization": f"Bearer {secret}"}
    done = 0
    stop = time.monotonic() + seconds

    async def worker(offset: int) -> None:
        nonlocal done
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
            i = offset
            while time.monotonic() < stop:
                lot = lots[i % len(lots)]
                response = await client.get("/api/v1/traces", params={"productId": lot})
                assert response.status_code == 200, response.text
                done += 1
                i += 1

    started = time.monotonic()
    await asyncio.gather(*(worker(n) for n in range(16)))
    return done / (time.monotonic() - started)


def measure(base: str, secret: str, lots: list[str], seconds: float) -> dict[str, Any]:
    """Uncached latency, then cached throughput, of one running API."""
    auth = {"Authorization": f"Bearer {secret}"}
    latencies = []
    with httpx.Client(base_url=base, timeout=30, headers=auth) as client:
        for lot in lots:  # warm: plans, page cache, and the trace cache for the throughput
            assert client.get("/api/v1/traces", params={"productId": lot}).status_code == 200
        for lot in lots:
            start = time.perf_counter()
            response = client.get(
                "/api/v1/traces",
                params={"productId": lot},
                headers={"X-ApiCache-Bypass": "true"},
            )
            latencies.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    rate = asyncio.run(_throughput(base, secret, lots, seconds))
    return {"uncached_ms": percentiles(latencies), "cached_per_s": rate}


def cache_memory(bodies: list[bytes], entries: int) -> dict[str, float]:
    """Fill a TraceCache with `entries` distinct entries of real bodies; measure it."""
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    cache = TraceCache(ttl_s=3600, size=entries)
    for n in range(entries):
        body = bytes(bytearray(bodies[n % len(bodies)]))  # a copy each, as in the API
        params = TraceParams(since=f"2026-01-01T00:00:{n % 60:02d}.{n // 60:03d}Z")
        cache.put((ORG, f"lot-{n % len(bodies)}", params), body, frozenset({f"i{n}"}))
    after = tracemalloc.take_snapshot()
    used = sum(s.size_diff for s in after.compare_to(before, "filename"))
    tracemalloc.stop()
    return {
        "entries": float(len(cache)),
        "measured_mib": used / 2**20,
        "accounted_mib": cache.size_bytes / 2**20,
        "mean_body_kib": sum(len(b) for b in bodies) / len(bodies) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--before", required=True, help="the commit to compare with")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--lots", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    folder, _ = dataset(args.events, args.seed, events_per_file=1000)
    wipe()
    load(folder)
    lots = [lot for lot, _ in pick_lots(folder, args.lots, 200, args.seed)]
    secret = api_key(ORG, ["read"], "bench/robustness.py")
    load_before = os.getloadavg()
    results: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        baseline = Path(tmp) / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(baseline), args.before],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            for _ in range(args.rounds):
                for name, tree in (("before", baseline), ("after", ROOT)):
                    with serving_from(tree) as base:
                        results[name].append(measure(base, secret, lots, args.seconds))
                        print(name, results[name][-1], flush=True)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False
            )
    load_after = os.getloadavg()

    with (
        serving_from(ROOT) as base,
        httpx.Client(
            base_url=base, timeout=30, headers={"Authorization": f"Bearer {secret}"}
        ) as client,
    ):
        bodies = [client.get("/api/v1/traces", params={"productId": lot}).content for lot in lots]
    memory = cache_memory(bodies, 10_000)

    def mean(name: str, pick: Any) -> float:
        values = [pick(r) for r in results[name]]
        return sum(values) / len(values)

    rows = []
    for label, pick in [
        ("cached traces/s (16 clients)", lambda r: r["cached_per_s"]),
        ("uncached p50 ms", lambda r: r["uncached_ms"]["p50"]),
        ("uncached p95 ms", lambda r: r["uncached_ms"]["p95"]),
    ]:
        b, a = mean("before", pick), mean("after", pick)
        rows.append(f"| {label} | {b:,.1f} | {a:,.1f} | {(a - b) / b * 100:+.1f}% |")
    command = " ".join(["bench/robustness.py", *sys.argv[1:]])
    lines = section_header(
        "robustness (issue 13): cost of the limits and the byte-bounded cache", command
    )
    lines += [
        f"- data: {args.events:,} generated events, {len(lots)} lots (traces of at most 200 "
        f"events), {args.rounds} rounds before/after interleaved, {args.seconds:.0f} s each",
        f"- before: {args.before}; load average {load_before[0]:.1f} at the start, "
        f"{load_after[0]:.1f} at the end (the machine is shared: figures under contention)",
        "",
        "| measure | before | after | change |",
        "|---|---|---|---|",
        *rows,
        "",
        f"- trace cache, {memory['entries']:,.0f} distinct entries (real bodies, mean "
        f"{memory['mean_body_kib']:.1f} KiB): {memory['measured_mib']:.1f} MiB measured by "
        f"tracemalloc, {memory['accounted_mib']:.1f} MiB accounted against "
        "TRACE_TRACE_CACHE_MAX_BYTES (256 MiB by default)",
    ]
    append_results(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
