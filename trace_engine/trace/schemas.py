"""What a trace takes (`TraceParams`) and what it gives (`TraceResult`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import orjson

Direction = Literal["upstream", "downstream", "both"]


@dataclass(frozen=True, slots=True)
class TraceParams:
    """What a caller may ask beyond the product: the Food Trust defaults are the defaults."""

    direction: Direction = "both"
    depth: int | None = None
    since: str | None = None  # UTC, YYYY-MM-DDTHH:MM:SS.mmmZ
    until: str | None = None
    all_events: bool = False
    # `orgs=`: only these of the visible orgs (None: all); part of the cache key
    orgs: frozenset[str] | None = None


@dataclass
class TraceResult:
    """A trace response (JSON bytes, serialised once) and whether it came from the cache."""

    body: bytes
    cached: bool

    def json(self) -> dict[str, Any]:
        """The response as a dict."""
        data: dict[str, Any] = orjson.loads(self.body)
        return data
