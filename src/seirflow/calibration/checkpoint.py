"""Crash-safe HDF5 checkpoints of an emcee chain.

:class:`ChunkedHDFBackend` is an ``emcee.backends.HDFBackend`` (same file layout, so
``emcee.backends.HDFBackend(path, read_only=True)`` reads it) that keeps the steps of
the running chunk in memory and writes them in one go at :meth:`~ChunkedHDFBackend.flush`.
Each flush copies the file, appends the chunk to the copy and renames it onto the
checkpoint, so the checkpoint always holds whole chunks, even if the process is killed
(SIGKILL) mid-write. It also avoids emcee's open-write-close of the file at every step,
which costs milliseconds per step.

Besides emcee's group ``mcmc`` the file has a group ``seirflow`` with

* ``fingerprint``: JSON of everything that must match for a resume (config hash,
  parameter names, walkers, region, seed, data hash, and :func:`code_fingerprint`: a
  chain is resumed only by the code that wrote it);
* ``random_state_*``: the sampler's ``RandomState`` after the last flushed step
  (emcee's HDFBackend keeps one too; a resume checks that both agree);
* ``evaluations``, ``wall_seconds``: cumulative work, for the diagnostics;
* ``last_reset``, ``check_tau``: the gate's state (last warm-up reset of stray walkers,
  tau at the most recent check), so a resumed run decides exactly as an uninterrupted one.

:class:`Checkpoint` decides whether an existing file is resumed: one whose fingerprint
differs, or that cannot be read, is moved aside to ``<checkpoint>.stale`` with a warning
and the run starts over.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import emcee
import h5py
import numpy as np

from seirflow.atomic import atomic_output

__all__ = ["ChunkedHDFBackend", "Checkpoint", "CheckpointState", "code_fingerprint"]

log = logging.getLogger(__name__)

_GROUP = "seirflow"

# The packages whose source defines a chain: the model, the likelihood, priors, moves.
_CHAIN_CODE = ("model", "calibration")


def code_fingerprint(root: str | os.PathLike | None = None) -> dict[str, str]:
    """Hash of the source that defines a chain, and the versions of what it runs on.

    SHA-256 over the ``.py`` files of ``seirflow.model`` and ``seirflow.calibration``
    (path and bytes, sorted), with the emcee, NumPy and Numba versions: after a change to
    the model or the likelihood, a checkpoint written by the old code is not resumed.

    Args:
        root: The ``seirflow`` package directory (default: the installed one).
    """
    import hashlib
    from importlib.metadata import version

    root = Path(__file__).resolve().parents[1] if root is None else Path(root)
    digest = hashlib.sha256()
    for package in _CHAIN_CODE:
        for path in sorted((root / package).glob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return {
        "source_sha256": digest.hexdigest(),
        **{name: version(name) for name in ("emcee", "numpy", "numba")},
    }


class ChunkedHDFBackend(emcee.backends.HDFBackend):
    """HDFBackend that buffers a chunk in memory and commits it atomically.

    Reads (``get_chain``, ``iteration``, ...) see the flushed steps only. Call
    :meth:`flush` after every ``run_mcmc``.

    Args:
        filename: HDF5 file (the checkpoint).
        name: Group of the chain (emcee's default ``"mcmc"``).
    """

    def __init__(self, filename, name: str = "mcmc"):
        super().__init__(str(filename), name=name)
        self._pending = None

    def reset(self, nwalkers, ndim):
        """Start an empty chain: write a fresh file atomically."""
        with atomic_output(self.filename) as tmp:
            fresh = emcee.backends.HDFBackend(str(tmp), name=self.name)
            fresh.reset(nwalkers, ndim)
        self._pending = None

    def grow(self, ngrow, blobs):
        """Allocate the in-memory buffer of the next ``ngrow`` steps (file untouched)."""
        self._check_blobs(blobs)
        nwalkers, ndim = self.shape
        chain = np.empty((ngrow, nwalkers, ndim), dtype=self.dtype)
        log_prob = np.empty((ngrow, nwalkers), dtype=self.dtype)
        blob_buf = None if blobs is None else np.empty((ngrow,) + np.shape(blobs), np.float64)
        self._pending = {
            "n": 0,
            "shape": (nwalkers, ndim),
            "chain": chain,
            "log_prob": log_prob,
            "blobs": blob_buf,
            "accepted": np.zeros(nwalkers),
            "random_state": None,
        }

    def save_step(self, state, accepted):
        """Keep one step in memory."""
        p = self._pending
        if state.coords.shape != p["shape"] or np.shape(accepted) != (p["shape"][0],):
            raise ValueError(f"step has shape {state.coords.shape}, expected {p['shape']}")
        i = p["n"]
        p["chain"][i] = state.coords
        p["log_prob"][i] = state.log_prob
        if p["blobs"] is not None:
            p["blobs"][i] = state.blobs
        p["accepted"] += accepted
        p["random_state"] = state.random_state
        p["n"] = i + 1

    def flush(self, attrs: dict | None = None) -> None:
        """Append the buffered steps and ``attrs`` (group ``seirflow``) atomically.

        Args:
            attrs: Extra attributes of the ``seirflow`` group (fingerprint, counters).
        """
        p, self._pending = self._pending, None
        with atomic_output(self.filename) as tmp:
            shutil.copyfile(self.filename, tmp)
            with h5py.File(tmp, "a") as f:
                g = f[self.name]
                if p is not None and p["n"]:
                    self._append(g, p)
                meta = f.require_group(_GROUP)
                for key, value in (attrs or {}).items():
                    meta.attrs[key] = value
                if p is not None and p["random_state"] is not None:
                    for i, v in enumerate(p["random_state"]):
                        meta.attrs[f"random_state_{i}"] = v
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())

    @staticmethod
    def _append(g, p) -> None:
        n, it = p["n"], int(g.attrs["iteration"])
        for key in ("chain", "log_prob"):
            g[key].resize(it + n, axis=0)
            g[key][it : it + n] = p[key][:n]
        if p["blobs"] is not None:
            blobs = p["blobs"][:n]
            if "blobs" not in g:
                dt = np.dtype((blobs.dtype, blobs.shape[2:]))
                g.create_dataset(
                    "blobs", (it, blobs.shape[1]), maxshape=(None, blobs.shape[1]), dtype=dt
                )
            g["blobs"].resize(it + n, axis=0)
            g["blobs"][it : it + n] = blobs
            g.attrs["has_blobs"] = True
        g["accepted"][:] = g["accepted"][:] + p["accepted"]
        for i, v in enumerate(p["random_state"]):
            g.attrs[f"random_state_{i}"] = v
        g.attrs["iteration"] = it + n


@dataclass(frozen=True)
class CheckpointState:
    """What a resume restores besides the chain itself."""

    random_state: tuple
    evaluations: int
    wall_seconds: float
    last_reset: int = 0
    check_tau: np.ndarray | None = None


class Checkpoint:
    """A chain checkpoint file and the settings it must match to be resumed.

    Args:
        path: Checkpoint file (HDF5), e.g. ``results/checkpoints/NY/chain.h5``.
        fingerprint: JSON-serialisable settings that must match for a resume.
    """

    def __init__(self, path: str | os.PathLike, fingerprint: dict):
        self.path = Path(path)
        self.stale = self.path.with_name(self.path.name + ".stale")
        self.fingerprint = json.dumps(fingerprint, sort_keys=True, default=str)

    def prepare(self) -> CheckpointState | None:
        """Keep a matching checkpoint, or set a mismatching one aside.

        Returns:
            CheckpointState | None: The saved state if the checkpoint will be resumed,
            else None (no checkpoint file exists any more; the run starts afresh).
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            return None
        try:
            state = self._read_matching()
            reason = "its settings differ (config, parameters, walkers, seed, data or code)"
        except (OSError, KeyError, ValueError, IndexError) as exc:
            state, reason = None, f"it cannot be read ({exc})"
        if state is None:
            os.replace(self.path, self.stale)
            log.warning(
                "checkpoint %s not resumed: %s; moved to %s, starting over",
                self.path,
                reason,
                self.stale,
            )
        return state

    def _read_matching(self) -> CheckpointState | None:
        with h5py.File(self.path, "r") as f:
            g = f[_GROUP]
            if g.attrs["fingerprint"] != self.fingerprint:
                return None
            if int(f["mcmc"].attrs["iteration"]) <= 0:
                return None
            own = _read_random_state(g.attrs)
            emcee_copy = _read_random_state(f["mcmc"].attrs)
            if not (np.array_equal(own[1], emcee_copy[1]) and own[2:] == emcee_copy[2:]):
                raise ValueError("the saved random states disagree")
            tau = np.asarray(g.attrs["check_tau"], dtype=float) if "check_tau" in g.attrs else None
            return CheckpointState(
                own,
                int(g.attrs["evaluations"]),
                float(g.attrs["wall_seconds"]),
                int(g.attrs.get("last_reset", 0)),
                tau,
            )

    def attrs(
        self,
        evaluations: int,
        wall_seconds: float,
        last_reset: int = 0,
        check_tau: np.ndarray | None = None,
    ) -> dict:
        """The ``seirflow`` group attributes to write at a flush.

        Args:
            evaluations: Cumulative log-probability evaluations.
            wall_seconds: Cumulative sampling time.
            last_reset: Step of the last warm-up reset of stray walkers (0: none).
            check_tau: tau of the most recent convergence check (the next check's
                stability test compares with it).
        """
        out = {
            "fingerprint": self.fingerprint,
            "evaluations": int(evaluations),
            "wall_seconds": float(wall_seconds),
            "last_reset": int(last_reset),
        }
        if check_tau is not None:
            out["check_tau"] = np.asarray(check_tau, dtype=float)
        return out


def _read_random_state(attrs) -> tuple:
    keys = sorted(
        (k for k in attrs if k.startswith("random_state_")), key=lambda k: int(k.rsplit("_", 1)[1])
    )
    if len(keys) != 5:
        raise KeyError("random_state_0..4")
    values = [attrs[k] for k in keys]
    name = values[0].decode() if isinstance(values[0], bytes) else str(values[0])
    return (
        name,
        np.asarray(values[1], dtype=np.uint32),
        int(values[2]),
        int(values[3]),
        float(values[4]),
    )
