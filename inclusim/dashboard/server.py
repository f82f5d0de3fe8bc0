"""Start the dashboard: a web server on this machine, and its address printed once it answers.

The server is uvicorn serving Solara's app (``solara.server.starlette.app``, the app ``solara
run`` serves) behind :class:`inclusim.dashboard.guard.Guard`, in a process of its own (its
session: Ctrl+C, a closed terminal or a kill reach this process, which stops it and its workers).
The server ends by itself, with its workers, when this process is gone (killed with SIGKILL too):
it watches its parent (``inclusim.workers.when_gone``).

By default it listens on this machine only (127.0.0.1), and every request needs the token in the
printed address (``secrets.token_urlsafe``, new at each start), as Jupyter Server asks on
localhost too: another account on this machine cannot drive it. The token goes to the server
through a pipe (its standard input), not its command line or environment. ``--no-token`` serves
this machine without one, with a warning. Another address (``--host 0.0.0.0``) is refused unless
``--allow-remote`` is given too; then a warning is printed. ``--office-dir DIR`` offers the office
files in ``DIR`` on the first page, by name.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

#: The address the dashboard listens on unless told otherwise (this machine only).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: How long the server may take to answer before the start counts as failed.
START_TIMEOUT_SECONDS = 180
#: The environment that tells the server process its office folder.
OFFICE_DIR_VARIABLE = "INCLUSIM_OFFICE_DIR"
#: Solara's own setting of how long a page's session (its kernel, with all it holds: the week
#: page's model among it) is kept after its connection was lost without the page being closed
#: (Solara's default: 24 hours). The dashboard keeps it 2 minutes, as Streamlit keeps a disconnected
#: session; an environment that sets it keeps its own. A page closed in the browser ends at once.
CULL_TIMEOUT_VARIABLE, CULL_TIMEOUT = "SOLARA_KERNEL_CULL_TIMEOUT", "2m"
#: How long the server may take to stop once its command is gone, before it is killed.
ORPHAN_GRACE_SECONDS = 3
#: The app Solara serves.
APP = "inclusim.dashboard.app"


def bindable_port(host: str, port: int) -> int:
    """``port`` (or, for 0, a free port) after checking the server could listen there: raises
    ``OSError`` (errno EADDRINUSE when the port is taken; another errno for a host not on this machine)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return probe.getsockname()[1]


def command(host: str, port: int, token: bool = True) -> list[str]:
    """The command of the server process (it watches its parent, this process; the token comes on
    its standard input, ``--no-token``: none)."""
    return [sys.executable, "-m", "inclusim.dashboard.server", host, str(port), "--parent", str(os.getpid()),
            *([] if token else ["--no-token"])]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = START_TIMEOUT_SECONDS,
                  token: str | None = None) -> bool:
    """True once ``url`` answers (asked with ``token`` in a header); False if the server process
    ends or ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"token {token}"} if token else {}
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, allow_remote: bool = False,
          office_dir: str | Path | None = None, no_token: bool = False) -> int:
    """Run the dashboard until Ctrl+C; the exit status of the server (0 when stopped by the user)."""
    from inclusim.dashboard.guard import is_loopback, new_token
    from inclusim.errors import fail

    if not 0 <= port <= 65535:
        fail(f"--port = {port}: allowed are 0 (any free port) to 65535")
    if not allow_remote and not is_loopback(host):
        fail(f"--host = {host}: the dashboard serves this machine only (127.0.0.1, ::1, localhost) unless "
             "--allow-remote is given too (then a token guards it)")
    if no_token and not is_loopback(host):
        fail(f"--no-token with --host = {host}: a dashboard without its token serves this machine only "
             "(127.0.0.1, ::1, localhost)")
    folder = None
    if office_dir is not None:
        folder = Path(office_dir).expanduser()
        if not folder.is_dir():
            fail(f"--office-dir = {office_dir}: not a folder; give the folder that holds the office files (.yaml)")
        folder = folder.resolve()
    try:
        port = bindable_port(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            fail(f"--port = {port}: the port is in use on {host}; give another (--port 0 picks a free one)")
        fail(f"--host = {host}: the dashboard cannot listen there ({exc.strerror or exc})")
    token = None if no_token else new_token()
    query = f"?token={token}" if token else ""
    # the address this machine reaches the server at (a server on every address answers on loopback)
    local = _address("127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host, port)
    shown = _address(socket.gethostname() if host in ("0.0.0.0", "::", "") else host, port)
    print(f"inclusim dashboard: starting on http://{_address(host, port)}/ ...", flush=True)
    if allow_remote:
        print(f"inclusim dashboard: warning: --allow-remote: anyone who can reach http://{_address(host, port)}/ "
              "and has the token can run simulations and load office files here; the connection is not "
              "encrypted (plain http): use it on a network you trust", file=sys.stderr, flush=True)
    if no_token:
        print(f"inclusim dashboard: warning: --no-token: any program or account on this machine can open "
              f"http://{_address(host, port)}/, run simulations and load the office files offered here; "
              "leave --no-token out on a machine you share", file=sys.stderr, flush=True)
    # Solara warns that session cookies fall back to SameSite=Lax over plain http: expected here
    env = {**os.environ, "SOLARA_APP": APP, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
           "PYTHONWARNINGS": "ignore::UserWarning:solara.server.starlette"}
    env.setdefault(CULL_TIMEOUT_VARIABLE, CULL_TIMEOUT)
    # no "This website runs on Solara" banner in English on a page a leader reads in bokmål
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "false")
    env.pop(OFFICE_DIR_VARIABLE, None)
    if folder is not None:
        env[OFFICE_DIR_VARIABLE] = str(folder)
    # the token through a pipe: not on the command line (any account sees it) nor in the environment
    process = subprocess.Popen(command(host, port, token=token is not None), env=env,
                               start_new_session=True, stdin=subprocess.PIPE)
    process.stdin.write(f"{token or ''}\n".encode())
    process.stdin.close()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    try:
        if not wait_until_up(f"http://{local}/readyz", process, token=token):
            _end(process)
            fail(f"the dashboard server did not start on http://{_address(host, port)}/ "
                 f"(exit status {process.returncode})", code=1)
        also = f"on this machine: http://{local}/{query}; " if shown != local else ""
        print(f"inclusim dashboard: open http://{shown}/{query} in a browser ({also}Ctrl+C stops it)", flush=True)
        return process.wait()
    except (KeyboardInterrupt, _Stopped):
        _end(process)
        print("inclusim dashboard: stopped", flush=True)
        return 0


class _Stopped(Exception):
    """A signal asked the dashboard to stop."""


def _stop(signum, frame):
    raise _Stopped


def _end(process: subprocess.Popen, grace_seconds: float = 10) -> None:
    """Stop the server and every process it started (its worker processes are in its session)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        process.wait()


def run_server(host: str, port: int, parent: int, token_asked: bool = True) -> None:
    """The server process: uvicorn on Solara's app behind the guard, with the token read from the
    standard input (one line, written by :func:`serve`; nothing else is read from it). Its worker
    processes start now, before any page opens (``runner.warm_up``), and the server ends when
    ``parent``, the command, is gone."""
    import uvicorn

    from inclusim.dashboard.guard import Guard, is_loopback
    from inclusim.dashboard.runner import warm_up
    from inclusim.workers import when_gone

    token = sys.stdin.readline().strip() or None
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)       # the pipe is done with; no worker inherits it
    os.close(nothing)
    if token_asked and not token:
        raise SystemExit("inclusim dashboard: the server was given no token")
    when_gone(parent, _end_orphaned)
    from solara.server.starlette import app

    warm_up()
    uvicorn.run(Guard(app, token, port, local_only=is_loopback(host)), host=host, port=port, log_level="warning",
                access_log=False, server_header=False, timeout_graceful_shutdown=ORPHAN_GRACE_SECONDS)


def _end_orphaned() -> None:
    """The command that started this server is gone: stop as on Ctrl+C (SIGTERM to the server's
    process group, its worker processes with it), and kill what is left after a grace."""
    group = os.getpgrp()
    own_group = group == os.getpid()      # started by serve(): a session, a group of its own
    try:
        if own_group:
            os.killpg(group, signal.SIGTERM)
        else:
            os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(ORPHAN_GRACE_SECONDS * 2)
        if own_group:
            os.killpg(group, signal.SIGKILL)
    finally:
        os._exit(1)


if __name__ == "__main__":
    arguments = sys.argv[3:]
    run_server(sys.argv[1], int(sys.argv[2]), parent=int(arguments[arguments.index("--parent") + 1]),
               token_asked="--no-token" not in arguments)
