"""What `load --initial` costs after its files are written: importer options, and the floor.

    .venv/bin/trace-engine load --initial DIR --org bench-initial --replace --yes \\
        --keep-files --work-dir /tmp/initial-1m          # once: the files to reuse
    .venv/bin/python bench/initial_import.py --work-dir /tmp/initial-1m --variants
    .venv/bin/python bench/initial_import.py --work-dir /tmp/initial-1m --floor

--variants runs `neo4j-admin database import full` on the same files once per option set
(into the staging directory, removed after each; the live store is not touched) and reports
each one's wall time and the importer's own stage times. --floor measures everything
`load --initial` does after the parse with those files: the import, the swap (stop the
server, put the store in place, start it), the finish (constraints and indexes built and
online, migrations, declarations, health check) and `trace-engine serve` answering /health and
one trace: the least any parse speed-up can bring the whole load to. It REPLACES the local
server's database. Appends a dated section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import counts, record_results, section_header  # noqa: E402
from bench.initial_load import _traceable  # noqa: E402
from trace_engine.config import get_settings  # noqa: E402
from trace_engine.initial.files import Group, GroupKey  # noqa: E402
from trace_engine.initial.service import finish, is_local  # noqa: E402
from trace_engine.initial.store import (  # noqa: E402
    ImportFiles,
    finish_pending_swap,
    matching_files,
    read_argument_file,
    remove_staging,
    run_import,
    write_marker,
)
from trace_engine.local_neo4j import LocalNeo4j  # noqa: E402

# option sets tried by --variants (the first is what `load --initial` runs)
VARIANTS: dict[str, list[str]] = {
    "default": [],
    "strict=false": ["--strict=false"],
    "threads=4": ["--threads=4"],
    "threads=4 strict=false": ["--threads=4", "--strict=false"],
    "high-parallel-io=on": ["--high-parallel-io=on"],
    "max-off-heap-memory=4g": ["--max-off-heap-memory=4g"],
    # the importer estimates the store's size from the first read buffer of every data file,
    # parsing it and encoding its properties: with part files smaller than a buffer, all of them
    "read-buffer-size=1m": ["--read-buffer-size=1m"],
    "read-buffer-size=256k": ["--read-buffer-size=256k"],
}
_STAGE = re.compile(r"^\((\d+)/(\d+)\) (.+?) +\d{4}-\d\d-\d\d")


def _import_files(folder: Path) -> ImportFiles:
    """The ImportFiles of a kept work folder: its groups read back from its argument file and
    headers (each group's key rebuilt from its header names the same header file)."""
    nodes: list[Group] = []
    rels: list[Group] = []
    multiline = False
    for arg in read_argument_file(folder / "import.args"):
        multiline |= arg == "--multiline-fields=true"
        for option, kind, into in (
            ("--nodes=", "nodes", nodes),
            ("--relationships=", "relationships", rels),
        ):
            if arg.startswith(option):
                name, listed = arg[len(option) :].split("=", 1)
                header, *patterns = (Path(p) for p in listed.split(","))
                paths = [f for pattern in patterns for f in matching_files(pattern)]
                key = _key(kind, name, header.read_text().strip())
                assert f"{key.slug}.header.csv" == header.name, header
                into.append(Group(key, paths))
    return ImportFiles(folder, nodes, rels, multiline)


def _key(kind: str, name: str, header: str) -> GroupKey:
    fields = header.split(",")
    if kind == "nodes":
        id_property, space = re.fullmatch(r"(.*):ID\((.*)\)", fields[0]).groups()  # type: ignore[union-attr]
        ids: tuple[str, ...] = (id_property, space)
        rest = fields[1:]
    else:
        ids = tuple(f[f.index("(") + 1 : -1] for f in fields[:2])
        rest = fields[2:]
    columns = tuple((f.rsplit(":", 1)[0], f.rsplit(":", 1)[1]) for f in rest)
    return GroupKey(kind, name, ids, columns)


def _importer(files: ImportFiles, options: list[str]) -> tuple[float, dict[str, float]]:
    """Run the importer into staging once; its wall time and the seconds of its stages."""
    settings = get_settings()
    server = LocalNeo4j(settings, echo=lambda _: None)
    data = settings.neo4j_home.resolve() / "data"
    remove_staging(data)
    stages: dict[str, float] = {}
    current: list[object] = [None, 0.0]

    def on_line(line: str) -> None:
        now = time.perf_counter()
        text = line.strip()
        if match := _STAGE.match(text):
            if current[0] is not None:
                stages[str(current[0])] = now - float(current[1])  # type: ignore[arg-type]
            current[:] = [match[3], now]
        elif text.startswith("IMPORT DONE") and current[0] is not None:
            stages[str(current[0])] = now - float(current[1])  # type: ignore[arg-type]

    if "--strict=false" in options:
        files = replace(files, strict=False)
    memory = settings.initial_import_memory
    for option in options:
        if option.startswith("--max-off-heap-memory="):
            memory = option.split("=", 1)[1]
    started = time.perf_counter()
    run_import(
        server.java(),
        server.home,
        settings.neo4j_database,
        files,
        settings.neo4j_heap,
        memory,
        on_line,
        [o for o in options if not o.startswith(("--max-off-heap-memory=", "--strict="))],
    )
    return time.perf_counter() - started, stages


class _Clock:
    """A Phases listener that notes when each finish phase starts."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float]] = []

    def start(self, name: str, total: float | None, unit: str = "events") -> None:
        self.marks.append((name, time.perf_counter()))

    def advance(self, amount: float) -> None: ...
    def update(self, completed: float, detail: str | None = None) -> None: ...
    def note(self, text: str) -> None: ...


def _floor(files: ImportFiles, options: list[str]) -> list[tuple[str, float]]:
    """Import, swap, finish and a traceable API on the kept files; each phase's seconds."""
    settings = get_settings()
    server = LocalNeo4j(settings, echo=lambda _: None)
    data = settings.neo4j_home.resolve() / "data"
    times: list[tuple[str, float]] = []
    wall, _ = _importer(files, options)
    times.append(("import", wall))
    mark = time.perf_counter()
    write_marker(data, "swap", work_dir=str(files.folder))
    server.stop()
    stopped = time.perf_counter()
    finish_pending_swap(data, settings.neo4j_database)
    moved = time.perf_counter()
    server.start()
    started = time.perf_counter()
    times += [("stop", stopped - mark), ("swap files", moved - stopped), ("start", started - moved)]
    clock = _Clock()
    finish(settings, files.folder, clock)
    ended = time.perf_counter()
    marks = [*clock.marks, ("end", ended)]
    times += [(name, marks[i + 1][1] - at) for i, (name, at) in enumerate(marks[:-1])]
    times.append(("serve: healthy + one trace", _traceable(_a_lot())))
    return times


def _a_lot() -> str:
    """A lot to trace: the first of a generated dataset's truth file (bench/data/)."""
    for truth in sorted((ROOT / "bench" / "data").glob("*/truth.jsonl")):
        with truth.open("rb") as fh:
            return str(orjson.loads(fh.readline())["id"])
    raise SystemExit("no truth.jsonl under bench/data to take a lot from")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", type=Path, required=True)
    parser.add_argument("--variants", nargs="*", help="option sets to try (default: all)")
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--options", default="", help="importer options for --floor")
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    settings = get_settings()
    if not is_local(settings):
        raise SystemExit("TRACE_NEO4J_URI must be the local server (`trace-engine neo4j start`)")
    files = _import_files(args.work_dir.resolve())
    size = sum(p.stat().st_size for g in [*files.nodes, *files.relationships] for p in g.files)
    part_files = sum(len(g.files) for g in [*files.nodes, *files.relationships])
    plan = orjson.loads((files.folder / "finish.json").read_bytes())
    lines = section_header(
        f"initial load after the parse, {plan['events']:,} events: importer options and floor",
        "bench/initial_import.py --work-dir DIR " + ("--floor" if args.floor else "--variants"),
    )
    lines += [
        f"- files: {size / 2**20:,.0f} MiB of CSV in {part_files} files, "
        f"{len(files.nodes)} node and {len(files.relationships)} relationship groups",
        f"- load average before: {'/'.join(f'{x:.1f}' for x in os.getloadavg())}",
        "",
    ]
    if args.variants is not None:
        names = args.variants or list(VARIANTS)
        lines += ["| importer options | wall s | importer's stages (s) |", "|---|---:|---|"]
        for name in names:
            wall, stages = _importer(files, VARIANTS[name])
            detail = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
            lines.append(f"| {name} | {wall:.1f} | {detail} |")
            print(lines[-1], flush=True)
        remove_staging(settings.neo4j_home.resolve() / "data")
        lines.append("")
    if args.floor:
        times = _floor(files, args.options.split())
        total = sum(t for _, t in times)
        lines += ["| phase | s |", "|---|---:|"]
        lines += [f"| {name} | {seconds:.1f} |" for name, seconds in times]
        lines += [f"| **floor: files written → traceable API** | **{total:.1f}** |", ""]
        nodes, rels = counts()
        lines.append(f"Graph: {nodes:,} nodes, {rels:,} relationships.")
        lines.append("")
    lines.append(f"- load average after: {'/'.join(f'{x:.1f}' for x in os.getloadavg())}")
    lines.append("")
    record_results(lines, args.note)


if __name__ == "__main__":
    main()
