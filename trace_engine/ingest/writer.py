# Long on purpose: one job (batches of events → one write transaction each), with the per-event
# fallback when Neo4j refuses an event, which needs the same batch state.
"""Ingest: parsed EPCIS events → batched graph writes, with an exact account per event.

An event's identity is its owner org and its eventID (the parser gives an event without one
its CBV 2.0 hash as eventID), so an org capturing the same event again stores nothing and
gets it reported as a duplicate, while another org's event with the same id is another event.
Each batch is one managed transaction that first asks which events exist, then writes only
the new ones: re-running a batch, or a whole file after a crash, never stores anything twice.

An event that passes validation can still fail in Neo4j (a value too large for an index, a
constraint). Such a failure is the event's, not the document's: under `proceed` (and in bulk
loading) the batch is split in halves until the failing events stand alone, the others are
stored and each failing one is rejected with Neo4j's reason; under `rollback` the halves are
tried in transactions that are rolled back, to name the failing events, and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from neo4j import Driver, ManagedTransaction, Session
from neo4j.exceptions import ConstraintError, Neo4jError

from trace_engine.enterprise.service import farm_statements, refresh_after_ingest
from trace_engine.epcis.model import (
    Event,
    ParsedDocument,
    Rejected,
)
from trace_engine.graph.access import write_tx
from trace_engine.graph.events import (
    GraphRows,
    apply_error_declarations,
    existing_event_ids,
    write_rows,
)
from trace_engine.ingest.outcome import CaptureOutcome, ErrorBehaviour, EventResult, Status
from trace_engine.ingest.rows import build_rows
from trace_engine.ingest.write_failure import fails_per_event, write_failure
from trace_engine.kit.timestamps import now_utc
from trace_engine.pipeline import read_ahead


@dataclass
class Batch:
    """Events ready to write: a result per item, and the rows of the valid ones.

    Built before the transaction opens (in bulk loading, by the read-ahead thread while the
    previous batch is written), so the transaction only checks for duplicates and writes.
    """

    results: list[EventResult]
    accepted: list[tuple[int, Event]]  # (position in `results`, event)
    master: ParsedDocument | None
    org: str
    capture_id: str | None
    record_time: str
    rows: GraphRows  # of every accepted event, `rows.events` in the order of `accepted`
    # (position in `results`, event) of the eventIDs repeated in the batch: stored in place of
    # the copy before them if Neo4j refuses that one (`_stand_ins`)
    repeats: list[tuple[int, Event]] = field(default_factory=list)

    @property
    def events(self) -> list[Event]:
        return [event for _, event in self.accepted]


def prepare(
    items: Iterable[Event | Rejected],
    org: str,
    capture_id: str | None = None,
    master: ParsedDocument | None = None,
    first_index: int = 0,
) -> Batch:
    """A result per item (the item at `first_index` is the document's first) and the rows of
    the valid events.

    An eventID repeated in the batch is a duplicate, unless the repeat declares an error
    in the first (EPCIS error declaration), which is kept and applied after it; or unless the
    first copy is rejected when it is written, which makes the repeat the one to store.
    """
    results: list[EventResult] = []
    accepted: list[tuple[int, Event]] = []
    repeats: list[tuple[int, Event]] = []
    seen: set[tuple[str, bool]] = set()
    for offset, item in enumerate(items):
        if isinstance(item, Rejected):
            results.append(
                EventResult(item.index, item.event_id, Status.REJECTED, item.field, item.reason)
            )
            continue
        index = first_index + offset
        identity = (item.event_id, _declares_error(item))
        if identity in seen:
            repeats.append((len(results), item))
            results.append(
                EventResult(
                    index, item.event_id, Status.DUPLICATE, reason="repeated in this document"
                )
            )
            continue
        seen.add(identity)
        accepted.append((len(results), item))
        results.append(EventResult(index, item.event_id, Status.ACCEPTED))
    record_time = now_utc()
    events = [event for _, event in accepted]
    rows = build_rows(events, master, org, capture_id, record_time)
    return Batch(results, accepted, master, org, capture_id, record_time, rows, repeats)


class MissingNodes(Exception):
    """The events statement found fewer target nodes than it was given: a node this process
    had written was deleted since (a wipe, an analyst in Browser)."""


class KnownNodes:
    """The nodes this process has seen committed, so a batch can leave out their rows.

    Most rows of a batch name nodes an earlier batch wrote: a facility named by every event at
    it, a lot named by every event after its commissioning. A row is left out when its node,
    every alias in it, and (for an instance) its product are known and it has nothing to set
    (no master data, no lot data). The events statement still MATCHes each target, and
    `_write_batch` checks it linked every one: if a known node has gone, the batch is rolled
    back, everything is forgotten and the batch is written again in full.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit  # past this many keys, start again from nothing (bounded memory)
        self._nodes: set[tuple[str, str]] = set()  # (table, canonical key)
        self._aliases: set[str] = set()

    def forget(self) -> None:
        self._nodes = set()
        self._aliases = set()

    def remember(self, rows: GraphRows) -> None:
        """Record the node rows of a committed batch."""
        if len(self._nodes) + len(self._aliases) > self.limit:
            self.forget()
        nodes, aliases = self._nodes, self._aliases
        for table, table_rows in _node_tables(rows):
            for row in table_rows:
                nodes.add((table, row["id"]))
                aliases.update(row["aliases"])

    def prune(self, rows: GraphRows) -> GraphRows:
        """`rows` without the node rows that would change nothing."""
        nodes, aliases = self._nodes, self._aliases

        def needed(table: str, row: dict[str, Any], data: str | None) -> bool:
            return (
                (table, row["id"]) not in nodes
                or bool(data and row[data])
                or not aliases.issuperset(row["aliases"])
            )

        instances = [r for r in rows.instances if needed("instances", r, "lotData")]
        # an instance written now links to its product: keep the product's row too
        linked = {r["productId"] for r in instances}
        return GraphRows(
            facilities=[r for r in rows.facilities if needed("facilities", r, "attributes")],
            parties=[r for r in rows.parties if needed("parties", r, None)],
            products=[
                r for r in rows.products if r["id"] in linked or needed("products", r, "attributes")
            ],
            instances=instances,
            events=rows.events,
            lineage=rows.lineage,
        )


def _node_tables(rows: GraphRows) -> tuple[tuple[str, list[dict[str, Any]]], ...]:
    return (
        ("facilities", rows.facilities),
        ("parties", rows.parties),
        ("products", rows.products),
        ("instances", rows.instances),
    )


class Ingestor:
    """Writes parsed events into Neo4j for one org, in batches of managed transactions."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        batch_size: int = 2000,
        on_write: Callable[[set[str]], object] | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.batch_size = batch_size
        # told the canonical keys of the product instances each committed batch touched
        # (the trace cache drops the traces that contain them)
        self.on_write = on_write
        self.known = KnownNodes()

    def capture(
        self,
        document: ParsedDocument,
        org: str,
        behaviour: ErrorBehaviour = ErrorBehaviour.ROLLBACK,
        capture_id: str | None = None,
    ) -> CaptureOutcome:
        """Store a whole document in one transaction (all or nothing unless `proceed`)."""
        batch = prepare(document.items, org, capture_id, document)
        outcome = CaptureOutcome()
        if any(r.status is Status.REJECTED for r in batch.results) and (
            behaviour is ErrorBehaviour.ROLLBACK
        ):
            for result in batch.results:
                if result.status is not Status.REJECTED:
                    result.status = Status.NOT_STORED
            outcome.results = batch.results
            return outcome
        self._write(batch, outcome, behaviour)
        return outcome

    def load(
        self,
        items: Iterable[Event | Rejected],
        master: ParsedDocument,
        org: str,
        progress: Callable[[CaptureOutcome], None] | None = None,
    ) -> CaptureOutcome:
        """Stream events into the graph, one transaction per batch (bulk loading, `proceed`).

        The next batch is parsed and prepared in a worker thread while the last one is written.
        """
        outcome = CaptureOutcome()
        for batch in read_ahead(self._prepared(items, master, org), depth=1, name="ingest-prepare"):
            self._write(batch, outcome)
            outcome.fold()
            if progress is not None:
                progress(outcome)
        return outcome

    def _prepared(
        self, items: Iterable[Event | Rejected], master: ParsedDocument, org: str
    ) -> Iterator[Batch]:
        """The stream cut into prepared batches; the first carries the master data."""
        first_index = 0
        pending: ParsedDocument | None = master
        for chunk in _batches(items, self.batch_size):
            yield prepare(chunk, org, None, pending, first_index)
            first_index += len(chunk)
            pending = None
        if pending is not None:  # master data and no events
            yield prepare([], org, None, pending)

    def _write(
        self,
        batch: Batch,
        outcome: CaptureOutcome,
        behaviour: ErrorBehaviour = ErrorBehaviour.PROCEED,
    ) -> None:
        """Write one prepared batch and add its results to `outcome`.

        If Neo4j refuses the batch for something one of its events holds, the failing events
        are found and rejected with the reason (module docstring); the others are stored
        under `proceed`, and reported not stored under `rollback`.
        """
        first = len(outcome.results)
        outcome.results.extend(batch.results)
        # farm statements in the document's master data, checked before anything is written
        farms = farm_statements(batch.master.facilities) if batch.master is not None else []
        with self.driver.session(database=self.database) as session:
            try:
                parts = [(batch, self._commit(session, batch))]
            except Neo4jError as exc:
                if not fails_per_event(exc) or not batch.accepted:
                    raise
                if behaviour is ErrorBehaviour.ROLLBACK:
                    self._name_failures(session, batch, exc, outcome.results[first:])
                    return
                parts = self._commit_apart(session, batch, exc, outcome.results[first:])
            stored = [event for part, _ in parts for event in part.events]
            if stored or farms:
                # farms, batches and shipments (trace_engine/enterprise/): in a transaction of
                # their own, on committed data (inside the events' transaction the lineage
                # walks were 50x slower). Duplicates too: re-sending events (or re-running the
                # bulk loader after a crash) re-derives what they touch.
                write_tx(session, refresh_after_ingest, batch.org, stored, farms, batch.record_time)
        for part, (duplicates, written) in parts:
            self.known.remember(written)
            for position in duplicates:
                result = outcome.results[first + part.accepted[position][0]]
                result.status = Status.DUPLICATE
                result.reason = "already captured"
        if self.on_write is not None and stored:
            self.on_write(touched_instances(stored))

    def _commit(self, session: Session, batch: Batch) -> tuple[set[int], GraphRows]:
        """Write a batch in one managed transaction; return `_write_batch`'s answer."""
        for attempt in range(3):
            try:
                return write_tx(session, _write_batch, batch, self.known)
            except ConstraintError:
                # another writer stored one of these events between our check and our
                # write; the retry sees it and reports it as a duplicate
                if attempt == 2:
                    raise
            except MissingNodes:
                # a node we had written is gone: write every row this time
                if attempt == 2:
                    raise
                self.known.forget()
        raise AssertionError("unreachable")

    def _commit_apart(
        self, session: Session, batch: Batch, failure: Neo4jError, results: list[EventResult]
    ) -> list[tuple[Batch, tuple[set[int], GraphRows]]]:
        """`proceed` after the batch failed: store its master data, then halves of its events
        until each failing event stands alone; reject those, and store the next copy of each
        in the batch in its place, if there is one (`_stand_ins`). Return the parts committed."""
        committed = []
        if batch.master is not None:  # not an event's failure if it fails alone: raise
            master = _part(batch, [], batch.master)
            committed.append((master, self._commit(session, master)))

        def store(subset: list[tuple[int, Event]]) -> Neo4jError | None:
            part = _part(batch, subset, None)
            try:
                committed.append((part, self._commit(session, part)))
            except Neo4jError as exc:
                if not fails_per_event(exc):
                    raise
                return exc
            return None

        pending: Subset = batch.accepted
        known: Neo4jError | None = failure  # how `pending` fails as a whole, if known
        repeats = batch.repeats
        while pending:
            refused = []
            for subset, exc in _bisect(pending, known, store):
                if exc is not None:
                    _reject(results[subset[0][0]], exc)
                    refused.append(subset[0][1])
            pending, repeats = _stand_ins(refused, repeats, results)
            known = None
        return committed

    def _name_failures(
        self, session: Session, batch: Batch, failure: Neo4jError, results: list[EventResult]
    ) -> None:
        """`rollback` after the batch failed: try halves in transactions that are rolled back
        until each failing event stands alone; reject those, report the others not stored.
        Raise the first failure if no event fails alone (the events fail only together)."""

        def probe(subset: list[tuple[int, Event]]) -> Neo4jError | None:
            try:
                write_tx(session, _rolled_back, _part(batch, subset, batch.master))
            except _RolledBack:
                return None
            except Neo4jError as exc:
                if not fails_per_event(exc):
                    raise
                return exc
            raise AssertionError("unreachable")

        if batch.master is not None and (exc := probe([])) is not None:
            raise exc  # the master data fails alone: not an event's failure
        failing = [(subset, exc) for subset, exc in _bisect(batch.accepted, failure, probe) if exc]
        if not failing:
            raise failure
        for result in results:
            if result.status is not Status.REJECTED:
                result.status = Status.NOT_STORED
        for subset, exc in failing:
            _reject(results[subset[0][0]], exc)


def touched_instances(events: Iterable[Event]) -> set[str]:
    """The canonical keys of every object the events mention."""
    keys: set[str] = set()
    for e in events:
        keys.update(i.key for i in (*e.epcs, *e.input_epcs, *e.output_epcs))
        keys.update(
            q.epc_class.key for q in (*e.quantities, *e.input_quantities, *e.output_quantities)
        )
        if e.parent is not None:
            keys.add(e.parent.key)
    return keys


def _declares_error(event: Event) -> bool:
    return "errorDeclaration" in event.raw


def _part(batch: Batch, subset: list[tuple[int, Event]], master: ParsedDocument | None) -> Batch:
    """The batch restricted to some of its events (positions kept), with or without the
    document's master data."""
    events = [event for _, event in subset]
    rows = build_rows(events, master, batch.org, batch.capture_id, batch.record_time)
    return Batch(
        batch.results, subset, master, batch.org, batch.capture_id, batch.record_time, rows
    )


Subset = list[tuple[int, Event]]


def _bisect(
    accepted: Subset, failure: Neo4jError | None, attempt: Callable[[Subset], Neo4jError | None]
) -> Iterator[tuple[Subset, Neo4jError | None]]:
    """Halve `accepted` (which failed with `failure`; None: not tried yet) until every part
    succeeds under `attempt` or is one event that fails; yield each part tried last with its
    failure (None if it succeeded). A batch with one failing event costs about 2·log2(n)
    attempts."""
    pending: list[tuple[Subset, Neo4jError | None]] = [(accepted, failure)]
    while pending:
        subset, exc = pending.pop()
        if exc is None:
            exc = attempt(subset)
        if exc is None or len(subset) == 1:
            yield subset, exc
            continue
        middle = len(subset) // 2
        # the first half is tried first, so events are written in document order
        pending.append((subset[middle:], None))
        pending.append((subset[:middle], None))


def _stand_ins(
    refused: list[Event], repeats: Subset, results: list[EventResult]
) -> tuple[Subset, Subset]:
    """The events to store in place of the `refused` ones: of the batch's `repeats`, the
    first copy of each (its result accepted again), as a later batch would store it; and the
    repeats left. A refused event was never stored, so a copy after it is not a duplicate."""
    wanted = {(event.event_id, _declares_error(event)) for event in refused}
    stand_ins: Subset = []
    left: Subset = []
    for position, event in repeats:
        identity = (event.event_id, _declares_error(event))
        if identity in wanted:
            wanted.discard(identity)
            stand_ins.append((position, event))
            result = results[position]
            result.status, result.reason = Status.ACCEPTED, None
        else:
            left.append((position, event))
    return stand_ins, left


def _reject(result: EventResult, exc: Neo4jError) -> None:
    result.status = Status.REJECTED
    result.field, result.reason = write_failure(exc)


class _RolledBack(Exception):
    """Raised at the end of a probe's transaction function, so that Neo4j rolls it back."""


def _rolled_back(tx: ManagedTransaction, batch: Batch) -> None:
    """Write the batch in full (nothing left out as known), then roll it back."""
    _write_batch(tx, batch, KnownNodes())
    raise _RolledBack


def _write_batch(
    tx: ManagedTransaction, batch: Batch, known: KnownNodes
) -> tuple[set[int], GraphRows]:
    """Write the new events of a batch; return the positions of those that were duplicates
    and the rows written (before the known nodes were left out)."""
    events = batch.events
    existing = existing_event_ids(tx, batch.org, [e.event_id for e in events]) if events else set()
    new: list[Event] = []
    new_ids: set[str] = set()
    declarations: list[tuple[int, Event]] = []
    duplicates: set[int] = set()
    for position, event in enumerate(events):
        if event.event_id not in existing and event.event_id not in new_ids:
            new.append(event)
            new_ids.add(event.event_id)  # a declaration of an unknown event is stored as it is
        elif _declares_error(event):
            declarations.append((position, event))
        else:
            duplicates.add(position)
    rows = batch.rows
    if len(new) < len(events):
        # a duplicate stores nothing, not even the nodes it names: rebuild without them
        rows = build_rows(new, batch.master, batch.org, batch.capture_id, batch.record_time)
    pruned = known.prune(rows)
    linked, expected = write_rows(tx, pruned), rows.event_relationships()
    if linked != expected:
        raise MissingNodes(f"{expected - linked} event targets not found")
    if declarations:
        applied = apply_error_declarations(
            tx,
            batch.org,
            [
                {
                    "eventID": event.event_id,
                    "errorDeclaration": orjson.dumps(event.raw["errorDeclaration"]).decode(),
                    "raw": orjson.dumps(event.raw).decode(),
                }
                for _, event in declarations
            ],
        )
        duplicates |= {p for p, event in declarations if event.event_id not in applied}
    return duplicates, rows


def _batches(items: Iterable[Event | Rejected], size: int) -> Iterator[list[Event | Rejected]]:
    batch: list[Event | Rejected] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
