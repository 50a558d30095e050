"""What the robustness work costs (issue 13): cached-trace throughput and uncached trace latency
of the API before and after, side by side in one run, and the trace cache's memory under
10,000 distinct entries.

    .venv/bin/python bench/robustness.py [--before <commit>] [--events 10000] [--rounds 2]

"Before" is, by default, this tree with issue 13's layers on the trace path taken out (the
`CatchAll` and `BodyLimit` middlewares; the trace cache's byte accounting, back to a count of
entries): the same code and the same graph model otherwise, so the difference is what those
layers cost. With `--before <commit>`, "before" is that commit served from a temporary git
worktree instead; that also measures everything else that changed since (and an old commit
cannot read the graph the current loader writes if the graph model changed in between).

Loads a generated supply chain (bench/data, cached) once, then serves "before" and "after" in
turn, `--rounds` times (A B A B, so a change in the machine's load hits both), against the
same Neo4j:
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


def serve_ablated(port: int) -> None:
    """Serve this tree's API without issue 13's layers on the trace path (the baseline)."""
    import uvicorn

    import trace_engine.trace.cache as cache_module
    from api.body_limit import BodyLimit
    from api.errors import CatchAll
    from api.main import create_app

    # every entry costs 1 and the budget is the entry count: the cache as it was, bounded by
    # entries only (the per-entry size computation is what is taken out)
    cache_module.entry_bytes = lambda entry: 1
    cache_init = cache_module.TraceCache.__init__

    def entries_only(self: TraceCache, ttl_s: float, size: int, max_bytes: int = 0) -> None:
        cache_init(self, ttl_s, size, max_bytes=size)

    cache_module.TraceCache.__init__ = entries_only  # type: ignore[method-assign]
    app = create_app(get_settings())
    app.user_middleware = [m for m in app.user_middleware if m.cls not in (CatchAll, BodyLimit)]
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")


def serve(port: int) -> None:
    """Serve this tree's API as `trace-engine serve` does (the "after" of the default run)."""
    import uvicorn

    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        access_log=False,
        log_level="warning",
    )


@contextmanager
def serving_from(tree: Path, ablated: bool | None = None) -> Iterator[tuple[str, int]]:
    """The API from the sources in `tree` (its own package first on the path): through
    `trace-engine serve`, or, with `ablated` set, through this script's own launcher with
    or without issue 13's layers (the default comparison). Yields its URL and its pid."""
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
    if ablated is None:
        command = [sys.executable, "-m", "trace_engine", "serve", "--port", str(port)]
    else:
        mode = "--serve-ablated" if ablated else "--serve"
        command = [sys.executable, str(ROOT / "bench" / "robustness.py"), mode, str(port)]
    server = subprocess.Popen(
        command,
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
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


async def _throughput(base: str, secret: str, lots: list[str], seconds: float) -> tuple[float, int]:
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
    return done / (time.monotonic() - started), done


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(base: str, pid: int, secret: str, lots: list[str], seconds: float) -> dict[str, Any]:
    """Uncached latency, then cached throughput, of one running API, and the server's CPU
    time per request of each (CPU time is far less disturbed than wall time by the other
    work on a shared machine)."""
    auth = {"Authorization": f"Bearer {secret}"}
    latencies = []
    with httpx.Client(base_url=base, timeout=30, headers=auth) as client:
        for lot in lots:  # warm: plans, page cache, and the trace cache for the throughput
            assert client.get("/api/v1/traces", params={"productId": lot}).status_code == 200
        cpu = cpu_seconds(pid)
        for lot in lots:
            start = time.perf_counter()
            response = client.get(
                "/api/v1/traces",
                params={"productId": lot},
                headers={"X-ApiCache-Bypass": "true"},
            )
            latencies.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        uncached_cpu = (cpu_seconds(pid) - cpu) / len(lots)
    cpu = cpu_seconds(pid)
    rate, count = asyncio.run(_throughput(base, secret, lots, seconds))
    cached_cpu = (cpu_seconds(pid) - cpu) / count
    return {
        "uncached_ms": percentiles(latencies),
        "cached_per_s": rate,
        "uncached_cpu_ms": uncached_cpu * 1000,
        "cached_cpu_ms": cached_cpu * 1000,
    }


def layer_cost(calls: int = 20_000, repeats: int = 5) -> dict[str, float]:
    """CPU µs per request of the two ASGI layers issue 13 put in front of every route
    (`CatchAll`, `BodyLimit`), in this process around an app that answers at once (a GET
    with no body, as a trace request is), and of one `entry_bytes`: best of `repeats`."""
    from api.body_limit import BodyLimit
    from api.errors import CatchAll
    from trace_engine.trace.cache import entry_bytes

    async def answer(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        return None

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/traces",
        "headers": [(b"authorization", b"Bearer x"), (b"host", b"bench")],
        "query_string": b"productId=x",
    }

    async def run(app: Any) -> float:
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            for _ in range(calls):
                await app(scope, receive, send)
            best = min(best, time.process_time() - start)
        return best / calls * 1e6

    bare = asyncio.run(run(answer))
    layered = asyncio.run(run(CatchAll(BodyLimit(answer, max_bytes=8 * 2**20))))
    entry = (b"x" * 15_000, frozenset(f"i{n}" for n in range(50)))
    start = time.process_time()
    for _ in range(calls):
        entry_bytes(entry)
    sizing = (time.process_time() - start) / calls * 1e6
    return {"layers_us": layered - bare, "entry_bytes_us": sizing}


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
    parser.add_argument(
        "--before",
        help="compare with this commit (served from a git worktree) instead of this tree "
        "without issue 13's layers",
    )
    parser.add_argument("--serve-ablated", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--lots", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.serve_ablated:
        serve_ablated(args.serve_ablated)
        return
    if args.serve:
        serve(args.serve)
        return

    folder, _ = dataset(args.events, args.seed, events_per_file=1000)
    wipe()
    load(folder)
    lots = [lot for lot, _ in pick_lots(folder, args.lots, 200, args.seed)]
    secret = api_key(ORG, ["read"], "bench/robustness.py")
    load_before = os.getloadavg()
    results: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    if args.before is None:
        for _ in range(args.rounds):
            for name, ablated in (("before", True), ("after", False)):
                with serving_from(ROOT, ablated) as (base, pid):
                    results[name].append(measure(base, pid, secret, lots, args.seconds))
                    print(name, results[name][-1], flush=True)
    else:
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
                        with serving_from(tree) as (base, pid):
                            results[name].append(measure(base, pid, secret, lots, args.seconds))
                            print(name, results[name][-1], flush=True)
            finally:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(baseline)],
                    cwd=ROOT,
                    check=False,
                )
    load_after = os.getloadavg()

    with (
        serving_from(ROOT) as (base, _),
        httpx.Client(
            base_url=base, timeout=30, headers={"Authorization": f"Bearer {secret}"}
        ) as client,
    ):
        bodies = [client.get("/api/v1/traces", params={"productId": lot}).content for lot in lots]
    memory = cache_memory(bodies, 10_000)
    layers = layer_cost()

    def mean(name: str, pick: Any) -> float:
        values = [pick(r) for r in results[name]]
        return sum(values) / len(values)

    rows = []
    for label, pick in [
        ("cached traces/s (16 clients)", lambda r: r["cached_per_s"]),
        ("uncached p50 ms", lambda r: r["uncached_ms"]["p50"]),
        ("uncached p95 ms", lambda r: r["uncached_ms"]["p95"]),
        ("server CPU ms per cached trace", lambda r: r["cached_cpu_ms"]),
        ("server CPU ms per uncached trace", lambda r: r["uncached_cpu_ms"]),
    ]:
        b, a = mean("before", pick), mean("after", pick)
        rows.append(f"| {label} | {b:,.2f} | {a:,.2f} | {(a - b) / b * 100:+.1f}% |")
    command = " ".join(["bench/robustness.py", *sys.argv[1:]])
    before = (
        f"commit {args.before} (served from a git worktree)"
        if args.before
        else "this tree without CatchAll, BodyLimit and the cache's byte accounting"
    )
    spread = {
        name: (
            min(r["cached_per_s"] for r in results[name]),
            max(r["cached_per_s"] for r in results[name]),
        )
        for name in results
    }
    lines = section_header(
        "robustness (issue 13): cost of the limits and the byte-bounded cache", command
    )
    lines += [
        f"- data: {args.events:,} generated events, {len(lots)} lots (traces of at most 200 "
        f"events), {args.rounds} rounds before/after interleaved, {args.seconds:.0f} s each",
        f"- before: {before}; load average {load_before[0]:.1f} at the start, "
        f"{load_after[0]:.1f} at the end (the machine is shared: figures under contention)",
        "",
        f"- cached traces/s per round: before {spread['before'][0]:,.1f}-"
        f"{spread['before'][1]:,.1f}, after {spread['after'][0]:,.1f}-{spread['after'][1]:,.1f}",
        "",
        "| measure | before | after | change |",
        "|---|---|---|---|",
        *rows,
        "",
        f"- trace cache, {memory['entries']:,.0f} distinct entries (real bodies, mean "
        f"{memory['mean_body_kib']:.1f} KiB): {memory['measured_mib']:.1f} MiB measured by "
        f"tracemalloc, {memory['accounted_mib']:.1f} MiB accounted against "
        "TRACE_TRACE_CACHE_MAX_BYTES (256 MiB by default)",
        f"- the layers alone, in-process CPU per request (best of 5 x 20,000): CatchAll + "
        f"BodyLimit {layers['layers_us']:.1f} µs, entry_bytes {layers['entry_bytes_us']:.2f} µs "
        "(on a cache miss only)",
    ]
    append_results(lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
