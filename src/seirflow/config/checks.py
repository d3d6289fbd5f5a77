"""Checks that span several fields of an otherwise well-typed config.

Each check yields ``(field path, value, reason)``; `load_config` turns them into one
`ConfigError` naming the file that set each value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

from seirflow.regions import REGION_CODES

__all__ = ["consistency_errors", "prior_support", "FIRST_DATA_DAY", "LAST_DATA_DAY"]

# Observed cases/deaths (NYT) start 2020-01-21; hospital census (CTP) ends 2021-03-07.
FIRST_DATA_DAY = dt.date(2020, 1, 21)
LAST_DATA_DAY = dt.date(2021, 3, 7)

Problem = tuple[tuple[str, ...], object, str]


def consistency_errors(cfg) -> list[Problem]:
    """Every cross-field problem of a validated `Config`, in a stable order."""
    return [
        *_regions(cfg),
        *_dates(cfg),
        *_model(cfg),
        *_calibration(cfg),
        *_scenarios(cfg),
        *_figures(cfg),
        *_backtest(cfg),
    ]


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
            yield (
                ("regions", str(i)),
                code,
                ("unknown region; use a postal code of the 50 states or DC, e.g. NY, CA, DC"),
            )
        elif code in seen:
            yield ("regions", str(i)), code, "listed twice"
        seen.add(code)


def _dates(cfg) -> Iterator[Problem]:
    d = cfg.dates
    if d.fit_start < FIRST_DATA_DAY:
        yield ("dates", "fit_start"), d.fit_start, f"is before the first data day {FIRST_DATA_DAY}"
    if d.fit_end <= d.fit_start:
        yield ("dates", "fit_end"), d.fit_end, f"must be after dates.fit_start ({d.fit_start})"
    if d.fit_end > LAST_DATA_DAY:
        yield ("dates", "fit_end"), d.fit_end, f"is after the last data day {LAST_DATA_DAY}"
    if d.simulation_start > d.fit_start:
        yield (
            ("dates", "simulation_start"),
            d.simulation_start,
            (f"must be on or before dates.fit_start ({d.fit_start})"),
        )


def _model(cfg) -> Iterator[Problem]:
    n_groups = len(cfg.age_groups.lower_edges)
    m = cfg.model
    if m.susceptibility is not None and len(m.susceptibility) != n_groups:
        yield (
            ("model", "susceptibility"),
            m.susceptibility,
            (f"needs one value per age group ({n_groups}), got {len(m.susceptibility)}"),
        )
    if isinstance(m.seed_age_distribution, list):
        dist = m.seed_age_distribution
        if len(dist) != n_groups:
            yield (
                ("model", "seed_age_distribution"),
                dist,
                (f"needs one fraction per age group ({n_groups}), got {len(dist)}"),
            )
        elif not math.isclose(sum(dist), 1.0, abs_tol=1e-6):
            yield ("model", "seed_age_distribution"), dist, f"must sum to 1, sums to {sum(dist)}"


def _calibration(cfg) -> Iterator[Problem]:
    from seirflow.config.calibration import DOMAINS

    c = cfg.calibration
    params = c.parameters
    free = [name for name in DOMAINS if getattr(params, name).free]
    if c.walkers < 2 * len(free):
        yield (
            ("calibration", "walkers"),
            c.walkers,
            (f"must be >= 2 x number of free parameters ({len(free)}), i.e. >= {2 * len(free)}"),
        )
    fit_days = (cfg.dates.fit_end - cfg.dates.simulation_start).days
    for name, domain in DOMAINS.items():
        spec = getattr(params, name)
        path = ("calibration", "parameters", name)
        if spec.free:
            lo, hi = prior_support(spec.prior, domain)
            if not lo < hi:
                yield (
                    (*path, "prior"),
                    spec.prior.model_dump(exclude_none=True),
                    (f"has no mass inside the parameter's domain {list(domain)}"),
                )
            if name == "seed_day" and (lo < 0 or hi > fit_days):
                yield (
                    (*path, "prior"),
                    spec.prior.model_dump(exclude_none=True),
                    (
                        f"seed day must lie in [0, {fit_days}] days after dates.simulation_start "
                        "(bound the prior, e.g. uniform or bounds)"
                    ),
                )
        elif not domain[0] <= spec.value <= domain[1]:
            yield (*path, "value"), spec.value, f"outside the parameter's domain {list(domain)}"
    enabled = [s for s, spec in c.streams if spec.enabled]
    if not enabled:
        yield ("calibration", "streams"), "none enabled", "enable at least one stream"


def _scenarios(cfg) -> Iterator[Problem]:
    d = cfg.dates
    if "baseline" not in cfg.scenarios:
        yield ("scenarios",), sorted(cfg.scenarios), "must include a 'baseline' scenario"
    for name, scenario in cfg.scenarios.items():
        if not name.replace("_", "").isalnum() or not name.islower():
            yield ("scenarios", name), name, "names use lowercase letters, digits and _"
        windows: dict[str, list[tuple[dt.date, dt.date, int]]] = {}
        for i, iv in enumerate(scenario.interventions):
            path = ("scenarios", name, "interventions", str(i))
            end = iv.end or d.projection_end
            if iv.start < d.projection_start or iv.start > d.projection_end:
                yield (
                    (*path, "start"),
                    iv.start,
                    (f"must lie in the projection window {d.projection_start}..{d.projection_end}"),
                )
            if end > d.projection_end:
                yield (*path, "end"), iv.end, f"is after the projection end {d.projection_end}"
            for setting in iv.settings:
                for s0, e0, j in windows.get(setting, []):
                    if iv.start <= e0 and s0 <= end:
                        yield (
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
            yield ("figures", name, "region"), fig.region, "is not one of the configured regions"
        if fig.kind in ("inputs_overview", "hospital_beds") and fig.region is None:
            yield ("figures", name, "region"), None, f"a {fig.kind} figure needs a region"
        if fig.outcome not in outcomes:
            yield ("figures", name, "outcome"), fig.outcome, f"must be one of {sorted(outcomes)}"


def _backtest(cfg) -> Iterator[Problem]:
    from seirflow.config.backtest import MIN_FIT_DAYS

    b = cfg.backtest
    earliest = cfg.dates.fit_start + dt.timedelta(days=MIN_FIT_DAYS)
    for i, origin in enumerate(b.origins):
        path = ("backtest", "origins", str(i))
        if origin <= earliest:
            yield (
                path,
                origin,
                f"must be after dates.fit_start ({cfg.dates.fit_start}) + {MIN_FIT_DAYS} days "
                f"of fit, i.e. after {earliest}",
            )
        last = origin + dt.timedelta(weeks=b.horizon_weeks, days=-1)
        if last > LAST_DATA_DAY:
            yield (
                path,
                origin,
                f"its {b.horizon_weeks}-week horizon ends {last}, after the last data day "
                f"{LAST_DATA_DAY}",
            )
