"""GS1-Signature: Base64(HMAC-SHA256(key = the token as UTF-8, message = the body bytes))."""

from __future__ import annotations

import base64
import hashlib
import hmac

HEADER = "GS1-Signature"


def sign(token: str, body: bytes) -> str:
    """The signature of `body` with `token`."""
    return base64.b64encode(hmac.new(token.encode(), body, hashlib.sha256).digest()).decode()


def verify(token: str, body: bytes, signature: str) -> bool:
    """Whether `signature` is the signature of `body` with `token` (constant time)."""
    return hmac.compare_digest(sign(token, body), signature.strip())
