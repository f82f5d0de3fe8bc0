#!/usr/bin/env bash
# ensure-slurm.sh: make sure Debian's SLURM (slurmctld, slurmd and the client commands) and MUNGE are
# installed, for the tests that start a single-node SLURM cluster on this machine (tests/test_slurm.py).
#
# Idempotent: when the commands are there it installs nothing. Otherwise it installs the Debian
# packages `slurm-wlm` and `munge` with apt-get (as root, or through sudo) and nothing else; it
# configures and starts nothing (the tests start their own cluster in a temporary folder).
# It never fails the set-up: where it cannot install them it says so in one line and exits 0, and the
# SLURM tests are then skipped with their reason.
set -uo pipefail

NEEDED=(slurmctld slurmd sinfo squeue scancel scontrol munged)
PATH="$PATH:/usr/sbin:/sbin"

missing() {
    local cmd
    for cmd in "${NEEDED[@]}"; do
        command -v "$cmd" >/dev/null 2>&1 || return 0
    done
    return 1
}

if ! missing; then
    echo "ensure-slurm: slurmctld, slurmd and munged are present"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-slurm: SLURM is not installed and apt-get is not available; the SLURM tests will be skipped" \
         "(install Debian's 'slurm-wlm' and 'munge' packages to run them)"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        echo "ensure-slurm: installing slurm-wlm and munge needs root (or sudo); the SLURM tests will be skipped"
        exit 0
    fi
fi

echo "ensure-slurm: installing Debian's slurm-wlm and munge packages"
export DEBIAN_FRONTEND=noninteractive
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
if ! { "${SUDO[@]}" apt-get update -qq \
       && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >"$LOG" 2>&1; then
    echo "ensure-slurm: apt-get could not install slurm-wlm and munge ($(tail -n 1 "$LOG"));" \
         "the SLURM tests will be skipped"
    exit 0
fi

if missing; then
    echo "ensure-slurm: apt-get finished but a SLURM or MUNGE command is still missing; the SLURM tests will be skipped"
    exit 0
fi
echo "ensure-slurm: slurm-wlm and munge installed"
