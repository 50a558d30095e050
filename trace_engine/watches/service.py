"""Recall watches: create (the lot must be in a trace the org may see, the destination and
the expiry checked), list, get, delete. Delivery is `worker.WatchWorker`'s."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from neo4j import Driver

from trace_engine.errors import InvalidIdentifier, InvalidSubscription, NotFound
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.kit.timestamps import now_utc, utc_millis
from trace_engine.subscriptions.dest import check_dest
from trace_engine.trace.repository import fetch_lineage
from trace_engine.trace.service import instance_key
from trace_engine.watches import planner, repository
from trace_engine.watches.schemas import WatchCreate, WatchPublic


class WatchService:
    """Watches of one database; every call names the caller's org."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        allow_private: bool,
        visible_orgs: Callable[[str], frozenset[str]],
        on_create: Callable[[], object] | None = None,
    ) -> None:
        self._driver = driver
        self._database = database
        self._allow_private = allow_private
        self._visible_orgs = visible_orgs
        self._on_create = on_create

    def _read(self, work: Callable[..., Any], *args: Any) -> Any:
        with self._driver.session(database=self._database) as session:
            return read_tx(session, work, *args)

    def _write(self, work: Callable[..., Any], *args: Any) -> Any:
        with self._driver.session(database=self._database) as session:
            return write_tx(session, work, *args)

    async def create(self, org: str, body: WatchCreate) -> WatchPublic:
        """Check and store; NotFound when no event the org may see names the product."""
        now = now_utc()
        expires = utc_millis(body.expires_at) if body.expires_at is not None else None
        if expires is not None and expires <= now:
            raise InvalidSubscription("expiresAt", f"{expires} is not in the future")
        try:
            key = instance_key(body.product_id)
        except InvalidIdentifier as exc:
            raise InvalidSubscription("productId", str(exc)) from None
        await check_dest(body.dest, self._allow_private, must_resolve=False)
        orgs = await asyncio.to_thread(self._visible_orgs, org)
        lineage = await asyncio.to_thread(self._read, fetch_lineage, key)
        if lineage is None or not {e["owner"] for e in lineage["events"]} & orgs:
            # as for a trace: a product no visible event names is not there for this org
            raise NotFound("product", body.product_id)
        summary = planner.summarise(body.product_id, lineage, orgs, org)
        props: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "org": org,
            "productId": body.product_id,
            "productKey": lineage["root"],
            "dest": body.dest,
            "createdAt": now,
            "status": "active",
            "attempts": 0,
            "deliveries": 0,
            "nextAttemptAt": now,
            # events recorded from now on are new to the watcher
            "positionRecordTime": now,
            "positionEventID": "",
            "positionOwner": "",
        }
        if body.signature_token is not None:
            props["signatureToken"] = body.signature_token
        if expires is not None:
            props["expiresAt"] = expires
        node = await asyncio.to_thread(self._write, repository.create, lineage["root"], props)
        if node is None:  # the instance went between the read and the write
            raise NotFound("product", body.product_id)
        if self._on_create is not None:
            self._on_create()
        return planner.public(node, now, summary)

    def list_of(self, org: str) -> list[WatchPublic]:
        """The org's watches, oldest first."""
        now = now_utc()
        return [planner.public(n, now) for n in self._read(repository.list_of, org)]

    def get(self, org: str, watch_id: str) -> WatchPublic:
        """One of the org's watches."""
        node = self._read(repository.get, org, watch_id)
        if node is None:
            raise NotFound("watch", watch_id)
        return planner.public(node, now_utc())

    def delete(self, org: str, watch_id: str) -> None:
        """Delete one of the org's watches."""
        if not self._write(repository.delete, org, watch_id):
            raise NotFound("watch", watch_id)
