"""Where a webhook may be sent: no server-side request forgery. A URL whose host resolves to
a loopback, private, link-local (cloud metadata included), multicast or otherwise
non-public address is refused when the subscription is saved and again before each
delivery (the name may resolve elsewhere by then), unless ``WEBHOOK_ALLOW_PRIVATE``."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class AddressRefused(ValueError):
    """The URL may not be called; the message says why."""


def check_url(url: str) -> None:
    """Raise ``AddressRefused`` unless ``url`` is http(s) to a public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise AddressRefused("The URL must be http:// or https:// with a host.")
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as error:
        raise AddressRefused(f"The host {parts.hostname!r} cannot be resolved.") from error
    for *_, sockaddr in found:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise AddressRefused(f"The host {parts.hostname!r} resolves to a non-public address ({address}).")
