"""Starting positions of the walkers: prior draws, or a short optimisation.

Both work in the sampler's unconstrained space (see :mod:`.parameters`), so no start
can lie outside the support, and both redraw any walker whose log posterior is not
finite.

``optimize`` runs a cross-entropy search (batched: one model call per generation, no
gradients, no scipy): draw a population, keep the best tenth, refit a Gaussian to it,
repeat until the best value stops improving. It then fits a Laplace approximation at
the optimum (finite-difference Hessian, again one batched call) and draws the walkers
from it, so the ensemble starts near the posterior's location and scale instead of
spread over the prior.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

__all__ = [
    "InitialisationError",
    "initial_from_prior",
    "initial_from_optimum",
    "cross_entropy_search",
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


def cross_entropy_search(
    target: Target,
    z0: np.ndarray,
    rng: np.random.Generator,
    *,
    generations: int = 40,
    population: int = 128,
    elite_fraction: float = 0.1,
    patience: int = 4,
    tol: float = 0.05,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Maximise ``target`` by the cross-entropy method.

    Args:
        target: Function to maximise, [B, P] -> [B].
        z0: Initial population, [n0, P] (e.g. prior draws).
        rng: Source of randomness.
        generations: Largest number of generations.
        population: Draws per generation.
        elite_fraction: Fraction of each generation that refits the Gaussian.
        patience: Stop after this many generations improving the best by less than ``tol``.
        tol: Improvement (log posterior units) that counts.

    Returns:
        tuple: ``(best [P], elite covariance [P, P], best value)``.
    """
    lp = target(z0)
    order = np.argsort(np.where(np.isfinite(lp), lp, -np.inf))[::-1]
    n_elite = max(2, int(round(elite_fraction * population)))
    elite = z0[order[:n_elite]]
    best, best_lp = z0[order[0]].copy(), float(lp[order[0]])
    ndim = z0.shape[1]
    quiet = 0
    for gen in range(generations):
        mean = elite.mean(axis=0)
        cov = np.cov(elite, rowvar=False).reshape(ndim, ndim) + 1e-8 * np.eye(ndim)
        z = rng.multivariate_normal(mean, cov, size=population, method="cholesky")
        z[0] = best  # keep the incumbent so the best never gets worse
        lp = target(z)
        lp = np.where(np.isfinite(lp), lp, -np.inf)
        order = np.argsort(lp)[::-1]
        elite = z[order[:n_elite]]
        gain = float(lp[order[0]]) - best_lp
        if gain > 0:
            best, best_lp = z[order[0]].copy(), float(lp[order[0]])
        quiet = quiet + 1 if gain < tol else 0
        log.debug("cross-entropy generation %d: best log posterior %.3f", gen, best_lp)
        if quiet >= patience:
            break
    cov = np.cov(elite, rowvar=False).reshape(ndim, ndim)
    return best, cov, best_lp


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
                cands.append(z + np.linalg.solve(-h + lam * np.diag(scale), g))
            except np.linalg.LinAlgError:
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


def initial_from_optimum(
    target: Target, space, rng: np.random.Generator, walkers: int, *, ball_scale: float = 1.0
):
    """Walkers around the posterior mode: cross-entropy search, then a Laplace ball.

    Args:
        target: Log posterior of unconstrained positions.
        space: :class:`~seirflow.calibration.parameters.ParameterSpace`.
        rng: Source of randomness.
        walkers: Ensemble size.
        ball_scale: Scale of the ball relative to the Laplace approximation.

    Returns:
        numpy.ndarray: Unconstrained starting positions, [walkers, P].

    Raises:
        InitialisationError: If no finite starting positions can be found.
    """
    z0 = initial_from_prior(target, space, rng, max(4 * walkers, 128))
    best, elite_cov, best_lp = cross_entropy_search(target, z0, rng)
    best, best_lp, hess = newton_refine(target, best)
    cov, source = None, "Laplace approximation"
    try:
        cov = np.linalg.inv(-hess)
        cov = 0.5 * (cov + cov.T)
        if not np.all(np.isfinite(cov)):
            raise np.linalg.LinAlgError("Hessian not invertible")
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        cov, source = elite_cov + 1e-6 * np.eye(best.size), "cross-entropy elite"
    log.info("optimum log posterior %.2f; walkers drawn from the %s", best_lp, source)
    cov = cov * ball_scale**2

    def draw(n):
        return rng.multivariate_normal(best, cov, size=n, method="cholesky")

    return _redraw_invalid(target, draw(walkers), draw)
