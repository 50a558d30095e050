"""Subscriptions: create (destination checked, the query must be the org's), list, get,
delete. Delivery is `worker.DeliveryWorker`'s."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from neo4j import Driver, ManagedTransaction

from trace_engine.epcis_query.params import utc_time
from trace_engine.errors import InvalidSubscription, NotFound, QueryParameterError
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.kit.timestamps import now_utc, utc_millis
from trace_engine.named_queries import repository as named_repository
from trace_engine.subscriptions import repository
from trace_engine.subscriptions.delivery import document_body, post
from trace_engine.subscriptions.dest import check_dest
from trace_engine.subscriptions.schedule import Schedule
from trace_engine.subscriptions.schedule import parse as parse_schedule
from trace_engine.subscriptions.schemas import Position, SubscriptionCreate, SubscriptionPublic


def public(node: dict[str, Any]) -> SubscriptionPublic:
    """The stored node as its org sees it (no token)."""
    position = None
    if node.get("lastRecordTime"):
        position = Position(recordTime=node["lastRecordTime"], eventID=node["lastEventID"])
    return SubscriptionPublic(
        subscriptionID=node["id"],
        queryName=node["queryName"],
        dest=node["dest"],
        stream=bool(node.get("stream")),
        schedule=orjson.loads(node["schedule"]) if node.get("schedule") else None,
        signed=bool(node.get("signatureToken")),
        reportIfEmpty=bool(node.get("reportIfEmpty")),
        initialRecordTime=node.get("initialRecordTime"),
        createdAt=node["createdAt"],
        status=node.get("status", "active"),
        failingSince=node.get("failingSince"),
        lastError=node.get("lastError"),
        lastDelivered=position,
        lastNotifiedAt=node.get("lastNotifiedAt"),
    )


@dataclass(frozen=True, slots=True)
class DeliveryTrial:
    """What a test delivery found: the subscription, and (status or 0, reason) unless 2xx."""

    subscription: SubscriptionPublic
    error: tuple[int, str] | None


class SubscriptionService:
    """Subscriptions of one database; every call names the caller's org."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        allow_private: bool,
        on_create: Callable[[], object] | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self._timeout_s = timeout_s
        self._driver = driver
        self._database = database
        self._allow_private = allow_private
        self._on_create = on_create

    async def create(self, org: str, name: str, body: SubscriptionCreate) -> SubscriptionPublic:
        """Check and store; NotFound when the org has no query of that name."""
        schedule = _checked_mode(body)
        now = now_utc()
        initial = now  # the bindings' default: events recorded from the subscription on
        if body.initialRecordTime is not None:
            try:
                initial = utc_time("initialRecordTime", body.initialRecordTime)
            except QueryParameterError as exc:
                raise InvalidSubscription("initialRecordTime", exc.reason) from None
        props: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "org": org,
            "queryName": name,
            "dest": body.dest,
            "stream": schedule is None,
            "reportIfEmpty": body.reportIfEmpty,
            "initialRecordTime": initial,
            "createdAt": now,
            "status": "active",
            "attempts": 0,
            "nextAttemptAt": now,
        }
        if schedule is not None:
            props["schedule"] = orjson.dumps(schedule.fields).decode()
            first = schedule.next_after(datetime.now(UTC))
            assert first is not None  # parse refuses a schedule that never runs
            props["nextAttemptAt"] = utc_millis(first)
        if body.signatureToken is not None:
            props["signatureToken"] = body.signatureToken
        if await asyncio.to_thread(self._read, _query_exists, org, name):
            await check_dest(body.dest, self._allow_private, must_resolve=False)
        node = await asyncio.to_thread(self._write, repository.create, org, name, props)
        if node is None:
            raise NotFound("query", name)
        if self._on_create is not None:
            self._on_create()
        return public(node)

    def _read(self, work: Callable[..., Any], *args: Any) -> Any:
        with self._driver.session(database=self._database) as session:
            return read_tx(session, work, *args)

    def _write(self, work: Callable[..., Any], *args: Any) -> Any:
        with self._driver.session(database=self._database) as session:
            return write_tx(session, work, *args)

    def list_of(self, org: str, name: str) -> list[SubscriptionPublic]:
        """The org's subscriptions on its query (NotFound when it has no such query)."""
        if not self._read(_query_exists, org, name):
            raise NotFound("query", name)
        return [public(n) for n in self._read(repository.list_of, org, name)]

    def get(self, org: str, name: str, sub_id: str) -> SubscriptionPublic:
        """One of the org's subscriptions."""
        node = self._read(repository.get, org, name, sub_id)
        if node is None:
            raise NotFound("subscription", sub_id)
        return public(node)

    def all_of(self, org: str | None = None) -> list[tuple[str, SubscriptionPublic]]:
        """(org, subscription) of every subscription, or one org's (the operator's view: the
        CLI, no HTTP)."""
        return [(n["org"], public(n)) for n in self._read(repository.all_of, org)]

    async def send_test(self, sub_id: str, org: str | None = None) -> DeliveryTrial:
        """POST an empty EPCISQueryDocument to the subscription's destination, signed as its
        deliveries are; the position and the failure state are left as they are."""
        node = await asyncio.to_thread(self._read, repository.by_id, sub_id, org)
        if node is None:
            raise NotFound("subscription", sub_id)
        body = document_body([], node["queryName"], node["id"])
        async with httpx.AsyncClient(timeout=self._timeout_s) as http:
            error = await post(http, node, body, self._allow_private)
        return DeliveryTrial(public(node), error)

    def delete(self, org: str, name: str, sub_id: str) -> None:
        """Delete one of the org's subscriptions."""
        if not self._write(repository.delete, org, name, sub_id):
            raise NotFound("subscription", sub_id)


def _checked_mode(body: SubscriptionCreate) -> Schedule | None:
    """Exactly one of `stream: true` and `schedule`; the schedule parsed (400 naming a field)."""
    if body.schedule is not None:
        if body.stream is not None:
            raise InvalidSubscription("stream", "give either stream: true or a schedule, not both")
        return parse_schedule(body.schedule)
    if body.stream is not True:
        raise InvalidSubscription("stream", "must be true (or give a schedule)")
    if body.reportIfEmpty:
        raise InvalidSubscription(
            "reportIfEmpty", "applies to scheduled subscriptions (a stream reports events only)"
        )
    return None


def _query_exists(tx: ManagedTransaction, org: str, name: str) -> bool:
    return named_repository.get(tx, org, name) is not None
