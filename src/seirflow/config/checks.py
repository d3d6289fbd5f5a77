"""Checks that span several fields of an otherwise well-typed config.

Each check yields a `Problem`: the field path, its value, the reason, and the other
fields the check compared it with (its inputs). A check whose inputs were already
reported is dropped: one wrong ``dates.fit_end`` is one problem, not also every
intervention and prior that lies outside the window it implies. `load_config` turns
the problems into one `ConfigError` naming the file that set each value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import NamedTuple

from seirflow.regions import REGION_CODES

__all__ = ["Problem", "consistency_errors", "prior_support", "FIRST_DATA_DAY", "LAST_DATA_DAY"]

# Observed cases/deaths (NYT) start 2020-01-21; hospital census (CTP) ends 2021-03-07.
FIRST_DATA_DAY = dt.date(2020, 1, 21)
LAST_DATA_DAY = dt.date(2021, 3, 7)

Path = tuple[str, ...]


class Problem(NamedTuple):
    """One bad value: where, what, why, and which other fields the check relied on."""

    path: Path
    value: object
    reason: str
    inputs: tuple[Path, ...] = ()


def consistency_errors(cfg) -> list[Problem]:
    """Every cross-field problem of a validated `Config`, in a stable order.

    Checks run in dependency order (dates before what lies inside them), and a problem
    whose inputs already have a problem is left out: it follows from the earlier one.
    """
    found: list[Problem] = []
    checks = (_regions, _dates, _model, _calibration, _scenarios, _figures, _backtest, _hub)
    for problem in (p for check in checks for p in check(cfg)):
        if not any(_within(i, f.path) for i in problem.inputs for f in found):
            found.append(problem)
    return found


def _within(path: Path, reported: Path) -> bool:
    """`path` is `reported` or lies inside or above it (either is a prefix of the other)."""
    n = min(len(path), len(reported))
    return path[:n] == reported[:n]


FIT_START, FIT_END = ("dates", "fit_start"), ("dates", "fit_end")
SIMULATION_START, WEEKS = ("dates", "simulation_start"), ("dates", "projection_weeks")
AGE_EDGES = ("age_groups", "lower_edges")


def prior_support(prior, domain: tuple[float, float]) -> tuple[float, float]:
    """Interval where a prior has mass, intersected with the parameter's domain and bounds."""
    lo, hi = domain
    if prior.distribution in ("uniform", "truncated_normal"):
        lo, hi = max(lo, prior.lower), min(hi, prior.upper)
    elif prior.distribution in ("lognormal",):
        lo = max(lo, 0.0)
    elif prior.distribution == "beta":
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    if prior.bounds is not None:
        lo, hi = max(lo, prior.bounds[0]), min(hi, prior.bounds[1])
    return lo, hi


def _regions(cfg) -> Iterator[Problem]:
    seen = set()
    for i, code in enumerate(cfg.regions):
        if code not in REGION_CODES:
            yield Problem(
                ("regions", str(i)),
                code,
                ("unknown region; use a postal code of the 50 states or DC, e.g. NY, CA, DC"),
            )
        elif code in seen:
            yield Problem(("regions", str(i)), code, "listed twice")
        seen.add(code)


def _dates(cfg) -> Iterator[Problem]:
    d = cfg.dates
    if d.fit_start < FIRST_DATA_DAY:
        yield Problem(FIT_START, d.fit_start, f"is before the first data day {FIRST_DATA_DAY}")
    if d.fit_end <= d.fit_start:
        yield Problem(
            FIT_END, d.fit_end, f"must be after dates.fit_start ({d.fit_start})", (FIT_START,)
        )
    if d.fit_end > LAST_DATA_DAY:
        yield Problem(FIT_END, d.fit_end, f"is after the last data day {LAST_DATA_DAY}")
    if d.simulation_start > d.fit_start:
        yield Problem(
            SIMULATION_START,
            d.simulation_start,
            f"must be on or before dates.fit_start ({d.fit_start})",
            (FIT_START,),
        )


def _model(cfg) -> Iterator[Problem]:
    n_groups = len(cfg.age_groups.lower_edges)
    m = cfg.model
    if m.susceptibility is not None and len(m.susceptibility) != n_groups:
        yield Problem(
            ("model", "susceptibility"),
            m.susceptibility,
            f"needs one value per age group ({n_groups}), got {len(m.susceptibility)}",
            (AGE_EDGES,),
        )
    if isinstance(m.seed_age_distribution, list):
        dist = m.seed_age_distribution
        if len(dist) != n_groups:
            yield Problem(
                ("model", "seed_age_distribution"),
                dist,
                f"needs one fraction per age group ({n_groups}), got {len(dist)}",
                (AGE_EDGES,),
            )
        elif not math.isclose(sum(dist), 1.0, abs_tol=1e-6):
            yield Problem(
                ("model", "seed_age_distribution"), dist, f"must sum to 1, sums to {sum(dist)}"
            )


def _calibration(cfg) -> Iterator[Problem]:
    from seirflow.config.calibration import DOMAINS

    c = cfg.calibration
    params = c.parameters
    fit_days = (cfg.dates.fit_end - cfg.dates.simulation_start).days
    for name, domain in DOMAINS.items():
        spec = getattr(params, name)
        path = ("calibration", "parameters", name)
        if spec.free:
            prior = spec.prior.model_dump(exclude_none=True)
            lo, hi = prior_support(spec.prior, domain)
            if not lo < hi:
                yield Problem(
                    (*path, "prior"),
                    prior,
                    f"has no mass inside the parameter's domain {list(domain)}",
                )
            elif name == "seed_day" and (lo < 0 or hi > fit_days):
                yield Problem(
                    (*path, "prior"),
                    prior,
                    f"seed day must lie in [0, {fit_days}] days after dates.simulation_start "
                    "(bound the prior, e.g. uniform or bounds)",
                    (SIMULATION_START, FIT_END),
                )
        elif not domain[0] <= spec.value <= domain[1]:
            yield Problem(
                (*path, "value"), spec.value, f"outside the parameter's domain {list(domain)}"
            )
    enabled = [s for s, spec in c.streams if spec.enabled]
    if not enabled:
        yield Problem(("calibration", "streams"), "none enabled", "enable at least one stream")


def _scenarios(cfg) -> Iterator[Problem]:
    d = cfg.dates
    if "baseline" not in cfg.scenarios:
        yield Problem(("scenarios",), sorted(cfg.scenarios), "must include a 'baseline' scenario")
    for name, scenario in cfg.scenarios.items():
        if not name.replace("_", "").isalnum() or not name.islower():
            yield Problem(("scenarios", name), name, "names use lowercase letters, digits and _")
        windows: dict[str, list[tuple[dt.date, dt.date, int]]] = {}
        for i, iv in enumerate(scenario.interventions):
            path = ("scenarios", name, "interventions", str(i))
            end = iv.end or d.projection_end
            if iv.start < d.projection_start or iv.start > d.projection_end:
                yield Problem(
                    (*path, "start"),
                    iv.start,
                    f"must lie in the projection window {d.projection_start}..{d.projection_end}",
                    (FIT_END, WEEKS),
                )
            if end > d.projection_end:
                yield Problem(
                    (*path, "end"),
                    iv.end,
                    f"is after the projection end {d.projection_end}",
                    (FIT_END, WEEKS),
                )
            for setting in iv.settings:
                for s0, e0, j in windows.get(setting, []):
                    if iv.start <= e0 and s0 <= end:
                        yield Problem(
                            (*path, "start"),
                            iv.start,
                            (
                                f"window {iv.start}..{end} overlaps intervention {j} "
                                f"({s0}..{e0}) on setting {setting}"
                            ),
                        )
                windows.setdefault(setting, []).append((iv.start, end, i))


def _figures(cfg) -> Iterator[Problem]:
    from seirflow.config.base import STREAMS

    outcomes = {"infections", "hospital_admissions", "icu_admissions", *STREAMS}
    for name, fig in cfg.figures.items():
        if fig.region is not None and fig.region not in cfg.regions:
            yield Problem(
                ("figures", name, "region"),
                fig.region,
                "is not one of the configured regions",
                (("regions",),),
            )
        if fig.kind in ("inputs_overview", "hospital_beds") and fig.region is None:
            yield Problem(("figures", name, "region"), None, f"a {fig.kind} figure needs a region")
        if fig.outcome not in outcomes:
            yield Problem(
                ("figures", name, "outcome"), fig.outcome, f"must be one of {sorted(outcomes)}"
            )


def _backtest(cfg) -> Iterator[Problem]:
    from seirflow.config.backtest import MIN_FIT_DAYS

    b = cfg.backtest
    earliest = cfg.dates.fit_start + dt.timedelta(days=MIN_FIT_DAYS)
    for i, origin in enumerate(b.origins):
        path = ("backtest", "origins", str(i))
        if origin <= earliest:
            yield Problem(
                path,
                origin,
                f"must be after dates.fit_start ({cfg.dates.fit_start}) + {MIN_FIT_DAYS} days "
                f"of fit, i.e. after {earliest}",
                (FIT_START,),
            )
        last = origin + dt.timedelta(weeks=b.horizon_weeks, days=-1)
        if last > LAST_DATA_DAY:
            yield Problem(
                path,
                origin,
                f"its {b.horizon_weeks}-week horizon ends {last}, after the last data day "
                f"{LAST_DATA_DAY}",
                (("backtest", "horizon_weeks"),),
            )


def _hub(cfg) -> Iterator[Problem]:
    from seirflow.config.hub import hub_problems

    yield from hub_problems(cfg, Problem)
