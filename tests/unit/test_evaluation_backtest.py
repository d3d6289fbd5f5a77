"""Backtest steps on synthetic projections and the real raw truth: tidy scores, summary."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from seirflow.config import Backtest, Dates
from seirflow.evaluation import TARGETS
from seirflow.evaluation.forecasts import model_forecasts
from seirflow.steps.backtest import score_backtest, score_backtest_origin
from tests.unit.raw_files import CTP, NYT
from tests.unit.synthetic_trajectories import trajectories_dataset, write_trajectories

ORIGIN = dt.date(2020, 7, 1)


def test_model_forecasts_are_the_draw_quantiles_of_the_weekly_targets():
    ds = trajectories_dataset("NY", "baseline", np.random.default_rng(3), start=ORIGIN)
    f = model_forecasts(ds, origin=ORIGIN, region="NY", targets=["inc death", "hosp occupancy"],
                        horizon=2, levels=[0.25, 0.5, 0.75])  # fmt: skip
    assert len(f) == 2 * 2 * 3
    week2 = ds["deaths"].isel(date=slice(7, 14)).sum("date").values
    got = f.query("target == 'inc death' and horizon == 2 and quantile == 0.5")["value"]
    assert got.item() == pytest.approx(np.median(week2))
    census = ds["hospital_census"].isel(date=6).values  # week 1's last day
    got = f.query("target == 'hosp occupancy' and horizon == 1 and quantile == 0.75")["value"]
    assert got.item() == pytest.approx(np.quantile(census, 0.75))


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bt")
    sections = {
        "dates": Dates().model_dump(mode="json"),
        "backtest": Backtest(origins=[ORIGIN]).model_dump(mode="json"),
    }
    files = []
    for i, code in enumerate(["NY", "WA"]):
        ds = trajectories_dataset(code, "baseline", np.random.default_rng(i), start=ORIGIN,
                                  scale=2000.0)  # fmt: skip
        files.append(str(write_trajectories(tmp / code / "trajectories.nc", ds)))
    score_backtest_origin(
        trajectories=files,
        nyt=str(NYT),
        ctp=str(CTP),
        forecasts=str(tmp / "forecasts.parquet"),
        scores=str(tmp / "origin_scores.parquet"),
        origin=str(ORIGIN),
        seed=1,
        **sections,
    )
    score_backtest(
        origin_scores=[str(tmp / "origin_scores.parquet")],
        scores=str(tmp / "scores.parquet"),
        summary=str(tmp / "summary.csv"),
    )
    return pd.read_parquet(tmp / "scores.parquet"), pd.read_csv(tmp / "summary.csv"), tmp


def test_scores_are_tidy_one_row_per_key_and_model(scored):
    scores, _, _ = scored
    key = ["origin", "region", "target", "horizon", "model"]
    assert not scores.duplicated(key).any()
    assert set(scores["model"]) == {"seirflow", "baseline"}
    # NY reports no admissions in CTP: three targets there, four in WA.
    ny = scores[scores["region"] == "NY"]
    assert set(ny["target"]) <= set(TARGETS) and len(ny) >= 2 * 3 * 4
    assert (scores["wis"] >= 0).all() and scores["horizon"].between(1, 4).all()


def test_truth_is_the_raw_nyt_weekly_difference(scored):
    scores, _, _ = scored
    nyt = pd.read_csv(NYT, parse_dates=["date"])
    ny = nyt[nyt["fips"] == 36].set_index("date")["deaths"]
    expected = ny[pd.Timestamp("2020-07-07")] - ny[pd.Timestamp("2020-06-30")]
    row = scores.query("region == 'NY' and target == 'inc death' and horizon == 1")
    assert (row["truth"] == expected).all()


def test_summary_has_relative_wis_and_coverage(scored):
    scores, summary, _ = scored
    assert {"relative_wis", "relative_wis_geomean", "coverage_50", "coverage_90"} <= set(summary)
    base = summary[summary["model"] == "baseline"]
    assert (base["relative_wis"] == 1).all()
    m = summary.query("model == 'seirflow' and target == 'inc death' and horizon == 1").iloc[0]
    rows = scores.query("target == 'inc death' and horizon == 1")
    pooled = (
        rows[rows.model == "seirflow"]["wis"].sum() / rows[rows.model == "baseline"]["wis"].sum()
    )
    assert m["relative_wis"] == pytest.approx(pooled, rel=1e-5)


def test_figures_are_written(scored, tmp_path):
    from seirflow.steps.backtest import plot_backtest

    scores, _, tmp = scored
    scores.to_parquet(tmp_path / "s.parquet")
    fc = str(tmp / "forecasts.parquet")
    out = {k: tmp_path / f"{k}.png" for k in ("relative_wis", "coverage", "projections")}
    plot_backtest(scores=str(tmp_path / "s.parquet"), forecasts=fc, origin=str(ORIGIN),
                  target="inc death", **{k: str(v) for k, v in out.items()})  # fmt: skip
    for path in out.values():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ctp_file_elsewhere_than_next_to_nyt_is_an_error(tmp_path):
    # The truth is read from the raw directory: a rule naming another CTP file must not be
    # silently ignored.
    with pytest.raises(ValueError, match="ctp = .*other.csv: expected"):
        score_backtest_origin(
            trajectories=[str(tmp_path / "t.nc")],
            nyt=str(NYT),
            ctp=str(tmp_path / "other.csv"),
            forecasts=str(tmp_path / "f.parquet"),
            scores=str(tmp_path / "s.parquet"),
            origin="2020-07-01",
            seed=1,
            dates={},
            backtest={},
        )
