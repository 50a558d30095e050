"""API keys, scopes and data sharing between organisations.

A secret is 64 random hex characters; its first 8 are the public `key_prefix` that finds the
key, and only its SHA-256 hash is stored, compared in constant time. Scopes are what the
Enterprise API document says ("the read scope is required for all GET endpoints"): `read` for
GET/OPTIONS, `write` for the other methods, each needed by name; `admin` (the key routes)
includes both.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from cachetools import TTLCache
from neo4j import Driver
from pydantic import BaseModel, Field, field_validator

from trace_engine.errors import InvalidInput, NotFound, Unauthenticated
from trace_engine.graph import keys as repo
from trace_engine.graph.access import read_tx, write_tx
from trace_engine.kit.bounds import org_problem
from trace_engine.kit.timestamps import utc_millis

Scope = Literal["read", "write", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "write", "admin")
STORE_MESSAGE = "Store this key securely. It will not be shown again."
# how long an authenticated key is trusted without asking Neo4j again; a revocation through
# this process takes effect at once, one through another process within this many seconds
AUTH_CACHE_S = 5.0
# a prefix no key has is remembered this long, so guessing does not load the database
UNKNOWN_PREFIX_S = 5.0
# the orgs an org may see are remembered this long at most: any sharing change through this
# process drops them at once, and one through another process too (announced, TRACE_REDIS_URL)
VISIBLE_ORGS_S = 5.0
# last_used_at is written at most this often per key (a write on every call would cost more
# than the call)
TOUCH_EVERY_S = 60.0


def _now() -> datetime:
    return datetime.now(UTC)


def hash_secret(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def grants(scopes: list[str], needed: Scope) -> bool:
    """Whether a key with `scopes` may do what needs `needed`: that scope by name, or `admin`
    (a `write`-only key cannot read, as the Enterprise API has it)."""
    return needed in scopes or "admin" in scopes


class KeyCreate(BaseModel):
    """POST /api/keys."""

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(default=["read"], min_length=1)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    rate_limit_per_hour: int | None = Field(default=None, ge=1, le=10_000_000)

    @field_validator("scopes")
    @classmethod
    def _unique(cls, scopes: list[Scope]) -> list[Scope]:
        return sorted(set(scopes), key=SCOPES.index)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An authenticated key: who is calling and what it may do."""

    id: str
    org: str
    name: str
    scopes: tuple[str, ...]
    rate_limit_per_hour: int
    expires_at: str | None

    def expired(self, now: datetime) -> bool:
        """Whether the key's lifetime is over."""
        return self.expires_at is not None and self.expires_at <= utc_millis(now)


# the API's field (snake_case, as the keys API has always answered) → the stored property
_PUBLIC_FIELDS = {
    "id": "id",
    "name": "name",
    "key_prefix": "keyPrefix",
    "scopes": "scopes",
    "status": "status",
    "created_at": "createdAt",
    "expires_at": "expiresAt",
    "last_used_at": "lastUsedAt",
    "rate_limit_per_hour": "rateLimitPerHour",
}


def public_key(stored: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """A key as the API shows it: never the hash or the secret; `expired` when it is."""
    body = {field: stored.get(prop) for field, prop in _PUBLIC_FIELDS.items()}
    expires = body.get("expires_at")
    if body["status"] == "active" and expires and expires <= utc_millis(now or _now()):
        body["status"] = "expired"
    return body


class KeyService:
    """Creates, lists, revokes and checks keys; manages sharing."""

    def __init__(
        self,
        driver: Driver,
        database: str,
        default_rate_limit: int = 1000,
        on_sharing_change: Callable[[], object] | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self.default_rate_limit = default_rate_limit
        self.on_sharing_change = on_sharing_change
        # several processes: tell the others about a revocation (TRACE_REDIS_URL), and
        # whether the memory of checked keys may be trusted (not while Redis is down)
        self.on_revoke: Callable[[str], object] | None = None
        self.trust_active: Callable[[], bool] = lambda: True
        self._trusted: TTLCache[str, ApiKey] = TTLCache(maxsize=10_000, ttl=AUTH_CACHE_S)
        self._touched: dict[str, float] = {}
        self._unknown: TTLCache[str, bool] = TTLCache(maxsize=100_000, ttl=UNKNOWN_PREFIX_S)
        self._visible: TTLCache[str, frozenset[str]] = TTLCache(maxsize=10_000, ttl=VISIBLE_ORGS_S)
        self._sharing_generation = 0  # bumped by every sharing change and forget_all
        self._lock = threading.Lock()

    # -- keys ------------------------------------------------------------------------------

    def create_key(self, org: str, request: KeyCreate) -> tuple[dict[str, Any], str]:
        """A new key for `org` and its secret (which is not stored and never shown again)."""
        if (problem := org_problem(org)) is not None:
            raise InvalidInput("org", problem)
        secret = secrets.token_hex(32)
        with self._lock:
            self._unknown.pop(secret[:8], None)
        now = _now()
        key = {
            "id": str(uuid.uuid4()),
            "name": request.name,
            "keyPrefix": secret[:8],
            "keyHash": hash_secret(secret),
            "scopes": list(request.scopes),
            "status": "active",
            "createdAt": utc_millis(now),
            "expiresAt": (
                utc_millis(now + timedelta(days=request.expires_in_days))
                if request.expires_in_days
                else None
            ),
            "lastUsedAt": None,
            "rateLimitPerHour": request.rate_limit_per_hour or self.default_rate_limit,
        }
        with self.driver.session(database=self.database) as session:
            stored = write_tx(session, repo.create_key, org, key)
        return public_key(stored, now), secret

    def list_keys(self, org: str) -> list[dict[str, Any]]:
        """The org's keys (no hash, no secret)."""
        with self.driver.session(database=self.database) as session:
            return [public_key(k) for k in read_tx(session, repo.list_keys, org)]

    def revoke_key(self, org: str, key_id: str) -> None:
        """Revoke one of the org's keys at once; NotFound for anyone else's."""
        with self.driver.session(database=self.database) as session:
            found = write_tx(session, repo.revoke_key, org, key_id, utc_millis(_now()))
        if not found:
            raise NotFound("API key", key_id)
        self.forget(key_id)
        if self.on_revoke is not None:
            self.on_revoke(key_id)

    def forget(self, key_id: str) -> None:
        """Check this key in Neo4j again on its next call (it was revoked)."""
        with self._lock:
            for prefix, key in list(self._trusted.items()):
                if key.id == key_id:
                    del self._trusted[prefix]

    def forget_all(self) -> None:
        """Check every key in Neo4j again on its next call, and read sharing again."""
        with self._lock:
            self._trusted.clear()
            self._forget_sharing()

    def _forget_sharing(self) -> None:
        # with the lock held
        self._sharing_generation += 1
        self._visible.clear()

    def trusted(self, secret: str | None) -> ApiKey | None:
        """The key for `secret` if it was checked moments ago and is still valid (no I/O)."""
        if not secret or len(secret) != 64 or not self.trust_active():
            return None
        with self._lock:
            key = self._trusted.get(secret[:8] + hash_secret(secret))
        if key is None or key.expired(_now()):
            return None
        return key

    def authenticate(self, secret: str | None) -> ApiKey:
        """The active, unexpired key with this secret; Unauthenticated otherwise."""
        if not secret or len(secret) != 64:
            raise Unauthenticated()
        now = _now()
        digest = hash_secret(secret)
        prefix = secret[:8]
        with self._lock:
            key = self._trusted.get(prefix + digest) if self.trust_active() else None
        if key is None:
            with self._lock:
                if prefix in self._unknown:
                    raise Unauthenticated()
            with self.driver.session(database=self.database) as session:
                stored = read_tx(session, repo.key_by_prefix, prefix)
            if stored is None:
                with self._lock:
                    self._unknown[prefix] = True
            if (
                stored is None
                or not hmac.compare_digest(stored["keyHash"], digest)
                or stored["status"] != "active"
            ):
                raise Unauthenticated(looked_up=True)
            key = ApiKey(
                id=stored["id"],
                org=stored["org"],
                name=stored["name"],
                scopes=tuple(stored["scopes"]),
                rate_limit_per_hour=int(stored["rateLimitPerHour"]),
                expires_at=stored.get("expiresAt"),
            )
            with self._lock:
                self._trusted[prefix + digest] = key
        if key.expired(now):
            raise Unauthenticated()
        self._touch(key.id, now)
        return key

    def _touch(self, key_id: str, now: datetime) -> None:
        clock = time.monotonic()
        with self._lock:
            if clock - self._touched.get(key_id, -TOUCH_EVERY_S) < TOUCH_EVERY_S:
                return
            self._touched[key_id] = clock
        with self.driver.session(database=self.database) as session:
            write_tx(session, repo.touch_key, key_id, utc_millis(now))

    # -- sharing ---------------------------------------------------------------------------

    def share(self, org: str, with_org: str) -> dict[str, Any]:
        """`org` offers to share its statements with `with_org`: in effect once `with_org`
        accepts (`accept_share`), so no org can push statements into another's traces."""
        with_org = _other_org(org, with_org, "share with")
        with self.driver.session(database=self.database) as session:
            offered = write_tx(session, repo.share, org, with_org, utc_millis(_now()))
        return _share_json(offered, org)

    def accept_share(self, org: str, from_org: str) -> dict[str, Any]:
        """`org` accepts the share `from_org` offered it; NotFound if there is none."""
        from_org = _other_org(org, from_org, "accept from")
        with self.driver.session(database=self.database) as session:
            accepted = write_tx(session, repo.accept_share, from_org, org, utc_millis(_now()))
        if accepted is None:
            raise NotFound("share offered by", from_org)
        self._sharing_changed()
        return _share_json(accepted, org)

    def shares(self, org: str) -> list[dict[str, Any]]:
        """What `org` offers and is offered, each with its status."""
        with self.driver.session(database=self.database) as session:
            rows = read_tx(session, repo.shares_of, org)
        return [_share_json(row, org) for row in rows]

    def unshare(self, org: str, with_org: str) -> None:
        """Stop sharing `org`'s statements with `with_org`; NotFound if it did not."""
        with self.driver.session(database=self.database) as session:
            found = write_tx(session, repo.unshare, org, with_org)
        if not found:
            raise NotFound("share with", with_org)
        self._sharing_changed()

    def end_incoming(self, org: str, from_org: str) -> None:
        """`org` refuses or ends the share `from_org` offered it; NotFound if there is none."""
        with self.driver.session(database=self.database) as session:
            found = write_tx(session, repo.unshare, from_org, org)
        if not found:
            raise NotFound("share offered by", from_org)
        self._sharing_changed()

    def visible_orgs(self, org: str) -> frozenset[str]:
        """The orgs whose statements `org` may see: itself and those whose share it accepted
        (`trace_engine.visibility` says how a read uses them). Remembered until sharing
        changes (at most `VISIBLE_ORGS_S`), so a trace does not ask for them every time."""
        trusted = self.trust_active()
        with self._lock:
            known = self._visible.get(org) if trusted else None
            generation = self._sharing_generation
        if known is not None:
            return known
        with self.driver.session(database=self.database) as session:
            orgs = frozenset(read_tx(session, repo.visible_orgs, org))
        with self._lock:
            # not remembered if sharing changed meanwhile: the answer may predate the change
            if trusted and generation == self._sharing_generation:
                self._visible[org] = orgs
        return orgs

    def _sharing_changed(self) -> None:
        with self._lock:
            self._forget_sharing()
        if self.on_sharing_change is not None:
            self.on_sharing_change()


def _other_org(org: str, other: str, what: str) -> str:
    other = other.strip()
    if not other:
        raise InvalidInput("org", f"must name the organisation to {what}")
    if (problem := org_problem(other)) is not None:
        raise InvalidInput("org", problem)
    if other == org:
        raise InvalidInput("org", "an organisation always sees its own statements")
    return other


def _share_json(row: dict[str, Any], org: str) -> dict[str, Any]:
    """A share as the API shows it to `org`."""
    return {
        "from": row["from"],
        "to": row["to"],
        "direction": "outgoing" if row["from"] == org else "incoming",
        "status": "accepted" if row.get("accepted_at") else "offered",
        "created_at": row["created_at"],
        "accepted_at": row.get("accepted_at"),
    }
