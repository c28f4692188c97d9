"""Who a request comes from, as a network address: the connection's peer, or the address a trusted proxy
(the deploy's nginx) forwards in X-Real-IP. The class board caps the classes one address creates by it,
and the families' route charges its CPU to it (a plain HTTP request has no session to charge).
"""

from __future__ import annotations

import os
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.types import Scope

TRUSTED_ENV = "GRADSCAPE_TRUSTED_PROXIES"  # comma-separated addresses or networks whose X-Real-IP is believed
DEFAULT_TRUSTED = "127.0.0.1/8,::1/128"  # the deploy's nginx on this machine


def trusted_proxies() -> list[IPv4Network | IPv6Network]:
    """The proxies whose X-Real-IP header names the client (GRADSCAPE_TRUSTED_PROXIES, else loopback);
    an entry that is not an address or a network is left out."""
    nets = []
    for entry in os.environ.get(TRUSTED_ENV, DEFAULT_TRUSTED).split(","):
        try:
            nets.append(ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return nets


def _ip(value: object) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


def client_address(peer: object, forwarded: object, trusted: list[IPv4Network | IPv6Network]) -> str | None:
    """The request's client address: the connection's peer, or, when the peer is a trusted proxy (or
    unknown), the X-Real-IP it forwarded; an IPv6 address as its /64 (what one host can rotate through);
    None for the server's own machine (loopback) and for anything that is not an address."""
    at = _ip(peer)
    if at is None or any(at in net for net in trusted):
        at = _ip(forwarded)
    if at is None or at.is_loopback:
        return None
    return str(ip_network((at, 64), strict=False)) if at.version == 6 else str(at)  # one IPv6 host holds a /64


def of_request(scope: Scope) -> str | None:
    """client_address of an ASGI request (its peer and X-Real-IP header)."""
    peer = (scope.get("client") or (None,))[0]
    forwarded = dict(scope.get("headers", ())).get(b"x-real-ip", b"").decode("latin-1") or None
    return client_address(peer, forwarded, trusted_proxies())
