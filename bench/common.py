"""What the benchmarks share: generated data sets, wiping, machine facts, RESULTS.md."""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from trace_engine.config import get_settings  # noqa: E402
from trace_engine.graph.catalog import Query, query  # noqa: E402
from trace_engine.graph.driver import make_driver  # noqa: E402
from trace_engine.graph.maintenance import wipe as wipe_graph  # noqa: E402
from trace_engine.graph.schema import apply_schema  # noqa: E402
from trace_engine.keys import KeyCreate, KeyService  # noqa: E402
from trace_engine.seed.generator import MANIFEST_NAME, generate  # noqa: E402

DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "RESULTS.md"


def dataset(events: int, seed: int, events_per_file: int) -> tuple[Path, dict[str, Any]]:
    """The generated files for these parameters, generated once and cached."""
    out = DATA / f"ingest-{events}-seed{seed}-{events_per_file}"
    manifest_path = out / MANIFEST_NAME
    if manifest_path.exists():
        manifest: dict[str, Any] = orjson.loads(manifest_path.read_bytes())
        if manifest.get("events") == events and all((out / f).exists() for f in manifest["files"]):
            print(f"using cached {out}")
            return out, manifest
    print(f"generating {events:,} events into {out} …", flush=True)
    started = time.perf_counter()
    generate(events, seed, out, events_per_file=events_per_file)
    print(f"  generated in {time.perf_counter() - started:.1f} s")
    return out, orjson.loads(manifest_path.read_bytes())


def counts() -> tuple[int, int]:
    """Nodes and relationships in the graph."""
    settings = get_settings()
    with make_driver(settings) as driver:
        records, _, _ = driver.execute_query(query(Query.COUNTS), database_=settings.neo4j_database)
    return int(records[0]["nodes"]), int(records[0]["relationships"])


def wipe() -> None:
    """Empty the graph (the schema stays) and make sure the schema is there."""
    settings = get_settings()
    with make_driver(settings) as driver:
        apply_schema(driver, settings.neo4j_database)
        wipe_graph(driver, settings.neo4j_database)


def free_port() -> int:
    """A TCP port nobody listens on now, on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def machine() -> dict[str, str]:
    """nproc, memory and CPU model of this machine."""
    cpu = "unknown"
    memory = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            break
    return {
        "nproc": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "python": platform.python_version(),
    }


def git_commit() -> str:
    """HEAD, marked `+dirty` when the work tree has changes."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return head + ("+dirty" if dirty else "")


def neo4j_version() -> str:
    """The server's version."""
    settings = get_settings()
    with make_driver(settings) as driver:
        records, _, _ = driver.execute_query(
            query(Query.SERVER_VERSION), database_=settings.neo4j_database
        )
    return f"{records[0]['name']} {records[0]['version']} {records[0]['edition']}"


def api_key(org: str, scopes: list[str], name: str, schema: bool = True) -> str:
    """A fresh key of `org` that the rate limit will not stop (made straight in Neo4j); with
    `schema`, the schema applied first (False: as `trace-engine keys create`, which does not)."""
    settings = get_settings()
    with make_driver(settings) as driver:
        if schema:
            apply_schema(driver, settings.neo4j_database)
        request = KeyCreate.model_validate(
            {"name": name, "scopes": scopes, "rate_limit_per_hour": 10_000_000}
        )
        _, secret = KeyService(driver, settings.neo4j_database).create_key(org, request)
    return secret


@contextmanager
def serving(log: Path | None = None) -> Iterator[str]:
    """`trace-engine serve` on a free loopback port, healthy; yields its base URL."""
    port = free_port()
    out = log.open("wb") if log else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "trace_engine", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(
                    f"trace-engine serve did not come up{f'; see {log}' if log else ''}"
                )
            time.sleep(0.05)  # the wall times of bench/initial_load.py end here
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        if log:
            out.close()  # type: ignore[union-attr]


def server_cpu_s() -> float | None:
    """CPU seconds the local Neo4j server has used (None when it is not this project's)."""
    from trace_engine.local_neo4j import LocalNeo4j

    pid = LocalNeo4j(get_settings(), echo=lambda _: None).status().pid
    if pid is None:
        return None
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50, p95 and p99 (nearest rank) of a list of milliseconds."""
    ordered = sorted(samples_ms)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "n": float(len(ordered))}


def section_header(title: str, command: str, uses_neo4j: bool = True) -> list[str]:
    """The dated heading and the machine / Neo4j / commit lines of a RESULTS.md section."""
    settings = get_settings()
    info = machine()
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {title}",
        "",
        f"- command: `{command}`",
        f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, "
        f"Python {info['python']}",
    ]
    if uses_neo4j:
        lines.append(
            f"- Neo4j: {neo4j_version()} at {settings.neo4j_uri}, same machine "
            f"(heap {os.environ.get('TRACE_NEO4J_HEAP', settings.neo4j_heap)}, "
            f"page cache {os.environ.get('TRACE_NEO4J_PAGECACHE', settings.neo4j_pagecache)})"
        )
    return [*lines, f"- git commit: {git_commit()}", ""]


def append_results(lines: list[str]) -> None:
    """Append a section to bench/RESULTS.md."""
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\nAppended by the scripts in bench/; newest last.\n\n"
        )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(lines) + "\n")


def record_results(lines: list[str], note: str | None = None) -> None:
    """End a run: the section (with the run's `--note` as its last paragraph) appended to
    bench/RESULTS.md and printed."""
    if note:
        lines = [*lines, note, ""]
    append_results(lines)
    print("\n".join(lines))
