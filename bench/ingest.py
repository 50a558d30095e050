"""Ingest benchmark: the bulk loader and HTTP capture on a generated supply chain.

    .venv/bin/python bench/ingest.py --events 100000

Generates N events (cached under bench/data/), wipes the graph of TRACE_NEO4J_URI, times
`trace-engine load` (events/s, wall time, peak RSS of the loader process), wipes again, starts
`trace-engine serve` on a free loopback port and POSTs the same events to /epcis/capture in
documents of --doc-events events, polling each capture job to completion (accepted events/s,
end to end). Appends a dated section to bench/RESULTS.md. It wipes the graph: never point it
at a database you care about.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    RESULTS,
    api_key,
    counts,
    dataset,
    git_commit,
    machine,
    neo4j_version,
    serving,
    wipe,
)
from trace_engine.config import get_settings  # noqa: E402


def bench_bulk(folder: Path, events: int, batch_size: int | None) -> dict[str, Any]:
    """Run `trace-engine load` on the folder as a child process; time it and take its peak RSS."""
    report = folder / "bulk-report.json"
    command = [sys.executable, "-m", "trace_engine", "load", str(folder), "--report", str(report)]
    if batch_size:
        command += ["--batch-size", str(batch_size)]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if result.returncode != 0:
        raise SystemExit(f"trace-engine load failed:\n{result.stdout}\n{result.stderr}")
    files = orjson.loads(report.read_bytes())["files"]
    accepted = sum(f["accepted"] for f in files)
    if accepted != events:
        raise SystemExit(f"bulk load accepted {accepted} of {events} events")
    return {
        "wall_s": wall,
        "events_per_s": accepted / wall,
        # the largest waited-for child so far, and the loader is the first child started
        "peak_rss_mib": peak_kib / 1024,
        "accepted": accepted,
        "graph": counts(),
    }


def documents(folder: Path, manifest: dict[str, Any], size: int) -> Iterator[tuple[bytes, int]]:
    """The generated events re-cut into capture documents of `size` events (with master data)."""
    for name in manifest["files"]:
        document = orjson.loads((folder / name).read_bytes())
        events = document["epcisBody"]["eventList"]
        for start in range(0, len(events), size):
            chunk = events[start : start + size]
            document["epcisBody"] = {"eventList": chunk}
            yield orjson.dumps(document), len(chunk)


def _finished(http: httpx.Client, location: str) -> int:
    """Poll a capture job until it has run; its accepted count."""
    while True:
        job = http.get(location).json()
        if not job.get("running"):
            break
        time.sleep(0.02)
    if "acceptedCount" not in job:
        raise SystemExit(f"capture job {location} ended without counts: {job}")
    return int(job["acceptedCount"])


def bench_http(
    folder: Path, manifest: dict[str, Any], doc_events: int, pipeline: bool = False
) -> dict[str, Any]:
    """POST every event to a real `trace-engine serve`: one document at a time, each job
    polled to completion before the next (default), or (`pipeline`) the next document posted
    as soon as the previous one is accepted (202), the jobs polled at the end."""
    secret = api_key(get_settings().default_org, ["read", "write"], "bench")
    auth = {"Authorization": f"Bearer {secret}"}
    before = counts()  # the key's own nodes
    with (
        serving(folder / "serve.log") as base,
        httpx.Client(base_url=base, timeout=600, headers=auth) as http,
    ):
        accepted = sent = documents_sent = 0
        post_s = 0.0
        pending: list[str] = []
        started = time.perf_counter()
        for body, count in documents(folder, manifest, doc_events):
            posted = time.perf_counter()
            response = http.post(
                "/epcis/capture",
                content=body,
                headers={
                    "Content-Type": "application/ld+json",
                    "GS1-Capture-Error-Behaviour": "proceed",
                },
            )
            post_s += time.perf_counter() - posted
            if response.status_code != 202:
                raise SystemExit(f"capture refused: {response.status_code} {response.text}")
            pending.append(response.headers["Location"])
            sent += count
            documents_sent += 1
            if not pipeline:
                accepted += _finished(http, pending.pop())
        accepted += sum(_finished(http, location) for location in pending)
        wall = time.perf_counter() - started
    if accepted != sent:
        raise SystemExit(f"HTTP capture accepted {accepted} of {sent} events")
    return {
        "wall_s": wall,
        "events_per_s": accepted / wall,
        "accepted": accepted,
        "documents": documents_sent,
        "post_s": post_s,
        "graph": tuple(n - b for n, b in zip(counts(), before, strict=True)),
    }


def command_line() -> str:
    """How this run was started (a --note's text shortened to "…")."""
    words = ["TRACE_NEO4J_URI=…", ".venv/bin/python", "bench/ingest.py"]
    argv = sys.argv[1:]
    for i, word in enumerate(argv):
        words.append('"…"' if i > 0 and argv[i - 1] == "--note" else word)
    return " ".join(words)


def write_results(
    args: argparse.Namespace,
    folder: Path,
    manifest: dict[str, Any],
    bulk: dict[str, Any] | None,
    https: list[dict[str, Any]],
) -> str:
    """Append a dated section to bench/RESULTS.md; return it."""
    settings = get_settings()
    info = machine()
    size = sum((folder / f).stat().st_size for f in manifest["files"])
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: ingest, {manifest['events']:,} events",
        "",
        f"- command: `{command_line()}`",
        f"- data: {manifest['events']:,} events in {len(manifest['files'])} files, "
        f"{size / 1e6:.1f} MB of JSON-LD (generator seed {manifest['seed']}, "
        f"{manifest['networks']:,} networks, {manifest['instances']:,} product instances)",
        f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, "
        f"Python {info['python']}",
        f"- Neo4j: {neo4j_version()} at {settings.neo4j_uri}, same machine "
        f"(heap {os.environ.get('TRACE_NEO4J_HEAP', settings.neo4j_heap)}, "
        f"page cache {os.environ.get('TRACE_NEO4J_PAGECACHE', settings.neo4j_pagecache)})",
        f"- git commit: {git_commit()}",
        "",
        "| path | events | wall time | events/s | other |",
        "|---|---:|---:|---:|---|",
    ]
    if bulk is not None:
        nodes, rels = bulk["graph"]
        lines.append(
            f"| bulk `trace-engine load` (batch {args.batch_size or settings.ingest_batch_size}) "
            f"| {bulk['accepted']:,} | {bulk['wall_s']:.1f} s | **{bulk['events_per_s']:,.0f}** "
            f"| peak RSS {bulk['peak_rss_mib']:.0f} MiB; graph {nodes:,} nodes, {rels:,} rels |"
        )
    for http in https:
        nodes, rels = http["graph"]
        mode = (
            "posted back to back, jobs polled at the end"
            if http["pipeline"]
            else "sequential, each job polled to completion"
        )
        lines.append(
            f"| HTTP `POST /epcis/capture` ({http['documents']} documents of ≤{args.doc_events:,} "
            f"events, {mode}) | {http['accepted']:,} "
            f"| {http['wall_s']:.1f} s | **{http['events_per_s']:,.0f}** "
            f"| upload + parse before 202: {http['post_s']:.1f} s; graph {nodes:,} nodes, "
            f"{rels:,} rels |"
        )
    lines += ["", "Targets: 10,000 events/s bulk, 3,000 events/s HTTP.", ""]
    if args.note:
        lines += [args.note, ""]
    section = "\n".join(lines)
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\nAppended by the scripts in bench/; newest last.\n\n"
        )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n" + section)
    return section


def main() -> None:
    """Parse the arguments, run the benchmarks, record the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events to generate")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--events-per-file", type=int, default=10_000, help="bulk file size")
    parser.add_argument("--batch-size", type=int, default=None, help="bulk loader batch size")
    parser.add_argument(
        "--doc-events", type=int, default=5_000, help="events per HTTP capture document"
    )
    parser.add_argument("--skip-bulk", action="store_true", help="only the HTTP benchmark")
    parser.add_argument("--skip-http", action="store_true", help="only the bulk benchmark")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--note", default="", help="a line added to the RESULTS.md section")
    args = parser.parse_args()
    # the counts query's deprecation notices are not news here
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)

    folder, manifest = dataset(args.events, args.seed, args.events_per_file)
    bulk = None
    https: list[dict[str, Any]] = []
    if not args.skip_bulk:
        wipe()
        print("bulk load …", flush=True)
        bulk = bench_bulk(folder, manifest["events"], args.batch_size)
        print(
            f"  {bulk['accepted']:,} events in {bulk['wall_s']:.1f} s = "
            f"{bulk['events_per_s']:,.0f} events/s, peak RSS {bulk['peak_rss_mib']:.0f} MiB"
        )
    for pipeline in () if args.skip_http else (False, True):
        wipe()
        print(f"HTTP capture ({'pipelined' if pipeline else 'sequential'}) …", flush=True)
        http = bench_http(folder, manifest, args.doc_events, pipeline) | {"pipeline": pipeline}
        print(
            f"  {http['accepted']:,} events in {http['wall_s']:.1f} s = "
            f"{http['events_per_s']:,.0f} events/s ({http['documents']} documents)"
        )
        https.append(http)
        # HTTP capture adds one CaptureJob node per document
        graph = (http["graph"][0] - http["documents"], http["graph"][1])
        if bulk and bulk["graph"] != graph:
            print(f"warning: graphs differ: bulk {bulk['graph']}, HTTP {http['graph']}")
    if not args.no_record:
        print(write_results(args, folder, manifest, bulk, https))


if __name__ == "__main__":
    main()
