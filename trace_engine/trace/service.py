"""`TraceService`: checks a trace's parameters, answers from the cache when it can, else reads
the lineage through the repository and has it assembled for the caller."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from trace_engine.errors import InvalidIdentifier, InvalidInput
from trace_engine.identifiers import parse_identifier
from trace_engine.trace.assembly import build_trace
from trace_engine.trace.cache import TraceCache, cache_key
from trace_engine.trace.schemas import TraceParams, TraceResult
from trace_engine.visibility import narrow


def instance_key(product_id: str) -> str:
    """The canonical key of a product instance identifier; 400 for anything else."""
    ident = parse_identifier(product_id)
    if ident.kind in ("product", "location", "party"):
        raise InvalidIdentifier(
            product_id,
            f"a trace starts from a product instance (lot, serial or logistic unit), "
            f"not a {ident.kind}",
        )
    return ident.key


Lineage = Callable[[str], Awaitable[dict[str, Any] | None]]
"""Reads the unrestricted lineage of a canonical instance key (None if there is none)."""
Orgs = Callable[[], Awaitable[frozenset[str]]]
"""The orgs whose events the caller may see."""
InThread = Callable[..., Awaitable[Any]]
"""Runs a blocking call in a worker thread (`run_in_threadpool`, `asyncio.to_thread`)."""


class TraceService:
    """Traces with a cache that a capture touching the trace invalidates.

    The API builds it with the trace repository's read (`lineage(key)`) and the sharing read
    (`visible_orgs(org)`, remembered by the key service until sharing changes), both blocking,
    and calls `trace`: a cached trace is answered on the event loop; an uncached one is read,
    assembled and encoded in one hop to a worker thread (`in_thread`). `trace_with` takes
    the two reads as awaitables (the oracle test and the benchmarks drive it with their own
    session).
    """

    def __init__(
        self,
        cache: TraceCache,
        max_events: int,
        max_depth: int = 64,
        *,
        lineage: Callable[[str], dict[str, Any] | None] | None = None,
        visible_orgs: Callable[[str], frozenset[str]] | None = None,
        in_thread: InThread = asyncio.to_thread,
    ) -> None:
        self.cache = cache
        self.max_events = max_events
        self.max_depth = max_depth
        self._lineage = lineage
        self._visible_orgs = visible_orgs
        self._in_thread = in_thread

    async def trace(
        self, product_id: str, org: str, params: TraceParams, bypass_cache: bool = False
    ) -> TraceResult:
        """The trace of `product_id` as `org` may see it, read through the repository."""
        if self._lineage is None or self._visible_orgs is None:
            raise RuntimeError("TraceService was built without its reads")
        key, cached = self._lookup(product_id, org, params, bypass_cache)
        if cached is not None:
            return cached
        generation = self.cache.generation
        result: TraceResult = await self._in_thread(
            self._read_and_build, product_id, key, org, params, generation
        )
        return result

    def _read_and_build(
        self, product_id: str, key: str, org: str, params: TraceParams, generation: int
    ) -> TraceResult:
        assert self._lineage is not None and self._visible_orgs is not None
        lineage = self._lineage(key)
        visible = self._visible_orgs(org)
        return self._build(product_id, key, org, params, lineage, visible, generation)

    async def trace_with(
        self,
        fetch: Lineage,
        visible_orgs: Orgs,
        product_id: str,
        org: str,
        params: TraceParams,
        bypass_cache: bool = False,
    ) -> TraceResult:
        """The trace of `product_id` as `org` may see it (its statements and those of the orgs
        sharing with it, narrowed by `params.orgs`; `visible_orgs` is only asked on a cache
        miss)."""
        key, cached = self._lookup(product_id, org, params, bypass_cache)
        if cached is not None:
            return cached
        generation = self.cache.generation
        lineage = await fetch(key)
        visible = await visible_orgs()
        return self._build(product_id, key, org, params, lineage, visible, generation)

    def _lookup(
        self, product_id: str, org: str, params: TraceParams, bypass_cache: bool
    ) -> tuple[str, TraceResult | None]:
        """The canonical key of the start (400 and 422 before any read) and the cached
        response, if there is one and it may be used."""
        if params.depth is not None and params.depth > self.max_depth:
            raise InvalidInput(
                "depth", f"at most {self.max_depth} lineage hops each way (TRACE_TRACE_MAX_DEPTH)"
            )
        key = instance_key(product_id)
        cached = None if bypass_cache else self.cache.get(cache_key(org, product_id, params))
        return key, TraceResult(cached, cached=True) if cached is not None else None

    def _build(
        self,
        product_id: str,
        key: str,
        org: str,
        params: TraceParams,
        lineage: dict[str, Any] | None,
        visible: frozenset[str],
        generation: int,
    ) -> TraceResult:
        """Assemble and encode the response, and cache it (unless an invalidation happened
        since `generation`: it may predate a write)."""
        orgs = narrow(visible, params.orgs)
        body, depends = build_trace(
            product_id, key, lineage, orgs, params, self.max_events, caller=org
        )
        encoded = orjson.dumps(body)
        entry = cache_key(org, product_id, params)
        self.cache.put(entry, encoded, depends, generation)
        return TraceResult(encoded, cached=False)
