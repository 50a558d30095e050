"""Who may see whose statements: the one rule every read of shared things follows.

An org sees its own statements (events, master data, payloads, lot data) and those of the
orgs that share with it and whose share it accepted (`KeyService.visible_orgs` reads them).
A caller may narrow that set (`orgs=` on a trace); it can never widen it. When two visible
orgs say different things about one thing, `precedence` orders them: the caller first, then
the orgs the reader names (for a facility or a lot: the owners of the events that refer to
it, in event order), then the other visible orgs by name. docs/architecture.md
("Ownership") has the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from trace_engine.errors import InvalidInput


def parse_orgs(value: str | None) -> frozenset[str] | None:
    """The orgs of an `orgs=` parameter (comma-separated), or None when it is absent."""
    if value is None:
        return None
    names = frozenset(part.strip() for part in value.split(",") if part.strip())
    if not names:
        raise InvalidInput("orgs", "names no organisation (give a comma-separated list of org ids)")
    return names


def narrow(visible: frozenset[str], requested: frozenset[str] | None) -> frozenset[str]:
    """The visible orgs limited to `requested` (None: all of them).

    An org the caller may not see is left out silently, never refused: a refusal would tell
    the caller which orgs exist or share with it beyond what `GET /api/v1/sharing` says.
    """
    return visible if requested is None else visible & requested


def precedence(org: str | None, visible: Iterable[str], then: Iterable[str] = ()) -> list[str]:
    """The visible orgs in the order their statements win: `org` itself (the caller; None
    when there is none), then `then` (in its order), then the rest by name."""
    seen = set(visible)
    order: list[str] = []
    first = () if org is None else (org,)
    for candidate in (*first, *then, *sorted(seen)):
        if candidate in seen and candidate not in order:
            order.append(candidate)
    return order


def merge_statements(
    statements: Iterable[dict[str, Any]], order: list[str], fields: Iterable[str]
) -> dict[str, Any]:
    """Each field from the first org in `order` that states it (statements of orgs not in
    `order` are ignored); `statements` carry their org in `org`."""
    by_org = {s["org"]: s for s in statements if s.get("org") in order}
    merged: dict[str, Any] = {}
    for name in fields:
        for candidate in order:
            value = by_org.get(candidate, {}).get(name)
            if value is not None:
                merged[name] = value
                break
    return merged
