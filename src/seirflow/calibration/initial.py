"""Starting positions of the walkers: prior draws, or an annealed optimisation.

Both work in the sampler's unconstrained space (see :mod:`.parameters`), so no start
can lie outside the support, and both redraw any walker whose log posterior is not
finite.

``optimize`` is built for posteriors that are very peaked and have poor local modes
(large counts make the likelihood sharp; seed day, R0 and the mobility effect trade
off along curved ridges). Point optimisers started from the prior stop in those local
modes, so it first *anneals the ensemble*: walkers drawn from the prior are moved by
the same emcee moves as the main chain under the tempered posterior
prior x likelihood^beta, with beta rising geometrically from 1e-4 to 1; the flattened
early rungs let walkers cross between basins. Then damped Newton steps (finite-
difference gradient and Hessian, one batched model call each) climb from the best
walker to the mode, and the walkers are drawn from the Laplace approximation there,
so the chain starts near the posterior's location and scale. No scipy, and no
BLAS/LAPACK: the small solves, inverse and Cholesky factor come from
:mod:`seirflow.exactlinalg`, so the starts have the same bits whatever OpenBLAS kernel
runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from seirflow.exactlinalg import SingularMatrixError, cholesky, inverse, matmul, solve

__all__ = [
    "InitialisationError",
    "initial_from_prior",
    "initial_from_optimum",
    "anneal",
    "derivatives",
    "newton_refine",
]

log = logging.getLogger(__name__)

Target = Callable[[np.ndarray], np.ndarray]  # z [B, P] -> log posterior [B]


class InitialisationError(RuntimeError):
    """No valid starting positions could be found."""


def _redraw_invalid(target: Target, z: np.ndarray, draw: Callable[[int], np.ndarray]):
    """Replace rows of ``z`` whose log posterior is not finite, by new draws."""
    lp = target(z)
    for _ in range(100):
        bad = ~np.isfinite(lp)
        if not bad.any():
            return z
        z[bad] = draw(int(bad.sum()))
        lp[bad] = target(z[bad])
    raise InitialisationError(
        f"{int((~np.isfinite(lp)).sum())} of {len(z)} starting positions have a non-finite "
        "log posterior after 100 redraws; check the priors against the data"
    )


def initial_from_prior(target: Target, space, rng: np.random.Generator, walkers: int):
    """Walkers drawn from the prior.

    Args:
        target: Log posterior of unconstrained positions.
        space: :class:`~seirflow.calibration.parameters.ParameterSpace`.
        rng: Source of randomness.
        walkers: Ensemble size.

    Returns:
        numpy.ndarray: Unconstrained starting positions, [walkers, P].

    Raises:
        InitialisationError: If no finite starting positions can be found.
    """

    def draw(n):
        for _ in range(100):
            z = space.to_unconstrained(space.prior.sample(rng, n))
            if np.all(np.isfinite(z)):
                return z
        raise InitialisationError("prior draws keep landing on a support boundary")

    return _redraw_invalid(target, draw(walkers), draw)


def derivatives(target: Target, z: np.ndarray, step: float = 1e-3):
    """Value, gradient and Hessian of ``target`` at ``z`` by central differences.

    All points go to ``target`` in one batch (1 + 2P + 2P(P - 1) rows).

    Args:
        target: Function of [B, P] -> [B].
        z: Point, [P].
        step: Finite-difference step.

    Returns:
        tuple: ``(value, gradient [P], hessian [P, P])``.
    """
    p = z.size
    eye = np.eye(p) * step
    pts = [z]
    for i in range(p):
        pts += [z + eye[i], z - eye[i]]
    pairs = [(i, j) for i in range(p) for j in range(i + 1, p)]
    for i, j in pairs:
        pts += [z + eye[i] + eye[j], z + eye[i] - eye[j], z - eye[i] + eye[j], z - eye[i] - eye[j]]
    vals = target(np.array(pts))
    f0 = vals[0]
    plus, minus = vals[1 : 1 + 2 * p : 2], vals[2 : 2 + 2 * p : 2]
    grad = (plus - minus) / (2.0 * step)
    hess = np.diag((plus - 2.0 * f0 + minus) / step**2)
    quad = vals[1 + 2 * p :].reshape(-1, 4)
    for (i, j), (pp, pm, mp, mm) in zip(pairs, quad, strict=True):
        hess[i, j] = hess[j, i] = (pp - pm - mp + mm) / (4.0 * step * step)
    return float(f0), grad, hess


def newton_refine(target: Target, z: np.ndarray, *, iterations: int = 30, tol: float = 1e-4):
    """Climb to a local maximum by damped Newton steps (Levenberg-Marquardt style).

    Args:
        target: Function to maximise, [B, P] -> [B].
        z: Starting point, [P].
        iterations: Largest number of Newton steps.
        tol: Stop once a step gains less than this.

    Returns:
        tuple: ``(maximum [P], value, hessian at the maximum [P, P])``.
    """
    f, g, h = derivatives(target, z)
    damping = 1e-3
    for _ in range(iterations):
        if not (np.isfinite(f) and np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
            break
        scale = np.maximum(np.abs(np.diag(h)), 1e-8)
        # Try a ladder of dampings in one batch; keep the best improving step.
        lambdas = damping * np.array([1e-2, 1.0, 1e2, 1e4, 1e6])
        cands = []
        for lam in lambdas:
            try:
                cands.append(z + solve(-h + lam * np.diag(scale), g))
            except SingularMatrixError:
                cands.append(z)
        vals = target(np.array(cands))
        vals = np.where(np.isfinite(vals), vals, -np.inf)
        k = int(np.argmax(vals))
        gain = vals[k] - f
        if not gain > 0:
            break
        damping = max(lambdas[k] * 0.1, 1e-8)
        z = cands[k]
        f, g, h = derivatives(target, z)
        if gain < tol:
            break
    return z, f, h


def anneal(
    target,
    z0: np.ndarray,
    rng: np.random.Generator,
    *,
    rungs: int = 10,
    steps: int = 40,
    beta0: float = 1e-4,
    moves=None,
) -> np.ndarray:
    """Move an ensemble through tempered posteriors, prior x likelihood^beta.

    Args:
        target: Vectorised [B, P] -> [B, 1 + S]: log posterior then per-stream
            log-likelihoods (a :class:`~seirflow.calibration.target.LogPosterior`).
        z0: Starting ensemble, [W, P].
        rng: Seeds the emcee proposals of every rung.
        rungs: Number of temperatures, geometric from ``beta0`` to 1.
        steps: Ensemble steps per rung.
        beta0: First (smallest) likelihood power.
        moves: emcee moves (default :func:`~seirflow.calibration.sampler.default_moves`).

    Returns:
        numpy.ndarray: The ensemble after the last rung (beta = 1), [W, P].
    """
    import emcee

    from seirflow.calibration.sampler import default_moves

    z = np.array(z0, dtype=float)
    walkers, ndim = z.shape
    for beta in np.geomspace(beta0, 1.0, rungs):

        def tempered(x, beta=beta):
            out = target(x)
            with np.errstate(invalid="ignore"):  # -inf rows: -inf - -inf
                lp = out[:, 0] - (1.0 - beta) * out[:, 1:].sum(axis=1)
            return np.where(np.isfinite(out[:, 0]), lp, -np.inf)

        sampler = emcee.EnsembleSampler(
            walkers,
            ndim,
            tempered,
            vectorize=True,
            moves=default_moves() if moves is None else moves,
        )
        seed = rng.integers(0, 2**32, size=4, dtype=np.uint64)
        state = emcee.State(
            z,
            random_state=np.random.RandomState(
                np.random.MT19937(np.random.SeedSequence(seed.tolist()))
            ).get_state(),
        )
        z = sampler.run_mcmc(state, steps, store=False, skip_initial_state_check=True).coords
    return z


def initial_from_optimum(target, space, rng: np.random.Generator, walkers: int):
    """Walkers around the posterior mode: annealed ensemble, Newton, Laplace ball.

    Args:
        target: Vectorised [B, P] -> [B, 1 + S] (log posterior, then per-stream
            log-likelihoods).
        space: :class:`~seirflow.calibration.parameters.ParameterSpace`.
        rng: Source of randomness.
        walkers: Ensemble size.

    Returns:
        numpy.ndarray: Unconstrained starting positions, [walkers, P].

    Raises:
        InitialisationError: If no finite starting positions can be found.
    """

    def logp(z):
        return target(z)[:, 0]

    z = anneal(target, initial_from_prior(logp, space, rng, walkers), rng)
    lp = logp(z)
    best, best_lp, hess = newton_refine(logp, z[int(np.argmax(lp))])
    try:
        cov = inverse(-hess)
        cov = 0.5 * (cov + cov.T)
        if not np.all(np.isfinite(cov)):
            raise SingularMatrixError("Hessian not invertible")
        low = cholesky(cov)
    except SingularMatrixError:
        log.info(
            "mode %.2f: Hessian not negative definite; starting from the annealed ensemble", best_lp
        )
        return _redraw_invalid(logp, z, lambda n: z[rng.integers(0, walkers, n)])
    log.info("mode log posterior %.2f; walkers drawn from the Laplace approximation", best_lp)

    def draw(n):  # best + L u, u ~ N(0, I): multivariate_normal without BLAS
        return best + matmul(rng.standard_normal((n, best.size)), low.T)

    return _redraw_invalid(logp, draw(walkers), draw)
