"""Ingest: parsed EPCIS events → batched graph writes, with an exact account per event.

An event's identity is its owner org and its eventID (the parser gives an event without one
its CBV 2.0 hash as eventID), so an org capturing the same event again stores nothing and
gets it reported as a duplicate, while another org's event with the same id is another event.
Each batch is one managed transaction that first asks which events exist, then writes only
the new ones: re-running a batch, or a whole file after a crash, never stores anything twice.

- `outcome`: `ErrorBehaviour`, `Status`, `EventResult`, `CaptureOutcome`.
- `rows`: `build_rows`, parsed events → the rows of one write (pure).
- `writer`: `Ingestor`, `prepare`: batches, the managed write transaction, the node memory.
- the repository is `trace_engine/graph/events.py` (`cypher/ingest_*.cypher`).

The names below are re-exported because capture, the bulk loader, the CLI and the tests of
several domains import them from here.
"""

from trace_engine.ingest.outcome import CaptureOutcome, ErrorBehaviour, EventResult, Status
from trace_engine.ingest.rows import build_rows
from trace_engine.ingest.writer import Ingestor, prepare, touched_instances

__all__ = [
    "CaptureOutcome",
    "ErrorBehaviour",
    "EventResult",
    "Ingestor",
    "Status",
    "build_rows",
    "prepare",
    "touched_instances",
]
