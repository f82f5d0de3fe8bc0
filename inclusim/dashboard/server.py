"""Start the dashboard: a Solara server on this machine, and its address printed once it answers."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

#: The address the dashboard listens on unless told otherwise (this machine only).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: How long the server may take to answer before the start counts as failed.
START_TIMEOUT_SECONDS = 180


def bindable_port(host: str, port: int) -> int:
    """``port`` (or, for 0, a free port) after checking the server could listen there: raises
    ``OSError`` (errno EADDRINUSE when the port is taken; another errno for a host not on this machine)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        return probe.getsockname()[1]


def command(host: str, port: int) -> list[str]:
    """The Solara server command for the dashboard app."""
    return [sys.executable, "-m", "solara", "run", "inclusim.dashboard.app", "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version", "--log-level", "warning"]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = START_TIMEOUT_SECONDS) -> bool:
    """True once ``url`` answers; False if the server process ends or ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    """Run the dashboard until Ctrl+C; the exit status of the server (0 when stopped by the user)."""
    from inclusim.errors import fail

    if not 0 <= port <= 65535:
        fail(f"--port = {port}: allowed are 0 (any free port) to 65535")
    try:
        port = bindable_port(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            fail(f"--port = {port}: the port is in use on {host}; give another (--port 0 picks a free one)")
        fail(f"--host = {host}: the dashboard cannot listen there ({exc.strerror or exc})")
    url = f"http://{host}:{port}/"
    print(f"inclusim dashboard: starting on {url} ...", flush=True)
    # Solara warns that session cookies fall back to SameSite=Lax over plain http: expected on localhost
    env = {**os.environ, "SOLARA_APP": "inclusim.dashboard.app",
           "PYTHONWARNINGS": "ignore::UserWarning:solara.server.starlette"}
    # its own session: Ctrl+C, a closed terminal or a kill reach this process, which stops the server
    process = subprocess.Popen(command(host, port), env=env, start_new_session=True)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    try:
        if not wait_until_up(url, process):
            _end(process)
            fail(f"the dashboard server did not start on {url} (exit status {process.returncode})", code=1)
        print(f"inclusim dashboard: open {url} in a browser (Ctrl+C stops it)", flush=True)
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
