"""TRACE_TRACE_MAX_DEPTH bounds the depth a trace may ask for (the route used to hard-code 64)."""

from __future__ import annotations

from typing import Any

import pytest

from trace_engine.errors import InvalidInput, NotFound
from trace_engine.trace.cache import TraceCache
from trace_engine.trace.schemas import TraceParams
from trace_engine.trace.service import TraceService

LOT = "urn:epc:class:lgtin:4012345.012345.L1"


async def test_a_depth_above_the_setting_is_refused_before_any_read() -> None:
    reads: list[str] = []

    async def fetch(key: str) -> dict[str, Any] | None:
        reads.append(key)
        return None

    async def visible() -> frozenset[str]:
        return frozenset({"o"})

    service = TraceService(TraceCache(60, 10), max_events=100, max_depth=2)
    with pytest.raises(InvalidInput, match="depth: at most 2 lineage hops") as info:
        await service.trace_with(fetch, visible, LOT, "o", TraceParams(depth=3))
    assert info.value.field == "depth" and reads == []
    with pytest.raises(NotFound):  # depth 2 is read (and this lot is not in the graph)
        await service.trace_with(fetch, visible, LOT, "o", TraceParams(depth=2))
    assert reads == ["01/04012345123456/10/L1"]
