"""Signed keyset page tokens (pure): org + query digest + sort position + count, HMAC-SHA256.

A token is `base64url(json).base64url(mac)`. It is refused (400 naming `nextPageToken`) when
its signature does not verify, when it has expired, or when it was issued to another org or
for another query.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass

import orjson

from trace_engine.epcis_query.schemas import Position
from trace_engine.errors import QueryParameterError

PARAMETER = "nextPageToken"


@dataclass(frozen=True, slots=True)
class PageState:
    """What a token carries: where the previous page ended and how many events came before."""

    position: Position
    returned: int
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()


def issue(
    secret: bytes, org: str, digest: str, state: Position, returned: int, ttl_s: int
) -> tuple[str, int]:
    """A token for the page after `state`, and its expiry (Unix seconds)."""
    expires = int(time.time()) + ttl_s
    payload = orjson.dumps(
        {
            "o": org,
            "q": digest,
            "v": state.value,
            "i": state.event_id,
            "w": state.owner,
            "n": returned,
            "x": expires,
        }
    )
    return f"{_b64(payload)}.{_b64(_mac(secret, payload))}", expires


def read(secret: bytes, token: str, org: str, digest: str) -> PageState:
    """The state in `token`, after checking its signature, expiry, org and query."""
    body, sep, mac = token.partition(".")
    try:
        payload = _unb64(body)
        given = _unb64(mac)
    except (ValueError, TypeError):
        raise QueryParameterError(PARAMETER, "malformed page token") from None
    if not sep or not hmac.compare_digest(given, _mac(secret, payload)):
        raise QueryParameterError(PARAMETER, "page token signature does not verify")
    data = orjson.loads(payload)
    if data["o"] != org or data["q"] != digest:
        raise QueryParameterError(PARAMETER, "page token belongs to another query")
    if int(data["x"]) < time.time():
        raise QueryParameterError(PARAMETER, "page token has expired; run the query again")
    return PageState(Position(data["v"], data["i"], data["w"]), int(data["n"]), int(data["x"]))
