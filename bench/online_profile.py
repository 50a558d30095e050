"""Where the online loader's time goes, and what grows with the graph: per statement, per slice.

    .venv/bin/python bench/online_profile.py --events 100000
    .venv/bin/python bench/online_profile.py --events 300000 --compare 69ee7d5

Generates N events (cached under bench/data/), wipes the graph of the LOCAL server
(`trace-engine neo4j start`'s: its process's CPU time is read from /proc), and loads the files
with the online loader (`Ingestor.load`, what `trace-engine load` runs) in a child process.
Every statement the loader sends is timed from its RUN to its last record (loopback: the
server's time plus a round trip), by its catalog name, with the rows it was given. The load is
cut into slices of equal event counts; for each slice the table gives events/s, the Neo4j
server's CPU time and the loader's CPU time per 1,000 events, each statement's time and rows per
1,000 events. A statement whose time or rows per event rise from slice to slice grows with the
graph. With `--compare REF` (repeatable) the same load runs first with the engine of commit
REF (exported under bench/data/code-REF), then with this checkout's, each into the emptied
graph, and all are reported side by side. `--profile` writes a cProfile of each load (its
main thread). Appends a dated section to bench/RESULTS.md. It wipes the graph: never point it
at a database you care about.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import psutil

HERE = Path(__file__).resolve().parents[1]
# the engine the load runs: this checkout, or (a --compare child) another commit's export
ROOT = Path(os.environ.get("TRACE_BENCH_CODE") or HERE)
sys.path.insert(0, str(ROOT))

from neo4j import ManagedTransaction  # noqa: E402

from bench.common import (  # noqa: E402
    DATA,
    dataset,
    git_commit,
    record_results,
    section_header,
    wipe,
)
from trace_engine.bulk import expand_paths, load_files  # noqa: E402
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.graph.catalog import Query, query  # noqa: E402
from trace_engine.graph.driver import make_driver  # noqa: E402
from trace_engine.ingest import CaptureOutcome, Ingestor  # noqa: E402
from trace_engine.local_neo4j import LocalNeo4j  # noqa: E402

ORG = "bench-profile"


class StatementClock:
    """Times every statement run in a managed transaction, by catalog name (RUN → last record),
    and adds up the rows it is given (the longest list parameter)."""

    def __init__(self) -> None:
        self.names = {query(q): q.value for q in Query}
        self.spent: dict[str, float] = defaultdict(float)
        self.rows: dict[str, int] = defaultdict(int)
        self._run = ManagedTransaction.run

    def install(self) -> None:
        clock, run = self, self._run

        def timed(tx: ManagedTransaction, text: Any, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = run(tx, text, *args, **kwargs)
            result._buffer_all()  # every record now, so the time is the statement's
            name = clock.names.get(text, "other")
            clock.spent[name] += time.perf_counter() - started
            given = [v for d in (*args[:1], kwargs) if isinstance(d, dict) for v in d.values()]
            clock.rows[name] += max((len(v) for v in given if isinstance(v, list)), default=0)
            return result

        ManagedTransaction.run = timed  # type: ignore[method-assign,assignment]

    def uninstall(self) -> None:
        ManagedTransaction.run = self._run  # type: ignore[method-assign]

    def snapshot(self) -> dict[str, Any]:
        return {"spent": dict(self.spent), "rows": dict(self.rows)}


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the Neo4j server has used so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run_arm(folder: Path, events: int, slices: int, batch_size: int, profile: Path | None) -> Any:
    """Wipe the graph, load the folder with the online loader, measure each slice."""
    settings = get_settings()
    pid = LocalNeo4j(settings, echo=lambda _: None).status().pid
    assert pid is not None
    wipe()
    clock = StatementClock()
    width = events / slices
    slices_out: list[dict[str, Any]] = []

    def sample(done: int) -> dict[str, Any]:
        return {
            "events": done,
            "wall": time.perf_counter(),
            "client": time.process_time(),
            "server": server_cpu(pid),
            "clock": clock.snapshot(),
        }

    mark = sample(0)
    loaded = 0  # events of the files finished before the current one

    def close_slice(done: int) -> None:
        nonlocal mark
        now = sample(done)
        n = done - mark["events"]
        was, then = mark["clock"], now["clock"]
        spent = {k: v - was["spent"].get(k, 0.0) for k, v in then["spent"].items()}
        rows = {k: v - was["rows"].get(k, 0) for k, v in then["rows"].items()}
        slices_out.append(
            {
                "from": mark["events"],
                "to": done,
                "events_per_s": n / (now["wall"] - mark["wall"]),
                "server_ms": 1e6 * (now["server"] - mark["server"]) / n,
                "client_ms": 1e6 * (now["client"] - mark["client"]) / n,
                "spent": {k: 1e6 * v / n for k, v in spent.items()},
                "rows": {k: 1000 * v / n for k, v in rows.items()},
            }
        )
        mark = now

    def on_batch(_: Path, outcome: CaptureOutcome) -> None:
        if loaded + outcome.total - mark["events"] >= width:
            close_slice(loaded + outcome.total)

    profiler = cProfile.Profile() if profile else None
    server_before = server_cpu(pid)
    with make_driver(settings) as driver:
        ingestor = Ingestor(driver, settings.neo4j_database, batch_size=batch_size)
        clock.install()
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        for path in expand_paths([folder]):
            (report,) = load_files(ingestor, [path], ORG, on_batch=on_batch)
            loaded += report.total
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - started
        clock.uninstall()
    if loaded > mark["events"]:
        close_slice(loaded)
    if profiler and profile:
        profiler.dump_stats(profile)
    return {
        "events": loaded,
        "wall_s": wall,
        "server_cpu_s": server_cpu(pid) - server_before,
        "client_cpu_s": time.process_time(),
        "spent_s": dict(clock.spent),
        "slices": slices_out,
    }


def export(ref: str) -> Path:
    """The engine of commit `ref`, exported once under bench/data/ (its `cypher/` and `seed/`
    linked where the package maps them, so it imports as a checkout of that commit would)."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=HERE, capture_output=True, text=True, check=True
    ).stdout.strip()
    out = DATA / f"code-{sha}"
    if not (out / ".complete").exists():
        out.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", sha], cwd=HERE, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive, check=True)
        (out / "trace_engine" / "queries").symlink_to("../cypher")
        (out / "trace_engine" / "seed" / "data").symlink_to("../../seed")
        (out / ".complete").touch()
    return out


def arm(args: argparse.Namespace, folder: Path, code: Path | None, label: str) -> Any:
    """One load in a child process (with the engine at `code`, or this checkout's)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "arm.json"
        command = [
            sys.executable,
            __file__,
            "--folder",
            str(folder),
            "--events",
            str(args.events),
            "--slices",
            str(args.slices),
            "--batch-size",
            str(args.batch_size),
            "--arm-json",
            str(out),
        ]
        if args.profile:
            command += ["--profile", str(args.profile.with_suffix(f".{label}.pstats"))]
        env = {**os.environ, "TRACE_BENCH_CODE": str(code or "")}
        print(f"loading with {label} …", flush=True)
        subprocess.run(command, env=env, check=True)
        return orjson.loads(out.read_bytes())


def table(result: dict[str, Any]) -> list[str]:
    """One arm's slices: events/s, CPU per 1,000 events, each statement's ms and rows."""
    slices = result["slices"]
    names = sorted(result["spent_s"], key=lambda k: -result["spent_s"][k])
    lines = [
        "| per 1,000 events | "
        + " | ".join(f"{s['from'] // 1000:,}k-{s['to'] // 1000:,}k" for s in slices)
        + " |",
        "|---|" + "---:|" * len(slices),
        "| events/s | " + " | ".join(f"{s['events_per_s']:,.0f}" for s in slices) + " |",
        "| server CPU, ms | " + " | ".join(f"{s['server_ms']:,.0f}" for s in slices) + " |",
        "| loader CPU, ms | " + " | ".join(f"{s['client_ms']:,.0f}" for s in slices) + " |",
    ]
    for name in names:
        cells = []
        for s in slices:
            ms, rows = s["spent"].get(name, 0.0), s["rows"].get(name, 0.0)
            cells.append(f"{ms:,.1f} ms" + (f" / {rows:,.0f}" if rows else ""))
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--events-per-file", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--slices", type=int, default=5, help="slices of the load compared")
    parser.add_argument(
        "--compare",
        metavar="REF",
        action="append",
        default=[],
        help="load first with commit REF's engine (repeat for several, in order)",
    )
    parser.add_argument("--profile", type=Path, help="write a cProfile of each load here")
    parser.add_argument("--note", help="a paragraph appended to the RESULTS.md section")
    parser.add_argument("--no-record", action="store_true", help="print only")
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)  # a child's input
    parser.add_argument("--arm-json", type=Path, help=argparse.SUPPRESS)  # a child's output
    args = parser.parse_args()

    if args.arm_json:
        result = run_arm(args.folder, args.events, args.slices, args.batch_size, args.profile)
        args.arm_json.write_bytes(orjson.dumps(result))
        return

    status = LocalNeo4j(get_settings(), echo=lambda _: None).status()
    if not status.running or status.pid is None:
        raise SystemExit("start the local server first: trace-engine neo4j start")
    folder, _ = dataset(args.events, args.seed, args.events_per_file)
    arms: list[tuple[str, Path | None]] = [(ref, export(ref)) for ref in args.compare]
    arms.append((f"{git_commit()} (this checkout)", None))
    results = []
    for label, code in arms:
        load_before = uptime()
        result = arm(args, folder, code, label.split()[0].replace("+", "-"))
        results.append((label, result, load_before, uptime()))

    command = "bench/online_profile.py " + " ".join(sys.argv[1:])
    lines = section_header(f"online loader profile, {args.events:,} events", command)
    lines += [
        f"Org {ORG}, batch size {args.batch_size}; each load into the emptied graph, in a "
        "child process. Statements: RUN to last record on loopback, by catalog name, as "
        "`ms / rows` per 1,000 events (rows: the longest list parameter, e.g. rows written or "
        "lots derived); server CPU: the Neo4j process's; loader CPU: the child's.",
        "",
        "| engine | events | wall time | events/s | server CPU | loader CPU | load before; after |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for label, result, before, after in results:
        lines.append(
            f"| {label} | {result['events']:,} | {result['wall_s']:.1f} s | "
            f"{result['events'] / result['wall_s']:,.0f} | {result['server_cpu_s']:.1f} s | "
            f"{result['client_cpu_s']:.1f} s | `{before.split('load')[-1]}`; "
            f"`{after.split('load')[-1]}` |"
        )
    for label, result, _, _ in results:
        lines += ["", f"{label}, by slice of the load:", "", *table(result)]
    lines.append("")
    if args.no_record:
        print("\n".join(lines))
    else:
        record_results(lines, args.note)


if __name__ == "__main__":
    main()
