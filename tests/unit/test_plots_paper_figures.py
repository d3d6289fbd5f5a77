"""Paper figures 2-6 drawn from synthetic results: they render, and show what captions promise."""

from __future__ import annotations

import arviz as az
import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from seirflow.plots.bands import NOT_CONVERGED_COLOUR, predictive_bands
from seirflow.plots.calibration_summary import (
    plot_calibration_fits,
    plot_convergence_summary,
    plot_posterior_forest,
)
from seirflow.plots.projections import plot_national_scenarios, plot_region_outcome
from seirflow.plots.reproduction import plot_reproduction_number
from seirflow.postprocess.national import national_selection, observed_total

SIM_START, FIT_START, FIT_END = "2020-02-01", "2020-03-15", "2020-07-15"
PROJECTION = pd.date_range("2020-07-16", periods=28, freq="D")
SCENARIOS = ("baseline", "schools_reopen")
OUTCOMES = ("hospital_census", "icu_census", "deaths")


def daily_table(regions=("NY", "US")) -> pd.DataFrame:
    rows = []
    for region in regions:
        for k, scenario in enumerate(SCENARIOS):
            for outcome in OUTCOMES:
                median = 100.0 * (1 + k) * np.linspace(1, 2, len(PROJECTION))
                rows.append(pd.DataFrame({
                    "region": region, "scenario": scenario, "outcome": outcome,
                    "date": PROJECTION, "median": median, "q05": 0.5 * median,
                    "q25": 0.8 * median, "q75": 1.2 * median, "q95": 1.5 * median,
                }))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def inputs(code: str, level: float) -> xr.Dataset:
    dates = pd.date_range(SIM_START, PROJECTION[-1], freq="D")
    census = np.full(len(dates), level)
    census[dates < pd.Timestamp("2020-03-25")] = np.nan  # census reporting starts late
    return xr.Dataset(
        {
            "hospital_census": ("date", census),
            "icu_census": ("date", 0.25 * census),
            "deaths": ("date", np.full(len(dates), level / 100)),
        },
        coords={"date": dates},
        attrs={"region": code, "name": {"NY": "New York"}.get(code, code)},
    )


def posterior(streams=("cases", "deaths", "hospital_census"), seed=0):
    """A real InferenceData shaped like calibration's (posterior, observed, predictive)."""
    rng = np.random.default_rng(seed)
    fit = pd.date_range(FIT_START, FIT_END, freq="D")
    days = pd.date_range(SIM_START, FIT_END, freq="D")
    idata = az.from_dict(
        posterior={"r0": rng.normal(2.5, 0.1, (2, 50)), "ascertainment": rng.beta(2, 8, (2, 50))},
        observed_data={s: rng.poisson(50.0, len(fit)).astype(float) for s in streams},
        coords={f"{s}_date": fit for s in streams},
        dims={s: [f"{s}_date"] for s in streams},
    )
    pp = xr.Dataset(
        {s: (("chain", "draw", "date"), rng.poisson(50.0, (1, 40, len(days)))) for s in streams},
        coords={"chain": [0], "draw": np.arange(40), "date": days},
    )
    idata.add_groups(posterior_predictive=pp)
    return idata


def diagnostics(region: str, converged: bool) -> dict:
    return {
        "region": region, "converged": converged, "reasons": [] if converged else ["R-hat"],
        "rhat_max_observed": 1.01 if converged else 1.3, "ess_bulk_min_observed": 500.0,
        "steps": 4000, "tau_max": 50.0,
        "thresholds": {"rhat_max": 1.05, "ess_min": 400, "tau_multiple": 30},
    }  # fmt: skip


def x_dates(line) -> pd.DatetimeIndex:
    """A line's x values as dates (matplotlib's float days, converted back)."""
    return pd.DatetimeIndex(mdates.num2date(line.get_xdata(orig=False))).tz_localize(None)


def by_gid(fig, gid):
    return [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]


def test_region_outcome_draws_fit_before_fit_end_projections_after_and_all_data(tmp_path):
    idata = posterior()
    fit = predictive_bands(idata, "hospital_census", FIT_START, FIT_END)
    pdf, png = tmp_path / "fig3.pdf", tmp_path / "fig3.png"
    fig = plot_region_outcome(
        daily_table(), inputs("NY", 500.0), region="NY", outcome="hospital_census",
        fit_start=FIT_START, fit_end=FIT_END, fit=fit, pdf=pdf, png=png,
    )  # fmt: skip
    assert pdf.stat().st_size > 0 and png.read_bytes()[:4] == b"\x89PNG"
    (line,) = by_gid(fig, "fit")
    fit_days = x_dates(line)
    assert fit_days[0] == pd.Timestamp(FIT_START) and fit_days[-1] == pd.Timestamp(FIT_END)
    (boundary,) = by_gid(fig, "fit_end")
    assert x_dates(boundary)[0] == pd.Timestamp(FIT_END)
    (observed,) = by_gid(fig, "observed")
    seen = x_dates(observed)
    assert seen.min() == pd.Timestamp("2020-03-25")  # first reported day, not before
    assert seen.max() == PROJECTION[-1]  # data after the fit end are shown too
    labels = fig.legends[0].get_texts()
    assert [t.get_text() for t in labels][:3] == ["posterior fit", "Baseline", "Schools reopen"]
    assert fig.axes[0].get_ylabel() == "patients in hospital"


def test_region_outcome_without_a_fit_says_so(tmp_path):
    fig = plot_region_outcome(
        daily_table(), inputs("NY", 500.0), region="NY", outcome="icu_census",
        fit_start=FIT_START, fit_end=FIT_END, fit=None, pdf=None, png=tmp_path / "f.png",
    )  # fmt: skip
    assert not by_gid(fig, "fit")
    assert any("not fitted" in t.get_text() for t in fig.axes[0].texts)


def test_national_scenarios_overlay_observed_totals_of_included_regions_only(tmp_path):
    regions = [inputs("NY", 500.0), inputs("TX", 9000.0), inputs("WA", 100.0)]
    selection = national_selection(
        ["NY", "TX", "WA"],
        [diagnostics("NY", True), diagnostics("TX", False), diagnostics("WA", True)],
        "converged",
    )
    observed = observed_total(regions, selection.included)
    png = tmp_path / "fig5.png"
    fig = plot_national_scenarios(
        daily_table(), observed=observed, summed=selection.included,
        excluded=selection.excluded, fit_start=FIT_START, fit_end=FIT_END, pdf=None, png=png,
    )  # fmt: skip
    assert png.stat().st_size > 0
    overlays = by_gid(fig, "observed")
    assert len(overlays) == 3  # one per panel
    assert set(overlays[0].get_ydata()) == {600.0}  # NY + WA, not TX's 9000
    assert overlays[0].get_label() == "observed (sum of 2 regions)"
    assert "observed (sum of 2 regions)" in [t.get_text() for t in fig.legends[0].get_texts()]
    assert "left out (calibration not converged): TX" in fig._suptitle.get_text()
    assert x_dates(overlays[2])[0] == pd.Timestamp(FIT_START)  # deaths: from the fit start
    for ax in fig.axes:
        assert [a for a in ax.get_children() if a.get_gid() == "fit_end"]
        assert ax.yaxis.get_offset_text().get_text() == ""  # no 1e6 offset
        assert ax.get_ylabel() in {"patients in hospital", "patients in ICU", "deaths per day"}


def test_national_scenarios_needs_national_rows():
    with pytest.raises(ValueError, match="no national"):
        plot_national_scenarios(daily_table(("NY",)), pdf=None, png=None)


def test_calibration_fits_show_every_fitted_stream_and_mark_non_converged(tmp_path):
    posteriors = {"NY": posterior(), "WA": posterior(("cases", "deaths"), seed=1)}
    png = tmp_path / "fig2.png"
    fig = plot_calibration_fits(posteriors, converged={"NY": True, "WA": False}, pdf=None, png=png)
    assert png.stat().st_size > 0
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2 * 3  # two regions x cases, deaths, census
    assert [ax.get_ylabel() for ax in visible[:3]] == [
        "reported cases per day", "deaths per day", "patients in hospital",
    ]  # fmt: skip
    titles = {ax.get_title(loc="left"): ax.title for ax in visible if ax.get_title(loc="left")}
    assert set(titles) == {"NY", "WA (not converged)"}
    wa = [ax for ax in visible if ax.get_title(loc="left") == "WA (not converged)"][0]
    assert mcolors.to_hex(wa._left_title.get_color()) == NOT_CONVERGED_COLOUR
    # WA did not fit the census: its panel says so instead of drawing a band.
    assert any(t.get_text() == "not fitted" for t in visible[-1].texts)


def test_forest_and_convergence_colour_non_converged_regions_red(tmp_path):
    posteriors = {"NY": posterior(), "WA": posterior(seed=1)}
    fig = plot_posterior_forest(
        posteriors, converged={"NY": True, "WA": False}, pdf=None, png=tmp_path / "f4.png"
    )
    ticks = {t.get_text(): mcolors.to_hex(t.get_color()) for t in fig.axes[0].get_yticklabels()}
    assert ticks == {"NY": "#000000", "WA": NOT_CONVERGED_COLOUR}
    fig = plot_convergence_summary(
        [diagnostics("NY", True), diagnostics("WA", False)], pdf=None, png=tmp_path / "f6.png"
    )
    ticks = {t.get_text(): mcolors.to_hex(t.get_color()) for t in fig.axes[0].get_yticklabels()}
    assert ticks == {"NY": "#000000", "WA": NOT_CONVERGED_COLOUR}
    assert "1 of 2" in fig._suptitle.get_text()


def test_reproduction_figure_has_a_panel_per_region_and_the_share_infected(tmp_path):
    days = pd.date_range(FIT_START, PROJECTION[-1], freq="D")
    rows = []
    for region, share in (("NY", 0.12), ("WA", 0.03)):
        for scenario in SCENARIOS:
            for outcome, median in (("rt", np.full(len(days), 1.1)),
                                    ("attack_rate", np.full(len(days), share))):  # fmt: skip
                rows.append(pd.DataFrame({
                    "region": region, "scenario": scenario, "outcome": outcome, "date": days,
                    "median": median, "q05": 0.8 * median, "q25": 0.9 * median,
                    "q75": 1.1 * median, "q95": 1.2 * median,
                }))  # fmt: skip
    table = pd.concat(rows, ignore_index=True)
    tables = {r: table[table.region == r] for r in ("NY", "WA")}
    fig = plot_reproduction_number(
        tables, scenario="baseline", fit_end=FIT_END, converged={"WA": False},
        pdf=None, png=tmp_path / "f7.png",
    )  # fmt: skip
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()]
    assert titles == ["NY, 12% inf.", "WA, 3% inf. (not conv.)"]
    assert (tmp_path / "f7.png").stat().st_size > 0
    with pytest.raises(ValueError, match="no rows of scenario 'closed'"):
        plot_reproduction_number(tables, scenario="closed", fit_end=FIT_END, pdf=None, png=None)
