"""The parse and write phases of `load --initial` at scale, CPU time per process, no Neo4j.

    .venv/bin/python bench/initial_phases.py --events 1000000 --before 69ee7d5

Runs `initial.service.run` as `load --initial` does for a server the project does not run
(parse and write the import files, then stop), with `--jobs` parse workers, in a child process
per revision: this checkout, and with --before REV the trace_engine of git revision REV. The
child samples the CPU time of itself and of every process under it from /proc (the parse
workers, the forked listings writer), so the figures say where the CPU went, which the
contention of a shared machine disturbs less than the wall times (record the load). Appends a
section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import dataset, record_results, section_header  # noqa: E402
from bench.initial_parse import _tree, run_child  # noqa: E402

CHILD = """
import os, sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import orjson

TICK = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def tree(pid):
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [p for c in children for p in (int(c), *tree(int(c)))]


def main():
    from trace_engine.config import Settings
    from trace_engine.initial import service

    class Quiet:
        def __init__(self):
            self.marks = {}

        def start(self, name, total, unit="events"):
            self.marks[name] = time.monotonic()

        def advance(self, amount): pass
        def update(self, completed, detail=None): pass
        def note(self, text): pass

    files = [Path(p) for p in sys.argv[4:]]
    seen, done, phases = {}, threading.Event(), Quiet()
    me = os.getpid()

    def sample():
        while not done.is_set():
            for pid in (me, *tree(me)):
                if (used := cpu(pid)) is not None:
                    phase = "write" if "write nodes" in phases.marks else "parse"
                    seen.setdefault(pid, {})[phase] = used
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    work, jobs = Path(sys.argv[2]), int(sys.argv[3])
    load = service.InitialLoad(files, "bench-org", jobs=jobs, work_dir=work)
    result = service.run(Settings(neo4j_uri="bolt://elsewhere.invalid:7687"), load, phases)
    done.set()
    sampler.join()
    main_cpu = time.process_time()
    parse_end = seen[me].get("parse", 0.0)
    others = [v for pid, v in seen.items() if pid != me]
    workers = sorted(v.get("parse", 0.0) for v in others if "write" not in v)
    writers = [v["write"] - v.get("parse", 0.0) for v in others if "write" in v]
    print(orjson.dumps({
        "events": result.events,
        "parse_wall": result.seconds["parse"],
        "write_wall": result.seconds["write"],
        "main_parse_cpu": parse_end,
        "main_write_cpu": main_cpu - parse_end,
        "workers_cpu": [w for w in workers if w > 0.05],
        "listings_cpu": sum(writers),
        "module": service.__file__,
    }).decode())


if __name__ == "__main__":
    main()
"""


def _run(tree: Path, work: Path, jobs: int, files: list[Path]) -> dict[str, Any]:
    script = work.parent / "phases_child.py"  # a file: the spawned workers import it
    script.write_text(CHILD)
    return run_child(tree, [str(script), str(tree), str(work), str(jobs), *map(str, files)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="Generated data set.")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--events-per-file", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2, help="Parse workers.")
    parser.add_argument("--before", help="A git revision to compare with (e.g. a commit).")
    parser.add_argument("--note", default="")
    args = parser.parse_args()

    folder, manifest = dataset(args.events, args.seed, args.events_per_file)
    files = [folder / name for name in manifest["files"]]
    load = [os.getloadavg()]
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="initial-phases-") as tmp:
        trees = {"this checkout": ROOT}
        if args.before:
            trees[args.before] = _tree(args.before, Path(tmp) / "before")
        for position, (name, tree) in enumerate(trees.items()):
            runs[name] = _run(tree, Path(tmp) / f"work-{position}", args.jobs, files)
            load.append(os.getloadavg())
            print(f"{name}: {orjson.dumps(runs[name]).decode()}", flush=True)

    command = (
        f".venv/bin/python bench/initial_phases.py --events {args.events} --jobs {args.jobs}"
        + (f" --before {args.before}" if args.before else "")
    )
    lines = section_header("initial load, parse and write phases", command, uses_neo4j=False)
    lines += [
        f"- data: {manifest['events']:,} generated events in {len(files)} files "
        f"(seed {args.seed}); parse and write only (a server elsewhere: no stop, no import)",
        "- load average (1/5/15 min) before, after each run: "
        + "; ".join("/".join(f"{x:.1f}" for x in avg) for avg in load),
        "",
        "| code | parse wall | write wall | parse workers' CPU | main CPU: parse, write "
        "| listings writer CPU | worker CPU an event |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in runs.items():
        workers = run["workers_cpu"]
        lines.append(
            f"| {name} | {run['parse_wall']:.1f} s | {run['write_wall']:.1f} s | "
            + " + ".join(f"{w:.1f}" for w in workers)
            + f" s | {run['main_parse_cpu']:.1f}, {run['main_write_cpu']:.1f} s | "
            f"{run['listings_cpu']:.1f} s | **{sum(workers) / run['events'] * 1e6:.0f} µs** |"
        )
    lines.append("")
    record_results(lines, args.note)


if __name__ == "__main__":
    main()
