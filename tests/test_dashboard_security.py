"""The dashboard opens no door (issue 24): what the server and the page may read, run and show.

* the server: every request (page, static file, websocket) needs the printed token, on this machine
  too (``--no-token`` only with a warning), and a token in an address is swapped for a cookie;
  ``--host`` beyond this machine only with ``--allow-remote``; on this machine only, a request must
  name this machine, exactly (no DNS rebinding); a websocket opens from the dashboard's own pages
  only, and one the browser drops ends without a traceback; the token reaches the server through a
  pipe; the server ends when its command is killed;
* office files: chosen by name from a folder the server was given, never by a path; a file from
  the leader's machine goes nowhere but a temporary folder of its own;
* the sweep page reads only the collected sweeps under the output folder of the folder it was
  started in, by name;
* text from a user or a file shows as the text it is (``safe.literal``), errors on one line;
* every lever has the config schema's upper bound, a run too large for the dashboard is refused
  before it starts (by an estimate above a measured run's memory), the week pages' models in the
  server have a budget, and a stopped run leaves none of its runs on the workers.

The page's own behaviour (the alert that must not fire, the refusal on the page, Stop) is checked
in Chromium in tests/test_dashboard_browser.py.
"""

from __future__ import annotations

import asyncio
import http.client
import importlib.util
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from domain.params import ConfigError

INCLUSIM = str(Path(sys.executable).with_name("inclusim"))
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHOTS = Path(os.environ.get("INCLUSIM_SCREENSHOTS", Path(__file__).resolve().parents[1] / "outputs" / "screenshots"))


# --- the server's door ---------------------------------------------------------------------------

def _asgi(guard, path: str = "/", query: str = "", headers: dict | None = None, kind: str = "http",
          method: str = "GET"):
    """(status, headers) the guard answers ``path`` with; 200 when it passes the request on."""
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def receive():
        return {"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    guard.app = app
    raw = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    scope = {"type": kind, "path": path, "query_string": query.encode(), "headers": raw}
    if kind == "http":
        scope["method"] = method
    asyncio.run(guard(scope, receive, send))
    if sent[0]["type"] == "websocket.close":
        return 403, {}
    return sent[0]["status"], {name.decode(): value.decode() for name, value in sent[0].get("headers", [])}


def test_the_guard_asks_the_token_of_every_request_and_keeps_it_in_a_cookie():
    from inclusim.dashboard.guard import Guard, cookie_name

    guard = Guard(None, "s3cret", 8765, local_only=False)
    host = {"host": "192.0.2.7:8765"}
    assert _asgi(guard, headers=host)[0] == 403
    assert _asgi(guard, "/static/assets/app.js", headers=host)[0] == 403
    assert _asgi(guard, query="token=wrong", headers=host)[0] == 403
    assert _asgi(guard, "/jupyter/api/kernels/x/channels", headers=host, kind="websocket")[0] == 403
    status, answer = _asgi(guard, query="token=s3cret", headers=host, method="POST")
    assert status == 200 and answer["set-cookie"].startswith(f"{cookie_name(8765)}=s3cret;")
    assert "HttpOnly" in answer["set-cookie"] and "SameSite=Strict" in answer["set-cookie"]
    with_cookie = {**host, "cookie": f"other=1; {cookie_name(8765)}=s3cret"}
    assert _asgi(guard, "/static/assets/app.js", headers=with_cookie) == (200, {})
    assert _asgi(guard, "/jupyter/api/kernels/x/channels", headers={**with_cookie, "origin": "http://192.0.2.7:8765"},
                 kind="websocket")[0] == 200
    assert _asgi(guard, headers={**host, "cookie": f"{cookie_name(9999)}=s3cret"})[0] == 403   # another port's
    assert _asgi(guard, headers={**host, "authorization": "token s3cret"})[0] == 200


def test_a_token_in_the_address_is_swapped_for_a_cookie_and_the_same_address_without_it():
    """Issue 24 review, fault 6: as Jupyter does, a page asked for with ``?token=`` is sent on to the
    same address without the token, with the cookie that carries it on (so the token leaves the
    address bar and the browser's history); nowhere but this server."""
    from inclusim.dashboard.guard import Guard, cookie_name

    guard = Guard(None, "s3cret", 8765)
    here = {"host": "127.0.0.1:8765"}
    status, answer = _asgi(guard, "/week", query="x=1&token=s3cret&y=%2F", headers=here)
    assert status == 302 and answer["location"] == "/week?x=1&y=%2F"
    assert answer["set-cookie"].startswith(f"{cookie_name(8765)}=s3cret;") and "HttpOnly" in answer["set-cookie"]
    assert "s3cret" not in answer["location"]
    assert _asgi(guard, "//evil.example", query="token=s3cret", headers=here)[1]["location"] == "/evil.example"
    assert _asgi(guard, "/", query="token=wrong", headers=here)[0] == 403
    assert _asgi(guard, "/", headers={**here, "cookie": f"{cookie_name(8765)}=s3cret"}) == (200, {})


def test_on_this_machine_only_no_token_but_no_other_name_and_no_other_site():
    from inclusim.dashboard.guard import Guard, is_loopback

    guard = Guard(None, None, 8765)
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "127.0.0.2", "localhost"):
        assert _asgi(guard, headers={"host": host})[0] == 200, host
    # a name of another site that points here (DNS rebinding), or none, or a header that is not
    # exactly host[:port] (a user part, a path, a port beyond 65535, a space)
    for host in ("rebind.example:8765", "evil.com@127.0.0.1", "127.0.0.1/evil", "127.0.0.1@evil.com",
                 "127.0.0.1:99999", "127.0.0.1:", "127.0.0.1 :8765", "[::1", "127.0.0.1:80:80", "evil.com#127.0.0.1"):
        assert _asgi(guard, headers={"host": host})[0] == 403, host
    assert _asgi(guard, headers={})[0] == 403
    # a token asked for too: the host is checked all the same
    assert _asgi(Guard(None, "s3cret", 8765), headers={"host": "evil.com@127.0.0.1",
                                                       "authorization": "token s3cret"})[0] == 403
    # a websocket from another site's page
    assert _asgi(guard, "/jupyter/api/kernels/x/channels", kind="websocket",
                 headers={"host": "127.0.0.1:8765", "origin": "http://evil.example"})[0] == 403
    assert _asgi(guard, "/jupyter/api/kernels/x/channels", kind="websocket",
                 headers={"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:8765"})[0] == 200
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("0.0.0.0")
    assert not is_loopback("192.168.1.5") and not is_loopback("::")


def test_a_websocket_the_browser_dropped_ends_without_a_traceback():
    """Issue 24 review, fault 6: a websocket closed at once by the browser (Solara's kernel connection
    then raises its WebSocketDisconnect, also inside a task group) ends quietly; any other error of
    the app goes on to the server, which reports it."""
    from solara.server.websocket import WebSocketDisconnect as SolaraDisconnect
    from starlette.websockets import WebSocketDisconnect

    from inclusim.dashboard.guard import Guard

    def ending_with(error):
        async def app(scope, receive, send):
            await send({"type": "websocket.accept"})
            raise error

        guard = Guard(None, None, 8765)
        guard.app = app
        sent = []

        async def receive():
            return {"type": "websocket.connect"}

        async def send(message):
            sent.append(message)

        scope = {"type": "websocket", "path": "/jupyter/api/kernels/x/channels", "query_string": b"",
                 "headers": [(b"host", b"127.0.0.1:8765"), (b"origin", b"http://127.0.0.1:8765")]}
        asyncio.run(guard(scope, receive, send))
        return sent

    for dropped in (SolaraDisconnect(), WebSocketDisconnect(1001),
                    ExceptionGroup("portal", [SolaraDisconnect(), WebSocketDisconnect(1006)])):
        assert ending_with(dropped) == [{"type": "websocket.accept"}]
    with pytest.raises(RuntimeError, match="a real fault"):
        ending_with(RuntimeError("a real fault"))
    with pytest.raises(ExceptionGroup):
        ending_with(ExceptionGroup("portal", [SolaraDisconnect(), KeyError("a real fault")]))


def test_the_token_check_takes_microseconds():
    """Measured: the guard's own work per request (the token in a cookie, the worst case)."""
    from inclusim.dashboard.guard import Guard, cookie_name

    guard = Guard(None, "t" * 43, 8765, local_only=False)
    scope = {"type": "http", "path": "/", "query_string": b"",
             "headers": [(b"host", b"192.0.2.7:8765"), (b"cookie", f"a=b; {cookie_name(8765)}={'t' * 43}".encode())]}
    headers = {"host": "192.0.2.7:8765", "cookie": f"a=b; {cookie_name(8765)}={'t' * 43}"}
    n = 20_000
    started = time.perf_counter()
    for _ in range(n):
        assert guard._given(scope, headers) == "cookie"
    each = (time.perf_counter() - started) / n
    print(f"token check: {each * 1e6:.1f} us a request")
    assert each < 1e-3


def _start(*args: str, env: dict | None = None) -> tuple[subprocess.Popen, list[str]]:
    """``inclusim dashboard ARGS``, until it prints its address (or ends); (process, lines printed)."""
    process = subprocess.Popen([INCLUSIM, "dashboard", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=env)
    lines = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if " in a browser" in line:
            break
    return process, lines


def _server_pid(command: subprocess.Popen) -> int:
    """The process id of the dashboard's server: the one child of the command."""
    children = Path(f"/proc/{command.pid}/task/{command.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _printed_address(lines: list[str]) -> tuple[str, int, str]:
    """(the address without its token, port, token) that ``inclusim dashboard`` printed for this machine."""
    printed = "".join(lines)
    found = (re.search(r"on this machine: (http://127\.0\.0\.1:(\d+)/)\?token=([\w-]+)", printed)
             or re.search(r"open (http://127\.0\.0\.1:(\d+)/)\?token=([\w-]+) in a browser", printed))
    assert found, printed
    return found.group(1), int(found.group(2)), found.group(3)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _answer(url: str, headers: dict | None = None) -> tuple[int, dict]:
    """(status, headers) of a GET, redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=20) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _status(url: str, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=20) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _websocket_status(host: str, port: int, path: str, headers: dict | None = None) -> int:
    """The status a websocket handshake gets (101: opened)."""
    connection = http.client.HTTPConnection(host, port, timeout=20)
    connection.request("GET", path, headers={"Connection": "Upgrade", "Upgrade": "websocket",
                                             "Sec-WebSocket-Version": "13",
                                             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **(headers or {})})
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_host_beyond_this_machine_is_refused_without_allow_remote():
    done = subprocess.run([INCLUSIM, "dashboard", "--host", "0.0.0.0", "--port", "0"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("inclusim: error: --host = 0.0.0.0:") and "--allow-remote" in done.stderr
    missing = subprocess.run([INCLUSIM, "dashboard", "--port", "0", "--office-dir", "/nowhere/offices"],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert missing.stderr.startswith("inclusim: error: --office-dir = /nowhere/offices: not a folder")


@pytest.mark.skipif(importlib.util.find_spec("playwright") is None or not CHROMIUM.exists(),
                    reason="needs playwright and /usr/bin/chromium")
def test_allow_remote_prints_a_warning_and_a_token_address_and_refuses_requests_without_it():
    from playwright.sync_api import sync_playwright

    process, lines = _start("--host", "0.0.0.0", "--allow-remote", "--port", "0")
    try:
        printed = "".join(lines)
        assert "warning: --allow-remote" in printed, printed
        base, port, token = _printed_address(lines)
        assert len(token) >= 40
        assert re.search(rf"open http://\S+:{port}/\?token={token} in a browser", printed)
        # without the token: 403 for the page, a static file, the kernel API and the websocket
        for path in ("", "week", "static/assets/custom.css", "readyz", "jupyter/api/kernels/x"):
            assert _status(base + path) == 403, path
        assert _status(base + "?token=" + token[:-1] + "x") == 403
        channels = "/jupyter/api/kernels/x/channels?session_id=y"
        assert _websocket_status("127.0.0.1", port, channels) == 403
        # with it: the same address without it, and the cookie it sets opens the rest
        status, answer = _answer(base + "?token=" + token)
        assert status == 302 and answer["location"] == "/" and token not in answer["location"]
        cookie = answer["set-cookie"].split(";")[0]
        assert cookie.startswith("inclusim-dashboard-token-")
        assert _status(base, {"Cookie": cookie}) == 200
        assert _status(base + "static/assets/custom.css", {"Cookie": cookie}) == 200
        assert _websocket_status("127.0.0.1", port, channels, {"Cookie": cookie}) == 101
        # the page renders in Chromium from the token address (its scripts and websocket through the cookie)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            context = browser.new_context()
            page = context.new_page()
            try:
                page.goto(base + "?token=" + token)
                assert page.url == base         # the token left the address bar
                page.get_by_role("button", name="English").wait_for(timeout=120_000)
                page.get_by_role("button", name="English").click()
                page.get_by_text("Staff and caseloads").first.wait_for(timeout=60_000)
                other = context.new_page()       # the same browser, another tab: the cookie is kept
                other.goto(base + "week")
                other.get_by_role("button", name="English").wait_for(timeout=120_000)
                fresh = browser.new_context().new_page()     # a browser without the token
                answer = fresh.goto(base)
                assert answer.status == 403 and "needs its token" in fresh.inner_text("body")
            finally:
                page.screenshot(path=str(SHOTS / "dashboard_token.png"))
                browser.close()
    finally:
        _stop(process)


def test_on_this_machine_too_every_request_needs_the_token_which_goes_through_a_pipe():
    """Issue 24 review, faults 2 and 6: another account of this machine could open the dashboard on
    loopback (200) and drive its websocket (101). Now the printed address has a token, as Jupyter
    Server's has on localhost too, and every request without it gets 403; the token reaches the
    server through its standard input, so it is neither on its command line nor in its environment;
    a request naming another host is refused, token or not."""
    process, lines = _start("--port", "0")
    try:
        base, port, token = _printed_address(lines)
        assert len(token) >= 40 and "warning" not in "".join(lines)
        channels = "/jupyter/api/kernels/x/channels?session_id=y"
        assert _status(base) == 403 and _status(base + "week") == 403
        assert _websocket_status("127.0.0.1", port, channels) == 403
        assert _websocket_status("127.0.0.1", port, channels, {"Origin": f"http://127.0.0.1:{port}"}) == 403
        header = {"Authorization": f"token {token}"}
        assert _status(base, header) == 200
        assert _status(base, {**header, "Host": f"rebind.example:{port}"}) == 403
        assert _status(base, {**header, "Host": f"evil.example@127.0.0.1:{port}"}) == 403
        assert _websocket_status("127.0.0.1", port, channels, {**header, "Origin": "http://evil.example"}) == 403
        status, answer = _answer(base + "week?token=" + token)
        assert status == 302 and answer["location"] == "/week"
        server = _server_pid(process)
        for part in ("environ", "cmdline"):
            assert token.encode() not in Path(f"/proc/{server}/{part}").read_bytes(), part
    finally:
        _stop(process)


def test_no_token_serves_this_machine_only_and_says_so():
    """``--no-token`` (Jupyter lets a token be switched off too, with a warning): this machine only,
    a warning on standard error, no token in the address; refused with another host."""
    refused = subprocess.run([INCLUSIM, "dashboard", "--no-token", "--host", "0.0.0.0", "--allow-remote", "--port", "0"],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("inclusim: error: --no-token with --host = 0.0.0.0:")
    process, lines = _start("--no-token", "--port", "0")
    try:
        printed = "".join(lines)
        assert "warning: --no-token: any program or account on this machine can open" in printed
        found = re.search(r"open (http://127\.0\.0\.1:(\d+)/) in a browser", printed)
        assert found and "token=" not in printed, printed
        base, port = found.group(1), int(found.group(2))
        assert _status(base) == 200
        assert _status(base, {"Host": f"rebind.example:{port}"}) == 403
    finally:
        _stop(process)


def test_the_server_ends_when_its_command_is_killed():
    """Issue 24 review, fault 3: kill -9 of ``inclusim dashboard`` left its server (a session of its
    own) serving, orphaned. The server watches its command (``inclusim.workers.when_gone``, the
    watch a sweep's workers use) and ends, with its worker processes, within a few seconds."""
    from inclusim.workers import is_running

    process, lines = _start("--port", "0")
    try:
        base, _port, token = _printed_address(lines)
        server = _server_pid(process)
        group = [int(pid) for pid in subprocess.run(["pgrep", "-g", str(server)], capture_output=True,
                                                      text=True).stdout.split()]
        assert server in group and len(group) >= 2, group       # the server and its worker processes
        process.kill()
        process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(is_running(pid) for pid in group):
            time.sleep(0.2)
        left = [pid for pid in group if is_running(pid)]
        print(f"ended {10 - (deadline - time.monotonic()):.1f} s after the command was killed")
        assert left == [], f"still running after the command was killed: {left}"
        with pytest.raises(OSError):
            urllib.request.urlopen(urllib.request.Request(base, headers={"Authorization": f"token {token}"}),
                                   timeout=5)
    finally:
        _stop(process)


# --- office files by name, sweeps by name ---------------------------------------------------------

def test_an_office_folder_offers_its_office_files_by_name_and_nothing_beyond_it(tmp_path):
    from inclusim.dashboard.state import OfficeFolder

    folder = tmp_path / "offices"
    folder.mkdir()
    example = Path(__file__).resolve().parents[1] / "examples" / "rural_office.yaml"
    (folder / "bygd.yaml").write_bytes(example.read_bytes())
    (folder / "notes.txt").write_text("not an office")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.yaml").write_text("name: x")
    (tmp_path / "secret.yaml").write_text("name: secret")
    (folder / "outside.yaml").symlink_to(tmp_path / "secret.yaml")       # a link out of the folder
    (folder / "shadow.yaml").symlink_to("/etc/shadow")
    (folder / "same.yaml").symlink_to(folder / "bygd.yaml")              # a link inside it is fine
    offices = OfficeFolder(folder)
    assert offices.names() == ["bygd.yaml", "same.yaml"]
    assert offices.file("bygd.yaml") == (folder / "bygd.yaml").resolve()
    for name in ("../secret.yaml", "outside.yaml", "shadow.yaml", "sub/deep.yaml", str(tmp_path / "secret.yaml"),
                 "/etc/shadow", "", ".."):
        with pytest.raises(ConfigError, match="not among the office files offered"):
            offices.file(name)


def test_the_page_loads_an_office_file_of_the_server_folder_by_name_only(tmp_path, monkeypatch):
    from inclusim.dashboard import state
    from inclusim.dashboard.server import OFFICE_DIR_VARIABLE

    example = Path(__file__).resolve().parents[1] / "examples" / "rural_office.yaml"
    (tmp_path / "bygd.yaml").write_bytes(example.read_bytes())
    monkeypatch.setenv(OFFICE_DIR_VARIABLE, str(tmp_path))
    try:
        state.load_from_office_folder("/etc/shadow")
        assert state.office_error.value.startswith("office file '/etc/shadow': not among the office files offered")
        assert "root" not in state.office_error.value
        state.load_from_office_folder("bygd.yaml")
        assert state.office_error.value == ""
        assert (state.office.value.name, state.office.value.source) == ("NAV Eksempelbygd", "bygd.yaml")
        state.load_example("urban_office.yaml")
        assert state.office.value.source == "examples/urban_office.yaml"
        state.load_example("../../../etc/passwd")
        assert "not among the office files offered" in state.office_error.value
    finally:
        state.use_built_in()


def test_the_sweep_page_looks_in_the_output_folder_of_the_folder_it_was_started_in(tmp_path, monkeypatch):
    """Issue 24 review, fault 6: the sweep page listed ``<repo>/outputs`` whatever folder the server
    was started in; it looks where ``inclusim -m ...`` run in that folder writes (``output_root``,
    relative to the working folder)."""
    from inclusim.compose import compose_config_and_settings
    from inclusim.dashboard import sweep_page

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sweep_page, "_ROOT", [])
    assert sweep_page.sweeps_root() == tmp_path / compose_config_and_settings([])[1].output_root == tmp_path / "outputs"
    (tmp_path / "outputs" / "mine" / "runs").mkdir(parents=True)
    (tmp_path / "outputs" / "mine" / "runs.parquet").write_bytes(b"")
    assert list(sweep_page.collected_sweeps()) == ["mine"]


def test_the_sweep_page_offers_the_collected_sweeps_under_outputs_by_name(tmp_path):
    from inclusim.dashboard.sweep_page import collected_sweeps

    outputs = tmp_path / "outputs"
    for name in ("a", "b/c"):
        (outputs / name / "runs").mkdir(parents=True)
        (outputs / name / "runs.parquet").write_bytes(b"")
    (tmp_path / "elsewhere" / "runs").mkdir(parents=True)
    (tmp_path / "elsewhere" / "runs.parquet").write_bytes(b"")
    (outputs / "link").symlink_to(tmp_path / "elsewhere")       # a link out of outputs/
    (outputs / "loose").mkdir()
    (outputs / "loose" / "runs.parquet").write_bytes(b"")       # not collected by inclusim collect
    assert sorted(collected_sweeps(outputs)) == ["a", "b/c"]
    assert collected_sweeps(tmp_path / "none") == {}


# --- text from a user or a file -------------------------------------------------------------------

def test_text_from_a_file_is_literal_in_markdown_and_one_line_in_a_message():
    import markdown

    from inclusim.dashboard.safe import literal, one_line

    hostile = "<img src=x onerror=alert(21)> {{ 7*7 }} **bold** | cell [a](javascript:x)\n# heading"
    shown = literal(hostile)
    assert shown.startswith("<span v-pre>") and shown.endswith("</span>")
    inside = shown.removeprefix("<span v-pre>").removesuffix("</span>")
    for sign in "<>{}*|[]()\n":
        assert sign not in inside
    assert "# heading" not in inside and "&#35; heading" in inside
    rendered = markdown.Markdown(extensions=["tables"]).convert(f"**{shown}**")
    assert "<img" not in rendered and "<strong><span v-pre>" in rendered
    assert "&#60;img src&#61;x onerror&#61;alert&#40;21&#41;&#62;" in rendered
    assert one_line("a\nb\r\n\tc" + "x" * 500) == "a b c" + "x" * 292 + "..."
    assert len(one_line("x" * 1000)) == 300


def test_an_upload_that_is_not_a_file_is_refused():
    import base64

    from inclusim.dashboard.upload import received

    assert received({"name": "a.yaml", "size": 3, "data": base64.b64encode(b"a: 1").decode()}, 100) == \
        ("a.yaml", 4, b"a: 1")
    assert received({"name": "big.yaml", "size": 5000, "data": None}, 100) == ("big.yaml", 5000, None)
    assert received({"name": "lie.yaml", "size": 1, "data": base64.b64encode(b"x" * 200).decode()}, 100)[2] is None
    assert received({"name": "x\n" * 100, "size": 1, "data": None}, 100)[0].count("\n") == 0
    for bad in (None, "text", {"size": -1}, {"name": "a", "size": "3"}, {"name": "a", "size": 3, "data": "!!"}):
        with pytest.raises(ValueError):
            received(bad, 100)


# --- bounds, run size, Stop -----------------------------------------------------------------------

def test_every_lever_has_the_schemas_upper_bound_checked_before_a_run():
    from domain.config import Config
    from domain.params import dotted_field
    from inclusim.dashboard.levers import LEVERS, to_overrides, values_under

    today = values_under({})
    for lever in LEVERS:
        if lever.kind not in ("int", "float"):
            continue
        assert lever.high is not None and lever.high < float("inf"), lever.key
        if lever.setting and not lever.setting.startswith("policy.modes"):
            assert lever.high == dotted_field(Config(), lever.setting).metadata["hi"]
    assert LEVERS[1].key == "users" and LEVERS[1].high == 5000 * 250      # advisers x caseload at their highest
    with pytest.raises(ConfigError, match=r"Users on the advisers' caseloads \(the office\) = 2000000: allowed range "
                                          r"is 5 to 1250000 \(users\)"):
        to_overrides({**today, "users": 2_000_000, "advisers": 8000}, {})
    with pytest.raises(ConfigError, match=r"Close-follow-up places per hybrid adviser = 41: allowed range is 0 to 40"):
        to_overrides({**today, "slots": 41}, {})
    with pytest.raises(ConfigError, match=r"Leader support \(0-1\) = nan: allowed range is 0.0 to 1.0"):
        to_overrides({**today, "leader_support": float("nan")}, {})


def test_a_run_too_large_for_the_dashboard_is_refused_before_it_starts():
    """550,000 users over 50 replications (issue 24): refused, naming the users lever, with what is allowed."""
    from inclusim.dashboard import state
    from inclusim.dashboard.levers import to_overrides, values_under
    from inclusim.dashboard.runner import (ResultCache, Setting, caseload_users, check_size, run_memory, run_settings,
                                           run_size)
    from inclusim.dashboard.simulate import comparison_settings

    today = values_under({})
    chosen = {**today, "users": 550_000, "advisers": 5000, "last_typed_staff_lever": ("users", 550_000)}
    settings = comparison_settings({}, {"labour_demand": "normal", "need_mix": "as_today"}, chosen)
    seeds = list(range(1, 51))
    size = run_size(settings, seeds, workers=2)
    assert 140_000 < size.users < 142_000       # the target group (about a quarter of the users) and the inflow
    assert size.memory_each == max(run_memory(size.users, caseload_users(dict(s.settings))) for s in settings)
    with pytest.raises(ConfigError) as caught:
        check_size(settings, seeds, workers=2, users=550_000)
    said = str(caught.value)
    assert said.startswith("users = 550000: a run would need about ") and "the dashboard allows" in said
    before = state.lang.value
    try:
        state.lang.set("nb")
        assert state.explain(caught.value).startswith("Brukere i veiledernes porteføljer (kontoret) = 550000: "
                                                      "en kjøring ville trenge omtrent")
    finally:
        state.lang.set(before)
    # fewer users but too many runs on one worker: the time is refused, naming the replications
    mid = comparison_settings({}, {"labour_demand": "normal", "need_mix": "as_today"},
                              {**today, "users": 80_000, "advisers": 1143,
                               "last_typed_staff_lever": ("users", 80_000)})
    with pytest.raises(ConfigError, match=r"replications = 50: 100 runs would take about \d+ minutes on 1 worker"):
        check_size(mid, seeds, workers=1)
    # and the runner refuses it itself, before anything runs
    cache = ResultCache()
    with pytest.raises(ConfigError, match="the dashboard allows"):
        run_settings(settings, seeds, workers=2, cache=cache)
    assert cache.get((settings[0].key, 1)) is None
    # the default office's largest run is allowed (50 replications, the ensemble's 8 parameter sets)
    check_size([Setting.of(label, {"parameter_set": number, **changed}) for number in range(8)
                for label, changed in (("Today", {}), ("Your choice", {"office.n_job_specialists": 5}))], seeds,
               workers=2)
    assert to_overrides(today, {}) == {}


def test_the_week_pages_models_have_a_budget_in_the_server():
    """Issue 24 review, fault 1: each week page built its model in the server, unchecked across
    pages (three pages of 400,000 users: 563 -> 2785 MB). A page reserves its model's estimated
    memory first: one model a page, all pages' together within the week pages' budget; a page that
    goes releases it (only the model it holds: a page that built another keeps the new one's)."""
    from inclusim.dashboard.runner import HeldModels, caseload_users, followed_users, run_memory, week_memory_limit
    from inclusim.dashboard.simulate import comparison_settings

    def users_followed(users, caseload):
        from inclusim.dashboard.levers import values_under

        chosen = {**values_under({}), "users": users, "advisers": round(users / caseload),
                  "last_typed_staff_lever": ("users", users)}
        setting = comparison_settings({}, {"labour_demand": "normal", "need_mix": "as_today"}, chosen)[1]
        return followed_users(dict(setting.settings)), caseload_users(dict(setting.settings))

    limit = week_memory_limit()
    assert limit == 1024**3 or limit < 1024**3       # half the dashboard's run limit (or of half the machine)
    held = HeldModels()
    big = users_followed(400_000, 80)       # the review's office: about 105,000 users followed
    assert run_memory(*big) > limit
    with pytest.raises(ConfigError, match=r"^users = 400000: the week-by-week page would hold about \d+ MB .* the "
                                          r"dashboard allows \d+ MB for the week pages together: fewer users$"):
        held.reserve("page-a", "k-big", big[0], shown_users=400_000, caseload=big[1])
    assert held.held() == {}
    mid = users_followed(140_000, 70)
    assert 2 * run_memory(*mid) > limit > run_memory(*mid)
    assert held.reserve("page-a", "k1", mid[0], shown_users=140_000, caseload=mid[1]) == run_memory(*mid)
    held.reserve("page-a", "k2", mid[0], caseload=mid[1])     # the same page's next model replaces its first
    assert list(held.held()) == ["page-a"] and held.held()["page-a"][0] == "k2"
    with pytest.raises(ConfigError, match=r"^users = 140000: .* and the other open week pages \(1\) hold \d+ MB of "
                                          r"the \d+ MB the dashboard allows for them together"):
        held.reserve("page-b", "k3", mid[0], shown_users=140_000, caseload=mid[1])
    small = users_followed(840, 70)
    held.reserve("page-b", "k4", small[0], caseload=small[1])         # a small office fits beside it
    held.release("page-a", "k1")                # the first model going: the page keeps its second
    assert set(held.held()) == {"page-a", "page-b"}
    held.release("page-a", "k2")
    held.reserve("page-c", "k5", mid[0], caseload=mid[1])
    assert set(held.held()) == {"page-b", "page-c"}


def test_the_memory_estimate_is_above_a_measured_run_and_counts_the_workers():
    """Issue 24 review, fault 5: at 100,000 users followed a run took 1315 MB against an estimate of
    1021 MB, and the 250 MB each worker holds after its imports was not counted. Measured here as
    the dashboard runs it: one run in a fresh worker process (spawned, as the pool's), its peak
    memory (VmHWM) less what it held before the run, beside :func:`run_memory`; and the worker's
    own memory beside :data:`WORKER_BASE_BYTES`, which every estimate counts per worker."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from inclusim.dashboard.runner import (WORKER_BASE_BYTES, Setting, caseload_users, followed_users, run_memory,
                                           run_size)

    settings = {"office.n_advisers": 286, "office.caseload_ordinary": 70}       # 20,020 users on the caseloads
    users, caseload = followed_users(settings), caseload_users(settings)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        base, peak = pool.submit(_measured_run, settings).result()
    own = peak - base
    print(f"{users} users followed: a run's own peak {own / 1e6:.0f} MB (estimate {run_memory(users, caseload) / 1e6:.0f} MB); "
          f"the worker before it {base / 1e6:.0f} MB (counted {WORKER_BASE_BYTES / 1e6:.0f} MB)")
    assert 4000 < users < 7000
    assert caseload == 20_020 and run_memory(users, caseload) >= 1.1 * own
    assert WORKER_BASE_BYTES >= base
    size = run_size([Setting.of("a", settings)], [1, 2, 3], workers=2)
    assert size.memory == 2 * WORKER_BASE_BYTES + 2 * size.memory_each + 3 * 130e3


def _measured_run(settings: dict) -> tuple[int, int]:
    """In a fresh worker process: (its memory once the model is loaded, its peak after one run), bytes."""
    from inclusim.dashboard.levers import build_config
    from inclusim.dashboard.runner import _ready, run_one

    def status(key: str) -> int:
        line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(key))
        return int(line.split()[1]) * 1024

    _ready()
    build_config({})
    base = status("VmRSS:")
    run_one((settings, 1))
    return base, status("VmHWM:")


def test_stop_leaves_none_of_its_runs_on_the_workers():
    """After Stop, the call returns only when none of its runs is still going on the workers (a
    worker cannot be interrupted in a run): nothing of it goes on, or into the cache, afterwards."""
    from inclusim.dashboard.runner import ResultCache, RunStopped, Setting, run_settings

    class Recording(ResultCache):
        def __init__(self):
            super().__init__()
            self.times: list[float] = []

        def put(self, key, tables):
            self.times.append(time.monotonic())
            super().put(key, tables)

    cache = Recording()
    short = {"horizon_weeks": 30, "office.n_advisers": 3, "office.n_job_specialists": 1}
    settings = [Setting.of("Today", short), Setting.of("Your choice", {**short, "office.caseload_ordinary": 40})]
    told: list[int] = []
    done: list[int] = []
    with pytest.raises(RunStopped):
        run_settings(settings, list(range(1, 9)), workers=2, cache=cache, stop=lambda: bool(done),
                     progress=lambda finished, total: done.append(finished) if finished else None,
                     stopping=told.append)
    stopped_at = time.monotonic()
    assert told and told[0] <= 2          # at most one run per worker was going
    time.sleep(3)                         # a run of these settings takes well under a second
    assert all(at <= stopped_at for at in cache.times), "a run went on after the call returned"
    assert len(cache.times) <= 1 + told[0] < 16
