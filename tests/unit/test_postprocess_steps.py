"""The summary and hub steps end to end on synthetic trajectories in a temporary directory."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from seirflow.config.scenarios import HUB_QUANTILES
from seirflow.errors import DataError
from seirflow.postprocess.changes import CHANGE_COLUMNS
from seirflow.postprocess.hub import read_hub
from seirflow.postprocess.summary import SUMMARY_COLUMNS
from seirflow.postprocess.validate import HUB_COLUMNS, HubFormatError
from seirflow.postprocess.weekly import TARGETS
from seirflow.steps.hub import write_hub_output
from seirflow.steps.summarise_national import summarise_national
from seirflow.steps.summarise_region import summarise_region
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
POST: dict = {}  # defaults: hub quantiles, factor 2


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
    return {"daily": str(base / "daily_quantiles.parquet"), "weekly": str(base / "hub.parquet")}


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


def hub_kwargs(root: Path) -> dict:
    hub = root / "results/hub"
    return {
        "weekly": [summaries(root, n)["weekly"] for n in (*REGIONS, *SCENARIOS)],
        "daily": [summaries(root, n)["daily"] for n in (*REGIONS, *SCENARIOS)],
        "hub_parquet": str(hub / "model-output.parquet"),
        "hub_csv": str(hub / "model-output.csv"),
        "summary": str(hub / "summary.csv"),
        "changes": str(hub / "changes.csv"),
        "history": str(root / "results/history/hub"),
        "dates": DATES,
        "postprocessing": POST,
    }


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

    daily = pd.read_parquet(summaries(tmp_path, "baseline")["daily"])
    assert set(daily["region"]) == {"US"} and set(daily["scenario"]) == {"baseline"}
    assert len(daily) == 6 * 28
    us = daily[daily["outcome"] == "hospital_census"]
    reference = national_draws(tmp_path, "baseline", "hospital_census")
    np.testing.assert_allclose(us["median"], np.median(reference, axis=0))
    np.testing.assert_allclose(us["q95"], np.quantile(reference, 0.95, axis=0))

    weekly = read_hub(summaries(tmp_path, "baseline")["weekly"])
    admissions = national_draws(tmp_path, "baseline", "hospital_admissions")
    week3 = admissions[:, 14:21].sum(axis=1)
    task = weekly[
        (weekly["location"] == "US") & (weekly["target"] == "inc hosp") & (weekly["horizon"] == 3)
    ]
    quantiles = task[task["output_type"] == "quantile"]
    np.testing.assert_allclose(quantiles["value"], np.quantile(week3, HUB_QUANTILES))
    assert task.loc[task["output_type"] == "mean", "value"].item() == pytest.approx(week3.mean())

    kwargs = hub_kwargs(tmp_path)
    write_hub_output(**kwargs)
    hub = read_hub(kwargs["hub_parquet"])
    pd.testing.assert_frame_equal(hub, read_hub(kwargs["hub_csv"]))
    assert list(hub.columns) == list(HUB_COLUMNS)
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
    changes = pd.read_csv(kwargs["changes"])
    assert list(changes.columns) == list(CHANGE_COLUMNS) and not changes["flagged"].any()
    history = sorted(Path(kwargs["history"]).glob("*.parquet"))
    assert len(history) == 1
    assert history[0].read_bytes() == Path(kwargs["hub_parquet"]).read_bytes()

    # Next run: New York's projections doubled, everything else drawn afresh the same way.
    make_projections(tmp_path, scale_ny=2.0)
    run_summaries(tmp_path)
    with caplog.at_level(logging.WARNING):
        write_hub_output(**kwargs)
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
    assert set(read_hub(out["weekly"])["location"]) == {"US"}
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
    kwargs = hub_kwargs(tmp_path)
    # Washington's table lost its second scenario: the combined table is incomplete.
    wa = summaries(tmp_path, "WA")["weekly"]
    weekly = read_hub(wa)
    weekly[weekly["scenario_id"] != "schools_closed"].to_parquet(wa)
    with pytest.raises(HubFormatError, match="scenario_id=schools_closed, location=53"):
        write_hub_output(**kwargs)
    for name in ("hub_parquet", "hub_csv", "summary", "changes"):
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
