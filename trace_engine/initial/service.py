"""`trace-engine load --initial`: a large history into an empty graph at import speed.

Phases (each reported to a `Phases` listener, which the CLI shows as progress bars):

1. parse: worker processes parse and validate the files (the online loader's parser and row
   builders) and write the events' CSV part files; the main process takes the results in file
   order, finds duplicates across files and gathers the shared nodes, writing each node, alias
   and INSTANCE_OF edge the first time it is seen (while the workers parse on);
2. write: the org statements and lineage edges, the enterprise listings
   (farm statements, shipments, batch rows and their tallies, derived from what the parse
   gathered: `listings.py`, written by a forked child on the other core meanwhile), the
   schema migrations' records (the graph is written in the
   current shape: nothing for them to find), and the importer's headers;
3. import: `neo4j-admin database import full` into a staging store while the server still runs
   (when the target was found empty it was stopped during the parse: nothing to serve);
4. swap: stop the server (if still running), put the staged store in place (`store.py`: never
   a half graph), start it;
5. finish: `db migrate` (constraints and indexes, waiting until online; the migrations are
   recorded as done), error declarations through the online statement, and a health check.

For a server the project does not run, phases 1-2 write the files and the result carries the
exact `neo4j-admin` command to run on that server's host.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import orjson

from trace_engine.bulk import FileReport, Format, expand_paths
from trace_engine.config import Settings
from trace_engine.errors import InitialLoadError, LocalNeo4jError
from trace_engine.graph.driver import make_driver
from trace_engine.graph.schema import apply_schema, current_shape_migrations
from trace_engine.ingest import Status
from trace_engine.initial import repository as repo
from trace_engine.initial.files import CsvSink, Group, JoinedParts, merge_groups
from trace_engine.initial.graph import NodeTables
from trace_engine.initial.listings import ListingFacts, write_listings
from trace_engine.initial.parse import (
    FileResult,
    FileTask,
    after_chunk,
    collect_after_file,
    parse_file,
    quiet_collector,
)
from trace_engine.initial.store import (
    ImportFiles,
    admin_command_text,
    clear_marker,
    finish_pending_swap,
    group_lists,
    read_marker,
    remove_staging,
    run_import,
    write_marker,
)
from trace_engine.kit.timestamps import now_utc
from trace_engine.local_neo4j import LocalNeo4j

STAMP = ".trace-engine-initial-load"  # marks a folder of import files this command made
PLAN = "finish.json"


class Phases(Protocol):
    """Told what each phase does, for progress bars."""

    def start(self, name: str, total: float | None, unit: str = "events") -> None: ...
    def advance(self, amount: float) -> None: ...
    def update(self, completed: float, detail: str | None = None) -> None: ...
    def note(self, text: str) -> None: ...


@dataclass
class InitialLoad:
    """What to load and how."""

    files: list[Path]
    org: str
    fmt: Format | None = None
    jobs: int = 0  # 0: one per core
    work_dir: Path | None = None
    keep_files: bool = False
    # the caller found the local target database empty: its server is stopped while the files
    # are parsed (it has nothing to serve, and the import replaces whatever it would take in)
    target_empty: bool = False


@dataclass
class InitialResult:
    """What the load did."""

    reports: list[FileReport]
    events: int = 0
    nodes: int = 0
    relationships: int = 0
    work_dir: Path | None = None
    command: str | None = None  # for a server the project does not run
    seconds: dict[str, float] = field(default_factory=dict)


def is_local(settings: Settings) -> bool:
    """Whether TRACE_NEO4J_URI is the server this project runs (`trace-engine neo4j start`)."""
    parts = urlsplit(settings.neo4j_uri)
    return (
        parts.hostname in ("127.0.0.1", "localhost", "::1")
        and (parts.port or 7687) == settings.neo4j_bolt_port
    )


def default_work_dir(settings: Settings) -> Path:
    """Where the import files go: beside the store for the local server (same disk), else
    ./initial-import."""
    if is_local(settings):
        return settings.neo4j_home.resolve() / "import" / "initial-load"
    return Path("initial-import").resolve()


def check_target(settings: Settings) -> dict[str, int]:
    """What the target database holds (empty dict: an initial load may go ahead); finishes a
    killed load's pending swap first. Starts the local server if it is not running."""
    local = LocalNeo4j(settings, echo=lambda _: None)
    if is_local(settings) and not local.status().running:
        local.start()  # completes a pending swap before the server opens the store
    with make_driver(settings) as driver:
        return repo.contents(driver, settings.neo4j_database)


def pending_finish(settings: Settings) -> Path | None:
    """The work folder of a load killed after its swap (its finish still to run), if any."""
    if not is_local(settings):
        return None
    marker = read_marker(settings.neo4j_home.resolve() / "data")
    if marker is None or marker.get("phase") != "finish":
        return None
    return Path(str(marker["work_dir"]))


# -- parse -------------------------------------------------------------------------------------

_counter: Any = None


def _init_worker(counter: Any) -> None:
    global _counter
    _counter = counter
    quiet_collector()


def _chunk_done(n: int, cycles: bool) -> None:
    with _counter.get_lock():
        _counter.value += n
    after_chunk(n, cycles)


def _parse_in_worker(task: FileTask) -> FileResult:
    try:
        return parse_file(task, on_chunk=_chunk_done)
    finally:
        collect_after_file()


def _prepare_work_dir(work_dir: Path) -> None:
    if work_dir.exists() and any(work_dir.iterdir()):
        if not (work_dir / STAMP).exists():
            raise InitialLoadError(
                f"{work_dir} is not empty and was not made by an initial load: "
                "give an empty or new folder with --work-dir"
            )
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / STAMP).write_text("import files of `trace-engine load --initial`\n")


def _estimate_events(paths: list[Path]) -> int | None:
    """The event count a generator manifest states for the folders given, if any."""
    total = 0
    for path in {p.parent for p in paths}:
        try:
            manifest = orjson.loads((path / "manifest.json").read_bytes())
            total += int(manifest["events"])
        except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            return None
    return total or None


@dataclass
class _Parsed:
    results: list[FileResult]
    tables: NodeTables
    groups: list[list[Group]]
    declarations: list[tuple[int, dict[str, Any]]]
    multiline: bool
    events: int
    record_time: str
    shared: CsvSink  # the shared nodes' files: written as the nodes are first seen
    listings: ListingFacts = field(default_factory=ListingFacts)


def _parse(paths: list[Path], load: InitialLoad, work_dir: Path, phases: Phases) -> _Parsed:
    record_time = now_utc()
    tasks = [
        FileTask(i, path, load.fmt, load.org, record_time, work_dir) for i, path in enumerate(paths)
    ]
    jobs = load.jobs or os.cpu_count() or 1
    ctx = multiprocessing.get_context("spawn")  # no fork of a process with driver threads
    counter = ctx.Value("q", 0)
    phases.start("parse", _estimate_events(paths))
    # the shared nodes are written as they are first seen, while the workers parse on
    # (numbered after the files: it numbers the Alias nodes, as a worker its file's events)
    shared = CsvSink(work_dir, "shared", number=len(tasks), remember=True)
    parsed = _Parsed([], NodeTables(), [], [], False, 0, record_time, shared)
    joined = JoinedParts(work_dir)  # each file's parts, once final, into one file per group
    seen: set[int] = set()
    shown = 0

    def show() -> None:
        nonlocal shown
        value = counter.value
        phases.advance(value - shown)
        shown = value

    with ctx.Pool(min(jobs, max(len(tasks), 1)), _init_worker, (counter,)) as pool:
        pending = pool.imap(_parse_in_worker, tasks)
        for task in tasks:
            while True:
                try:
                    result = pending.next(timeout=0.2)
                    break
                except multiprocessing.TimeoutError:
                    show()
            clash = [d for d in result.stored if d in seen]
            if clash:
                # events an earlier file stored: parse this file again knowing them
                for group in result.groups:
                    for path in group.files:
                        path.unlink(missing_ok=True)
                result = parse_file(replace(task, existing=frozenset(clash)))
            seen.update(result.stored)
            parsed.tables.merge(result.tables, parsed.shared)
            result.tables = NodeTables()
            parsed.listings.merge(result.listings)
            result.listings = ListingFacts()
            result.stored = []
            joined.add(result.groups)
            result.groups = []
            parsed.declarations.extend((task.index, d) for d in result.declarations)
            parsed.multiline |= result.multiline
            parsed.events += result.events
            parsed.results.append(result)
            show()
    parsed.groups.append(joined.close())
    return parsed


# -- the whole load ----------------------------------------------------------------------------


def run(settings: Settings, load: InitialLoad, phases: Phases) -> InitialResult:
    """Run an initial load (the target was checked empty by the caller)."""
    clock: dict[str, float] = {}
    began = time.monotonic()
    local = is_local(settings)
    work_dir = (load.work_dir or default_work_dir(settings)).resolve()
    _prepare_work_dir(work_dir)
    paths = expand_paths(load.files)
    idle = LocalNeo4j(settings, echo=lambda _: None)
    # the server's stop (seconds of waiting on its shutdown) runs during the parse
    stopping = threading.Thread(target=idle.stop) if local and load.target_empty else None
    if stopping is not None:
        stopping.start()

    with _collector_paused():  # the parse's tables hold millions of objects: see there
        parsed = _parse(paths, load, work_dir, phases)
        reports = [r.report for r in parsed.results]
        clock["parse"] = time.monotonic() - began
        mark = time.monotonic()

        phases.start("write nodes", None, "rows")
        listings = _Listings(work_dir, parsed, load.org)  # on the other core meanwhile
        sink = parsed.shared
        parsed.tables.write(sink, streamed=True)  # the rest: statements, lineage
        for record in current_shape_migrations():  # the graph is written in the current shape
            sink.node("Migration", "Migration", record.pop("id"), record, id_property="id")
        listed, listed_multiline = listings.result()
        groups = merge_groups([*parsed.groups, sink.close(), listed])
        nodes, rels = group_lists(list(groups.values()))
        multiline = parsed.multiline or sink.multiline or listed_multiline
        files = ImportFiles(work_dir, nodes, rels, multiline)
        files.write_headers()
        plan = _finish_plan(parsed, load.org)
        (work_dir / PLAN).write_bytes(orjson.dumps(plan))
    clock["write"] = time.monotonic() - mark
    result = InitialResult(reports, parsed.events, work_dir=work_dir, seconds=clock)
    # the parse's tables (millions of objects at 1M events, all in the files now) are freed
    # while the importer starts, not when the load returns: their deallocation took 0.7 s of
    # the main process at the end of a 1M-event load, after everything else
    spent: list[Any] = [parsed, listings]
    del parsed, listings, sink
    if not local:
        files.write_argument_file(relative=True)
        result.command = admin_command_text(files, settings.neo4j_database)
        return result

    mark = time.monotonic()
    server = LocalNeo4j(settings, echo=phases.note)
    if stopping is not None:
        stopping.join()
        phases.note("Neo4j was stopped during the parse (the database was empty)")
    data = settings.neo4j_home.resolve() / "data"
    remove_staging(data)
    java = server.java()
    phases.start("import", 100, "%")
    run_import(
        java,
        server.home,
        settings.neo4j_database,
        files,
        settings.neo4j_heap,
        settings.initial_import_memory,
        _importer_progress(phases),
        meanwhile=spent.clear,
    )
    clock["import"] = time.monotonic() - mark
    # the import files are not read again (the finish reads only the plan): removed while the
    # server starts and builds the indexes (a quarter of a second of unlinking at 1M events)
    removing = None if load.keep_files else _remove_import_files(work_dir)
    mark = time.monotonic()

    phases.start("swap", None, "steps")
    write_marker(data, "swap", work_dir=str(work_dir))
    if stopping is None:
        server.stop()
    finish_pending_swap(data, settings.neo4j_database)
    server.start()
    clock["swap"] = time.monotonic() - mark
    mark = time.monotonic()
    finish(settings, work_dir, phases, result)
    clock["finish"] = time.monotonic() - mark
    clock["total"] = time.monotonic() - began
    if removing is not None:
        removing.join()
        shutil.rmtree(work_dir, ignore_errors=True)
    return result


def _remove_import_files(work_dir: Path) -> threading.Thread:
    """Remove the import's CSV files and argument file in a thread; the thread."""

    def remove() -> None:
        for path in work_dir.iterdir():
            if path.suffix in {".csv", ".args"}:
                path.unlink(missing_ok=True)

    thread = threading.Thread(target=remove, name="remove-import-files", daemon=True)
    thread.start()
    return thread


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off in the main process during the parse and write phases.

    The main process gathers the shared nodes, listings facts and digests of every file
    (millions of tuples, lists and dicts at 1M events, none of them in a cycle), unpickling
    each file's result; the collector's passes over the young objects it made ran every 700
    of them, and its full passes, a dozen a 400,000 events, walked all of it each time: a
    second of the main process's CPU at 400,000 events, taken from the parse workers' cores.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _Listings:
    """The enterprise listings written into their own part files ("listings") by a forked
    child process while the main process writes the statements and lineage edges: the two take
    seconds each at 1M events and need only what the parse gathered, which a fork shares
    without copying it over. Where there is no fork, or it fails, they are written here."""

    def __init__(self, work_dir: Path, parsed: _Parsed, org: str) -> None:
        self._args = (work_dir, parsed, org)
        self._child: Any = None
        if "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            self._pipe, sending = ctx.Pipe(duplex=False)
            self._child = ctx.Process(target=_listings_child, args=(sending, *self._args))
            self._child.start()
            sending.close()

    def result(self) -> tuple[list[Group], bool]:
        """The listings' groups and whether a value of theirs spans lines."""
        if self._child is None:
            return _listings_files(*self._args)
        try:
            answer = self._pipe.recv()
        except EOFError:
            answer = f"the process ended ({self._child.exitcode})"
        self._child.join()
        if isinstance(answer, str):
            raise InitialLoadError(f"writing the enterprise listings failed: {answer}")
        groups, multiline = answer
        return groups, multiline


def _listings_files(work_dir: Path, parsed: _Parsed, org: str) -> tuple[list[Group], bool]:
    # numbered after the files and the main process (it numbers the listings' nodes)
    sink = CsvSink(work_dir, "listings", number=len(parsed.results) + 1, remember=True)
    _write_listings(sink, parsed, org)
    return sink.close(), sink.multiline


def _listings_child(sending: Any, work_dir: Path, parsed: _Parsed, org: str) -> None:
    # no collection (it would touch, and so copy, every page the parent shares) and an exit
    # that flushes nothing: a lock the parent's other threads held at the fork (the progress
    # bars' output) stays held here
    gc.disable()
    code = 0
    try:
        sending.send(_listings_files(work_dir, parsed, org))
    except Exception as exc:  # the parent raises it, with the message
        sending.send(f"{type(exc).__name__}: {exc}")
        code = 1
    finally:
        sending.close()
        os._exit(code)


def _write_listings(sink: CsvSink, parsed: _Parsed, org: str) -> None:
    """The enterprise listings into the import files: the farm statements of every file, the
    shipments of the files from the first that states a farm on (until an org has a farm, the
    online path keeps no listings for it)."""
    farms = []
    shipping: list[Path] = []
    for r in parsed.results:
        farms.extend(r.farms)
        if farms and r.enterprise is not None:
            shipping.append(r.enterprise)
    rows = (row for path in shipping for row in orjson.loads(path.read_bytes()))
    write_listings(sink, org, parsed.record_time, parsed.tables, parsed.listings, farms, rows)


def _finish_plan(parsed: _Parsed, org: str) -> dict[str, Any]:
    """What the finish needs, saved beside the files so a killed finish can be run again."""
    return {
        "org": org,
        "events": parsed.events,
        "declarations": [d for _, d in parsed.declarations],
        "declaringFiles": [i for i, _ in parsed.declarations],
    }


def finish(
    settings: Settings, work_dir: Path, phases: Phases, result: InitialResult | None = None
) -> None:
    """After the swap: schema and indexes, error declarations, health check."""
    plan = orjson.loads((work_dir / PLAN).read_bytes())
    org = plan["org"]
    database = settings.neo4j_database
    with make_driver(settings) as driver:
        phases.start("index build", None, "steps")
        apply_schema(driver, database)
        if plan["declarations"]:
            phases.start("declarations", len(plan["declarations"]), "events")
            applied = repo.apply_declarations(driver, database, org, plan["declarations"])
            if result is not None and result.reports:
                _settle_declarations(result, plan, applied)
        phases.start("health check", None, "steps")
        nodes, relationships = repo.counts(driver, database)
        if result is not None:
            result.nodes, result.relationships = nodes, relationships
    if is_local(settings):
        clear_marker(settings.neo4j_home.resolve() / "data")


def _settle_declarations(result: InitialResult, plan: dict[str, Any], applied: set[str]) -> None:
    """A declaration that found no stored event without one is a duplicate, as online."""
    for index, row in zip(plan["declaringFiles"], plan["declarations"], strict=True):
        if row["eventID"] in applied:
            applied.discard(row["eventID"])  # applied once: a later one is a duplicate
            continue
        outcome = result.reports[index].outcome
        outcome.folded[Status.ACCEPTED] = outcome.folded.get(Status.ACCEPTED, 0) - 1
        outcome.folded[Status.DUPLICATE] = outcome.folded.get(Status.DUPLICATE, 0) + 1


_STAGE = re.compile(r"^\((\d+)/(\d+)\) (.+?) \d{4}-\d\d-\d\d")
_PERCENT = re.compile(r"^[.\-\s]+(\d+)%")


def _importer_progress(phases: Phases) -> Callable[[str], None]:
    """Turn the importer's output ("(2/4) Relationship import …", then dotted lines ending in
    a percentage) into one percentage over its stages."""
    stage: list[Any] = [0, 1, "starting"]  # index (from 0), count, name

    def on_line(line: str) -> None:
        text = line.strip()
        if match := _STAGE.match(text):
            stage[:] = [int(match[1]) - 1, int(match[2]), match[3]]
            phases.update(100 * stage[0] / stage[1], stage[2])
        elif match := _PERCENT.match(text):
            phases.update(100 * (stage[0] + int(match[1]) / 100) / stage[1], stage[2])
        elif text.startswith("IMPORT DONE"):
            phases.update(100, "done")

    return on_line


def require_local_server(settings: Settings) -> None:
    """Raise unless the local server's jars are there (fetched by `neo4j start`)."""
    server = LocalNeo4j(settings, echo=lambda _: None)
    if not (server.lib_dir / ".complete").exists():
        raise LocalNeo4jError("the local Neo4j is not fetched yet: run `trace-engine neo4j start`")
