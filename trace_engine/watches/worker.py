"""The recall-watch worker: the subscriptions' delivery worker (its loop, wake-up after each
committed capture, HTTP client without redirects, destination check at each POST, signing,
backoff with jitter, failing state) over `Watch` nodes.

A round lists the due watches; for each it first asks whether any event its org may see was
recorded after its position (one index seek), and only then claims it (a lease, so two API
processes never deliver one batch twice), reads the lot's lineage, takes the instances of
its trace as the org sees it now (so instances that joined through the new events count),
and pages through the events naming them in record-time order after the position, up to
the settle cutoff. Each page is POSTed with the trace summary; the position moves only after
a 2xx, and past events that touched nothing of the trace once they are examined.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from trace_engine.epcis_query.schemas import Position
from trace_engine.graph.capture_jobs import capture_floor
from trace_engine.kit.timestamps import utc_millis
from trace_engine.subscriptions.worker import DeliveryWorker, _uninterrupted
from trace_engine.trace.repository import fetch_lineage
from trace_engine.watches import planner, repository
from trace_engine.watches.schemas import TraceSummary

_DUE_PER_ROUND = 100
# pages delivered per watch per claim before others get a turn
_PAGES_PER_ROUND = 20


def _at(seconds_from_now: float = 0.0) -> str:
    return utc_millis(datetime.now(UTC) + timedelta(seconds=seconds_from_now))


def _position(row: dict[str, Any]) -> Position:
    return Position(row["positionRecordTime"], row["positionEventID"], row["positionOwner"])


class WatchWorker(DeliveryWorker):
    """Delivers every recall watch's new events; `start` once there are watches."""

    kind = "watch"

    async def start_if_needed(self) -> None:
        """Start when the database holds any watch."""
        if await self._db(self._read, repository.count):
            self.start()

    async def round(self) -> None:
        """Serve every due watch that has something new, once (the due watches read a page
        at a time, in id order)."""
        after_id, now, floor = "", datetime.now(UTC), None
        while True:
            due = await self._db(self._read, repository.due, _at(), after_id, _DUE_PER_ROUND)
            if not due:
                return
            if not after_id:
                now, floor = await self._floor()
            for row in due:
                await self._consider(row, now, floor)
            if len(due) < _DUE_PER_ROUND:
                return
            after_id = due[-1]["id"]

    async def _consider(self, row: dict[str, Any], now: datetime, floor: str | None) -> None:
        """Serve one due watch if an event its org may see was recorded since its position."""
        before = planner.cutoff(now, self._settings.subscription_settle_ms, floor, row["expiresAt"])
        after = Position(row["recordTime"], row["eventID"], row["owner"])
        if after.value >= before:
            return
        orgs = sorted(await _uninterrupted(self._visible_orgs(row["org"])))
        if not await self._db(self._read, repository.recent, orgs, after, before):
            return  # nothing recorded since: no claim, no trace read
        until = _at(self._settings.subscription_lease_s)
        node = await self._db(self._write, repository.claim, row["id"], _at(), self.owner, until)
        if node is not None:
            await self._serve_watch(node, orgs, before)

    async def _floor(self) -> tuple[datetime, str | None]:
        """Now, and the start of the earliest capture job still being written."""
        now = datetime.now(UTC)
        floor = await self._db(self._read, capture_floor, int(now.timestamp() * 1000))
        return now, floor

    async def _serve_watch(self, node: dict[str, Any], orgs: list[str], before: str) -> None:
        """Deliver what the claimed watch has before the round's cutoff `before` (read before
        the claim, so earlier than one read now: never past anything still committing)."""
        settings = self._settings
        after = _position(node)
        if after.value >= before:  # another process got it this far meanwhile
            await self._release(node["id"], _at(), {})
            return
        batch = int(node.get("batchSize") or settings.subscription_batch_size)
        visible = frozenset(orgs)
        lineage = await self._db(self._read, fetch_lineage, node["productKey"])
        instances = planner.members(lineage, visible) if lineage is not None else set()
        q = planner.events_query(instances, before)
        summary: TraceSummary | None = None
        for _ in range(_PAGES_PER_ROUND):
            page = await self._db(self._page, q, orgs, after, batch) if instances else None
            delivered: dict[str, Any] = {}
            if page is not None and page.events:
                if summary is None:
                    assert lineage is not None
                    summary = planner.summarise(node["productId"], lineage, visible, node["org"])
                body = planner.notification(node["id"], node["productId"], page.events, summary)
                error = await self._post(node, body)
                if error is not None:  # backoff, failing, 413 halving: the subscriptions' rule
                    await self._failed(node, error, batch)
                    return
                delivered = {"lastDeliveredAt": _at(), "lastEventID": page.events[-1].event_id}
                # a later failure in this claim counts afresh (advance clears the failure state)
                node = {**node, "attempts": 0, "firstFailureAt": None, "failingSince": None}
                node["status"] = "active"
            last_page = page is None or page.next_position is None
            # a last page examined everything recorded before the cutoff
            after = Position(before, "", "") if last_page else page.next_position  # type: ignore[union-attr]
            moved = await self._db(
                self._write,
                repository.advance,
                node["id"],
                self.owner,
                after,
                delivered,
                _at(settings.subscription_lease_s),
                batch,
            )
            if not moved or last_page:  # the lease lost (whoever holds it goes on), or done
                break
        await self._release(node["id"], _at(), {})

    async def _idle_s(self) -> float:
        """Until the next poll (a capture in this process wakes the worker sooner)."""
        return self._settings.subscription_poll_interval_s

    async def _release(self, node_id: str, next_at: str, state: dict[str, Any]) -> None:
        """Free a watch's lease (the subscriptions' failure rule calls this)."""
        await self._db(self._write, repository.release, node_id, self.owner, next_at, state)
