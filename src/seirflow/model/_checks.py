"""Boundary checks shared by the model wrappers: convert, then name the bad argument and value."""

from __future__ import annotations

import numpy as np

from seirflow.errors import SeirflowInputError

__all__ = ["as_float_array", "check_positive_int", "check_positive_float", "require"]


def require(ok: bool, field: str, value, why: str) -> None:
    """Raise ``SeirflowInputError`` naming ``field`` and ``value`` unless ``ok``."""
    if not ok:
        shown = value
        if isinstance(value, np.ndarray) and value.size > 8:
            shown = f"array of shape {value.shape}"
        raise SeirflowInputError(f"{field}={shown!r}: {why}", field=field, value=value)


def as_float_array(value, field: str, *, ndim: int, shape=None, nonnegative: bool = True):
    """Return ``value`` as a C-contiguous, writeable float64 array after checking it.

    Args:
        value: Array-like input.
        field: Argument name used in error messages.
        ndim: Required number of dimensions.
        shape: Optional required shape; ``None`` entries match any length.
        nonnegative: Also require all entries ``>= 0``.

    Raises:
        SeirflowInputError: Wrong dimensions or shape, non-finite or negative entries.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SeirflowInputError(f"{field}: not numeric ({exc})", field=field, value=value) from exc
    require(arr.ndim == ndim, field, value, f"expected {ndim} dimensions, got shape {arr.shape}")
    if shape is not None:
        ok = all(want is None or got == want for got, want in zip(arr.shape, shape, strict=True))
        want = tuple("*" if s is None else s for s in shape)
        require(ok, field, value, f"expected shape {want}, got {arr.shape}")
    finite = np.isfinite(arr)
    if not finite.all():
        where = tuple(int(i) for i in np.argwhere(~finite)[0])
        require(False, field, arr[where], f"non-finite entry at index {where}")
    if nonnegative and arr.size and arr.min() < 0:
        where = tuple(int(i) for i in np.unravel_index(np.argmin(arr), arr.shape))
        require(False, field, arr[where], f"negative entry at index {where}")
    if not (arr.flags.c_contiguous and arr.flags.writeable and arr.flags.aligned):
        arr = np.array(arr, dtype=np.float64, order="C", copy=True)
    return arr


def check_positive_int(value, field: str, *, minimum: int = 1) -> int:
    """Return ``value`` as ``int`` if it is an integer ``>= minimum``."""
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= minimum
    require(ok, field, value, f"must be an integer >= {minimum}")
    return int(value)


def check_positive_float(value, field: str) -> float:
    """Return ``value`` as ``float`` if it is finite and > 0."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = float("nan")
    require(np.isfinite(x) and x > 0, field, value, "must be a finite number > 0")
    return x
