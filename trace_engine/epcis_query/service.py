"""The EPCIS query service: run a parsed query for an org's visible orgs from a position.

`run_page` is the one entry point for anything that pages through a query (the HTTP query
interface, subscriptions): it needs no HTTP and no token. `page_from_token` / `token_for`
wrap it with the signed keyset tokens the REST bindings' `nextPageToken` carries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import orjson
from neo4j import Session

from trace_engine.epcis.normalise import expand_cbv
from trace_engine.epcis_query import repository, tokens
from trace_engine.epcis_query.planner import has_residual, plan
from trace_engine.epcis_query.residual import matches
from trace_engine.epcis_query.schemas import EventQuery, Page, Position, StoredEvent
from trace_engine.errors import InvalidIdentifier, NotFound, QueryParameterError, QueryTooLarge
from trace_engine.graph.access import read_tx
from trace_engine.identifiers import DIGITAL_LINK_BASE, parse_identifier, to_digital_link

# events a request may examine for filters checked in Python before it answers with a
# (possibly short) page and a token to go on from there
SCAN_CAP = 5_000


class Resource(StrEnum):
    """The top-level resources (allow-list): URL name → repository name."""

    EVENT_TYPES = "eventTypes"
    EPCS = "epcs"
    BIZ_STEPS = "bizSteps"
    BIZ_LOCATIONS = "bizLocations"
    READ_POINTS = "readPoints"
    DISPOSITIONS = "dispositions"

    @property
    def repository_name(self) -> str:
        """The fragment name of the resource in `cypher/epcis_query/`."""
        return {
            "eventTypes": "event_types",
            "epcs": "epcs",
            "bizSteps": "biz_steps",
            "bizLocations": "biz_locations",
            "readPoints": "read_points",
            "dispositions": "dispositions",
        }[self.value]


# a resource's member → the query parameter restricting /{resource}/{id}/events to it
RESOURCE_PARAMETER = {
    Resource.EVENT_TYPES: "eventType",
    Resource.EPCS: "MATCH_anyEPC",
    Resource.BIZ_STEPS: "EQ_bizStep",
    Resource.BIZ_LOCATIONS: "EQ_bizLocation",
    Resource.READ_POINTS: "EQ_readPoint",
    Resource.DISPOSITIONS: "EQ_disposition",
}


@dataclass(frozen=True, slots=True)
class PagingSecret:
    """The HMAC key and lifetime of page tokens."""

    key: bytes
    ttl_s: int


# how far WD_ follows the master-data hierarchy, and how many places it may gather
_HIERARCHY_DEPTH = 16
_HIERARCHY_PLACES = 10_000


def with_descendants(session: Session, roots: tuple[str, ...], orgs: list[str]) -> tuple[str, ...]:
    """The places and every descendant the master data of `orgs` gives them (children's
    children, …; master data is per org, docs/architecture.md "Ownership")."""
    found = dict.fromkeys(roots)
    frontier = list(roots)
    for _ in range(_HIERARCHY_DEPTH):
        if not frontier or len(found) >= _HIERARCHY_PLACES:
            break
        children = read_tx(session, repository.place_children, frontier, orgs)
        frontier = []
        for names in children.values():
            for name in names:
                try:
                    key = parse_identifier(name).key
                except InvalidIdentifier:
                    continue
                if key not in found:
                    found[key] = None
                    frontier.append(key)
    return tuple(found)


def _expanded(session: Session, q: EventQuery, orgs: list[str]) -> EventQuery:
    if not (q.wd_read_points or q.wd_biz_locations):
        return q
    return replace(
        q,
        wd_read_points=with_descendants(session, q.wd_read_points, orgs),
        wd_biz_locations=with_descendants(session, q.wd_biz_locations, orgs),
    )


def _position(event: StoredEvent, q: EventQuery) -> Position:
    return Position(event.sort_value(q.order_by), event.event_id, event.owner)


def _passes(q: EventQuery, event: StoredEvent) -> bool:
    document: dict[str, Any] = orjson.loads(event.raw)
    namespaces = orjson.loads(event.namespaces) if event.namespaces else {}
    return matches(q, document, namespaces)


def run_page(
    session: Session,
    q: EventQuery,
    orgs: list[str],
    after: Position | None,
    per_page: int,
    returned_before: int = 0,
) -> Page:
    """The next page of `q` over the events of `orgs` after `after` (None: from the start).

    `next_position` is None on the last page. Filters the graph cannot apply are checked
    here; at most SCAN_CAP events are examined for them per call, after which the page may
    be short and `next_position` says where to go on.
    """
    want = per_page
    if q.event_count_limit is not None:
        want = min(want, q.event_count_limit - returned_before)
    if want <= 0:
        return Page([], None, returned_before)
    q = _expanded(session, q, orgs)
    residual = has_residual(q)
    collected: list[StoredEvent] = []
    position = after
    scanned = 0
    while True:
        batch = max(2 * (want + 1), 200) if residual else want + 1 - len(collected)
        rows = read_tx(session, repository.candidate_events, plan(q, orgs, position, batch))
        for row in rows:
            scanned += 1
            if residual and not _passes(q, row):
                continue
            collected.append(row)
            if len(collected) > want:
                page = collected[:want]
                if q.event_count_limit is not None and (
                    returned_before + len(page) >= q.event_count_limit
                ):
                    return Page(page, None, returned_before)
                return Page(page, _position(page[-1], q), returned_before)
        if len(rows) < batch:
            return Page(collected, None, returned_before)
        position = _position(rows[-1], q)
        if scanned >= SCAN_CAP:
            return Page(collected, position, returned_before)


def count_up_to(session: Session, q: EventQuery, orgs: list[str], ceiling: int) -> int:
    """How many events `q` matches, counting no further than `ceiling`."""
    total, after = 0, None
    while total < ceiling:
        page = run_page(session, q, orgs, after, min(1000, ceiling - total))
        total += len(page.events)
        if page.next_position is None:
            break
        after = page.next_position
    return total


def query_page(
    session: Session,
    secret: PagingSecret,
    org: str,
    orgs: list[str],
    q: EventQuery,
    token: str | None,
    per_page: int,
) -> tuple[Page, str | None, int | None]:
    """A page of `q` for `org` (seeing `orgs`) from its `nextPageToken`, and the next token
    with its expiry (Unix seconds), or None on the last page."""
    digest = q.digest()
    after, before = None, 0
    if token is not None:
        state = tokens.read(secret.key, token, org, digest)
        after, before = state.position, state.returned
    elif q.max_event_count is not None:
        found = count_up_to(session, q, orgs, q.max_event_count + 1)
        if found > q.max_event_count:
            raise QueryTooLarge(
                f"the query matches more than maxEventCount ({q.max_event_count}) events"
            )
    page = run_page(session, q, orgs, after, per_page, before)
    if page.next_position is None:
        return page, None, None
    next_token, expires = tokens.issue(
        secret.key, org, digest, page.next_position, before + len(page.events), secret.ttl_s
    )
    return page, next_token, expires


def event_by_id(session: Session, orgs: list[str], event_id: str) -> list[StoredEvent]:
    """The visible events with this eventID (its error declaration is part of it); 404 if none."""
    page = run_page(session, EventQuery(event_ids=(event_id,)), orgs, None, 100)
    if not page.events:
        raise NotFound("event", event_id)
    return page.events


def resource_member(resource: Resource, value: str) -> str:
    """A stored resource value as clients name it: identifiers as Digital Link URIs (GS1
    keys), CBV values as stored."""
    if resource in (Resource.EPCS, Resource.BIZ_LOCATIONS, Resource.READ_POINTS):
        head = value.split("/", 1)[0]
        if head.isdigit():
            link = to_digital_link(parse_identifier(f"{DIGITAL_LINK_BASE}/{value}"))
            return link or value
    return value


def resource_key(resource: Resource, value: str) -> str:
    """A resource member as the client named it → the stored value, else 400."""
    if resource in (Resource.EPCS, Resource.BIZ_LOCATIONS, Resource.READ_POINTS):
        try:
            return parse_identifier(value).key
        except InvalidIdentifier as exc:
            raise QueryParameterError(resource.value, f"{value!r}: {exc.reason}") from None
    if resource is Resource.BIZ_STEPS:
        return expand_cbv(value, "bizstep")
    if resource is Resource.DISPOSITIONS:
        return expand_cbv(value, "disp")
    return value


def resource_page(
    session: Session,
    secret: PagingSecret,
    org: str,
    orgs: list[str],
    resource: Resource,
    token: str | None,
    per_page: int,
) -> tuple[list[str], str | None, int | None]:
    """A page of a top-level resource's members (as stored), and the next token."""
    digest = "resource:" + resource.value
    after = tokens.read(secret.key, token, org, digest).position.value if token else None
    values = read_tx(
        session, repository.resource_values, resource.repository_name, orgs, after, per_page + 1
    )
    if len(values) <= per_page:
        return values, None, None
    values = values[:per_page]
    next_token, expires = tokens.issue(
        secret.key, org, digest, Position(values[-1], "", ""), 0, secret.ttl_s
    )
    return values, next_token, expires


def resource_exists(session: Session, orgs: list[str], resource: Resource, value: str) -> None:
    """Nothing if one of `orgs`' events uses the member; NotFound otherwise."""
    key = resource_key(resource, value)
    found = read_tx(session, repository.resource_exists, resource.repository_name, orgs, key)
    if not found:
        raise NotFound(resource.value[:-1], value)
