"""Where a subscription may deliver: http(s) only; loopback, link-local and private
addresses refused unless allowed. Signatures are Base64(HMAC-SHA256(token, body))."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from trace_engine.errors import InvalidSubscription
from trace_engine.subscriptions.dest import check_dest
from trace_engine.subscriptions.signing import sign, verify


@pytest.mark.parametrize(
    "dest",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "http:///nohost",
        "http://user:pw@example.com/",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://[::1",
    ],
)
async def test_refused_destinations(dest: str) -> None:
    with pytest.raises(InvalidSubscription) as caught:
        await check_dest(dest, allow_private=False, must_resolve=False)
    assert caught.value.field == "dest"


async def test_private_destinations_when_allowed_and_public_ones() -> None:
    await check_dest("http://127.0.0.1:8080/hook", allow_private=True, must_resolve=True)
    await check_dest("https://8.8.8.8/hook", allow_private=False, must_resolve=True)
    with pytest.raises(InvalidSubscription):
        await check_dest("ftp://127.0.0.1/", allow_private=True, must_resolve=True)


def test_the_signature_is_base64_hmac_sha256_of_the_exact_bytes() -> None:
    body = b'{"type":"EPCISQueryDocument"}'
    expected = base64.b64encode(hmac.new(b"t\xc3\xa9", body, hashlib.sha256).digest()).decode()
    assert sign("té", body) == expected
    assert verify("té", body, expected)
    assert not verify("te", body, expected)
    assert not verify("té", body + b" ", expected)
