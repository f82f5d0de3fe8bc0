"""Start the dashboard: a Solara server on this machine, and its address printed once it answers."""

from __future__ import annotations

import os
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


def free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((host, port)) == 0


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

    if port == 0:
        port = free_port(host)
    elif port_in_use(host, port):
        fail(f"--port = {port}: the port is in use on {host}; give another (--port 0 picks a free one)")
    url = f"http://{host}:{port}/"
    print(f"inclusim dashboard: starting on {url} ...", flush=True)
    # Solara warns that session cookies fall back to SameSite=Lax over plain http: expected on localhost
    env = {**os.environ, "SOLARA_APP": "inclusim.dashboard.app",
           "PYTHONWARNINGS": "ignore::UserWarning:solara.server.starlette"}
    process = subprocess.Popen(command(host, port), env=env)
    try:
        if not wait_until_up(url, process):
            process.terminate()
            fail(f"the dashboard server did not start on {url} (exit status {process.wait()})", code=1)
        print(f"inclusim dashboard: open {url} in a browser (Ctrl+C stops it)", flush=True)
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
        return 0
