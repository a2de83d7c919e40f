"""The address of the person making a request, also when a proxy stands in front of the portal.

Behind a proxy every request comes from the proxy (``REMOTE_ADDR``), so a lock-out or a rate
limit keyed on it would count everyone as one. Each proxy appends the address it received the
request from to ``X-Forwarded-For``; with ``TRUSTED_PROXY_COUNT`` proxies in front, the client
is the entry that many places from the right. Entries to the left of it were written by the
client itself and are never believed: anyone can send that header.

The lock-out (django-axes, through ``AXES_CLIENT_IP_CALLABLE``), the young people's message
limit and the security log all take the address from here.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address, or REMOTE_ADDR when no trusted proxy is configured, or
    when the header is missing or malformed (a request that did not come through the proxy)."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
