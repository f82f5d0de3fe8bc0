"""A single-node SLURM cluster on this machine, for the tests of the SLURM launcher preset
(tests/test_slurm.py): MUNGE and the SLURM daemons (slurmctld, slurmd) started as root in a temporary
folder, with their own configuration, key, sockets, ports, state, logs and pid files, and stopped again.

Debian's ``slurm-wlm`` and ``munge`` packages provide them (``scripts/ensure-slurm.sh`` installs them).
Every SLURM command is pointed at the cluster's ``slurm.conf`` through the ``SLURM_CONF`` variable of
:attr:`Cluster.env`. The cluster has no accounting database (slurmdbd), so the real ``sacct``, which
submitit asks for the state of its jobs, has nothing to say; :attr:`Cluster.env` puts a small
``sacct`` first on the ``PATH`` that answers submitit's one question (``sacct -o JobID,State,NodeList
--parsable2 -j ID ...``) from slurmctld's own records of the jobs (``scontrol show job``). Without an
answer submitit waits for ever on a job that was cancelled before it could write its result.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Where Debian installs the daemons and the client commands.
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin", "/sbin"])
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sinfo", "squeue", "scancel", "scontrol", "sbatch", "srun")
#: The longest folder the cluster can live in: a socket's path has at most 107 characters, and slurmd's
#: are ``<folder>/state/d/<node>_<job>.<step>``.
MAX_ROOT = 64
#: How long the node may take to be idle after the daemons are started.
START_SECONDS = 60

#: The ``sacct`` the cluster's commands find first: the states of the jobs asked for, from slurmctld.
SACCT = '''#!{python}
"""sacct for a cluster without accounting: JobID|State|NodeList of the jobs given with -j, from slurmctld's
records (scontrol show job), in the form submitit reads."""
import re
import subprocess
import sys

args = sys.argv[1:]
ids = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "-j"]
print("JobID|State|NodeList")
for job in ids:
    shown = subprocess.run(["scontrol", "-o", "show", "job", job], capture_output=True, text=True)
    for line in shown.stdout.splitlines():
        record = dict(re.findall(r"(\\w+)=(\\S*)", line))
        task = record.get("ArrayTaskId")
        if task is None:
            name = record.get("JobId", job)
        elif task.split("%")[0].isdigit():
            name = record["ArrayJobId"] + "_" + task
        else:
            name = record["ArrayJobId"] + "_[" + task.split("%")[0] + "]"
        print(name + "|" + record.get("JobState", "UNKNOWN") + "|" + record.get("NodeList", ""))
'''


class ClusterUnavailable(Exception):
    """SLURM cannot be started on this machine: the message says what failed."""


@dataclass
class Cluster:
    """A running single-node cluster: its folder, configuration, node name and the environment
    (``SLURM_CONF``, the ``PATH`` with the daemons and the ``sacct`` stand-in) its commands need."""

    root: Path
    conf: Path
    node: str
    env: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def run(self, *command: str, timeout: float = 30) -> subprocess.CompletedProcess:
        """A SLURM command against this cluster."""
        return subprocess.run(list(command), capture_output=True, text=True, env=self.env, timeout=timeout)

    def jobs(self) -> list[tuple[str, str]]:
        """(job id, state) of every job slurmctld has in its queue, array tasks as ``<array id>_<task>``."""
        out = self.run("squeue", "--noheader", "--array", "--states=all", "--format=%i %T").stdout
        return [tuple(line.split()[:2]) for line in out.splitlines() if line.strip()]

    def node_state(self) -> str:
        return self.run("sinfo", "--noheader", "--nodes", self.node, "--format=%T").stdout.strip()

    def set_node(self, state: str, reason: str = "tests") -> None:
        """``scontrol update`` the node's state (DRAIN keeps new jobs pending, RESUME takes them again)."""
        extra = [f"reason={reason}"] if state.upper() in ("DRAIN", "DOWN") else []
        done = self.run("scontrol", "update", f"nodename={self.node}", f"state={state}", *extra)
        if done.returncode != 0:
            raise RuntimeError(f"scontrol update state={state}: {done.stderr.strip()}")

    def wait_idle(self, seconds: float = START_SECONDS) -> bool:
        """Wait until the node is idle (bounded); whether it is."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.node_state() == "idle":
                return True
            time.sleep(0.25)
        return False

    def cancel_all(self, seconds: float = 30) -> None:
        """Cancel every job and wait (bounded) until none is left running."""
        for job, _ in self.jobs():
            self.run("scancel", job.split("_")[0])
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and any(state in ("RUNNING", "COMPLETING", "PENDING", "CONFIGURING")
                                                  for _, state in self.jobs()):
            time.sleep(0.25)

    def log(self, daemon: str, lines: int = 12) -> str:
        """The last lines of a daemon's log file (or, if it wrote none, of what it printed)."""
        for path in (self.root / "log" / f"{daemon}.log", self.root / "log" / f"{daemon}.out"):
            text = path.read_text(errors="replace").strip() if path.exists() else ""
            if text:
                return "\n".join(text.splitlines()[-lines:])
        return "(empty)"

    def stop(self) -> None:
        """Cancel the jobs, then stop slurmd, slurmctld and munged (SIGTERM, SIGKILL after 10 s)."""
        try:
            if "slurmctld" in self.processes and self.processes["slurmctld"].poll() is None:
                self.cancel_all()
        finally:
            for name in ("slurmd", "slurmctld", "munged"):
                process = self.processes.pop(name, None)
                if process is None or process.poll() is not None:
                    continue
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def memory_mb() -> int:
    """This machine's memory (MemTotal of /proc/meminfo) in MB."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) // 1024
    return 0


def slurm_conf(root: Path, node: str, cpus: int, memory: int, ports: tuple[int, int]) -> str:
    """The cluster's ``slurm.conf``: one node (this machine, reached at 127.0.0.1 whatever its name resolves
    to), one partition ``debug``, no cgroups, no accounting; every file it writes under ``root``."""
    log, state = root / "log", root / "state"
    return f"""\
ClusterName=inclusim-tests
SlurmctldHost={node}(127.0.0.1)
SlurmctldPort={ports[0]}
SlurmdPort={ports[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={root / 'munge' / 'munge.socket'}
StateSaveLocation={state / 'ctld'}
SlurmdSpoolDir={state / 'd'}
SlurmctldPidFile={state / 'slurmctld.pid'}
SlurmdPidFile={state / 'slurmd.pid'}
SlurmctldLogFile={log / 'slurmctld.log'}
SlurmdLogFile={log / 'slurmd.log'}
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc={log / 'jobcomp.log'}
MinJobAge=3600
MailProg=/bin/true
KillWait=5
NodeName={node} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def _daemon(cluster: Cluster, name: str, command: list[str]) -> None:
    out = open(cluster.root / "log" / f"{name}.out", "wb")
    with out:
        cluster.processes[name] = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out,
                                                   stderr=subprocess.STDOUT, env=cluster.env, start_new_session=True)


def _up(cluster: Cluster, name: str, ready, seconds: float = 20) -> None:
    """Wait until ``ready()`` (bounded); raise ClusterUnavailable naming the daemon and its log if not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        if cluster.processes[name].poll() is not None:
            break
        time.sleep(0.1)
    status = cluster.processes[name].poll()
    how = f"exited with status {status}" if status is not None else f"is not ready after {seconds:.0f} s"
    raise ClusterUnavailable(f"{name} {how}; the end of its log:\n{cluster.log(name)}")


def start(root: Path) -> Cluster:
    """Start MUNGE, slurmctld and slurmd under ``root`` and wait until the node is idle. Raises
    ClusterUnavailable (with what failed and the end of the daemon's log) if SLURM cannot run here; the
    daemons it started are stopped again then."""
    if os.geteuid() != 0:
        raise ClusterUnavailable("starting SLURM's daemons needs root")
    missing = [name for name in (*DAEMONS, *CLIENTS) if shutil.which(name, path=SEARCH_PATH) is None]
    if missing:
        raise ClusterUnavailable(f"SLURM is not installed ({', '.join(missing)} not found); "
                                 "bash scripts/ensure-slurm.sh installs Debian's slurm-wlm and munge")
    root = Path(root).resolve()
    if len(str(root)) > MAX_ROOT:
        raise ClusterUnavailable(f"the folder {root} is too long a path for the daemons' sockets in it "
                                 f"(at most {MAX_ROOT} characters)")
    for folder in ("munge", "log", "state/ctld", "state/d", "bin"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for folder in (root, root / "munge"):    # MUNGE: no folder on the way to its key and socket writable by others
        os.chmod(folder, 0o755)
    node = socket.gethostname().split(".")[0]
    cpus = len(os.sched_getaffinity(0))
    memory = int(memory_mb() * 0.9)
    if memory < 1500:
        raise ClusterUnavailable(f"this machine has too little memory for a SLURM node ({memory_mb()} MB)")
    conf = root / "slurm.conf"
    conf.write_text(slurm_conf(root, node, cpus, memory, (free_port(), free_port())))
    sacct = root / "bin" / "sacct"
    sacct.write_text(SACCT.format(python=sys.executable))
    sacct.chmod(0o755)
    env = {**os.environ, "SLURM_CONF": str(conf), "PATH": os.pathsep.join([str(root / "bin"), SEARCH_PATH])}
    for variable in [k for k in env if k.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_")) and k != "SLURM_CONF"]:
        del env[variable]          # nothing of an enclosing SLURM job leaks into this cluster's commands
    cluster = Cluster(root=root, conf=conf, node=node, env=env)
    try:
        _start_daemons(cluster)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _start_daemons(cluster: Cluster) -> None:
    root, munge = cluster.root, cluster.root / "munge"
    key = munge / "munge.key"
    made = subprocess.run([shutil.which("mungekey", path=SEARCH_PATH) or "mungekey", "--create", f"--keyfile={key}"],
                          capture_output=True, text=True)
    if made.returncode != 0:          # an older MUNGE without mungekey: 1024 random bytes
        key.write_bytes(os.urandom(1024))
    key.chmod(0o600)
    socket_path = munge / "munge.socket"
    # --force: pytest's temporary folders are private to their user (0700), and MUNGE refuses a socket in a
    # folder others cannot reach; here every client of the socket runs as root, so that check is a warning
    _daemon(cluster, "munged", ["munged", "--foreground", "--force", f"--socket={socket_path}",
                                f"--key-file={key}", f"--pid-file={munge / 'munged.pid'}",
                                f"--seed-file={munge / 'munged.seed'}", f"--log-file={root / 'log' / 'munged.log'}"])
    _up(cluster, "munged", socket_path.exists)
    _daemon(cluster, "slurmctld", ["slurmctld", "-D", "-f", str(cluster.conf)])
    _up(cluster, "slurmctld", lambda: cluster.run("scontrol", "ping", timeout=10).returncode == 0)
    _daemon(cluster, "slurmd", ["slurmd", "-D", "-f", str(cluster.conf)])
    if not cluster.wait_idle(START_SECONDS):
        state = cluster.node_state() or "unknown"
        if cluster.processes["slurmd"].poll() is not None:
            raise ClusterUnavailable(f"slurmd exited with status {cluster.processes['slurmd'].poll()}; the end of "
                                     f"its log:\n{cluster.log('slurmd')}")
        reason = cluster.run("sinfo", "--noheader", "--list-reasons", "--format=%E").stdout.strip()
        raise ClusterUnavailable(f"the node {cluster.node} is {state}, not idle, {START_SECONDS} s after slurmd "
                                 f"started{f' ({reason})' if reason else ''}; the end of slurmd's log:\n"
                                 f"{cluster.log('slurmd')}\nand of slurmctld's:\n{cluster.log('slurmctld')}")


def job_ids(submitit_folder: Path) -> set[str]:
    """The SLURM job ids submitit wrote its files under (``<array id>_<task>_...``): the job ids of a sweep."""
    return {match.group(1) for path in Path(submitit_folder).rglob("*")
            if (match := re.match(r"^(\d+_\d+)_", path.name))}


def ended_jobs(cluster: Cluster, jobs: set[str] | list[str], seconds: float = 30) -> dict[str, str | None]:
    """``<array id>_<task>`` -> the final state slurmctld recorded in its job completion log for each of
    ``jobs`` (None for one it has not recorded), once all are recorded or after ``seconds``: a task's result
    can be read a moment before slurmctld hears that the task has ended."""
    path = cluster.root / "log" / "jobcomp.log"
    deadline = time.monotonic() + seconds
    while True:
        ended = {}
        for line in path.read_text().splitlines() if path.exists() else []:
            record = dict(re.findall(r"(\w+)=(\S*)", line))
            if record.get("ArrayJobId") and record.get("ArrayTaskId"):
                ended[f"{record['ArrayJobId']}_{record['ArrayTaskId']}"] = record.get("JobState", "")
        if all(job in ended for job in jobs) or time.monotonic() > deadline:
            return {job: ended.get(job) for job in jobs}
        time.sleep(0.2)
