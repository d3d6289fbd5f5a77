"""The one bridge between a Snakemake `script:` and a seirflow function.

A rule's script is two lines::

    from seirflow.adapter import run
    from seirflow.steps.inputs import prepare_inputs
    run(snakemake, prepare_inputs)

`run` maps the rule's named inputs, outputs, params and wildcards to the function's
keyword arguments, routes logging to the rule's `log:` file, applies `threads` to
Numba, and logs any failure with its traceback before re-raising it (so the job fails
and the log says why). It never imports snakemake: it only reads the object's fields.
"""

from __future__ import annotations

import inspect
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

__all__ = ["run", "step_arguments", "configure_logging"]

log = logging.getLogger("seirflow")


def run(smk: Any, func: Callable[..., Any]) -> Any:
    """Call `func` with the arguments a Snakemake job provides.

    Args:
        smk: The `snakemake` object of a `script:` rule.
        func: A seirflow step function taking keyword arguments only.

    Returns:
        Whatever `func` returns.
    """
    log_path = smk.log[0] if len(smk.log) else None
    configure_logging(log_path)
    _apply_threads(smk.threads)
    started = time.perf_counter()
    log.info("%s(%s) with %d thread(s)", func.__name__, _describe(smk), smk.threads)
    try:
        result = func(**step_arguments(smk, func))
    except Exception:
        log.exception("%s failed", func.__name__)
        raise
    log.info("%s done in %.1f s", func.__name__, time.perf_counter() - started)
    return result


def step_arguments(smk: Any, func: Callable[..., Any]) -> dict[str, Any]:
    """Keyword arguments for `func` from the job's named inputs, outputs, params, wildcards.

    A named input or output arrives as a path string (or list of them), a param as
    plain data, a wildcard as a string; `threads` is passed if `func` accepts it.

    Raises:
        TypeError: if a name is given twice, or `func` needs an argument the rule lacks.
    """
    available: dict[str, Any] = {}
    for source in (smk.input, smk.output, smk.params, smk.wildcards):
        for name, value in source.items():
            if name in available:
                raise TypeError(f"rule gives {name!r} twice (inputs/outputs/params/wildcards)")
            available[name] = _plain(value)
    available["threads"] = smk.threads
    signature = inspect.signature(func)
    kwargs = {k: v for k, v in available.items() if k in signature.parameters}
    missing = [
        name
        for name, p in signature.parameters.items()
        if p.default is inspect.Parameter.empty and name not in kwargs
    ]
    if missing:
        raise TypeError(f"{func.__name__} needs {missing}, which the rule does not provide")
    return kwargs


def configure_logging(path: str | None, level: int = logging.INFO) -> None:
    """Send seirflow's log records (and warnings) to `path`, or to stderr."""
    handler: logging.Handler = (
        logging.FileHandler(path, mode="w", encoding="utf-8")
        if path
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)


def _apply_threads(threads: int) -> None:
    import numba

    numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))


def _plain(value: Any) -> Any:
    """Snakemake Namedlist entries -> str or list of str; other values unchanged."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _describe(smk: Any) -> str:
    return ", ".join(f"{k}={v}" for k, v in smk.wildcards.items())
