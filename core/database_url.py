"""The DATABASE_URL of another database on the server this process uses, for a process it starts.

A server reached by a Unix socket (the embedded PostgreSQL of a machine with no DATABASE_URL)
has a folder for its host, which a URL cannot carry in its host part: it goes in the query
(``?host=/path&port=N``), which django-environ passes to the driver as options.
"""

from urllib.parse import quote, urlencode


def server_address(server: dict) -> tuple[str, str]:
    """The host (or socket folder) and port of a connection's ``settings_dict``, wherever the
    URL put them; empty strings for the driver's defaults."""
    options = server.get("OPTIONS", {})
    return str(server.get("HOST") or options.get("host") or ""), str(
        server.get("PORT") or options.get("port") or ""
    )


def database_url(server: dict, name: str) -> str:
    """``server`` is a connection's ``settings_dict``; ``name`` the database to point at."""
    user = quote(server.get("USER") or "", safe="")
    password = f":{quote(server['PASSWORD'], safe='')}" if server.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    host, port = server_address(server)
    if host.startswith("/"):
        return f"postgres://{at}/{name}?{urlencode({'host': host, 'port': port or '5432'})}"
    return f"postgres://{at}{host or 'localhost'}{f':{port}' if port else ''}/{name}"
