"""The read-ahead worker: order, errors, bounded look-ahead, early stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from trace_engine.pipeline import read_ahead


def test_items_arrive_in_order() -> None:
    assert list(read_ahead(iter(range(1000)), depth=3)) == list(range(1000))


def test_an_error_in_the_worker_is_raised_in_the_consumer_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("bad line 3")

    got: list[int] = []
    with pytest.raises(ValueError, match="bad line 3"):
        for item in read_ahead(items()):
            got.append(item)
    assert got == [1, 2]


def test_the_worker_stays_at_most_depth_items_ahead() -> None:
    produced: list[int] = []
    consumed = threading.Event()

    def items() -> Iterator[int]:
        for n in range(100):
            produced.append(n)
            yield n

    stream = read_ahead(items(), depth=2)
    assert next(stream) == 0
    consumed.wait(0.3)  # give the worker time to run ahead as far as it may
    # the consumer holds 0; the queue holds two; the worker waits with the next in hand
    assert len(produced) <= 4
    stream.close()


def test_a_consumer_that_stops_early_lets_the_worker_end() -> None:
    before = threading.active_count()
    stream = read_ahead(iter(range(10_000)), depth=1, name="stops-early")
    assert next(stream) == 0
    stream.close()  # runs the generator's finally: the worker is told to stop and joined
    assert not any(t.name == "stops-early" for t in threading.enumerate())
    assert threading.active_count() == before
