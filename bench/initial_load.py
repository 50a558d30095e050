"""Initial load benchmark: the online loader against `load --initial`, side by side, one run.

    .venv/bin/python bench/initial_load.py --events 1000000
    .venv/bin/python bench/initial_load.py --events 100000 --equivalence

Generates N events (cached under bench/data/), wipes the graph of the LOCAL server
(TRACE_NEO4J_URI must be `trace-engine neo4j start`'s), then for each path measures the wall
time from the files to a healthy, traceable API: the load (`trace-engine load`, or
`trace-engine load --initial --replace --yes`, which includes the import, the server's stop and
start, the index build and the finish), then `trace-engine serve` answering /health and one
trace. Peak memory is sampled every 0.2 s for each process: the loader, its parser workers,
the importer (java) and the Neo4j server. With --equivalence the online graph's counts by
label and type, 1,000 random nodes with their relationships and the trace of 300 random lots
are compared with what `--initial` builds. Appends a dated section to bench/RESULTS.md.
Before `--initial` the database is emptied by removing its store (an initial load's usual
target). It replaces the whole database: never point it at one you care about.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    api_key,
    counts,
    dataset,
    record_results,
    section_header,
    serving,
    wipe,
)
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.graph.driver import make_driver  # noqa: E402
from trace_engine.initial.service import is_local  # noqa: E402
from trace_engine.local_neo4j import LocalNeo4j  # noqa: E402

ORG = "bench-initial"


class PeakMemory:
    """Samples the RSS of a process tree and of the Neo4j server; keeps each kind's peak."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server = LocalNeo4j(get_settings(), echo=lambda _: None)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _note(self, kind: str, rss: int) -> None:
        mib = rss / 2**20
        self.peaks[kind] = max(self.peaks.get(kind, 0.0), mib)

    def _run(self) -> None:
        while not self._stop.is_set():
            pid = self._server.status().pid
            try:
                root = psutil.Process(self.root)
                self._note("loader", root.memory_info().rss)
                for child in root.children(recursive=True):
                    if child.pid == pid:
                        continue  # the server the loader restarted is its child too
                    try:
                        name = child.name()
                        command = " ".join(child.cmdline())
                        rss = child.memory_info().rss
                    except psutil.Error:
                        continue
                    if "resource_tracker" in command:
                        continue  # multiprocessing's own, a few MiB
                    if name.startswith("java"):
                        kind = "importer (java)"
                    elif "multiprocessing-fork" in command:
                        kind = "parser worker"  # spawned: a process of its own
                    else:  # forked from the loader: its pages are the loader's until written
                        kind = "listings writer (fork, shares the loader's pages)"
                    self._note(kind, rss)
            except psutil.Error:
                pass
            if pid is not None:
                try:
                    self._note("neo4j server", psutil.Process(pid).memory_info().rss)
                except psutil.Error:
                    pass
            self._stop.wait(0.2)


def _traceable(lot: str) -> float:
    """Make a key as `trace-engine keys create` does (both loads applied the schema), start
    the API, wait until healthy, trace one lot; return the seconds it took."""
    started = time.perf_counter()
    key = api_key(ORG, ["read"], "bench-initial", schema=False)
    with serving() as base:
        response = httpx.get(
            f"{base}/api/v1/traces",
            params={"productId": lot},
            headers={"Authorization": f"Bearer {key}"},
            timeout=120,
        )
        if response.status_code != 200:
            raise SystemExit(f"trace of {lot} failed: {response.status_code} {response.text}")
    return time.perf_counter() - started


def _empty_store() -> None:
    """An empty database for `--initial`, as for a first load (not timed): the local server is
    stopped, its database's store and transaction logs removed, and it is started again (Neo4j
    makes the database afresh). A wipe by Cypher takes minutes at 1M, and `--replace` over a
    full graph would keep the server up through the parse."""
    settings = get_settings()
    server = LocalNeo4j(settings, echo=lambda _: None)
    server.stop()
    data = settings.neo4j_home.resolve() / "data"
    for part in ("databases", "transactions"):
        shutil.rmtree(data / part / settings.neo4j_database, ignore_errors=True)
    server.start()


def _run(command: list[str]) -> tuple[float, dict[str, float], str]:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    with PeakMemory(process.pid) as memory:
        output, _ = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return wall, memory.peaks, output


def _phases(output: str) -> str:
    """The phase table `load --initial` prints, as `name s` pairs."""
    rows = []
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip("│┃ ").split("│")]
        if len(cells) == 3 and cells[1].replace(".", "").replace(",", "").isdigit():
            rows.append(f"{cells[0]} {cells[1]} s")
    return ", ".join(rows)


# -- equivalence at bench scale -----------------------------------------------------------------

_SAMPLE_NODES = (
    "MATCH (n) WHERE NOT (n:ApiKey OR n:Org OR n:Migration OR n:Tally) "
    "WITH n, rand() AS r ORDER BY r LIMIT $n "
    "RETURN labels(n)[0] AS label, coalesce(n.key, n.eventID, n.id) AS id, n.org AS org"
)
_NODE = (
    "MATCH (n) WHERE $label IN labels(n) AND coalesce(n.key, n.eventID, n.id) = $id "
    "AND ($org IS NULL OR n.org = $org) "
    "OPTIONAL MATCH (n)-[r]-(m) "
    "RETURN properties(n) AS props, collect([type(r), startNode(r) = n, labels(m)[0], "
    "coalesce(m.key, m.eventID, m.id), properties(r)]) AS rels"
)
_BY_TYPE = (
    "CALL () { MATCH (n) WHERE NOT (n:Tally AND NOT EXISTS { ()-[:COUNTED_IN]->(n) }) "
    "UNWIND labels(n) AS l RETURN l AS k, count(*) AS c } "
    "RETURN k, c UNION CALL () { MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS c } "
    "RETURN k, c"
)
_WHEN_LOADED = {"recordTime", "createdAt", "updatedAt", "rank", "statusRank", "at"}


def _snapshot(nodes: list[dict[str, Any]] | None, lots: list[str]) -> dict[str, Any]:
    settings = get_settings()
    db = settings.neo4j_database
    with make_driver(settings) as driver:
        if nodes is None:
            nodes = [
                r.data() for r in driver.execute_query(_SAMPLE_NODES, n=1000, database_=db).records
            ]
        by_type = {r["k"]: r["c"] for r in driver.execute_query(_BY_TYPE, database_=db).records}
        detail = []
        for node in nodes:
            records = driver.execute_query(_NODE, **node, database_=db).records
            for record in records:
                props = {k: v for k, v in record["props"].items() if k not in _WHEN_LOADED}
                rels = sorted(
                    orjson.dumps(
                        [t, out, label, ident, {k: v for k, v in (p or {}).items()}],
                        option=orjson.OPT_SORT_KEYS,
                    )
                    for t, out, label, ident, p in record["rels"]
                    if t is not None
                )
                detail.append(
                    (
                        node["label"],
                        node["id"],
                        orjson.dumps(props, option=orjson.OPT_SORT_KEYS),
                        rels,
                    )
                )
    key = api_key(ORG, ["read"], "bench-equivalence")
    traces = {}
    with serving() as base, httpx.Client(base_url=base, timeout=120) as client:
        for lot in lots:
            response = client.get(
                "/api/v1/traces",
                params={"productId": lot, "events": "all"},
                headers={"Authorization": f"Bearer {key}", "X-ApiCache-Bypass": "true"},
            )
            traces[lot] = (response.status_code, response.content)
    return {"nodes": nodes, "byType": by_type, "detail": detail, "traces": traces}


def _compare(online: dict[str, Any], initial: dict[str, Any]) -> list[str]:
    problems = []
    if online["byType"] != initial["byType"]:
        keys = set(online["byType"]) | set(initial["byType"])
        diff = {
            k: (online["byType"].get(k), initial["byType"].get(k))
            for k in keys
            if online["byType"].get(k) != initial["byType"].get(k)
        }
        problems.append(f"counts by label/type differ: {diff}")
    mismatched = [d for d, e in zip(online["detail"], initial["detail"], strict=False) if d != e]
    if mismatched or len(online["detail"]) != len(initial["detail"]):
        problems.append(f"{len(mismatched)} of {len(online['detail'])} sampled nodes differ")
    traces = [
        lot for lot in online["traces"] if online["traces"][lot] != initial["traces"].get(lot)
    ]
    if traces:
        problems.append(f"{len(traces)} of {len(online['traces'])} traces differ: {traces[:3]}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--events-per-file", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=0)
    parser.add_argument("--equivalence", action="store_true")
    parser.add_argument("--skip-online", action="store_true")
    parser.add_argument("--note", default="")
    args = parser.parse_args()

    settings = get_settings()
    if not is_local(settings):
        raise SystemExit("TRACE_NEO4J_URI must be the local server (`trace-engine neo4j start`)")
    folder, manifest = dataset(args.events, args.seed, args.events_per_file)
    truth = folder / "truth.jsonl"
    lots = []
    with truth.open("rb") as fh:
        for line in fh:
            lots.append(orjson.loads(line)["id"])
    rng = random.Random(args.seed)
    sample = rng.sample(lots, min(300, len(lots)))
    load_avg = [os.getloadavg()]
    rows = []
    results: dict[str, Any] = {}

    if not args.skip_online:
        print("online: wiping, then trace-engine load …", flush=True)
        wipe()
        wall, peaks, _ = _run(
            [sys.executable, "-m", "trace_engine", "load", str(folder), "--org", ORG]
        )
        api = _traceable(sample[0])
        nodes, rels = counts()
        results["online"] = (wall + api, peaks, nodes, rels, "")
        load_avg.append(os.getloadavg())
        online_snapshot = _snapshot(None, sample) if args.equivalence else None
    print("initial: an empty database, then trace-engine load --initial …", flush=True)
    _empty_store()
    command = [
        sys.executable,
        "-m",
        "trace_engine",
        "load",
        "--initial",
        str(folder),
        "--org",
        ORG,
        "--replace",
        "--yes",
    ]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    wall, peaks, output = _run(command)
    api = _traceable(sample[0])
    nodes, rels = counts()
    results["initial"] = (wall + api, peaks, nodes, rels, _phases(output))
    load_avg.append(os.getloadavg())
    problems: list[str] = []
    if args.equivalence and not args.skip_online:
        initial_snapshot = _snapshot(online_snapshot["nodes"], sample)  # type: ignore[index]
        problems = _compare(online_snapshot, initial_snapshot)  # type: ignore[arg-type]

    events = manifest["events"]
    for name, label in (
        ("online", "online `trace-engine load`"),
        ("initial", "`trace-engine load --initial`"),
    ):
        if name not in results:
            continue
        wall, peaks, nodes, rels, phases = results[name]
        memory = ", ".join(f"{k} {v:,.0f} MiB" for k, v in sorted(peaks.items()))
        rows.append(
            f"| {label} | {events:,} | {wall:,.1f} s | **{events / wall:,.0f}** | {memory} | "
            f"{nodes:,} nodes, {rels:,} rels{'; ' + phases if phases else ''} |"
        )
    command_text = (
        f".venv/bin/python bench/initial_load.py --events {args.events} --seed {args.seed}"
        + (" --equivalence" if args.equivalence else "")
        + (" --skip-online" if args.skip_online else "")
    )
    lines = section_header(f"initial load against online load, {events:,} events", command_text)
    lines += [
        f"- data: {events:,} events in {len(manifest['files'])} files (generator seed {args.seed}, "
        f"{manifest.get('instances', '?'):,} product instances)",
        "- load average (1/5/15 min) before, after online, after initial: "
        + "; ".join("/".join(f"{x:.1f}" for x in avg) for avg in load_avg),
        "",
        "| path | events | wall time, files → healthy traceable API | events/s "
        "| peak RSS per process | graph |",
        "|---|---:|---:|---:|---|---|",
        *rows,
        "",
    ]
    if "online" in results and "initial" in results:
        ratio = results["online"][0] / results["initial"][0]
        lines.append(f"Ratio: `--initial` is **{ratio:.1f}x** the online path's speed on this run.")
        lines.append("")
    if args.equivalence:
        verdict = "equal" if not problems else "DIFFERENT: " + "; ".join(problems)
        lines.append(
            "Equivalence (counts by label and type, 1,000 random nodes with every property and "
            f"relationship, the trace response of {len(sample)} random lots): **{verdict}**."
        )
        lines.append("")
    record_results(lines, args.note)
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
