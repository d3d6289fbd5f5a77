"""Chunked sampling, the convergence gate, diagnostics and checkpoint handling."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import emcee
import h5py
import numpy as np
import pytest

from seirflow.calibration.checkpoint import Checkpoint
from seirflow.calibration.convergence import burn_and_thin
from seirflow.calibration.diagnostics import (
    NotConvergedError,
    check_convergence,
    convergence_report,
)
from seirflow.calibration.parameters import ParameterSpace
from seirflow.calibration.posterior import select_draws
from seirflow.calibration.priors import JointPrior, build_prior
from seirflow.calibration.sampler import SamplerSettings, reset_strays, run_chain, stray_gap
from seirflow.calibration.seeds import region_seed_sequence, region_streams
from seirflow.config import ParameterSpec

P = 3
SD = np.array([1.0, 2.0, 0.5])


def gaussian(z):
    """An easy target: independent normals; blobs = two 'streams'."""
    lp = -0.5 * np.sum((z / SD) ** 2, axis=1)
    return np.column_stack([lp, 0.25 * lp, 0.75 * lp])


def space():
    prior = ParameterSpec(free=True, prior={"distribution": "normal", "mean": 0, "sd": 10}).prior
    return ParameterSpace(JointPrior([build_prior(f"x{i}", prior, (-math.inf, math.inf))
                                      for i in range(P)]))  # fmt: skip


def run(path, max_steps, *, walkers=16, fingerprint=None, seed=1, tau_multiple=30.0, accept=None):
    streams = region_streams(seed, "XX")
    rng = streams.generator("init")
    settings = SamplerSettings(walkers, max_steps, 100, tau_multiple, 0.1)
    return settings, run_chain(
        gaussian,
        lambda: rng.normal(size=(walkers, P)),
        settings,
        ndim=P,
        checkpoint=Checkpoint(path, fingerprint or {"case": "gaussian"}),
        random_state=streams.legacy_state(),
        label="XX",
        accept=accept,
    )


def report(settings, result, **kw):
    discard, thin = burn_and_thin(result.steps, result.last_check.tau)
    draws = select_draws(result, space(), discard, thin)
    return convergence_report(draws, result, region="XX", settings=settings, **kw)


def test_gate_stops_early_on_an_easy_target(tmp_path):
    settings, res = run(tmp_path / "chain.h5", 5000)
    assert res.last_check.met
    assert res.steps < 5000 and res.steps % 100 == 0
    assert res.steps > 30 * res.last_check.tau.max()
    rep = report(settings, res)
    assert rep["converged"] and rep["reasons"] == []
    assert rep["rhat_max_observed"] < 1.05 and rep["ess_bulk_min_observed"] >= 400
    # the posterior is the target: sd recovered
    discard, thin = burn_and_thin(res.steps, res.last_check.tau)
    np.testing.assert_allclose(res.chain[discard:].reshape(-1, P).std(axis=0), SD, rtol=0.15)
    # blobs stored per step and walker
    assert res.blobs.shape == (res.steps, 16, 2)
    np.testing.assert_allclose(res.blobs[..., 0], 0.25 * res.log_prob, rtol=1e-12)
    # the file is a plain emcee HDF5 chain
    plain = emcee.backends.HDFBackend(str(tmp_path / "chain.h5"), read_only=True)
    assert np.array_equal(plain.get_chain(), res.chain)


def test_short_cap_is_marked_not_converged(tmp_path, caplog):
    settings, res = run(tmp_path / "chain.h5", 200)
    assert res.steps == 200 and not res.last_check.met
    rep = report(settings, res)
    assert not rep["converged"]
    assert any("autocorrelation gate" in r for r in rep["reasons"])
    with caplog.at_level(logging.WARNING):
        check_convergence(rep, fail=False)
    assert any(r.levelno == logging.WARNING and "XX" in r.getMessage() for r in caplog.records)
    with pytest.raises(NotConvergedError, match="XX did not converge"):
        check_convergence(rep, fail=True)


def test_thresholds_are_arguments(tmp_path):
    settings, res = run(tmp_path / "chain.h5", 5000)
    assert report(settings, res)["converged"]
    strict = report(settings, res, ess_min=1e9)
    assert not strict["converged"] and "bulk ESS < 1e+09" in strict["reasons"][0]
    assert not report(settings, res, rhat_max=1.0)["converged"]


def test_resume_from_checkpoint_equals_uninterrupted(tmp_path):
    _, whole = run(tmp_path / "a.h5", 600, tau_multiple=1e6)
    # stop after 300 steps, then continue to 600 from the file
    _, first = run(tmp_path / "b.h5", 300, tau_multiple=1e6)
    assert first.steps == 300
    _, resumed = run(tmp_path / "b.h5", 600, tau_multiple=1e6, fingerprint={"case": "gaussian"})
    assert resumed.resumed_from == 300
    assert np.array_equal(resumed.chain, whole.chain)
    assert np.array_equal(resumed.blobs, whole.blobs)
    assert np.array_equal(resumed.acceptance, whole.acceptance)


def test_mismatching_checkpoint_is_set_aside(tmp_path, caplog):
    path = tmp_path / "chain.h5"
    run(path, 200, tau_multiple=1e6, fingerprint={"config": "old"})
    with caplog.at_level(logging.WARNING):
        _, res = run(path, 200, tau_multiple=1e6, fingerprint={"config": "new"})
    assert res.resumed_from == 0
    assert (tmp_path / "chain.h5.stale").exists()
    assert any("not resumed" in r.getMessage() for r in caplog.records)
    # and a different walker count never resumes either
    _, res = run(path, 200, walkers=18, tau_multiple=1e6, fingerprint={"config": "new", "w": 18})
    assert res.resumed_from == 0


def test_unreadable_checkpoint_is_set_aside(tmp_path):
    path = tmp_path / "chain.h5"
    path.write_bytes(b"not an HDF5 file")
    _, res = run(path, 100, tau_multiple=1e6)
    assert res.resumed_from == 0 and res.steps == 100
    with h5py.File(path) as f:
        assert int(f["mcmc"].attrs["iteration"]) == 100


def test_region_seeds_are_independent_of_other_regions():
    a = region_seed_sequence(7, "NY").generate_state(4)
    assert np.array_equal(a, region_seed_sequence(7, "NY").generate_state(4))
    assert not np.array_equal(a, region_seed_sequence(7, "NJ").generate_state(4))
    assert not np.array_equal(a, region_seed_sequence(8, "NY").generate_state(4))
    s1, s2 = region_streams(7, "NY"), region_streams(7, "NY")
    assert s1.generator("init").random() == s2.generator("init").random()
    assert s1.generator("init").random() != s1.generator("prior").random()


def test_resumed_run_stops_at_the_same_step(tmp_path):
    """The gate's decisions (tau stability needs the previous check) survive a resume."""
    _, whole = run(tmp_path / "a.h5", 5000)
    assert whole.last_check.met and whole.steps > 300
    run(tmp_path / "b.h5", 300)
    _, resumed = run(tmp_path / "b.h5", 5000)
    assert resumed.resumed_from == 300
    assert resumed.steps == whole.steps
    assert np.array_equal(resumed.chain, whole.chain)
    np.testing.assert_array_equal(resumed.last_check.tau, whole.last_check.tau)


def test_extra_condition_is_asked_only_when_the_gate_is_met(tmp_path):
    asked = []

    def refuse(chain, check):
        assert check.met
        asked.append(chain.shape[0])
        return False

    _, res = run(tmp_path / "a.h5", 1500, accept=refuse)
    assert res.steps == 1500 and asked and all(n % 100 == 0 for n in asked)
    _, first = run(tmp_path / "b.h5", 5000, accept=lambda chain, check: True)
    assert first.steps == asked[0]


def test_stray_walkers_are_moved_onto_the_ensemble():
    rng = np.random.default_rng(0)
    coords = rng.normal(size=(12, P))
    coords[[2, 7]] += 40.0  # two walkers stuck far out
    res = gaussian(coords)
    state = emcee.State(coords, log_prob=res[:, 0], blobs=res[:, 1:])
    assert np.all(res[[2, 7], 0] < np.median(res[:, 0]) - stray_gap(P))
    new, moved = reset_strays(state, np.random.default_rng(1), gaussian)
    assert moved == 2
    keep = np.setdiff1d(np.arange(12), [2, 7])
    assert np.array_equal(new.coords[keep], coords[keep])
    for i in (2, 7):
        nearest = np.min(np.linalg.norm(coords[keep] - new.coords[i], axis=1))
        assert 0 < nearest < 0.01  # next to a good walker, not on it
    # the state stays consistent: log probability and blobs of the new positions
    np.testing.assert_array_equal(new.log_prob, gaussian(new.coords)[:, 0])
    np.testing.assert_array_equal(new.blobs, gaussian(new.coords)[:, 1:])
    # an ensemble without strays is left alone
    calm = emcee.State(coords[keep], log_prob=gaussian(coords[keep])[:, 0])
    same, none = reset_strays(calm, rng, gaussian)
    assert none == 0 and same is calm


def test_code_fingerprint_follows_the_model_and_likelihood_source(tmp_path):
    import shutil

    from seirflow.calibration.checkpoint import code_fingerprint

    installed = Path(code_fingerprint.__code__.co_filename).resolve().parents[1]
    copy = tmp_path / "seirflow"
    for package in ("model", "calibration"):
        shutil.copytree(installed / package, copy / package)
    assert code_fingerprint(copy) == code_fingerprint()
    likelihood = copy / "calibration" / "likelihood.py"
    likelihood.write_text(likelihood.read_text() + "\n# changed\n")
    assert code_fingerprint(copy)["source_sha256"] != code_fingerprint()["source_sha256"]
