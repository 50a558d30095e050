"""What several API processes share through Redis (`TRACE_REDIS_URL`): invalidations.

Each process keeps its own trace cache and its own 5 s memory of checked keys. A change that
makes either stale somewhere (a committed capture batch, a record write, a sharing change, a
revoked key) is announced by the process that made it, before it answers its client:

1. `INCR trace-engine:epoch` gives the change a number (the epoch);
2. `PUBLISH trace-engine:invalidate` carries the number and what changed;
3. every process applies the messages it hears (drops those traces, forgets that key) and
   remembers which epochs it has applied.

The safety net: at the start of every request a process reads the epoch (one `MGET`). If the
epoch has moved past what it has applied (a message lost, or not delivered yet), it drops its
whole trace cache and key memory before answering. So once a capture job says success its
epoch is in Redis, and no process can answer a later request from a cache entry older than
it, whether or not the message reached it. An `era` (a random value held beside the epoch)
tells a process that Redis was restarted or emptied: it then drops everything too.

Bookmarks (a Neo4j cluster, `graph/bookmarks.py`): an announcement also carries the
announcing process's latest bookmarks, kept in Redis too (`trace-engine:bookmarks`, the
newest few) in the same round trip as the `INCR`. Every process hands the bookmarks it hears,
or reads there when it missed a message, to its driver's bookmark manager, so its next reads
wait for those writes on whatever member serves them. A capture job's own bookmarks (its
creation, then its result) are kept under `trace-engine:job:<id>` for a day, so the job's
result read waits for them in any process.

Redis down: `up` is False; the caller turns its caches off (every trace from Neo4j, every key
checked in Neo4j) and rate limits fall back to per-process counts. When Redis answers again,
the process drops everything it cached and carries on; a process that could not announce a
change while Redis was down starts a new era, which makes every process drop everything.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson
import redis
from redis.exceptions import RedisError

log = logging.getLogger("trace_engine.shared_state")

CHANNEL = "trace-engine:invalidate"
EPOCH = "trace-engine:epoch"
ERA = "trace-engine:era"
BOOKMARKS = "trace-engine:bookmarks"
"""The bookmarks of the newest announced writes (a list, newest first)."""
JOB = "trace-engine:job:"
"""+ a capture job's id: the bookmarks of the job's latest write (JSON list)."""
KEPT_BOOKMARKS = 32
JOB_TTL_S = 86_400
TIMEOUT_S = 0.5
"""Connect and read timeout of every Redis call: a hung Redis costs a request at most this."""
RETRY_S = 1.0
"""While Redis is down, how often a request tries it again (the others go without)."""

OnMessage = Callable[[str, Any], object]
"""Applies one announced change: (kind, payload)."""


class SharedState:
    """Announces this process's changes and applies the others' (see the module doc)."""

    def __init__(
        self,
        url: str,
        on_message: OnMessage,
        on_reset: Callable[[], object],
        own_bookmarks: Callable[[], Iterable[str]] = lambda: (),
        on_bookmarks: Callable[[list[str]], object] = lambda _: None,
    ) -> None:
        """`own_bookmarks` gives this process's latest bookmarks (sent with each
        announcement); `on_bookmarks` takes those other processes announced."""
        self.url = url
        self._own_bookmarks = own_bookmarks
        self._on_bookmarks = on_bookmarks
        self._redis = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
        )
        self._on_message = on_message
        self._on_reset = on_reset
        self._lock = threading.Lock()
        self._era: str | None = None
        self._floor = 0  # every epoch up to here is applied
        self._applied: set[int] = set()  # applied epochs above the floor
        self._up = False
        self._unannounced = False  # a change could not be announced while Redis was down
        self._next_try = 0.0
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        """Subscribe (in a daemon thread) and read the epoch; Redis may be down."""
        self._listener = threading.Thread(target=self._listen, name="redis-listener", daemon=True)
        self._listener.start()
        self.fresh()

    def stop(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.join(timeout=2 * TIMEOUT_S + 1)
        self._redis.close()

    @property
    def up(self) -> bool:
        """Whether Redis answered the last call."""
        return self._up

    def ping(self) -> tuple[bool, str | None]:
        """(reachable, reason) for /health."""
        try:
            self._redis.ping()
        except (RedisError, OSError) as exc:
            return False, str(exc)
        return True, None

    # -- the two sides -----------------------------------------------------------------------

    def announce(self, kind: str, payload: Any) -> None:
        """Tell every process about a change this one made (and has applied itself)."""
        bookmarks = sorted(self._own_bookmarks())
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.incr(EPOCH)
            if bookmarks:
                pipe.lpush(BOOKMARKS, *bookmarks)
                pipe.ltrim(BOOKMARKS, 0, KEPT_BOOKMARKS - 1)
            epoch = int(pipe.execute()[0])
            with self._lock:
                era = self._era
                self._mark(epoch)
            message = orjson.dumps(
                {"era": era, "epoch": epoch, "kind": kind, "payload": payload}
                | {"bookmarks": bookmarks}
            )
            self._redis.publish(CHANNEL, message)
        except (RedisError, OSError) as exc:
            log.warning("Redis down: a %s change was not announced (%s)", kind, exc)
            with self._lock:
                self._unannounced = True
            self._down()

    def fresh(self, retry_now: bool = False) -> bool:
        """Bring this process up to date before a request: drop everything if it missed a
        change. False while Redis is down (the caller must not trust its caches); Redis is
        tried again at most once a second unless `retry_now`."""
        if not self._up and not retry_now and time.monotonic() < self._next_try:
            return False
        try:
            epoch_raw, era_raw = self._redis.mget(EPOCH, ERA)  # type: ignore[misc]
            if era_raw is None or self._unannounced:
                # a new Redis, or one this process could not tell about a change
                era = secrets.token_hex(8)
                self._redis.set(ERA, era, nx=not self._unannounced)
                epoch_raw, era_raw = self._redis.mget(EPOCH, ERA)  # type: ignore[misc]
        except (RedisError, OSError) as exc:
            if self._up:
                log.warning("Redis down (%s): trace cache and key memory off", exc)
            self._down()
            return False
        epoch = int(epoch_raw or 0)
        era = era_raw.decode() if isinstance(era_raw, bytes) else str(era_raw)
        with self._lock:
            missed = (
                not self._up
                or era != self._era
                or (
                    epoch > self._floor
                    and any(e not in self._applied for e in range(self._floor + 1, epoch + 1))
                )
            )
            if missed:
                self._era = era
                self._floor = epoch
                self._applied = {e for e in self._applied if e > epoch}
                self._unannounced = False
            self._up = True
        if missed:
            self._on_reset()
            try:  # the writes behind the messages it missed: its next reads follow them
                self._on_bookmarks([b.decode() for b in self._redis.lrange(BOOKMARKS, 0, -1)])  # type: ignore[union-attr]
            except (RedisError, OSError) as exc:
                log.warning("Redis down (%s): trace cache and key memory off", exc)
                self._down()
                return False
        return True

    def store_job(self, job_id: str, bookmarks: Iterable[str]) -> None:
        """Keep a capture job's bookmarks for a day (any process reading the job waits for
        them); Redis down: not kept, and this process stops trusting its caches."""
        try:
            self._redis.set(JOB + job_id, orjson.dumps(sorted(bookmarks)), ex=JOB_TTL_S)
        except (RedisError, OSError) as exc:
            log.warning("Redis down: the bookmarks of capture job %s not kept (%s)", job_id, exc)
            self._down()

    def job_bookmarks(self, job_id: str) -> list[str]:
        """The bookmarks of a capture job's latest write, if Redis has them."""
        if not self._up and time.monotonic() < self._next_try:
            return []
        try:
            raw = self._redis.get(JOB + job_id)
        except (RedisError, OSError):
            self._down()
            return []
        return [str(b) for b in orjson.loads(raw)] if isinstance(raw, bytes) else []

    # -- inside ------------------------------------------------------------------------------

    def _down(self) -> None:
        with self._lock:
            was_up = self._up
            self._up = False
            self._next_try = time.monotonic() + RETRY_S
        if was_up:
            self._on_reset()

    def _mark(self, epoch: int) -> None:
        """Record an applied epoch (under the lock)."""
        if epoch <= self._floor:
            return
        self._applied.add(epoch)
        while self._floor + 1 in self._applied:
            self._floor += 1
            self._applied.discard(self._floor)

    def _listen(self) -> None:
        while not self._stop.is_set():
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(CHANNEL)
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=TIMEOUT_S)
                    if message is not None:
                        self._apply(message["data"])
            except (RedisError, OSError):
                self._stop.wait(RETRY_S)
            finally:
                try:
                    pubsub.close()
                except (RedisError, OSError):
                    pass

    def _apply(self, data: bytes) -> None:
        try:
            message = orjson.loads(data)
            kind, payload, epoch = message["kind"], message["payload"], int(message["epoch"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            log.warning("ignored a malformed invalidation message")
            return
        # applied even from another era: dropping a cache entry is always safe
        self._on_message(kind, payload)
        if isinstance(message.get("bookmarks"), list):
            self._on_bookmarks([str(b) for b in message["bookmarks"]])
        with self._lock:
            if message.get("era") == self._era:
                self._mark(epoch)
