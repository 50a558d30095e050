"""Where a subscription may deliver (pure but for name resolution): http/https only, and no
loopback, link-local, private or otherwise non-global address unless allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from trace_engine.errors import InvalidSubscription


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


def check_url(dest: str) -> tuple[str, int]:
    """The host and port of an http(s) URL, else InvalidSubscription naming `dest`."""
    try:
        parts = urlsplit(dest)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise InvalidSubscription("dest", f"{dest!r}: not a URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidSubscription("dest", f"{dest!r}: must be an http or https URL")
    if not parts.hostname:
        raise InvalidSubscription("dest", f"{dest!r}: has no host")
    if parts.username or parts.password:
        raise InvalidSubscription("dest", "credentials in the URL are not accepted")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InvalidSubscription("dest", f"{dest!r}: the port is not a number") from None
    return parts.hostname, port


async def check_dest(dest: str, allow_private: bool, must_resolve: bool) -> None:
    """Refuse a destination that is not http(s) or whose addresses are not all global.

    A name that does not resolve is refused only when `must_resolve` (at delivery); at
    creation it is accepted, since every delivery checks again (DNS may change)."""
    host, port = check_url(dest)
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        if must_resolve:
            raise InvalidSubscription("dest", f"{host!r} does not resolve: {exc}") from None
        return
    for info in infos:
        address = str(info[4][0])
        if _refused(address):
            raise InvalidSubscription(
                "dest",
                f"{host!r} is {address}, a loopback, link-local or private address "
                "(TRACE_SUBSCRIPTION_ALLOW_PRIVATE_DEST=true allows it)",
            )
