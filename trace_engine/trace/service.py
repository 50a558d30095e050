"""`TraceService`: checks a trace's parameters, answers from the cache when it can, else reads
the lineage through the repository and has it assembled for the caller."""

from __future__ import annotations

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


class TraceService:
    """Traces with a cache that a capture touching the trace invalidates.

    The API builds it with the trace repository (`lineage(key, org)`) and the sharing read
    (`visible_orgs(org)`), and calls `trace`; `trace_with` takes both reads as arguments (the
    benchmarks and the oracle test drive it with their own session).
    """

    def __init__(
        self,
        cache: TraceCache,
        max_events: int,
        max_depth: int = 64,
        *,
        lineage: Callable[[str, str], Awaitable[dict[str, Any] | None]] | None = None,
        visible_orgs: Callable[[str], Awaitable[frozenset[str]]] | None = None,
    ) -> None:
        self.cache = cache
        self.max_events = max_events
        self.max_depth = max_depth
        self._lineage = lineage
        self._visible_orgs = visible_orgs

    async def trace(
        self, product_id: str, org: str, params: TraceParams, bypass_cache: bool = False
    ) -> TraceResult:
        """The trace of `product_id` as `org` may see it, read through the repository."""
        if self._lineage is None or self._visible_orgs is None:
            raise RuntimeError("TraceService was built without its reads")
        lineage, visible_orgs = self._lineage, self._visible_orgs

        async def fetch(key: str) -> dict[str, Any] | None:
            return await lineage(key, org)

        async def visible() -> frozenset[str]:
            return await visible_orgs(org)

        return await self.trace_with(fetch, visible, product_id, org, params, bypass_cache)

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
        if params.depth is not None and params.depth > self.max_depth:
            raise InvalidInput(
                "depth", f"at most {self.max_depth} lineage hops each way (TRACE_TRACE_MAX_DEPTH)"
            )
        key = instance_key(product_id)
        entry = cache_key(org, product_id, params)
        if not bypass_cache:
            cached = self.cache.get(entry)
            if cached is not None:
                return TraceResult(cached, cached=True)
        generation = self.cache.generation
        lineage = await fetch(key)
        orgs = narrow(await visible_orgs(), params.orgs)
        body, depends = build_trace(
            product_id, key, lineage, orgs, params, self.max_events, caller=org
        )
        encoded = orjson.dumps(body)
        self.cache.put(entry, encoded, depends, generation)
        return TraceResult(encoded, cached=False)
