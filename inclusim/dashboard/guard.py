"""The door of the dashboard's web server: who may send it a request.

:class:`Guard` wraps the Solara app (an ASGI app, ``solara.server.starlette.app``) and answers 403
to a request it should not serve, before Solara sees it: pages, static files, the kernel API and
the websocket alike.

* **On this machine only** (the default): a request must name this machine in its ``Host`` header
  (``localhost``, ``127.x.x.x``, ``[::1]``): a web page elsewhere cannot reach the dashboard
  through a name of its own that points here (DNS rebinding).
* **Served to other machines** (``--allow-remote``): every request must carry the token the
  server printed, as Jupyter asks: ``?token=...`` in the address, an ``Authorization: token ...``
  header, or the cookie the server sets when the token was given once (so that the page's own
  requests, its scripts and its websocket, need no token in their addresses). The cookie is
  HttpOnly and SameSite=Strict, and named after the port (two dashboards on one machine keep
  theirs apart).
* Always: a websocket is opened only from a page of the dashboard itself (its ``Origin`` is the
  dashboard's own address), so no other site's page can drive a leader's session.
"""

from __future__ import annotations

import ipaddress
import secrets
from urllib.parse import parse_qs, urlsplit

#: What a refused request gets (with status 403).
REFUSED = (b"403 Forbidden: the inclusim dashboard needs its token; open the address the dashboard printed "
           b"(http://.../?token=...)\n")
NOT_HERE = b"403 Forbidden: the inclusim dashboard answers addresses of this machine only (localhost, 127.0.0.1)\n"
OTHER_SITE = b"403 Forbidden: the dashboard's websocket opens from the dashboard's own pages only\n"


def new_token() -> str:
    """A token for a dashboard served to other machines (as Jupyter makes its own)."""
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


def _host_name(value: str) -> str:
    """The host of a ``Host`` header or an origin, without its port."""
    return urlsplit("//" + value).hostname or ""


class Guard:
    """An ASGI app that passes a request to ``app`` only when :mod:`this module's <guard>` rules allow it.

    ``token``: the token every request must carry (None: none is asked, and the ``Host`` must be
    this machine); ``port``: the port the dashboard listens on (names the token's cookie).
    """

    def __init__(self, app, token: str | None, port: int):
        self.app = app
        self.token = token.encode() if token else None
        self.cookie = cookie_name(port)

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):      # lifespan: the server's own start and stop
            return await self.app(scope, receive, send)
        headers = {}
        for name, value in scope.get("headers", ()):
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        host = headers.get("host", "")
        if self.token is None and not is_loopback(_host_name(host)):
            return await _refuse(scope, receive, send, NOT_HERE)
        if scope["type"] == "websocket" and "origin" in headers and urlsplit(headers["origin"]).netloc != host:
            return await _refuse(scope, receive, send, OTHER_SITE)
        if self.token is None:
            return await self.app(scope, receive, send)
        given = self._given(scope, headers)
        if given is None:
            return await _refuse(scope, receive, send, REFUSED)
        if given != "query" or scope["type"] != "http":
            return await self.app(scope, receive, send)
        cookie = (f"{self.cookie}={self.token.decode()}; Path=/; HttpOnly; SameSite=Strict").encode()

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        return await self.app(scope, receive, send_with_cookie)

    def _given(self, scope, headers: dict) -> str | None:
        """Where the request carries the right token ("query", "header", "cookie"), or None."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if any(self._right(token) for token in query.get("token", ())):
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
