"""Read-ahead: produce the items of an iterator in a worker thread while the consumer works.

Bulk loading parses, validates and builds the rows of the next batch (CPU-bound Python) while
the current one is written (the consumer waits on Neo4j and releases the GIL meanwhile), so the
two overlap. A bounded queue keeps memory flat; an exception in the worker is raised in the
consumer, and a consumer that stops early lets the worker end.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class _Failed:
    """The exception the worker ended with, handed to the consumer."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class _Done:
    """The worker's last message: the iterator is exhausted."""


class _Handoff(Generic[T]):
    def __init__(self, depth: int) -> None:
        self.items: queue.Queue[T | _Failed | _Done] = queue.Queue(max(1, depth))
        self.stop = threading.Event()

    def put(self, item: T | _Failed | _Done) -> bool:
        """Hand `item` over; False if the consumer has gone away."""
        while not self.stop.is_set():
            try:
                self.items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False


def read_ahead(items: Iterator[T], depth: int = 2, name: str = "read-ahead") -> Iterator[T]:
    """`items`, produced by a worker thread at most `depth` items ahead of the consumer."""
    handoff: _Handoff[T] = _Handoff(depth)

    def produce() -> None:
        try:
            for item in items:
                if not handoff.put(item):
                    return
            handoff.put(_Done())
        except BaseException as exc:  # handed over and raised in the consumer
            handoff.put(_Failed(exc))

    worker = threading.Thread(target=produce, name=name, daemon=True)
    worker.start()
    try:
        while True:
            got = handoff.items.get()
            if isinstance(got, _Done):
                return
            if isinstance(got, _Failed):
                raise got.exc
            yield got
    finally:
        handoff.stop.set()  # the consumer stopped early (a write failed): let the worker end
        worker.join()
