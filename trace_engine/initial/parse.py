"""The parse phase of an initial load: one EPCIS file → its events' CSV part files, its shared
nodes and the facts the finish needs. Runs in a worker process, one file at a time.

Parsing, validation and the rows are the online loader's own (`bulk.read_header`,
`bulk.iter_events`, `ingest.build_rows`), so the graph written is the one `trace-engine load`
writes. An event's identity is its eventID within the org, as online: the first copy stored
is the event (a copy rejected, invalid or too large to index, is not: a later copy may be
stored); a later one is a duplicate, unless it declares an error in the first (EPCIS error
declaration), which the finish applies to the stored event as the online path does.
Duplicates across files are found by the main process from each file's `stored` digests.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from trace_engine.bulk import FileReport, Format, detect_format, iter_events, read_header
from trace_engine.enterprise.schemas import FarmFields
from trace_engine.enterprise.service import shipping_rows
from trace_engine.epcis.jsonld import WHOLE_DOCUMENT_BYTES, read_whole_json
from trace_engine.epcis.model import Event, ParsedDocument, Rejected
from trace_engine.epcis.normalise import clear_identifier_cache, normalise_event
from trace_engine.errors import InitialLoadError, InvalidDocument
from trace_engine.ingest import EventResult, Status, build_rows
from trace_engine.ingest.master_data import check_master_data
from trace_engine.initial.files import CsvSink, Group
from trace_engine.initial.graph import NodeTables, write_events
from trace_engine.initial.listings import ListingFacts
from trace_engine.initial.oversize import OversizeCheck, Refusal

CHUNK = 2000  # events turned into rows at a time (memory does not grow with the file)


def quiet_collector() -> None:
    """Make the cyclic garbage collector cheap in a parse worker (called once, after imports).

    A worker allocates a dozen containers per event, almost all freed by reference counting;
    with the default thresholds the collector ran every 700 allocations and its full passes
    walked every object the imports made (schemas, models, validators) each time: a third of a
    worker's time. Those are frozen out of its view, and the automatic collector is off: a
    young pass whenever it ran found the chunk in hand (about 56,000 live containers) and
    nothing to free, 5-7 µs an event. Instead the worker collects the young generation
    between two chunks that may have left cycles, when the last one's objects are gone
    (`after_chunk`), and everything between two files (`collect_after_file`). Valid JSON
    makes no reference cycles; a rejected event's explanation (jsonschema's errors point at
    their parents) and the XML parser do, and those are freed a chunk later.
    """
    gc.freeze()
    gc.disable()


def after_chunk(events: int, cycles: bool = True) -> None:
    """Between two chunks (of `events`) in a parse worker: a young collection if the chunk may
    have left reference cycles (see `quiet_collector`).

    A chunk of a document read whole (`jsonld.read_whole_json`) that rejected nothing made
    none, and the young generation then holds the rest of the document (about 94,000
    containers for 8,000 events): walking them cost 17-24 ms a file, 2 µs an event, to free
    nothing. A streamed or XML file, or a chunk with a rejected event, is collected as before.
    """
    if cycles:
        gc.collect(0)


def collect_after_file() -> None:
    """Between two files in a parse worker: a full collection (milliseconds) and the parsed
    identifiers forgotten. A file's identifiers recur within it, hardly ever in a later file
    (0.46 distinct an event in 3 files and in 100), and a cache that kept 65,536 of them
    slowed the whole parse as it filled: 96 against 86 µs an event over 15 files of the 1M
    set, one process (its objects spread the worker's allocations over more memory)."""
    clear_identifier_cache()
    gc.collect()


def event_digest(event_id: str) -> int:
    """A 128-bit digest of an eventID: the main process keeps one per event, not the id."""
    return int.from_bytes(hashlib.blake2b(event_id.encode(), digest_size=16).digest(), "big")


@dataclass(frozen=True)
class FileTask:
    """One file to parse: its place in the load, where its part files go, and the eventIDs
    (digests) earlier files stored that occur in it (known only on a second pass)."""

    index: int
    path: Path
    fmt: Format | None
    org: str
    record_time: str
    folder: Path
    existing: frozenset[int] = frozenset()


@dataclass
class FileResult:
    """What one file gave: its report, the part files, its shared nodes and the finish facts."""

    index: int
    report: FileReport
    groups: list[Group] = field(default_factory=list)
    tables: NodeTables = field(default_factory=NodeTables)
    stored: list[int] = field(default_factory=list)  # digests of the events written, in order
    declarations: list[dict[str, Any]] = field(default_factory=list)
    farms: list[tuple[str, FarmFields]] = field(default_factory=list)
    enterprise: Path | None = None  # the shipping events' shipment rows (JSON)
    listings: ListingFacts = field(default_factory=ListingFacts)  # what batch rows derive from
    events: int = 0
    multiline: bool = False


REPEATED = "repeated in this document"


def _declares_error(event: Event) -> bool:
    return "errorDeclaration" in event.raw


class _Met:
    """The eventIDs a file has met, and what became of each event (its results, the stored
    digests and declarations of `result`). An event's identity is its eventID within the org,
    as online: the first copy stored is the event; a later one is a duplicate, unless it
    declares an error in it (EPCIS error declaration), applied by the finish."""

    def __init__(self, result: FileResult, existing: frozenset[int]) -> None:
        self.result = result
        self.existing = existing
        self.seen: set[int] = set()  # (eventID digest, declares an error) of the events met
        self.stored: set[int] = set()

    def marks(self) -> tuple[int, int, int]:
        """Where the result lists stand (before a chunk)."""
        result = self.result
        return len(result.report.outcome.results), len(result.stored), len(result.declarations)

    def decide(
        self,
        chunk: list[Event | Rejected],
        first: int,
        refusal: Callable[[Event], Refusal | None] | None = None,
    ) -> list[Event]:
        """A result for each item of `chunk` (the first at position `first` of the file);
        return the events to store. `refusal` says why an event cannot be stored, if it
        cannot: it is rejected, and a later copy of it may be stored."""
        result, seen, stored, existing = self.result, self.seen, self.stored, self.existing
        results = result.report.outcome.results
        accepted: list[Event] = []
        for index, item in enumerate(chunk, first):
            if isinstance(item, Rejected):
                results.append(
                    EventResult(item.index, item.event_id, Status.REJECTED, item.field, item.reason)
                )
                continue
            digest = event_digest(item.event_id)
            declares = _declares_error(item)
            occurrence = digest << 1 | declares  # an int: no tuple per event to track
            if occurrence in seen:
                results.append(EventResult(index, item.event_id, Status.DUPLICATE, reason=REPEATED))
                continue
            if digest in stored or digest in existing:
                seen.add(occurrence)
                if declares:  # applied to the stored event by the finish (or a duplicate then)
                    result.declarations.append(
                        {
                            "eventID": item.event_id,
                            "errorDeclaration": orjson.dumps(item.raw["errorDeclaration"]).decode(),
                            "raw": orjson.dumps(item.raw).decode(),
                        }
                    )
                    results.append(EventResult(index, item.event_id, Status.ACCEPTED))
                else:
                    results.append(
                        EventResult(
                            index, item.event_id, Status.DUPLICATE, reason="already captured"
                        )
                    )
                continue
            if refusal is not None and (why := refusal(item)) is not None:
                results.append(EventResult(index, item.event_id, Status.REJECTED, *why))
                continue
            seen.add(occurrence)
            stored.add(digest)
            result.stored.append(digest)
            accepted.append(item)
            results.append(EventResult(index, item.event_id, Status.ACCEPTED))
        return accepted

    def undo(self, chunk: list[Event | Rejected], marks: tuple[int, int, int]) -> None:
        """Forget what `decide` made of `chunk`, decided when the lists stood at `marks`."""
        result = self.result
        results = result.report.outcome.results
        for item, decided in zip(chunk, results[marks[0] :], strict=True):
            if isinstance(item, Event) and decided.reason != REPEATED:
                self.seen.discard(event_digest(item.event_id) << 1 | _declares_error(item))
        self.stored.difference_update(result.stored[marks[1] :])
        del results[marks[0] :], result.stored[marks[1] :], result.declarations[marks[2] :]


def parse_file(task: FileTask, on_chunk: Callable[[int, bool], None] | None = None) -> FileResult:
    """Parse and validate one file and write its events' part files (see the module doc);
    `on_chunk(n, cycles)` is called after each chunk of n events, once its objects are
    released, `cycles` saying whether the chunk may have left reference cycles (it was
    streamed, or rejected an event: see `after_chunk`)."""
    try:
        return _parse_file(task, on_chunk)
    except InitialLoadError as exc:
        raise InitialLoadError(f"{task.path}: {exc}") from None


def _read_whole(path: Path) -> tuple[Any, ParsedDocument, Iterator[tuple[int, Any]]] | None:
    """A small JSON file's header and events at once (`jsonld.read_whole_json`: the same as
    reading them in two passes, in less time), or None to read it that way. A worker has
    nothing to commit before the file ends, so it need not stream a file that fits in memory."""
    with path.open("rb") as file:
        data = file.read(WHOLE_DOCUMENT_BYTES + 1)
    return read_whole_json(data) if len(data) <= WHOLE_DOCUMENT_BYTES else None


def _parse_file(task: FileTask, on_chunk: Callable[[int, bool], None] | None) -> FileResult:
    report = FileReport(task.path)
    result = FileResult(task.index, report)
    try:
        report.size = task.path.stat().st_size
        fmt = detect_format(task.path, task.fmt)
        whole = _read_whole(task.path) if fmt is Format.JSON else None
        context, master = whole[:2] if whole else read_header(task.path, fmt)
        result.farms = check_master_data(master, task.org)  # as online, before any write
    except (OSError, InvalidDocument) as exc:
        report.error = str(exc)
        return result
    report.ignored_master_data = master.ignored_master_data
    org, record_time = task.org, task.record_time
    sink = CsvSink(task.folder, f"{task.index:06d}", number=task.index)
    # the master data, as the online path writes it with a file's first batch
    result.tables.add_rows(build_rows([], master, org, None, record_time))
    met = _Met(result, task.existing)
    shipping: list[dict[str, Any]] = []
    outcome = report.outcome
    oversize = OversizeCheck()

    def refusal(event: Event) -> Refusal | None:
        return oversize.refusal(build_rows([event], None, org, None, record_time))

    position = 0
    items = (
        (normalise_event(index, event, context, owned=True) for index, event in whole[2])
        if whole
        else iter_events(task.path, fmt, context, report)
    )
    while chunk := list(islice(items, CHUNK)):
        rejected = len(outcome.results)  # after `fold`: the file's rejected events so far
        marks = met.marks()
        accepted = met.decide(chunk, position)
        rows = build_rows(accepted, None, org, None, record_time)
        if oversize.refusal(rows) is not None:
            # a value Neo4j could not index: the chunk decided again, each event checked
            # before it counts as stored (rare), so that it is refused as the online path's
            # write refuses it, and a later copy of it is not its duplicate
            met.undo(chunk, marks)
            accepted = met.decide(chunk, position, refusal)
            rows = build_rows(accepted, None, org, None, record_time)
        position += len(chunk)
        result.events += write_events(sink, rows)
        result.tables.add_rows(rows)
        result.listings.add_rows(rows, org)
        shipping.extend(shipping_rows(org, accepted, record_time))
        outcome.fold()
        if on_chunk is not None:
            done = len(chunk)
            del chunk, accepted, rows  # before `on_chunk`: see after_chunk
            on_chunk(done, whole is None or len(outcome.results) > rejected)
    result.groups = sink.close(durable=False)  # joined into durable files by the main process
    result.multiline = sink.multiline
    if shipping:
        result.enterprise = task.folder / f"shipping.{task.index:06d}.json"
        result.enterprise.write_bytes(orjson.dumps(shipping))
    if report.error is None and not report.total and not (master.facilities or master.products):
        report.error = (
            "no events and no master data found (expected an EPCISDocument with "
            "epcisBody.eventList, or EPCIS XML with an EventList)"
        )
    return result
