"""The trace cache: responses indexed by the product instances each one contains, so a capture
that touches any of them drops every cached trace it could change."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from cachetools import TTLCache

from trace_engine.trace.schemas import TraceParams

ENTRY_OVERHEAD = 512
INSTANCE_OVERHEAD = 96


def entry_bytes(entry: tuple[bytes, frozenset[str]]) -> int:
    """What a cached trace costs, approximately: its response and what indexes it."""
    response, instances = entry
    return ENTRY_OVERHEAD + len(response) + INSTANCE_OVERHEAD * len(instances)


class TraceCache:
    """TTL cache of trace responses, indexed by the product instances each trace contains,
    so a capture that touches any of them drops every cached trace it could change.

    Bounded by bytes (`max_bytes`: the responses and their index, `entry_bytes`) and by
    entries (`size`), whichever is reached first; the least recently used go first."""

    def __init__(self, ttl_s: float, size: int, max_bytes: int = 256 * 1024 * 1024) -> None:
        self._entries: TTLCache[tuple[Any, ...], tuple[bytes, frozenset[str]]] = TTLCache(
            maxsize=max_bytes, ttl=ttl_s, getsizeof=entry_bytes
        )
        self._max_entries = size
        self._by_instance: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
        self._lock = threading.Lock()
        self._generation = 0  # bumped by every invalidation
        # False turns the cache off (several processes, Redis down: nothing tells this one
        # about the others' captures)
        self.active: Callable[[], bool] = lambda: True

    @property
    def generation(self) -> int:
        """Read before computing a response and give it to `put`: a response read while an
        invalidation happened is not cached (it may predate the write)."""
        return self._generation

    @property
    def size_bytes(self) -> int:
        """What the cached entries cost now (`entry_bytes` summed)."""
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        """The cached response, if any."""
        if not self.active():
            return None
        with self._lock:
            entry = self._entries.get(key)
        return entry[0] if entry else None

    def put(
        self,
        key: tuple[Any, ...],
        response: bytes,
        instances: frozenset[str],
        generation: int | None = None,
    ) -> None:
        """Cache a response and remember which instances it depends on (a response larger
        than the whole byte budget is not cached, nor one read while an invalidation
        happened: since `generation`)."""
        if not self.active():
            return
        entry = (response, instances)
        if entry_bytes(entry) > self._entries.maxsize:
            return
        with self._lock:
            if generation is not None and generation != self._generation:
                return
            self._entries[key] = entry  # evicts the least recently used beyond max_bytes
            while len(self._entries) > self._max_entries:
                self._entries.popitem()
            for instance in instances:
                self._by_instance[instance].add(key)
            if len(self._by_instance) > 4 * self._max_entries:
                self._prune_index()

    def _prune_index(self) -> None:
        # keys of evicted or expired entries linger in the index until pruned here
        live = self._entries.keys()
        for instance in list(self._by_instance):
            keys = {k for k in self._by_instance[instance] if k in live}
            if keys:
                self._by_instance[instance] = keys
            else:
                del self._by_instance[instance]

    def invalidate(self, instances: Iterable[str]) -> int:
        """Drop every cached trace containing one of `instances`; return how many."""
        dropped = 0
        with self._lock:
            self._generation += 1
            for instance in instances:
                for key in self._by_instance.pop(instance, ()):
                    if self._entries.pop(key, None) is not None:
                        dropped += 1
        return dropped

    def clear(self) -> None:
        """Drop everything (e.g. after a sharing change)."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._by_instance.clear()


def cache_key(org: str, product_id: str, params: TraceParams) -> tuple[Any, ...]:
    """One cache entry per (org, productId as asked, parameters)."""
    return (org, product_id, params)
