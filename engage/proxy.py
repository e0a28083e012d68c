"""Believe a reverse proxy's word about the client only when it comes from a configured proxy.

Behind nginx every request arrives from the proxy's own address, so per-address limits would see
one address for everyone. The proxy says who the client was in X-Forwarded-For and which scheme
they used in X-Forwarded-Proto; anyone can send those headers, so they are read only from the
addresses in the TRUSTED_PROXIES setting and ignored from everyone else.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(setting: str | Iterable[str] | None) -> list[Network]:
    """Return the networks of a TRUSTED_PROXIES setting (commas or a list; addresses or CIDR)."""
    if not setting:
        return []
    items = setting.split(",") if isinstance(setting, str) else list(setting)
    return [ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware that sets REMOTE_ADDR and the URL scheme from trusted proxies' headers."""

    def __init__(self, wsgi_app, networks: list[Network]):
        self.wsgi_app = wsgi_app
        self.networks = networks

    def trusted(self, text: str) -> bool:
        """Say whether an address belongs to one of the configured proxies."""
        address = _address(text)
        return address is not None and any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.trusted(environ.get("REMOTE_ADDR", "")):
            self._apply_forwarded(environ)
        return self.wsgi_app(environ, start_response)

    def _apply_forwarded(self, environ) -> None:
        # Walk the chain from the nearest hop: each trusted proxy vouches for the hop before it,
        # and the first address that is not a proxy of ours is the client.
        hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        for hop in reversed([hop for hop in hops if hop]):
            if _address(hop) is None:
                break
            environ["REMOTE_ADDR"] = hop
            if not self.trusted(hop):
                break
        proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
        if proto in ("http", "https"):
            environ["wsgi.url_scheme"] = proto
