#!/usr/bin/env bash
# Install the system packages that the infra tests (pytest -m infra) start for real:
# munge + Slurm daemons and clients (single-node cluster on 127.0.0.1) and MariaDB + slurmdbd
# (so that `sacct`, the Slurm executor plugin's default status command, works).
# Idempotent: does nothing (and no `apt-get update`) when every command is already present.
set -euo pipefail

packages=(slurm-wlm slurm-client munge mariadb-server slurmdbd)
commands=(munged slurmctld slurmd slurmdbd sbatch squeue sacct sacctmgr scancel mariadbd mariadb-install-db)

missing=()
for cmd in "${commands[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-infra: all present (${commands[*]})"
    exit 0
fi
echo "install-infra: missing ${missing[*]}; installing ${packages[*]}"

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# --no-install-recommends keeps the install small; policy-rc.d keeps the packages from
# starting their own daemons (the tests start theirs on private sockets and ports).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    created_policy=1
fi
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
[ "$created_policy" -eq 0 ] || $sudo rm -f "$policy"

for cmd in "${commands[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || { echo "install-infra: $cmd still missing" >&2; exit 1; }
done
echo "install-infra: installed"
