# Long on purpose: one job (the delivery loop: due, claim, page, POST, position, release), which
# the recall watches subclass.
"""The delivery worker: a background task of the API process, outside every request.

It wakes when a capture commits in this process (`wake`, thread-safe) and every
`TRACE_SUBSCRIPTION_POLL_INTERVAL_S` as a safety net (captures of other processes). Each round
it claims due subscriptions one by one (a lease on the node, so two processes never deliver
the same batch), runs the subscription's named query through `epcis_query.service.run_page`
in recordTime order after the stored position, POSTs each page as an EPCISQueryDocument and
moves the position only after a 2xx. A failure is retried with exponential backoff and full
jitter; after `TRACE_SUBSCRIPTION_RETRY_WINDOW_S` of failures the subscription is `failing`
(and still retried at the longest interval). A 413 halves the next deliveries. A scheduled
subscription is served the same way when its run falls due (`schedule.py` gives the next run;
`reportIfEmpty` sends an empty document when a run matched nothing).
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
from neo4j import Driver

from trace_engine.config import Settings
from trace_engine.epcis_query.output import query_document
from trace_engine.epcis_query.schemas import (
    Direction,
    EpcFormat,
    EventQuery,
    OrderBy,
    Page,
    Position,
)
from trace_engine.epcis_query.service import run_page
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.graph.capture_jobs import capture_floor
from trace_engine.kit.timestamps import utc_millis
from trace_engine.named_queries import repository as named_repository
from trace_engine.named_queries.query_object import validate
from trace_engine.subscriptions import repository
from trace_engine.subscriptions.delivery import addressed, document_body, post
from trace_engine.subscriptions.schedule import parse as parse_schedule

log = logging.getLogger("trace_engine.subscriptions")

VisibleOrgs = Callable[[str], Awaitable[frozenset[str]]]
# pages delivered per subscription per claim before others get a turn
_PAGES_PER_ROUND = 20
_DUE_PER_ROUND = 100
_SHARED_PAGES = 32  # pages a round keeps for the subscriptions after the first to reuse
# a caught-up stream is claimed at least this often even with nothing newer recorded: an event
# whose capture committed later than the settle time allows is then still delivered
_STALE_S = 30.0


def _at(seconds_from_now: float = 0.0) -> str:
    return utc_millis(datetime.now(UTC) + timedelta(seconds=seconds_from_now))


def backoff_s(attempts: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^(attempts-1))],
    at least a tenth of the base."""
    ceiling = min(cap, base * 2 ** max(attempts - 1, 0))
    return max(base / 10, random.uniform(0, ceiling))


async def _uninterrupted(call: Awaitable[Any]) -> Any:
    """Await a call that runs in a thread; cancelled (the app stopping), let the thread finish
    first: it cannot be stopped, and the driver must not be closed under its query."""
    future = asyncio.ensure_future(call)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait([future])
        raise


@dataclass(slots=True)
class _Round:
    """One round's settle bound and what it read once for all its subscriptions."""

    settle: str
    queries: dict[tuple[str, str], EventQuery | None] = field(default_factory=dict)
    visible: dict[str, list[str]] = field(default_factory=dict)
    # subscriptions of one query at one position share the read and the encoding
    pages: dict[tuple[Any, ...], tuple[Page, dict[str, Any] | None]] = field(default_factory=dict)


def _position(after: Position) -> dict[str, Any]:
    return {
        "lastRecordTime": after.value,
        "lastEventID": after.event_id,
        "lastOwner": after.owner,
    }


def _succeeded(node: dict[str, Any]) -> dict[str, Any]:
    """The node as a 2xx left it (no failure state), for a failure later in the same claim."""
    return node | {"attempts": 0, "firstFailureAt": None, "failingSince": None, "status": "active"}


def _cleared(pending: dict[str, Any], batch: int) -> dict[str, Any]:
    """A release's properties: the position reached, and after a 2xx no failure state."""
    if not pending:
        return {}
    return pending | {
        "attempts": 0,
        "status": "active",
        "failingSince": None,
        "firstFailureAt": None,
        "lastError": None,
        "batchSize": batch,
    }


class DeliveryWorker:
    """Delivers every subscription's new events; `start` once there are subscriptions."""

    kind = "subscription"  # what the logs call a node it serves

    def __init__(self, driver: Driver, settings: Settings, visible_orgs: VisibleOrgs) -> None:
        self._driver = driver
        self._settings = settings
        self._visible_orgs = visible_orgs
        self.owner = f"worker-{uuid.uuid4()}"
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._http: httpx.AsyncClient | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._last_capture = 0.0

    @property
    def running(self) -> bool:
        """Whether the task runs."""
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start the background task (idempotent); call from the event loop."""
        if self.running:
            return
        self._loop = asyncio.get_running_loop()
        self._http = httpx.AsyncClient(
            follow_redirects=False, timeout=self._settings.subscription_delivery_timeout_s
        )
        self._task = asyncio.create_task(self._run(), name="subscription-delivery")

    def _read(self, work: Callable[..., Any], *args: Any) -> Any:
        with self._driver.session(database=self._settings.neo4j_database) as session:
            return read_tx(session, work, *args)

    def _write(self, work: Callable[..., Any], *args: Any) -> Any:
        with self._driver.session(database=self._settings.neo4j_database) as session:
            return write_tx(session, work, *args)

    def _page(self, q: Any, orgs: list[str], after: Position | None, batch: int) -> Any:
        with self._driver.session(database=self._settings.neo4j_database) as session:
            return run_page(session, q, orgs, after, batch)

    async def _db(self, call: Callable[..., Any], *args: Any) -> Any:
        """A blocking database call, in a worker thread (the event loop keeps serving)."""
        return await _uninterrupted(asyncio.to_thread(call, *args))

    async def start_if_needed(self) -> None:
        """Start when the database holds any subscription."""
        if await self._db(self._read, repository.count):
            self.start()

    def wake(self, *_: object) -> None:
        """A capture committed (callable from any thread): run a round once its events have
        settled. O(1) for the caller; the matching is the worker's."""
        if self._loop is not None and self.running:
            self._loop.call_soon_threadsafe(self._captured)

    def _captured(self) -> None:
        """One timer at a time: a burst of captures gives a round per settle time and one
        after the last, not a round per capture (each round serves every due subscription)."""
        assert self._loop is not None
        settle_s = self._settings.subscription_settle_ms / 1000
        self._last_capture = self._loop.time()
        if settle_s <= 0:
            self._wake.set()
        elif self._timer is None:
            self._timer = self._loop.call_later(settle_s, self._settled)

    def _settled(self) -> None:
        assert self._loop is not None
        self._timer = None
        self._wake.set()
        left = self._last_capture + self._settings.subscription_settle_ms / 1000
        if left > self._loop.time():  # captured since the timer was set: once more, then
            self._timer = self._loop.call_later(left - self._loop.time(), self._settled)

    async def stop(self) -> None:
        """Stop the task and close the HTTP client."""
        if self._timer is not None:
            self._timer.cancel()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        if self._http is not None:
            await self._http.aclose()

    async def _run(self) -> None:
        while True:
            try:
                await self.round()
            except asyncio.CancelledError:
                raise
            except Exception:  # a round's failure must not end deliveries
                log.exception("subscription delivery round failed")
            idle = await self._idle_s()
            try:
                await asyncio.wait_for(self._wake.wait(), idle)
            except TimeoutError:
                pass
            self._wake.clear()

    async def _idle_s(self) -> float:
        """Until the next poll, or sooner when a scheduled run or a retry falls due first."""
        poll = self._settings.subscription_poll_interval_s
        try:
            upcoming = await self._db(self._read, repository.next_due, _at())
        except Exception:  # the poll still comes; the round logs database trouble
            return poll
        if upcoming is None:
            return poll
        moment = datetime.fromisoformat(upcoming.replace("Z", "+00:00"))
        return min(poll, max(0.0, (moment - datetime.now(UTC)).total_seconds()))

    async def round(self) -> None:
        """Claim and serve every due subscription once (a caught-up stream is due only when an
        event was recorded at or after the point its last round examined up to, or after
        `_STALE_S`)."""
        settle = await self._settle_bound()
        stale = _at(-_STALE_S)
        due = await self._db(self._read, repository.due, _at(), settle, stale, _DUE_PER_ROUND)
        if len(due) == _DUE_PER_ROUND:  # more are due: another round straight after this one
            self._wake.set()
        this_round = _Round(settle)
        for sub_id in due:
            until = _at(self._settings.subscription_lease_s)
            node = await self._db(self._write, repository.claim, sub_id, _at(), self.owner, until)
            if node is not None:
                await self._serve(node, this_round)

    async def _settle_bound(self) -> str:
        """Events recorded before this are committed (or were refused): deliverable. Now less
        the settle time (a single event's transaction commits within it), and never past the
        start of a capture job still being written: a long document's events are stamped
        before they commit, and a position past them would skip them."""
        now = datetime.now(UTC)
        since = utc_millis(now - timedelta(milliseconds=self._settings.subscription_settle_ms))
        floor = await self._db(self._read, capture_floor, int(now.timestamp() * 1000))
        return min(since, floor) if floor is not None else since

    async def _query(self, org: str, name: str, this_round: _Round) -> EventQuery | None:
        """The named query, parsed (read once per round per query)."""
        if (org, name) not in this_round.queries:
            stored = await self._db(self._read, named_repository.get, org, name)
            parsed = validate(orjson.loads(stored["query"])) if stored is not None else None
            this_round.queries[(org, name)] = parsed
        return this_round.queries[(org, name)]

    async def _orgs(self, org: str, this_round: _Round) -> list[str]:
        """The orgs whose events `org` may see (read once per round per org)."""
        if org not in this_round.visible:
            this_round.visible[org] = sorted(await _uninterrupted(self._visible_orgs(org)))
        return this_round.visible[org]

    async def _serve(self, node: dict[str, Any], this_round: _Round) -> None:
        settings = self._settings
        sub_id, org, name = node["id"], node["org"], node["queryName"]
        batch = int(node.get("batchSize") or settings.subscription_batch_size)
        named = await self._query(org, name, this_round)
        if named is None:  # the query went with its subscriptions
            return
        settle = this_round.settle
        after = None
        if node.get("lastRecordTime"):
            after = Position(node["lastRecordTime"], node["lastEventID"], node["lastOwner"])
        initial = node.get("initialRecordTime")
        if after is not None and initial is not None and after.value >= initial:
            initial = None  # the position is past it: the same query as its peers'
        q = replace(
            named,
            order_by=OrderBy.RECORD_TIME,
            order_direction=Direction.ASC,
            event_count_limit=None,
            max_event_count=None,
            lt_record_time=min(filter(None, [named.lt_record_time, settle])),
            ge_record_time=max(filter(None, [named.ge_record_time, initial]), default=None),
        )
        orgs = await self._orgs(org, this_round)
        schedule = parse_schedule(orjson.loads(node["schedule"])) if node.get("schedule") else None
        delivered = bool(node.get("continuing"))  # this run began in an earlier claim
        pending: dict[str, Any] = {}  # the position a 2xx reached, not yet stored
        caught_up = sent_here = False
        for _ in range(_PAGES_PER_ROUND):
            if pending:  # stored before the next POST: a 2xx is never sent twice
                if not await self._advance(sub_id, pending, batch):
                    return  # the lease was lost: whoever holds it goes on
                pending = {}
            shared = (org, name, initial)
            page, document = await self._shared_page(this_round, shared, q, orgs, after, batch)
            if page.events:
                assert document is not None
                error = await self._post(node, addressed(document, sub_id))
                if error is not None:  # after a 2xx in this claim, failures count afresh
                    await self._failed(_succeeded(node) if sent_here else node, error, batch)
                    return
                delivered = sent_here = True
                last = page.events[-1]
                after = Position(last.record_time or "", last.event_id, last.owner)
                pending = _position(after) | {"lastNotifiedAt": _at()}
            elif page.next_position is not None:
                after = page.next_position  # examined, nothing matched: go on from there
                pending = _position(after)
            if page.next_position is None:
                caught_up = True
                break
        if not caught_up:  # more to deliver: another turn once the others had theirs
            more = _cleared(pending, batch) | {"continuing": delivered or None}
            await self._db(self._write, repository.release, sub_id, self.owner, _at(), more)
            return
        if schedule is not None and not delivered and node.get("reportIfEmpty"):
            error = await self._post(node, document_body([], name, sub_id))
            if error is not None:
                await self._failed(node, error, batch)
                return
            pending["lastNotifiedAt"] = _at()
        next_at = _at()
        if schedule is not None:  # the next run time (None: never again, parse refuses that)
            upcoming = schedule.next_after(datetime.now(UTC))
            next_at = utc_millis(upcoming) if upcoming else "9999-12-31T23:59:59.999Z"
        done = _cleared(pending, batch) | {"continuing": None, "checkedUntil": settle}
        await self._db(self._write, repository.release, sub_id, self.owner, next_at, done)

    async def _shared_page(
        self,
        this_round: _Round,
        query_key: tuple[str, str, str | None],
        q: EventQuery,
        orgs: list[str],
        after: Position | None,
        batch: int,
    ) -> tuple[Page, dict[str, Any] | None]:
        """The page after `after` and its query document, read and encoded once per round for
        every subscription of the query at that position."""
        key = (*query_key, after, batch)
        if key not in this_round.pages:
            page = await self._db(self._page, q, orgs, after, batch)
            document = None
            if page.events:
                document = query_document(page.events, EpcFormat.DIGITAL_LINK, query_key[1])
            if len(this_round.pages) >= _SHARED_PAGES:  # bounded: the oldest goes
                del this_round.pages[next(iter(this_round.pages))]
            this_round.pages[key] = (page, document)
            return page, document
        return this_round.pages[key]

    async def _advance(self, sub_id: str, position: dict[str, Any], batch: int) -> bool:
        """Store the position (and the notification time after a 2xx); False if the lease
        was lost."""
        moved: bool = await self._db(
            self._write,
            repository.advance,
            sub_id,
            self.owner,
            position,
            _at(self._settings.subscription_lease_s),
            batch,
        )
        return moved

    async def _post(self, node: dict[str, Any], body: bytes) -> tuple[int, str] | None:
        """POST the body; None on 2xx, else (status or 0, reason)."""
        assert self._http is not None
        return await post(self._http, node, body, self._settings.subscription_allow_private_dest)

    async def _failed(self, node: dict[str, Any], error: tuple[int, str], batch: int) -> None:
        settings = self._settings
        status, reason = error
        retry_now = status == 413 and batch > 1
        if retry_now:
            batch = max(1, batch // 2)
        attempts = int(node.get("attempts") or 0) + 1
        now = _at()
        first = node.get("firstFailureAt") or now
        started = datetime.fromisoformat(first.replace("Z", "+00:00"))
        failing = (datetime.now(UTC) - started).total_seconds() >= (
            settings.subscription_retry_window_s
        )
        failure: dict[str, Any] = {
            "attempts": attempts,
            "firstFailureAt": first,
            "lastError": reason,
            "batchSize": batch,
            "status": "failing" if failing else node.get("status", "active"),
        }
        if failing and not node.get("failingSince"):
            failure["failingSince"] = now
        delay = (
            0.0
            if retry_now
            else backoff_s(
                attempts, settings.subscription_retry_base_s, settings.subscription_retry_max_s
            )
        )
        log.info(
            "%s %s: delivery failed (%s); retry in %.2f s", self.kind, node["id"], reason, delay
        )
        await self._release(node["id"], _at(delay), failure)

    async def _release(self, node_id: str, next_at: str, state: dict[str, Any]) -> None:
        """Free the lease; the next round is due at `next_at` (the recall watches' worker
        releases its own nodes)."""
        await self._db(self._write, repository.release, node_id, self.owner, next_at, state)
