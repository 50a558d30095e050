"""Authentication, scopes and per-key rate limits, in front of every route.

A pure ASGI middleware rather than a per-route dependency, so no route can be added without
it: every path but health, the docs, the trace page (`/` and exactly its static files) and
the Neo4j Browser guide needs `Authorization: Bearer <secret>`. The scope a request needs
follows from its method and path: `admin` for keys and sharing, `read` for GET / HEAD /
OPTIONS, `write` for everything else (capture and every mutation). Neo4j down while a key
is checked: 503.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import orjson
from limits import RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import DATABASE_UNAVAILABLE
from api.routers.guides import ANALYST_GUIDE
from api.routers.web import public_paths
from trace_engine.errors import Unauthenticated
from trace_engine.keys import ApiKey, KeyService, grants
from trace_engine.keys import Scope as KeyScope
from trace_engine.kit.shared_state import SharedState

PUBLIC_PATHS = frozenset({"/health", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})
# the trace page and exactly its static files (a file added to api/static/ is public; any
# other path under /static still needs a key)
PUBLIC_PATHS |= public_paths()
# Neo4j Browser guides: fetched by Browser, which cannot send a key
PUBLIC_PATHS |= {ANALYST_GUIDE}
ADMIN_PREFIXES = ("/api/keys", "/api/v1/sharing")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def needed_scope(method: str, path: str) -> KeyScope:
    """The scope a request needs."""
    if path.startswith(ADMIN_PREFIXES):
        return "admin"
    return "read" if method in READ_METHODS else "write"


def bearer(headers: Headers) -> str | None:
    """The secret of an `Authorization: Bearer …` header."""
    value = headers.get("authorization", "")
    scheme, _, secret = value.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


class RateLimiter:
    """Per-key hourly limits (fixed windows) on a `limits` storage: memory:// by default,
    redis://… so several API processes share the counts. Also the failed authentications of
    each client address that cost a key lookup, per minute: over `failures_per_minute` the
    address gets 429 at once, without a lookup, until the window has passed.

    With a shared Redis (`shared_up` given), the counts fall back to this process's memory
    while Redis is down: each process then allows the limit by itself (at most N times it in
    all), rather than refusing every call or counting nothing."""

    def __init__(
        self,
        storage_uri: str,
        failures_per_minute: int = 100,
        shared_up: Callable[[], bool] | None = None,
    ) -> None:
        self._limiter = FixedWindowRateLimiter(
            storage_from_string(storage_uri, socket_timeout=0.5, socket_connect_timeout=0.5)
            if storage_uri.startswith(("redis://", "rediss://", "unix://"))
            else storage_from_string(storage_uri)
        )
        self._local = FixedWindowRateLimiter(storage_from_string("memory://"))
        self._shared_up = shared_up
        self._failures = RateLimitItemPerMinute(failures_per_minute)

    def _counter(self) -> FixedWindowRateLimiter:
        if self._shared_up is not None and not self._shared_up():
            return self._local
        return self._limiter

    def throttled(self, address: str) -> float | None:
        """Seconds until `address` may try again, if its failed authentications are over."""
        try:
            return self._throttled(self._counter(), address)
        except (RedisError, OSError):
            return self._throttled(self._local, address)

    def _throttled(self, limiter: FixedWindowRateLimiter, address: str) -> float | None:
        if limiter.test(self._failures, "auth-failures", address):
            return None
        stats = limiter.get_window_stats(self._failures, "auth-failures", address)
        return max(1.0, stats.reset_time - time.time())

    def failed(self, address: str) -> None:
        """Count one failed authentication of `address`."""
        try:
            self._counter().hit(self._failures, "auth-failures", address)
        except (RedisError, OSError):
            self._local.hit(self._failures, "auth-failures", address)

    def hit(self, key: ApiKey) -> tuple[bool, int, int, float]:
        """Count one call: (allowed, limit, remaining, reset as epoch seconds)."""
        item = RateLimitItemPerHour(key.rate_limit_per_hour)
        limiter = self._counter()
        try:
            allowed = limiter.hit(item, key.id)
            stats = limiter.get_window_stats(item, key.id)
        except (RedisError, OSError):
            limiter = self._local
            allowed = limiter.hit(item, key.id)
            stats = limiter.get_window_stats(item, key.id)
        return allowed, key.rate_limit_per_hour, stats.remaining, stats.reset_time


_EPCIS_KINDS = {
    401: "SecurityException",
    403: "SecurityException",
    429: "ImplementationException",
    503: "ImplementationException",
}


async def _reply(
    scope: Scope, send: Send, status: int, body: dict[str, Any], headers: dict[str, str]
) -> None:
    """`{"error": …}`, or problem+json under /epcis (the bindings' convention)."""
    media = b"application/json"
    if scope["path"].startswith("/epcis"):
        kind = _EPCIS_KINDS[status]
        extra = {k: v for k, v in body.items() if k != "error"}
        body = {
            "type": f"epcisException:{kind}",
            "title": kind,
            "status": status,
            "detail": body["error"],
            "instance": scope["path"],
            **extra,
        }
        media = b"application/problem+json"
    payload = orjson.dumps(body)
    raw = [(b"content-type", media), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class AuthMiddleware:
    """401 without a valid key, 403 without the scope, 429 over the key's hourly limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        keys: KeyService = state.key_service
        limiter: RateLimiter = state.rate_limiter
        secret = bearer(Headers(scope=scope))
        address = (scope.get("client") or ("unknown", 0))[0]
        shared: SharedState | None = getattr(state, "shared_state", None)
        if shared is not None:
            # another process's capture or revocation is seen before this request is served
            await run_in_threadpool(shared.fresh)
        try:
            key = keys.trusted(secret)
            if key is None:
                wait = limiter.throttled(address)
                if wait is not None:
                    retry_after = math.ceil(wait)
                    await _reply(
                        scope,
                        send,
                        429,
                        {
                            "error": "Too many failed authentications from this address",
                            "retry_after": retry_after,
                        },
                        {"Retry-After": str(retry_after)},
                    )
                    return
                key = await run_in_threadpool(keys.authenticate, secret)
        except Unauthenticated as exc:
            if exc.looked_up:  # only guesses that reached the database count
                limiter.failed(address)
            await _reply(scope, send, 401, {"error": str(exc)}, {"WWW-Authenticate": "Bearer"})
            return
        except (ServiceUnavailable, SessionExpired):
            await _reply(scope, send, 503, {"error": DATABASE_UNAVAILABLE}, {"Retry-After": "5"})
            return

        allowed, limit, remaining, reset = limiter.hit(key)
        rate_headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }
        if not allowed:
            retry_after = max(1, math.ceil(reset - time.time()))
            await _reply(
                scope,
                send,
                429,
                {"error": "Rate limit exceeded", "retry_after": retry_after},
                rate_headers | {"Retry-After": str(retry_after)},
            )
            return
        needed = needed_scope(scope["method"], scope["path"])
        if not grants(list(key.scopes), needed):
            message = (
                f"This API key lacks the '{needed}' scope needed for "
                f"{scope['method']} {scope['path']}"
            )
            await _reply(scope, send, 403, {"error": message}, rate_headers)
            return

        scope.setdefault("state", {})["api_key"] = key

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in rate_headers.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
