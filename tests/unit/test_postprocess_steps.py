"""The summary steps end to end on synthetic trajectories in a temporary directory."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from seirflow.config.scenarios import HUB_QUANTILES
from seirflow.errors import DataError
from seirflow.postprocess.changes import CHANGE_COLUMNS
from seirflow.postprocess.summary import SUMMARY_COLUMNS, WEEKLY_SUMMARY_COLUMNS
from seirflow.postprocess.validate import WEEKLY_COLUMNS, WeeklyTableError
from seirflow.postprocess.weekly import TARGETS
from seirflow.postprocess.weekly_table import read_weekly, weekly_rows
from seirflow.steps.summarise_national import summarise_national
from seirflow.steps.summarise_region import summarise_region
from seirflow.steps.summary_tables import write_summary_tables
from tests.unit.synthetic_trajectories import trajectories_dataset, write_trajectories

DATES = {
    "simulation_start": "2020-02-01",
    "fit_start": "2020-03-15",
    "fit_end": "2020-07-15",
    "projection_weeks": 4,
}
ORIGIN = dt.date(2020, 7, 16)
REGIONS = ("NY", "WA", "CA")
FIPS = {"NY": "36", "WA": "53", "CA": "06"}
SCENARIOS = ("baseline", "schools_closed")
# Defaults (hub quantiles, factor 2) but every region summed: these tests are about the
# sums, the selection of converged regions has its own tests below.
POST: dict = {"national_regions": "all"}


def make_projections(root: Path, seed: int = 0, scale_ny: float = 1.0) -> None:
    rng = np.random.default_rng(seed)
    for scenario in SCENARIOS:
        for code in REGIONS:
            ds = trajectories_dataset(code, scenario, rng, days=28, draws=30, scale=1000.0)
            if code == "NY":
                ds = ds.map(lambda v: v * scale_ny, keep_attrs=True)
            write_trajectories(trajectory_path(root, scenario, code), ds)


def trajectory_path(root: Path, scenario: str, code: str) -> Path:
    return root / "results/projections" / scenario / code / "trajectories.nc"


def summaries(root: Path, name: str) -> dict[str, str]:
    """Output paths of one region's (`name` = code) or one scenario's national summaries."""
    base = root / "results/summaries" / ("by_region" if name in REGIONS else "national") / name
    out = {
        "daily": str(base / "daily_quantiles.parquet"),
        "weekly": str(base / "weekly.parquet"),
        "hub_rows": str(base / "hub_rows.parquet"),
    }
    if name in REGIONS:  # a national total has no Rt
        out["reproduction"] = str(base / "reproduction_quantiles.parquet")
    return out


def run_summaries(root: Path) -> None:
    for code in REGIONS:
        summarise_region(
            trajectories=[str(trajectory_path(root, s, code)) for s in SCENARIOS],
            region=code,
            scenarios=list(SCENARIOS),
            dates=DATES,
            postprocessing=POST,
            **summaries(root, code),
        )
    for scenario in SCENARIOS:
        summarise_national(
            trajectories=[str(trajectory_path(root, scenario, c)) for c in REGIONS],
            scenario=scenario,
            dates=DATES,
            postprocessing=POST,
            **summaries(root, scenario),
        )


def table_kwargs(root: Path) -> dict:
    out = root / "results/summaries"
    return {
        "weekly": [summaries(root, n)["weekly"] for n in (*REGIONS, *SCENARIOS)],
        "daily": [summaries(root, n)["daily"] for n in (*REGIONS, *SCENARIOS)],
        "weekly_quantiles": str(out / "weekly_quantiles.parquet"),
        "summary": str(out / "summary.csv"),
        "weekly_summary": str(out / "weekly_summary.csv"),
        "changes": str(out / "changes.csv"),
        "history": str(root / "results/history/weekly_quantiles"),
        "dates": DATES,
        "postprocessing": POST,
    }


def write_diagnostics(root: Path, converged: dict[str, bool]) -> list[str]:
    paths = []
    for code, ok in converged.items():
        path = root / "results/calibration" / code / "diagnostics.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        reasons = [] if ok else ["R-hat >= 1.05 for r0"]
        path.write_text(json.dumps({"region": code, "converged": ok, "reasons": reasons}))
        paths.append(str(path))
    return paths


def national_draws(root: Path, scenario: str, variable: str) -> np.ndarray:
    """Independent reference: sum the files' draws with xarray alignment by coordinate."""
    total = None
    for code in REGIONS:
        with xr.open_dataset(trajectory_path(root, scenario, code)) as ds:
            da = ds[variable].transpose("draw", "date").load()
        total = da if total is None else total + da
    return total.values


def test_end_to_end(tmp_path, caplog):
    make_projections(tmp_path)
    run_summaries(tmp_path)

    ny = pd.read_parquet(summaries(tmp_path, "NY")["daily"])
    assert set(ny["region"]) == {"NY"} and set(ny["location"]) == {"36"}
    assert list(ny["scenario"].unique()) == list(SCENARIOS)
    assert len(ny) == 2 * 6 * 28
    with xr.open_dataset(trajectory_path(tmp_path, "schools_closed", "NY")) as ds:
        deaths = ds["deaths"].transpose("draw", "date").values
    rows = ny[(ny["scenario"] == "schools_closed") & (ny["outcome"] == "deaths")]
    np.testing.assert_allclose(rows["q75"], np.quantile(deaths, 0.75, axis=0))

    # Rt and the attack rate, every scenario, from the first indicator date (the fit start).
    rt = pd.read_parquet(summaries(tmp_path, "NY")["reproduction"])
    assert list(rt["scenario"].unique()) == list(SCENARIOS)
    assert list(rt["outcome"].unique()) == ["rt", "attack_rate"]
    with xr.open_dataset(trajectory_path(tmp_path, "baseline", "NY")) as ds:
        share = ds["attack_rate"].transpose("draw", "rt_date").values
        first = ds["rt_date"].values[0]
    rows = rt[(rt["scenario"] == "baseline") & (rt["outcome"] == "attack_rate")]
    assert rows["date"].iloc[0] == first and len(rows) == share.shape[1]
    np.testing.assert_allclose(rows["q95"], np.quantile(share, 0.95, axis=0))

    daily = pd.read_parquet(summaries(tmp_path, "baseline")["daily"])
    assert set(daily["region"]) == {"US"} and set(daily["scenario"]) == {"baseline"}
    assert len(daily) == 6 * 28
    us = daily[daily["outcome"] == "hospital_census"]
    reference = national_draws(tmp_path, "baseline", "hospital_census")
    np.testing.assert_allclose(us["median"], np.median(reference, axis=0))
    np.testing.assert_allclose(us["q95"], np.quantile(reference, 0.95, axis=0))

    weekly = read_weekly(summaries(tmp_path, "baseline")["weekly"])
    admissions = national_draws(tmp_path, "baseline", "hospital_admissions")
    week3 = admissions[:, 14:21].sum(axis=1)
    task = weekly[
        (weekly["location"] == "US") & (weekly["target"] == "inc hosp") & (weekly["horizon"] == 3)
    ]
    quantiles = task[task["output_type"] == "quantile"]
    np.testing.assert_allclose(quantiles["value"], np.quantile(week3, HUB_QUANTILES))
    assert task.loc[task["output_type"] == "mean", "value"].item() == pytest.approx(week3.mean())

    kwargs = table_kwargs(tmp_path)
    write_summary_tables(**kwargs)
    hub = read_weekly(kwargs["weekly_quantiles"])
    assert list(hub.columns) == list(WEEKLY_COLUMNS)
    assert set(hub["scenario_id"]) == set(SCENARIOS)
    assert set(hub["location"]) == {*FIPS.values(), "US"}
    assert set(hub["target"]) == set(TARGETS)
    assert sorted(set(hub["horizon"])) == [1, 2, 3, 4]
    assert (hub["origin_date"] == ORIGIN).all()
    assert len(hub) == 2 * 4 * len(TARGETS) * 4 * (2 + len(HUB_QUANTILES))

    summary = pd.read_csv(kwargs["summary"], dtype={"location": str})
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    assert len(summary) == 2 * 4 * 6 * 28
    assert (summary["q05"] <= summary["q95"]).all()
    weekly_summary = pd.read_csv(kwargs["weekly_summary"], dtype={"location": str})
    assert list(weekly_summary.columns) == list(WEEKLY_SUMMARY_COLUMNS)
    assert len(weekly_summary) == 2 * 4 * len(TARGETS) * 4  # scenarios, locations, weeks
    assert list(weekly_summary["location"].drop_duplicates()) == ["06", "36", "53", "US"]
    row = weekly_summary[
        (weekly_summary["scenario"] == "baseline")
        & (weekly_summary["region"] == "US")
        & (weekly_summary["target"] == "inc hosp")
        & (weekly_summary["horizon"] == 3)
    ].squeeze()
    assert row["name"] == "United States" and row["target_end_date"] == "2020-08-05"
    assert row["median"] == pytest.approx(np.median(week3), abs=0.05)
    assert row["q05"] == pytest.approx(np.quantile(week3, 0.05), abs=0.05)
    changes = pd.read_csv(kwargs["changes"])
    assert list(changes.columns) == list(CHANGE_COLUMNS) and not changes["flagged"].any()
    history = sorted(Path(kwargs["history"]).glob("*.parquet"))
    assert len(history) == 1
    assert history[0].read_bytes() == Path(kwargs["weekly_quantiles"]).read_bytes()

    # Next run: New York's projections doubled, everything else drawn afresh the same way.
    make_projections(tmp_path, scale_ny=2.0)
    run_summaries(tmp_path)
    with caplog.at_level(logging.WARNING):
        write_summary_tables(**kwargs)
    changes = pd.read_csv(kwargs["changes"], dtype={"location": str})
    assert len(changes) == 2 * 4 * len(TARGETS)
    flagged = changes[changes["flagged"]]
    assert set(flagged["location"]) == {"36"}
    assert len(flagged) == 2 * len(TARGETS)
    np.testing.assert_allclose(flagged["ratio"], 2.0)
    assert (changes.loc[changes["location"] == "53", "ratio"] == 1.0).all()
    assert sum(r.levelno == logging.WARNING for r in caplog.records) == len(flagged)
    assert len(list(Path(kwargs["history"]).glob("*.parquet"))) == 2


def test_single_path_and_scenario_mismatch(tmp_path):
    make_projections(tmp_path)
    out = summaries(tmp_path, "baseline")
    summarise_national(
        trajectories=str(trajectory_path(tmp_path, "baseline", "NY")),
        scenario="baseline",
        dates=DATES,
        postprocessing=POST,
        **out,
    )
    assert set(read_weekly(out["weekly"])["location"]) == {"US"}
    Path(out["weekly"]).unlink()
    Path(out["daily"]).unlink()
    with pytest.raises(DataError, match="attribute 'scenario' = 'schools_closed'"):
        summarise_national(
            trajectories=[str(trajectory_path(tmp_path, "schools_closed", "NY"))],
            scenario="baseline",
            dates=DATES,
            postprocessing=POST,
            **out,
        )
    assert not Path(out["weekly"]).exists() and not Path(out["daily"]).exists()


@pytest.mark.parametrize(
    ("files", "match"),
    [
        ((("schools_closed", "NY"), ("baseline", "NY")), "attribute 'scenario' = 'schools_closed'"),
        ((("baseline", "WA"), ("schools_closed", "WA")), "attribute 'region' = 'WA'"),
    ],
    ids=["scenarios swapped", "other region"],
)
def test_region_summary_checks_each_file_is_its_region_and_scenario(tmp_path, files, match):
    make_projections(tmp_path)
    out = summaries(tmp_path, "NY")
    with pytest.raises(DataError, match=match):
        summarise_region(
            trajectories=[str(trajectory_path(tmp_path, s, c)) for s, c in files],
            region="NY",
            scenarios=list(SCENARIOS),
            dates=DATES,
            postprocessing=POST,
            **out,
        )
    assert not Path(out["weekly"]).exists() and not Path(out["daily"]).exists()


def test_regions_with_different_draws_fail_without_outputs(tmp_path):
    make_projections(tmp_path)
    path = trajectory_path(tmp_path, "baseline", "WA")
    ds = trajectories_dataset("WA", "baseline", np.random.default_rng(9), days=28, draws=29)
    write_trajectories(path.with_name("short.nc"), ds)
    out = summaries(tmp_path, "baseline")
    with pytest.raises(DataError, match="short.nc: coordinate 'draw' differs"):
        summarise_national(
            trajectories=[
                str(trajectory_path(tmp_path, "baseline", "NY")),
                str(path.with_name("short.nc")),
            ],
            scenario="baseline",
            dates=DATES,
            postprocessing=POST,
            **out,
        )
    assert not Path(out["weekly"]).exists() and not Path(out["daily"]).exists()


def test_projection_window_longer_than_the_files_is_an_error(tmp_path):
    make_projections(tmp_path)
    with pytest.raises(DataError, match="lacks 7 day"):
        summarise_region(
            trajectories=[str(trajectory_path(tmp_path, s, "NY")) for s in SCENARIOS],
            region="NY",
            scenarios=list(SCENARIOS),
            dates={**DATES, "projection_weeks": 5},
            postprocessing=POST,
            **summaries(tmp_path, "NY"),
        )


def test_broken_scenario_table_writes_nothing_and_archives_nothing(tmp_path):
    make_projections(tmp_path)
    run_summaries(tmp_path)
    kwargs = table_kwargs(tmp_path)
    # Washington's table lost its second scenario: the combined table is incomplete.
    wa = summaries(tmp_path, "WA")["weekly"]
    weekly = read_weekly(wa)
    weekly[weekly["scenario_id"] != "schools_closed"].to_parquet(wa)
    with pytest.raises(WeeklyTableError, match="scenario_id=schools_closed, location=53"):
        write_summary_tables(**kwargs)
    for name in ("weekly_quantiles", "summary", "changes"):
        assert not Path(kwargs[name]).exists()
    assert not Path(kwargs["history"]).exists()


def test_bad_config_section_is_a_config_error(tmp_path):
    from seirflow.errors import ConfigError

    with pytest.raises(ConfigError, match="postprocessing.quantiles"):
        summarise_region(
            trajectories=["x.nc"],
            region="NY",
            scenarios=["baseline"],
            dates=DATES,
            postprocessing={"quantiles": [0.9, 0.1]},
            **summaries(tmp_path, "NY"),
        )


def test_weekly_summary_keeps_only_configured_summary_levels_and_names_bad_location():
    from seirflow.postprocess.summary import weekly_summary_table

    rng = np.random.default_rng(1)
    weekly = xr.DataArray(
        rng.gamma(2.0, 50.0, size=(len(TARGETS), 40, 2)),
        dims=("target", "draw", "horizon"),
        coords={"target": list(TARGETS), "horizon": [1, 2]},
    )
    hub = weekly_rows(weekly, origin_date=ORIGIN, scenario="s", location="53", levels=[0.05, 0.95])
    table = weekly_summary_table(hub)
    assert list(table.columns) == [*WEEKLY_SUMMARY_COLUMNS[:9], "q05", "q95"]
    assert list(table["target"].drop_duplicates()) == list(TARGETS)
    assert set(table["region"]) == {"WA"} and len(table) == len(TARGETS) * 2
    expected = np.quantile(weekly.sel(target="inc death", horizon=2).values, 0.95)
    got = table[(table["target"] == "inc death") & (table["horizon"] == 2)]["q95"].item()
    assert got == pytest.approx(expected, abs=0.05)
    with pytest.raises(DataError, match="unknown location '99'"):
        weekly_summary_table(hub.assign(location="99"))


def test_national_total_leaves_out_non_converged_regions_and_says_which(tmp_path, caplog):
    make_projections(tmp_path)
    run_summaries(tmp_path)  # regions on their own, and an "all" national total
    diagnostics = write_diagnostics(tmp_path, {"NY": True, "WA": True, "CA": False})
    for scenario in SCENARIOS:
        with caplog.at_level(logging.WARNING):
            summarise_national(
                trajectories=[str(trajectory_path(tmp_path, scenario, c)) for c in REGIONS],
                diagnostics=diagnostics,
                scenario=scenario,
                dates=DATES,
                postprocessing={},  # default: national_regions = converged
                **summaries(tmp_path, scenario),
            )
    assert any("CA left out of the national total" in r.message for r in caplog.records)

    daily = pd.read_parquet(summaries(tmp_path, "baseline")["daily"])
    assert daily.attrs["national_regions"] == ["NY", "WA"]
    assert list(daily.attrs["national_excluded"]) == ["CA"]
    us = daily[(daily["region"] == "US") & (daily["outcome"] == "deaths")]
    draws = sum(
        xr.open_dataset(trajectory_path(tmp_path, "baseline", c))["deaths"].values
        for c in ("NY", "WA")
    )
    np.testing.assert_allclose(us["median"], np.median(draws, axis=0))
    assert (us["name"] == "United States (excluding CA: calibration not converged)").all()

    kwargs = table_kwargs(tmp_path)
    write_summary_tables(**kwargs)
    summary = pd.read_csv(kwargs["summary"], dtype={"location": str})
    # CA is still summarised on its own, but not in the total.
    assert "CA" in set(summary["region"])
    assert set(summary.loc[summary["location"] == "US", "name"]) == {
        "United States (excluding CA: calibration not converged)"
    }


def test_converged_rule_needs_every_regions_diagnostics(tmp_path):
    make_projections(tmp_path)
    diagnostics = write_diagnostics(tmp_path, {"NY": True, "WA": True})
    with pytest.raises(DataError, match=r"none for \['CA'\]"):
        summarise_national(
            trajectories=[str(trajectory_path(tmp_path, "baseline", c)) for c in REGIONS],
            diagnostics=diagnostics,
            scenario="baseline",
            dates=DATES,
            postprocessing={},
            **summaries(tmp_path, "baseline"),
        )
    assert not Path(summaries(tmp_path, "baseline")["daily"]).exists()
