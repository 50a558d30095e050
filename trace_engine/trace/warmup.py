"""The trace query planned before the first investigator asks for a trace.

A server that has just started (after a restart, or after `load --initial`) has no plan for
cypher/trace.cypher and has compiled little of its planner: the first trace took 1.8-1.9 s on
a 1M-event graph, the next ones 0.05-0.1 s, and the same first trace after one of a lot that
does not exist 0.1 s (bench/RESULTS.md). So the API plans it at start-up with a lot that
cannot exist: `trace-engine serve` starts that in a thread before it imports the app (the
server plans on one core while the app's imports take the other) and the app's start-up waits
for it (`ready`), running it itself when nothing started it in this process (a worker of
`serve --workers N`, the tests' apps).
"""

from __future__ import annotations

import logging
import threading

from neo4j import Driver
from neo4j.exceptions import DriverError, Neo4jError

from trace_engine.config import Settings
from trace_engine.graph.access import read_tx
from trace_engine.graph.driver import make_driver
from trace_engine.trace.repository import fetch_lineage

log = logging.getLogger("trace_engine.trace")

# no ProductInstance or Alias has an empty id (identifiers.py refuses an empty identifier)
NO_LOT = "trace-engine:warm-up:no-such-product"

_started: threading.Thread | None = None


def warm(driver: Driver, database: str) -> bool:
    """Trace a lot that cannot exist, so that the server plans the trace query; False (and
    logged) if the server did not answer."""
    try:
        with driver.session(database=database) as session:
            read_tx(session, fetch_lineage, NO_LOT)
    except (DriverError, Neo4jError, OSError) as exc:
        log.info("trace query not planned at start-up: %s", exc)
        return False
    return True


def _warm_own(settings: Settings) -> None:
    with make_driver(settings) as driver:
        warm(driver, settings.neo4j_database)


def start(settings: Settings) -> None:
    """`warm` on a driver of its own, in a daemon thread of this process (`ready` waits)."""
    global _started
    _started = threading.Thread(
        target=_warm_own, args=(settings,), name="trace-warm-up", daemon=True
    )
    _started.start()


def ready(driver: Driver, database: str, timeout: float = 60.0) -> None:
    """Wait for the warm-up `start` began in this process, or warm up now on `driver` if none
    was begun."""
    global _started
    thread, _started = _started, None
    if thread is None:
        warm(driver, database)
    else:
        thread.join(timeout)
