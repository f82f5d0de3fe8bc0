"""The door of the dashboard's web server: who may send it a request.

:class:`Guard` wraps the Solara app (an ASGI app, ``solara.server.starlette.app``) and answers 403
to a request it should not serve, before Solara sees it: pages, static files, the kernel API and
the websocket alike.

* **A token, on every host** (as Jupyter Server asks, on localhost too): every request must carry
  the token the server printed: ``?token=...`` in the address, an ``Authorization: token ...``
  header, or the cookie the server sets when the token was given once (so that the page's own
  requests, its scripts and its websocket, need no token in their addresses). A page asked for
  with ``?token=`` is sent on to the same address without it (the cookie carries it on), so the
  token does not stay in the address bar or the browser's history. The cookie is HttpOnly and
  SameSite=Strict, and named after the port (two dashboards on one machine keep theirs apart).
  Only ``inclusim dashboard --no-token`` (this machine only, with a warning) serves without one.
* **On this machine only** (the default): a request must name this machine in its ``Host``
  header, exactly ``host`` or ``host:port`` (``localhost``, ``127.x.x.x``, ``[::1]``): a web page
  elsewhere cannot reach the dashboard through a name of its own that points here (DNS rebinding).
* Always: a websocket is opened only from a page of the dashboard itself (its ``Origin`` is the
  dashboard's own address), so no other site's page can drive a leader's session.
* A websocket the browser drops (a tab or a browser closed at once) ends quietly: it is no error
  of the server's, so it prints no traceback; any other error is left to the server to report.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit

#: What a refused request gets (with status 403).
REFUSED = (b"403 Forbidden: the inclusim dashboard needs its token; open the address the dashboard printed "
           b"(http://.../?token=...)\n")
NOT_HERE = b"403 Forbidden: the inclusim dashboard answers addresses of this machine only (localhost, 127.0.0.1)\n"
OTHER_SITE = b"403 Forbidden: the dashboard's websocket opens from the dashboard's own pages only\n"

#: A ``Host`` header as HTTP has it: a name or an IPv4 address, or an IPv6 address in brackets,
#: then at most a port. Nothing else (no user part, no path).
HOST_HEADER = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(?P<port>\d{1,5}))?")


def new_token() -> str:
    """A token for a dashboard (as Jupyter makes its own)."""
    return secrets.token_urlsafe(32)


def cookie_name(port: int) -> str:
    """The cookie that keeps the token of the dashboard on ``port``."""
    return f"inclusim-dashboard-token-{port}"


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) is this machine only."""
    host = host.strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def names_this_machine(header: str) -> bool:
    """Whether a ``Host`` header is exactly a name or address of this machine, with at most a port
    (``127.0.0.1:8765``, ``localhost``, ``[::1]:8765``; not ``evil.example@127.0.0.1`` nor ``127.0.0.1/x``)."""
    found = HOST_HEADER.fullmatch(header)
    return found is not None and int(found["port"] or 0) <= 65535 and is_loopback(found["host"])


class Guard:
    """An ASGI app that passes a request to ``app`` only when :mod:`this module's <guard>` rules allow it.

    ``token``: the token every request must carry (None: none is asked; ``inclusim dashboard
    --no-token``); ``port``: the port the dashboard listens on (names the token's cookie);
    ``local_only``: the server listens on this machine only, so a request must name this machine.
    """

    def __init__(self, app, token: str | None, port: int, local_only: bool = True):
        self.app = app
        self.token = token.encode() if token else None
        self.cookie = cookie_name(port)
        self.local_only = local_only

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):      # lifespan: the server's own start and stop
            return await self.app(scope, receive, send)
        headers = {}
        for name, value in scope.get("headers", ()):
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        host = headers.get("host", "")
        if self.local_only and not names_this_machine(host):
            return await _refuse(scope, receive, send, NOT_HERE)
        if scope["type"] == "websocket" and "origin" in headers and urlsplit(headers["origin"]).netloc != host:
            return await _refuse(scope, receive, send, OTHER_SITE)
        given = self._given(scope, headers) if self.token is not None else "none asked"
        if given is None:
            return await _refuse(scope, receive, send, REFUSED)
        if given == "query" and scope["type"] == "http":
            cookie = (f"{self.cookie}={self.token.decode()}; Path=/; HttpOnly; SameSite=Strict").encode()
            if scope.get("method") in ("GET", "HEAD"):       # the same address without the token, the cookie set
                return await _redirect(scope, send, cookie)

            async def send_with_cookie(message):
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
                await send(message)

            return await self.app(scope, receive, send_with_cookie)
        if scope["type"] == "websocket":
            return await _quietly_dropped(self.app, scope, receive, send)
        return await self.app(scope, receive, send)

    def _given(self, scope, headers: dict) -> str | None:
        """Where the request carries the right token ("query", "header", "cookie"), or None."""
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if any(name == "token" and self._right(token) for name, token in query):
            return "query"
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "token" and self._right(value.strip()):
            return "header"
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == self.cookie and self._right(value):
                return "cookie"
        return None

    def _right(self, given: str) -> bool:
        return secrets.compare_digest(given.encode("utf-8", "replace"), self.token)


async def _redirect(scope, send, cookie: bytes) -> None:
    """302 to the address asked for, less its ``token``, with the token's cookie (as Jupyter does)."""
    query = [(name, value) for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                                          keep_blank_values=True) if name != "token"]
    path = scope.get("root_path", "") + scope.get("path", "/")
    location = (path if path.startswith("/") else "/" + path) + ("?" + urlencode(query) if query else "")
    if location.startswith("//"):       # never an address of another site ('//evil.example')
        location = "/" + location.lstrip("/")
    await send({"type": "http.response.start", "status": 302,
                "headers": [(b"location", location.encode("latin-1", "replace")), (b"set-cookie", cookie),
                            (b"cache-control", b"no-store"), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


def _dropped() -> tuple[type[BaseException], ...]:
    """The errors that say the browser has dropped a websocket: Starlette's, and Solara's own, which
    its kernel connection raises when it sends to (or reads from) a websocket already closed."""
    from solara.server.websocket import WebSocketDisconnect as SolaraDisconnect
    from starlette.websockets import WebSocketDisconnect

    return WebSocketDisconnect, SolaraDisconnect


async def _quietly_dropped(app, scope, receive, send) -> None:
    """The websocket ``app`` serves; when the browser has dropped it, the end is quiet (no traceback).
    Any other error goes on to the server, which reports it (also one among dropped ones in a group)."""
    try:
        await app(scope, receive, send)
    except _dropped():
        return
    except BaseExceptionGroup as group:      # raised through a task group (Solara's thread portal)
        if group.split(_dropped())[1] is not None:
            raise


async def _refuse(scope, receive, send, body: bytes) -> None:
    """403: a page request gets the reason as text; a websocket is closed before it opens (the
    server answers its handshake with 403)."""
    if scope["type"] == "websocket":
        await receive()       # the connect message
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
