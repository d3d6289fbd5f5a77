"""Which config, data, code and packages made a result — and how two runs differ.

`run_facts` gathers the deterministic facts (config hash, data hashes, code version,
package versions, seeds) that every result carries in its own metadata; they contain no
timestamps, so re-running the same thing gives byte-identical files. The run manifest
(`results/manifest.json`) adds the command line, profile and times of the invocation,
and the machine (`machine_facts`: CPU model, BLAS library and kernel), which may explain
numeric differences but is not part of what a result depends on.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = [
    "KEY_PACKAGES",
    "INVOCATION_ENV",
    "canonical_hash",
    "file_hashes",
    "git_state",
    "package_versions",
    "record_invocation",
    "invocation",
    "run_facts",
    "machine_facts",
    "MACHINE_KEY",
    "diff_manifests",
    "dvc_md5",
    "verify_dvc_lock",
]

KEY_PACKAGES = (
    "seirflow",
    "numpy",
    "numba",
    "emcee",
    "snakemake",
    "pandas",
    "xarray",
    "arviz",
    "scipy",
    "pydantic",
    "h5py",
    "matplotlib",
)
INVOCATION_ENV = "SEIRFLOW_INVOCATION"
MACHINE_KEY = "machine"  # manifest section of machine facts (not compared as errors)


def canonical_hash(data: Any) -> str:
    """SHA-256 of `data` as canonical JSON (sorted keys, no whitespace).

    >>> canonical_hash({"b": 1, "a": [1, 2]}) == canonical_hash({"a": [1, 2], "b": 1})
    True
    """
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_hashes(paths: Iterable[str | os.PathLike], root: str | os.PathLike = ".") -> dict:
    """md5 (as in dvc.lock) and sha256 of every file under `paths`, keyed by relative path."""
    out = {}
    root = Path(root)
    for top in paths:
        top = Path(top)
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for path in files:
            md5, sha = hashlib.md5(), hashlib.sha256()
            with open(path, "rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    md5.update(block)
                    sha.update(block)
            try:
                key = path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                key = path.as_posix()
            out[key] = {"md5": md5.hexdigest(), "sha256": sha.hexdigest()}
    return out


@cache
def git_state(root: str = ".") -> dict[str, Any]:
    """Git commit of `root` and whether tracked files differ from it."""

    def _git(*args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=20
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    commit = _git("rev-parse", "HEAD")
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if dirty is None else bool(dirty)}


@cache
def package_versions() -> dict[str, str]:
    """Python and key package versions of this process."""
    out = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def record_invocation(argv: list[str] | None = None) -> None:
    """Remember how the workflow was started, for the manifest (first call wins).

    Stored in an environment variable, which job processes inherit; a job that re-parses
    the Snakefile (cluster executors) keeps the original invocation.
    """
    if INVOCATION_ENV in os.environ:
        return
    argv = list(sys.argv if argv is None else argv)
    if argv and Path(argv[0]).parent.name == "snakemake" and Path(argv[0]).stem == "__main__":
        argv[0] = "snakemake"  # `python -m snakemake` shows the module's path
    os.environ[INVOCATION_ENV] = json.dumps(
        {
            "command_line": shlex.join(argv),
            "profile": _profile(argv),
            "workdir": os.getcwd(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "host": platform.node(),
        }
    )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_facts() -> dict[str, Any]:
    """CPU and BLAS of this process: facts that may explain numeric differences.

    ``blas`` lists, per BLAS library numpy and friends loaded (threadpoolctl's
    ``threadpool_info``), its ``internal_api`` (e.g. openblas), ``version`` and
    ``architecture`` (the kernel, e.g. Haswell, which ``OPENBLAS_CORETYPE`` overrides).
    seirflow's calibration does not use BLAS (see README, Reproducibility), so two runs
    that differ only here should give identical numbers.
    """
    import numpy  # noqa: F401  (loads the BLAS that threadpoolctl inspects)
    from threadpoolctl import threadpool_info

    blas = [
        {k: lib.get(k) for k in ("internal_api", "version", "architecture")}
        for lib in threadpool_info()
        if lib.get("user_api") == "blas"
    ]
    return {
        "cpu": _cpu_model(),
        "arch": platform.machine(),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
        "blas": sorted(blas, key=lambda d: json.dumps(d, sort_keys=True)),
    }


def invocation() -> dict[str, Any]:
    """The invocation recorded by `record_invocation` (or 'unknown' fields)."""
    try:
        return json.loads(os.environ[INVOCATION_ENV])
    except (KeyError, ValueError):
        return {"command_line": "unknown", "profile": "unknown", "started": None, "host": None}


def run_facts(
    config: Mapping[str, Any],
    data: Mapping[str, str | os.PathLike] | Iterable[str | os.PathLike],
    seeds: Mapping[str, Any],
) -> dict[str, Any]:
    """Deterministic provenance of a result: no timestamps, no host names.

    The facts are the config slice the result depends on (``config``) and its hash
    (``config_sha256``), the md5 and sha256 of the input files (``data``), the code
    version (``code``: git commit, uncommitted changes, seirflow version), the Python
    and key package versions (``packages``) and the seeds (``seeds``).

    Args:
        config: The validated config (or the slice the result depends on) as plain data.
        data: Input files whose content hashes to record: a mapping of role -> file
            (keys recorded as given, so the facts do not depend on where a job staged
            its inputs), or files and directories (keyed by relative path).
        seeds: Master seed and derived seeds (e.g. ``{"master": 1, "NY": [..]}``).
    """
    if isinstance(data, Mapping):
        hashes = {role: next(iter(file_hashes([path]).values())) for role, path in data.items()}
    else:
        hashes = file_hashes(data)
    return {
        "config": json.loads(json.dumps(config, default=str)),
        "config_sha256": canonical_hash(config),
        "data": hashes,
        "code": {**git_state(), "seirflow": package_versions()["seirflow"]},
        "packages": package_versions(),
        "seeds": dict(seeds),
    }


def dvc_md5(data: Mapping[str, Mapping[str, str]], path: str) -> str | None:
    """The md5 DVC records for `path` (a file, or a directory as ``<md5>.dir``).

    A directory's md5 is DVC's: the md5 of the JSON list of its files' md5s and relative
    paths, sorted by path (`dvc_data.hashfile.tree.Tree.digest`).

    Args:
        data: File hashes keyed by relative path, as from `file_hashes`.
        path: A file or directory path, relative like the keys of `data`.

    Returns:
        The md5, or None if no file of `data` is at or under `path`.

    >>> dvc_md5({"d/b": {"md5": "2"}, "d/a": {"md5": "1"}}, "d")
    'd6eb7c3672cb4c62e208a952076b7bb5.dir'
    """
    path = path.rstrip("/")
    if path in data:
        return data[path]["md5"]
    prefix = path + "/"
    entries = sorted(
        (
            {"md5": h["md5"], "relpath": key[len(prefix) :]}
            for key, h in data.items()
            if key.startswith(prefix)
        ),
        key=lambda e: e["relpath"],
    )
    if not entries:
        return None
    listing = json.dumps(entries, sort_keys=True).encode("utf-8")
    return hashlib.md5(listing).hexdigest() + ".dir"


def verify_dvc_lock(
    data: Mapping[str, Mapping[str, str]], lock: str | os.PathLike = "dvc.lock"
) -> dict[str, Any]:
    """Compare the data hashes of a run with the outputs DVC recorded in `lock`.

    Args:
        data: File hashes keyed by relative path (`file_hashes` of the raw data).
        lock: The ``dvc.lock`` file.

    Returns:
        ``{"lock": path, "matches": bool, "outputs": {path: {"recorded", "found"}}}`` for
        every output in the lock (``found`` is None where `data` has no such file);
        ``{"lock": path, "matches": None, "outputs": {}}`` if there is no lock file.
    """
    import yaml

    lock = Path(lock)
    if not lock.is_file():
        return {"lock": lock.as_posix(), "matches": None, "outputs": {}}
    with open(lock, encoding="utf-8") as fh:
        stages = (yaml.safe_load(fh) or {}).get("stages", {})
    outputs = {}
    for stage in stages.values():
        for out in stage.get("outs", []):
            if out.get("md5") and out.get("path"):
                found = dvc_md5(data, out["path"])
                outputs[out["path"]] = {"recorded": out["md5"], "found": found}
    matches = all(o["recorded"] == o["found"] for o in outputs.values())
    return {"lock": lock.as_posix(), "matches": matches, "outputs": outputs}


def diff_manifests(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """Human-readable differences between two manifests (or any nested mappings).

    >>> diff_manifests({"x": {"y": 1}}, {"x": {"y": 2, "z": 3}})
    ['x.y: 1 -> 2', 'x.z: (absent) -> 3']
    """
    out: list[str] = []
    _diff(a, b, (), out)
    return out


def _diff(a: Any, b: Any, path: tuple[str, ...], out: list[str]) -> None:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in sorted(set(a) | set(b), key=str):
            if key not in a:
                out.append(f"{'.'.join((*path, str(key)))}: (absent) -> {_short(b[key])}")
            elif key not in b:
                out.append(f"{'.'.join((*path, str(key)))}: {_short(a[key])} -> (absent)")
            else:
                _diff(a[key], b[key], (*path, str(key)), out)
    elif a != b:
        out.append(f"{'.'.join(path)}: {_short(a)} -> {_short(b)}")


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 100 else text[:97] + "..."


def _profile(argv: list[str]) -> str:
    for flag in ("--workflow-profile", "--profile"):
        if flag in argv and argv.index(flag) + 1 < len(argv):
            return argv[argv.index(flag) + 1]
        for arg in argv:
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    return "profiles/default"
