"""Old kernels beside the current ones, for ``bench_core.py``'s before/after figures.

``baseline_kernels(rev)`` imports ``src/seirflow/model/seir.py`` and ``outcomes.py`` of a git
revision from a temporary directory; ``using_kernels`` makes the package call them; the reports
time old and current interleaved (best of N, turns alternating, so a busy machine slows both
alike) and print the ratio and the largest difference of the results.
"""

from __future__ import annotations

import contextlib
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def interleaved(fns, repeats):
    """Best time of each callable, the callables taking turns (so load changes hit all alike)."""
    best = [np.inf] * len(fns)
    for _ in range(repeats):
        for j, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[j] = min(best[j], time.perf_counter() - start)
    return best


def baseline_kernels(rev):
    """``seir`` and ``outcomes`` modules of git revision ``rev``, imported from a temp dir."""
    tmp = Path(tempfile.mkdtemp(prefix="seirflow-baseline-"))
    mods = {}
    for name in ("seir", "outcomes"):
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:src/seirflow/model/{name}.py"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        path = tmp / f"baseline_{name}.py"
        path.write_text(text)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mods[name] = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = mods[name]
        spec.loader.exec_module(mods[name])
    return mods


@contextlib.contextmanager
def using_kernels(mods):
    """Make ``solve`` and ``outcomes`` call the kernels of ``mods`` (None: the current ones)."""
    from seirflow.model import outcomes, solve

    names = [(solve, "simulate_batch_kernel", "seir"), (solve, "simulate_serial_kernel", "seir")]
    names += [(solve, "simulate_states_kernel", "seir"), (outcomes, "_outcomes_kernel", "outcomes")]
    saved = [getattr(module, attr) for module, attr, _ in names]
    try:
        if mods is not None:
            for module, attr, key in names:
                setattr(module, attr, getattr(mods[key], attr))
        yield
    finally:
        for (module, attr, _), value in zip(names, saved, strict=True):
            setattr(module, attr, value)


def region_problem(region, fit_end):
    """The calibration problem of ``region`` with the workflow config, fit ending ``fit_end``."""
    import yaml

    from seirflow.calibration.problem import build_problem
    from seirflow.config import load_config
    from seirflow.preprocess import MobilityMapping, build_region_inputs

    path = ROOT / "config" / "config.yaml"
    cfg = load_config(yaml.safe_load(path.read_text()), [str(path)])
    mapping = MobilityMapping(
        work=cfg.mobility.work,
        community=cfg.mobility.community,
        school_closed_multiplier=cfg.mobility.school_closed_multiplier,
    )
    end = fit_end or cfg.dates.fit_end
    inputs = build_region_inputs(
        region,
        raw_dir=ROOT / "data" / "raw",
        start=cfg.dates.simulation_start,
        end=end,
        age_edges=cfg.age_groups.lower_edges,
        mobility_mapping=mapping,
    )
    problem = build_problem(
        inputs,
        cfg.calibration,
        simulation_start=cfg.dates.simulation_start,
        window=(cfg.dates.fit_start, end),
        model=cfg.model,
        outcomes=cfg.outcomes,
    )
    return problem, cfg.calibration.walkers // 2, end


def log_posterior_report(region, fit_end, baseline):
    """Print where one log-posterior evaluation spends its time; before/after with a baseline."""
    from seirflow.model import compute_outcomes

    problem, n_batch, end = region_problem(region, fit_end)
    target, space = problem.target, problem.space
    z = space.to_unconstrained(space.prior.sample(np.random.default_rng(0), n_batch))
    fw = target.forward
    values = space.values(space.log_prior_unconstrained(z)[0])
    mu = fw(values)
    inf = fw.infections(values).copy()
    mult = fw.multipliers(np.asarray(values["mobility_effect"], dtype=float)).copy()
    beta = fw.beta_per_r0 * np.asarray(values["r0"], dtype=float)
    seeds = (values["seed_day"], values["seed_size"])
    out = np.empty_like(inf)
    args = (values["ascertainment"], values["ifr_multiplier"], values["ihr_multiplier"])
    parts = {
        "SEIR core": lambda: fw.simulator.new_infections(mult, beta, *seeds, out=out),
        "outcomes": lambda: compute_outcomes(inf, fw.outcomes, *args),
        "likelihood": lambda: target.likelihood(mu, values),
        "whole evaluation": lambda: target(z),
    }
    with using_kernels(None):
        target(z)
        times = dict(zip(parts, interleaved(list(parts.values()), 30), strict=True))
    total = times["whole evaluation"]
    rest = total - times["SEIR core"] - times["outcomes"] - times["likelihood"]
    split = ", ".join(
        f"{name} {times[name] / total:.0%}" for name in ("SEIR core", "outcomes", "likelihood")
    )
    print(
        f"log posterior, {region} fit end {end} ({fw.n_days} days), batch {n_batch} prior "
        f"draws, 1 thread: {total / n_batch * 1e6:.1f} us per evaluation; {split}, "
        f"rest (prior, transforms, Python) {rest / total:.0%}"
    )
    if baseline is None:
        return
    with using_kernels(baseline):
        before = target(z)
    after = target(z)

    def run_with(mods):
        with using_kernels(mods):
            target(z)

    t_old, t_new = interleaved([lambda: run_with(baseline), lambda: run_with(None)], 30)
    print(
        f"  vs baseline: {t_old / n_batch * 1e6:.1f} -> {t_new / n_batch * 1e6:.1f} us per "
        f"evaluation ({t_old / t_new:.2f}x); log posterior max |difference| "
        f"{np.nanmax(np.abs(after[:, 0] - before[:, 0])):.3g}"
    )
    # The core skips the days before the seed: with every seed on day 0 nothing is skipped,
    # the least the new kernels gain.
    day0 = dict(values, seed_day=np.zeros(n_batch))

    def forward_with(mods):
        with using_kernels(mods):
            target.likelihood(fw(day0), day0)

    t_old, t_new = interleaved([lambda: forward_with(baseline), lambda: forward_with(None)], 30)
    print(
        f"  the same with every seed on day 0 (forward model and likelihood): "
        f"{t_old / n_batch * 1e6:.1f} -> {t_new / n_batch * 1e6:.1f} us ({t_old / t_new:.2f}x)"
    )


def baseline_core_report(sim, mult, beta, baseline):
    """Per-run core time and result difference, baseline kernels vs current, same inputs."""
    import numba

    rng = np.random.default_rng(5)
    for n_batch in (1, 64):
        m = np.ascontiguousarray(mult[None] * rng.uniform(0.7, 1.0, (n_batch, 1, 4)))
        runs = (m, beta * rng.uniform(0.9, 1.1, n_batch), rng.uniform(0, 40, n_batch))
        runs += (rng.uniform(1, 20, n_batch),)
        results = []
        for mods in (baseline, None):
            with using_kernels(mods):
                results.append(sim.new_infections_and_states(*runs))
                results.append(sim.new_infections(*runs))
        inc_diff = np.abs(results[3] - results[1]).max() / np.abs(results[1]).max()
        st_diff = np.abs(results[2][1] - results[0][1]).max() / np.abs(results[0][1]).max()

        def run_with(mods, runs=runs):
            with using_kernels(mods):
                sim.new_infections(*runs)

        t_old, t_new = interleaved([lambda: run_with(baseline), lambda: run_with(None)], 15)
        print(
            f"core vs baseline, batch {n_batch:2d} ({numba.get_num_threads()} threads, seed "
            f"days 0-40): {t_old / n_batch * 1e3:.4f} -> {t_new / n_batch * 1e3:.4f} ms per "
            f"run ({t_old / t_new:.2f}x); max difference / max: new infections {inc_diff:.1e}, "
            f"states {st_diff:.1e}"
        )
