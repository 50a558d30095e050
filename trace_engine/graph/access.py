"""Read and write transactions: the one way the repositories' transaction functions run.

`read_tx(session, work, ...)` runs `work` in a managed read transaction, which a Neo4j cluster
(`neo4j://`) may route to any member; `write_tx` runs it in a managed write transaction, sent
to the leader. Both retry on transient errors (the driver's managed transactions).

The guard: inside `read_tx`, asking the catalog for a statement that writes raises
`MisroutedQuery` before anything reaches the server. tests/unit/test_access_modes.py checks
statically that every transaction goes through these two and runs statements of its kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from neo4j import ManagedTransaction, Session

from trace_engine.graph.catalog import read_transaction

P = ParamSpec("P")
R = TypeVar("R")


def read_tx(
    session: Session,
    work: Callable[Concatenate[ManagedTransaction, P], R],
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """`work(tx, *args, **kwargs)` in a read transaction; its statements must only read."""

    def guarded(tx: ManagedTransaction, *a: P.args, **kw: P.kwargs) -> R:
        with read_transaction():
            return work(tx, *a, **kw)

    return session.execute_read(guarded, *args, **kwargs)


def write_tx(
    session: Session,
    work: Callable[Concatenate[ManagedTransaction, P], R],
    *args: P.args,
    **kwargs: P.kwargs,
) -> R:
    """`work(tx, *args, **kwargs)` in a write transaction."""
    return session.execute_write(work, *args, **kwargs)
