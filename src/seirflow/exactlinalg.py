"""Small dense linear algebra whose results do not depend on the BLAS/LAPACK build.

numpy's ``@``, ``dot``, ``linalg.norm``/``solve``/``inv``/``cholesky``/``eigvals`` (and
Numba's ``np.dot``) call OpenBLAS, whose kernel (chosen per CPU, or by the
``OPENBLAS_CORETYPE`` environment variable) changes the order of floating-point sums,
so their last bits differ between kernels. Here products are formed element-wise
(each correctly rounded by IEEE 754) and every sum of many terms is ``math.fsum``, the correctly
rounded sum, which no summation order or kernel can change; the remaining arithmetic is
single IEEE operations in a fixed order (pivoting and iteration orders included).
Meant for the few small matrices that feed the calibration (contact
aggregation, next-generation matrix, Newton steps, the Laplace ball), not for speed.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "SingularMatrixError",
    "dot",
    "matmul",
    "norm",
    "solve",
    "inverse",
    "cholesky",
    "perron_root",
]


class SingularMatrixError(ArithmeticError):
    """The matrix is singular (solve, inverse) or not positive definite (cholesky)."""


def dot(a, b) -> float:
    """Inner product of two 1-D arrays, correctly rounded.

    >>> dot([0.1, 0.2], [3.0, 3.0]) == 0.1 * 3.0 + 0.2 * 3.0
    True
    """
    return math.fsum((np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)).tolist())


def norm(a) -> float:
    """Euclidean norm of a 1-D array (``sqrt`` of the correctly rounded sum of squares)."""
    return math.sqrt(dot(a, a))


def matmul(a, b) -> np.ndarray:
    """Matrix product ``a @ b`` of 2-D arrays, each entry correctly rounded.

    >>> matmul([[1.0, 2.0]], [[3.0], [4.0]]).tolist()
    [[11.0]]
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not chain")
    bt = b.T.copy()
    out = np.empty((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        rows = (a[i][None, :] * bt).tolist()
        out[i] = [math.fsum(r) for r in rows]
    return out


def solve(a, b) -> np.ndarray:
    """Solve ``a x = b`` (``b`` 1-D or 2-D) by Gaussian elimination with partial pivoting.

    Raises:
        SingularMatrixError: A zero (or non-finite) pivot.

    >>> solve([[2.0, 0.0], [0.0, 4.0]], [1.0, 1.0]).tolist()
    [0.5, 0.25]
    """
    a = np.array(a, dtype=np.float64)
    b = np.array(b, dtype=np.float64)
    vector = b.ndim == 1
    if vector:
        b = b[:, None]
    n = a.shape[0]
    if a.shape != (n, n) or b.shape[0] != n:
        raise ValueError(f"solve: shapes {a.shape} and {b.shape} do not match")
    for k in range(n):
        p = k + int(np.argmax(np.abs(a[k:, k])))  # first largest: a fixed choice
        if not (np.isfinite(a[p, k]) and a[p, k] != 0.0):
            raise SingularMatrixError(f"solve: zero pivot in column {k}")
        if p != k:
            a[[k, p]] = a[[p, k]]
            b[[k, p]] = b[[p, k]]
        f = a[k + 1 :, k] / a[k, k]
        a[k + 1 :, k:] -= f[:, None] * a[k, k:][None, :]
        b[k + 1 :] -= f[:, None] * b[k][None, :]
    x = np.empty_like(b)
    for k in range(n - 1, -1, -1):
        for j in range(b.shape[1]):
            s = math.fsum([b[k, j], *(-a[k, k + 1 :] * x[k + 1 :, j]).tolist()])
            x[k, j] = s / a[k, k]
    return x[:, 0] if vector else x


def inverse(a) -> np.ndarray:
    """Inverse of a square matrix (``solve`` against the identity).

    Raises:
        SingularMatrixError: The matrix is singular.
    """
    a = np.asarray(a, dtype=np.float64)
    return solve(a, np.eye(a.shape[0]))


def cholesky(a) -> np.ndarray:
    """Lower-triangular ``L`` with ``L L^T = a`` for a symmetric positive definite ``a``.

    Raises:
        SingularMatrixError: ``a`` is not (numerically) positive definite.

    >>> cholesky([[4.0, 2.0], [2.0, 2.0]]).tolist()
    [[2.0, 0.0], [1.0, 1.0]]
    """
    a = np.asarray(a, dtype=np.float64)
    n = a.shape[0]
    low = np.zeros((n, n))
    for j in range(n):
        d = a[j, j] - math.fsum((low[j, :j] ** 2).tolist())
        if not (np.isfinite(d) and d > 0.0):
            raise SingularMatrixError(f"cholesky: not positive definite at column {j}")
        low[j, j] = math.sqrt(d)
        for i in range(j + 1, n):
            s = a[i, j] - math.fsum((low[i, :j] * low[j, :j]).tolist())
            low[i, j] = s / low[j, j]
    return low


def perron_root(matrix, *, max_squarings: int = 64) -> float:
    """Spectral radius of a square non-negative matrix (its Perron root).

    The Perron vector ``x`` comes from repeated squaring of ``K + t I`` (``t`` = mean row
    sum; the shift makes the dominant eigenvalue strictly largest in modulus even for
    periodic ``K``, so 64 squarings, i.e. the power 2^64, converge for any gap), each
    square rescaled to max 1. Then ``rho = sum(K x) / sum(x)``.

    Args:
        matrix: ``[n, n]`` non-negative, finite.
        max_squarings: Cap on the squarings (it stops earlier once a square repeats).

    Returns:
        float: ``rho(K)`` (0 for the zero matrix).

    Raises:
        ValueError: Not square, not finite or negative entries.

    >>> perron_root([[0.0, 2.0], [2.0, 0.0]])
    2.0
    """
    k = np.asarray(matrix, dtype=np.float64)
    if k.ndim != 2 or k.shape[0] != k.shape[1]:
        raise ValueError(f"perron_root: shape {k.shape} is not square")
    if not np.isfinite(k).all() or (k < 0).any():
        raise ValueError("perron_root: entries must be finite and non-negative")
    n = k.shape[0]
    t = math.fsum(k.ravel().tolist()) / n
    if t == 0.0:
        return 0.0
    m = k + t * np.eye(n)
    m /= m.max()
    for _ in range(max_squarings):
        sq = matmul(m, m)
        sq /= sq.max()
        if np.array_equal(sq, m):
            break
        m = sq
    x = np.array([math.fsum(r) for r in m.tolist()])
    kx = matmul(k, x[:, None])[:, 0]
    return math.fsum(kx.tolist()) / math.fsum(x.tolist())
