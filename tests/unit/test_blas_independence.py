"""Results do not depend on the BLAS kernel: exact small linear algebra, and a calibration
replayed bit for bit under two OpenBLAS kernels."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import arviz as az
import emcee
import h5py
import numpy as np
import pytest

from seirflow.calibration.sampler import ExactDESnookerMove
from seirflow.exactlinalg import (
    SingularMatrixError,
    cholesky,
    dot,
    inverse,
    matmul,
    norm,
    perron_root,
    solve,
)

ROOT = Path(__file__).resolve().parents[2]


def rel(a, b):
    return np.max(np.abs(np.asarray(a) - np.asarray(b))) / np.max(np.abs(b))


def test_products_and_solves_match_numpy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(7, 9)), rng.normal(size=(9, 4))
    assert rel(matmul(a, b), a @ b) < 1e-13
    assert dot(a[0], a[1]) == pytest.approx(float(a[0] @ a[1]), rel=1e-13)
    assert norm(a[0]) == pytest.approx(float(np.linalg.norm(a[0])), rel=1e-14)
    sq = rng.normal(size=(10, 10))
    rhs = rng.normal(size=10)
    assert rel(solve(sq, rhs), np.linalg.solve(sq, rhs)) < 1e-12
    assert rel(inverse(sq), np.linalg.inv(sq)) < 1e-12
    spd = sq @ sq.T + np.eye(10)
    assert rel(cholesky(spd), np.linalg.cholesky(spd)) < 1e-13
    with pytest.raises(SingularMatrixError):
        solve(np.ones((3, 3)), np.ones(3))
    with pytest.raises(SingularMatrixError):
        cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))


@pytest.mark.parametrize("n", [2, 5, 16])
def test_perron_root_matches_eigvals(n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        k = rng.random((n, n)) ** 3  # skewed entries: gaps of all sizes
        want = np.max(np.abs(np.linalg.eigvals(k)))
        assert perron_root(k) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(
    "k",
    [
        [[5.0, 0.0], [0.0, 10.0]],  # reducible
        [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [3.0, 0.0, 0.0]],  # periodic: |eigenvalues| equal
        [[1.0, 1.0], [0.0, 1.0]],  # defective
        [[1.0, 1e-9], [1e-9, 1.0]],  # gap 2e-9
    ],
)
def test_perron_root_hard_cases(k):
    want = np.max(np.abs(np.linalg.eigvals(np.array(k))))
    assert perron_root(k) == pytest.approx(want, rel=1e-12)
    assert perron_root(np.zeros((3, 3))) == 0.0
    with pytest.raises(ValueError, match="non-negative"):
        perron_root([[1.0, -1.0], [0.0, 1.0]])


def test_exact_snooker_move_proposes_what_emcee_does():
    rng = np.random.default_rng(0)
    s = rng.normal(size=(8, 5))
    c = [rng.normal(size=(8, 5)) for _ in range(3)]
    got = ExactDESnookerMove().get_proposal(s, c, np.random.RandomState(42))
    want = emcee.moves.DESnookerMove().get_proposal(s, c, np.random.RandomState(42))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13)


TIMING = ("sampling_seconds", "evaluations_per_second", "seconds_per_effective_sample",
          "wall_seconds")  # fmt: skip

SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import numpy as np
    from seirflow.calibration import CalibrationOutputs, calibrate_region
    from seirflow.config import Outcomes
    from seirflow.preprocess.contacts import aggregate_contacts
    from seirflow.preprocess.population import AgeGroups
    from tests.unit.synthetic_region import (MODEL, SIM_START, WINDOW, synthetic_config,
                                             synthetic_inputs)
    out = Path(sys.argv[1])
    # Annealing + Newton + Laplace start, then a short chain: every BLAS-prone path.
    cal = synthetic_config(max_steps=100, check_every=50, tau_multiple=1e6, init="optimize")
    calibrate_region(synthetic_inputs(4), cal, region="XX", seed=5,
                     checkpoint=out / "chain.h5", simulation_start=SIM_START, window=WINDOW,
                     model=MODEL.model_copy(update={"steps_per_day": 2}), outcomes=Outcomes(),
                     outputs=CalibrationOutputs(out / "posterior.nc", out / "diagnostics.json"),
                     threads=1)
    from seirflow.provenance import machine_facts
    (out / "kernel.txt").write_text(str(machine_facts()["blas"]))
    rng = np.random.default_rng(1)
    groups = AgeGroups(tuple(range(0, 80, 5)))
    np.save(out / "contacts.npy", aggregate_contacts(rng.random((85, 85)), rng.random(85), groups))
    """
)


def default_kernel(env) -> str:
    code = "from seirflow.provenance import machine_facts; print(machine_facts()['blas'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return out.stdout


@pytest.mark.slow  # ~20-30 s: two calibrations with annealing
@pytest.mark.skipif(platform.machine() != "x86_64", reason="OpenBLAS x86 kernel names")
def test_calibration_is_bit_identical_under_two_openblas_kernels(tmp_path):
    """The same calibration under OpenBLAS' default kernel and under Haswell (the kernel
    CI and old OpenBLAS builds force; Sandybridge if Haswell is the default) gives the same
    chain bit for bit. (Before seirflow avoided BLAS, the chains of this very run differed
    by up to 1.8 and the contacts in the last bit.)"""
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    base = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE",)}
    base.update(PYTHONPATH=str(ROOT), NUMBA_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    other = "Sandybridge" if "'Haswell'" in default_kernel(base) else "Haswell"
    runs = {"default": base, "other": {**base, "OPENBLAS_CORETYPE": other}}
    procs = {}
    for name, env in runs.items():
        (tmp_path / name).mkdir()
        procs[name] = subprocess.Popen(
            [sys.executable, str(script), str(tmp_path / name)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, (name, err[-3000:])
    kernels = [(tmp_path / name / "kernel.txt").read_text() for name in runs]
    assert kernels[0] != kernels[1] and other in kernels[1], kernels  # really two kernels
    with (
        h5py.File(tmp_path / "default" / "chain.h5") as f,
        h5py.File(tmp_path / "other" / "chain.h5") as g,
    ):
        for key in ("chain", "log_prob"):
            a, b = f["mcmc"][key][...], g["mcmc"][key][...]
            assert a.shape[0] == 100 and a.tobytes() == b.tobytes(), key
    post = [az.from_netcdf(tmp_path / name / "posterior.nc").posterior for name in runs]
    for var in post[0].data_vars:
        assert post[0][var].values.tobytes() == post[1][var].values.tobytes(), var
    diag = [json.loads((tmp_path / name / "diagnostics.json").read_text()) for name in runs]
    for d in diag:  # wall-clock fields differ by design (README, Reproducing a result)
        for key in TIMING:
            d.pop(key, None)
    assert diag[0] == diag[1] and "rhat" in diag[0]
    contacts = [np.load(tmp_path / name / "contacts.npy") for name in runs]
    assert contacts[0].shape == (16, 16) and contacts[0].tobytes() == contacts[1].tobytes()
