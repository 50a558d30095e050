"""The parse phase of `load --initial`, per core: this checkout against an earlier revision.

    .venv/bin/python bench/initial_parse.py --events 100000 --files 3 --before b9cf235

One child process per run parses the same generated files one after another as a parse worker
does (`initial.parse.parse_file`, with what that revision's worker did about the collector:
`quiet_collector`, `after_chunk` and `collect_after_file` where they exist), into a folder of
its own; the child reports its CPU time, so the figure is events per second of one core's
time, which the contention of a shared machine disturbs less than wall time (it still does:
record the load). A worker parses 50 files at 1M events: give --files 25 or more to see what
grows with the files a process has parsed. With --before REV the
trace_engine of git revision REV (git archive) is run the same way, the two alternating for
--rounds rounds; the best round of each counts, and the part files of the two are compared
byte for byte. Needs no Neo4j. Appends a section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import filecmp
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import dataset, record_results, section_header  # noqa: E402

CHILD = """
import os, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import orjson
from trace_engine.initial import parse
quiet = getattr(parse, "quiet_collector", None)
if quiet is not None:
    quiet()  # what that revision's parse worker did after its imports
# and between two chunks and two files, where it did anything there
on_chunk = getattr(parse, "after_chunk", None)
after_file = getattr(parse, "collect_after_file", lambda: None)
out = Path(sys.argv[2])
files = [Path(p) for p in sys.argv[3:]]
events, wall, cpu = 0, time.perf_counter(), time.process_time()
for index, path in enumerate(files):
    task = parse.FileTask(index, path, None, "bench-parse", "2026-01-01T00:00:00.000Z", out)
    events += (parse.parse_file(task, on_chunk) if on_chunk else parse.parse_file(task)).events
    after_file()
print(orjson.dumps({
    "events": events,
    "cpu": time.process_time() - cpu,
    "wall": time.perf_counter() - wall,
    "module": parse.__file__,
}).decode())
"""


def _tree(revision: str, into: Path) -> Path:
    """The trace_engine of `revision`, extracted under `into`."""
    archive = subprocess.run(
        ["git", "archive", revision, "trace_engine"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def run_child(tree: Path, arguments: list[str]) -> dict[str, Any]:
    """Run `python ARGUMENTS` (a child that imports the trace_engine of `tree` and prints its
    figures as JSON on its last line, with the `module` it imported); its figures."""
    done = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, check=True, capture_output=True, text=True
    )
    result: dict[str, Any] = orjson.loads(done.stdout.strip().splitlines()[-1])
    if not result["module"].startswith(str(tree)):
        raise SystemExit(f"the child imported {result['module']}, not the tree {tree}")
    return result


def _run(tree: Path, out: Path, files: list[Path]) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return run_child(tree, ["-c", CHILD, str(tree), str(out), *map(str, files)])


def _same_files(a: Path, b: Path) -> tuple[int, list[str]]:
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return len(names), ["the two runs wrote different part files"]
    _, mismatch, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    return len(names), mismatch + errors


def _given_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".json", ".jsonld", ".xml"))
        else:
            files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="Generated data set.")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--events-per-file", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=3, help="How many of its files to parse.")
    parser.add_argument("--before", help="A git revision to compare with (e.g. a commit).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--paths",
        nargs="+",
        type=Path,
        help="Parse these EPCIS files (or every .json/.jsonld/.xml under these folders) "
        "instead of generated ones (e.g. the GS1 examples, for the byte compare).",
    )
    parser.add_argument("--note", default="")
    args = parser.parse_args()

    if args.paths:
        files = _given_files(args.paths)
        manifest = {"events": "given", "files": [str(path) for path in files]}
    else:
        folder, manifest = dataset(args.events, args.seed, args.events_per_file)
        files = [folder / name for name in manifest["files"][: args.files]]
    load = [os.getloadavg()]
    best: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="initial-parse-") as tmp:
        trees = {"this checkout": ROOT}
        if args.before:
            trees[args.before] = _tree(args.before, Path(tmp) / "before")
        for round_ in range(args.rounds):
            for position, (name, tree) in enumerate(trees.items()):
                result = _run(tree, Path(tmp) / f"out-{position}", files)
                rate = result["events"] / result["cpu"]
                print(f"round {round_ + 1}: {name}: {rate:,.0f} events/s per core", flush=True)
                if name not in best or result["cpu"] < best[name]["cpu"]:
                    best[name] = result
        load.append(os.getloadavg())
        compared = None
        if args.before:
            compared = _same_files(Path(tmp) / "out-0", Path(tmp) / "out-1")

    source = (
        f"--paths {' '.join(map(str, args.paths))}"
        if args.paths
        else f"--events {args.events} --files {args.files}"
    )
    command = (
        f".venv/bin/python bench/initial_parse.py {source}"
        + (f" --before {args.before}" if args.before else "")
        + f" --rounds {args.rounds}"
    )
    lines = section_header("initial load, parse phase per core", command, uses_neo4j=False)
    data = (
        f"- data: {len(files)} given files ({best['this checkout']['events']:,} events)"
        if args.paths
        else f"- data: the first {len(files)} files ({best['this checkout']['events']:,} events) "
        f"of {manifest['events']:,} generated events (seed {args.seed})"
    )
    lines += [
        data,
        "- load average (1/5/15 min) before, after: "
        + "; ".join("/".join(f"{x:.1f}" for x in avg) for avg in load),
        "",
        f"| code | events | CPU time (best of {args.rounds}) | events/s per core | wall time |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, result in best.items():
        lines.append(
            f"| {name} | {result['events']:,} | {result['cpu']:.2f} s | "
            f"**{result['events'] / result['cpu']:,.0f}** | {result['wall']:.2f} s |"
        )
    lines.append("")
    if args.before and compared is not None:
        count, differ = compared
        ratio = best[args.before]["cpu"] / best["this checkout"]["cpu"]
        lines.append(
            f"This checkout parses at **{ratio:.2f}x** the speed of {args.before} per core; "
            f"its {count} part files are "
            + ("byte-identical." if not differ else f"DIFFERENT: {differ[:5]}")
        )
        lines.append("")
    record_results(lines, args.note)


if __name__ == "__main__":
    main()
