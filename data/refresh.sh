#!/bin/sh
# Command of every stage in dvc.yaml: runs `python -m seirflow.refresh "$@"` with the
# project's interpreter whatever PATH says (a bare `python` in a stage command is whichever
# comes first on PATH, which outside an activated venv cannot import seirflow).
#
# The interpreter is the first of these that can import seirflow:
#   1. $SEIRFLOW_PYTHON, if set (then no other is tried);
#   2. the Python running dvc: the nearest ancestor process whose command line is
#      `<python> <...>/dvc ...` or `<python> -m dvc ...` (read from /proc; Linux only);
#   3. $DVC_ROOT/.venv/bin/python (DVC_ROOT is set by dvc; else the current directory);
#   4. python3 on PATH.
# If none can, it exits with status 1 naming each interpreter tried.
set -eu

log() { printf 'refresh.sh: %s\n' "$*" >&2; }

imports_seirflow() { "$1" -c "import seirflow" >/dev/null 2>&1; }

# Field 4 of /proc/PID/stat is the parent pid; the command name (field 2) may hold spaces
# and parentheses, so cut after the last ')'.
parent_of() {
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    set -- ${stat##*) }
    echo "$2"
}

# Print the interpreter of the nearest ancestor that runs dvc, if any.
dvc_python() {
    pid=$PPID
    depth=0
    while [ "$pid" -gt 1 ] && [ "$depth" -lt 16 ]; do
        if [ -r "/proc/$pid/cmdline" ]; then
            # argv[0], argv[1], argv[2] of the ancestor (NUL-separated in /proc).
            args=$(tr '\0' '\n' <"/proc/$pid/cmdline" | head -n 3)
            arg0=$(printf '%s\n' "$args" | sed -n 1p)
            arg1=$(printf '%s\n' "$args" | sed -n 2p)
            arg2=$(printf '%s\n' "$args" | sed -n 3p)
            case "${arg0##*/}" in
            python*)
                if [ "${arg1##*/}" = dvc ] || { [ "$arg1" = -m ] && [ "$arg2" = dvc ]; }; then
                    case "$arg0" in
                    /*) echo "$arg0" ;;
                    */*) echo "$(readlink "/proc/$pid/cwd")/$arg0" ;;
                    *) command -v "$arg0" || true ;; # dvc passes its PATH on to stages
                    esac
                    return 0
                fi
                ;;
            esac
        fi
        pid=$(parent_of "$pid") || return 0
        depth=$((depth + 1))
    done
}

if [ -n "${SEIRFLOW_PYTHON:-}" ]; then
    if ! imports_seirflow "$SEIRFLOW_PYTHON"; then
        log "SEIRFLOW_PYTHON=$SEIRFLOW_PYTHON cannot import seirflow;" \
            "point it at the project's venv Python (e.g. .venv/bin/python) or unset it"
        exit 1
    fi
    log "using $SEIRFLOW_PYTHON (SEIRFLOW_PYTHON)"
    exec "$SEIRFLOW_PYTHON" -m seirflow.refresh "$@"
fi

# Pick the first candidate that imports seirflow; the caller execs it (a function's "$@"
# would be its own arguments, not the script's).
tried=""
chosen=""
try_python() { # $1 interpreter (may be empty), $2 where it came from
    [ -z "$chosen" ] && [ -n "$1" ] || return 0
    if imports_seirflow "$1"; then
        chosen=$1
        log "using $1 ($2)"
    else
        tried="$tried
  $1 ($2)"
    fi
}
try_python "$(dvc_python)" "the Python running dvc"
try_python "${DVC_ROOT:-.}/.venv/bin/python" "\$DVC_ROOT/.venv"
try_python "$(command -v python3 || true)" "python3 on PATH"
if [ -z "$chosen" ]; then
    log "no Python that can import seirflow; tried:${tried:- none found}
Install the project (pip install -e .) into one of these, or set SEIRFLOW_PYTHON."
    exit 1
fi
exec "$chosen" -m seirflow.refresh "$@"
