"""Causal consistency for one API process: its reads wait for the writes they must see.

On a Neo4j cluster a read transaction may land on a member that has not applied the latest
writes yet. A bookmark names a committed transaction; a transaction begun with it waits
until its member has applied that one. `ProcessBookmarks` holds the driver's
`BookmarkManager` that every session of the process's drivers uses (`make_driver`), so:

- every read follows every write this process has committed (a capture job's result read,
  a trace right after a capture, a record read after its write);
- with `TRACE_REDIS_URL`, also the writes other processes announced (`SharedState` hands
  them to `add`): a trace served by B after a capture through A waits for A's batches.

On a single server every bookmark is already satisfied; nothing waits.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

from neo4j import Bookmarks, GraphDatabase
from neo4j.api import BookmarkManager

KEPT = 32
"""How many bookmarks of other processes' writes a process keeps (the newest)."""


class ProcessBookmarks:
    """This process's own latest bookmarks and the newest ones other processes announced."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._own: frozenset[str] = frozenset()
        self._others: deque[str] = deque(maxlen=KEPT)
        self.manager: BookmarkManager = GraphDatabase.bookmark_manager(
            bookmarks_supplier=self._supply, bookmarks_consumer=self._consume
        )

    def own(self) -> list[str]:
        """The bookmarks of this process's latest writes (what it announces)."""
        return sorted(self._own)

    def add(self, values: Iterable[str]) -> None:
        """Writes of other processes that this process's next transactions must follow."""
        with self._lock:
            for value in values:
                if value not in self._others:
                    self._others.append(value)

    def others(self) -> list[str]:
        with self._lock:
            return list(self._others)

    def _supply(self) -> Bookmarks:
        return Bookmarks.from_raw_values(self.others())

    def _consume(self, bookmarks: Bookmarks) -> None:
        self._own = frozenset(bookmarks.raw_values)
