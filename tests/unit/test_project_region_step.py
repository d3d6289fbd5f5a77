"""The project_region step: one job per region, one trajectories file per scenario."""

from __future__ import annotations

import arviz as az
import numpy as np
import pytest
import xarray as xr

from seirflow.errors import ConfigError, DataError
from seirflow.postprocess.load import read_trajectories
from seirflow.preprocess.region_inputs import write_region_inputs
from seirflow.steps.project_region import project_region
from tests.unit.synthetic_region import FREE, MODEL, TRUTH, synthetic_config, synthetic_inputs

DATES = {
    "simulation_start": "2020-02-01",
    "fit_start": "2020-03-01",
    "fit_end": "2020-05-10",
    "projection_weeks": 2,
}
SCENARIOS = {
    "baseline": {"description": "as observed", "interventions": []},
    "closed": {
        "description": "only households",
        "interventions": [
            {"settings": ["school", "work", "community"], "multiplier": 0.0, "start": "2020-05-11"}
        ],
    },
}


@pytest.fixture(scope="module")
def region_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("region")
    ds = synthetic_inputs(seed=3)
    ds.attrs.update(region="NY", fips="36")
    write_region_inputs(ds, root / "inputs.nc")
    rng = np.random.default_rng(4)
    posterior = {k: TRUTH[k] * rng.lognormal(0.0, 0.05, size=(2, 10)) for k in FREE}
    az.from_dict(posterior=posterior).to_netcdf(str(root / "posterior.nc"), engine="h5netcdf")
    return root


def _run(root, scenarios, outputs, region="NY"):
    project_region(
        inputs=str(root / "inputs.nc"),
        posterior=str(root / "posterior.nc"),
        trajectories=[str(root / o) for o in outputs],
        region=region,
        scenarios=scenarios,
        seed=11,
        dates=DATES,
        model=MODEL.model_dump(mode="json"),
        outcomes={},
        calibration=synthetic_config().model_dump(mode="json"),
        projection={"draws": 6},
    )


def test_each_scenario_file_is_what_projecting_it_alone_gives(region_files):
    _run(region_files, SCENARIOS, ["both_baseline.nc", "both_closed.nc"])
    _run(region_files, {"closed": SCENARIOS["closed"]}, ["alone_closed.nc"])
    baseline = read_trajectories(region_files / "both_baseline.nc", scenario="baseline")
    closed = read_trajectories(region_files / "both_closed.nc", scenario="closed")
    alone = read_trajectories(region_files / "alone_closed.nc", scenario="closed")
    assert baseline.attrs["region"] == closed.attrs["region"] == "NY"
    assert baseline.sizes == {"draw": 6, "date": 14}
    # A subset of the scenarios (a derived rule) gives the same files, draw for draw.
    xr.testing.assert_identical(closed, alone.assign_attrs(source=closed.attrs["source"]))
    # Same draws in every scenario: closing all but households lowers every draw.
    assert (closed["infections"].sum("date") < baseline["infections"].sum("date")).all()


def test_rt_and_attack_rate_run_from_the_fit_start_through_each_scenario(region_files):
    _run(region_files, SCENARIOS, ["rt_baseline.nc", "rt_closed.nc"])
    base, closed = (xr.load_dataset(region_files / f"rt_{s}.nc") for s in ("baseline", "closed"))
    rt, ar = base["rt"], base["attack_rate"]
    assert rt.dims == ar.dims == ("draw", "rt_date")
    dates = rt["rt_date"].values
    assert str(dates[0])[:10] == DATES["fit_start"] and dates[-1] == base["date"].values[-1]
    assert np.isfinite(rt).all() and (rt > 0).all()
    assert (ar.diff("rt_date") >= 0).all() and (ar > 0).all() and (ar < 1).all()
    # Same draws: identical up to the intervention, then the closed scenario's Rt is lower.
    before = dict(rt_date=slice(None, "2020-05-10"))
    xr.testing.assert_equal(closed["rt"].sel(before), rt.sel(before))
    xr.testing.assert_equal(closed["attack_rate"].sel(before), ar.sel(before))
    after = dict(rt_date=slice("2020-05-11", None))
    assert (closed["rt"].sel(after) < rt.sel(after)).all()
    assert "attack_rate_by_age" not in base  # no age groups asked for


def test_outputs_and_scenarios_must_match_and_the_region_must_be_the_inputs(region_files):
    with pytest.raises(ValueError, match=r"1 trajectories outputs for 2 scenarios"):
        _run(region_files, SCENARIOS, ["x.nc"])
    with pytest.raises(DataError, match="inputs of region NY, expected WA"):
        _run(region_files, SCENARIOS, ["a.nc", "b.nc"], region="WA")
    assert not (region_files / "x.nc").exists() and not (region_files / "a.nc").exists()


def test_hub_age_groups_split_admissions_and_deaths_and_add_up(region_files):
    outputs = ["aged_baseline.nc"]
    project_region(
        inputs=str(region_files / "inputs.nc"),
        posterior=str(region_files / "posterior.nc"),
        trajectories=[str(region_files / o) for o in outputs],
        region="NY",
        scenarios={"baseline": SCENARIOS["baseline"]},
        seed=11,
        dates=DATES,
        model=MODEL.model_dump(mode="json"),
        outcomes={},
        calibration=synthetic_config().model_dump(mode="json"),
        projection={"draws": 6},
        hub_age_groups=["0-130", "60-130", "0-59"],  # the synthetic groups: 0-19, 20-59, 60+
    )
    aged = read_trajectories(region_files / "aged_baseline.nc", scenario="baseline")
    _run(region_files, {"baseline": SCENARIOS["baseline"]}, ["plain_baseline.nc"])
    plain = read_trajectories(region_files / "plain_baseline.nc", scenario="baseline")
    for name in ("hospital_admissions", "deaths"):
        split = aged[f"{name}_by_age"]
        assert split.dims == ("draw", "date", "age_group")
        assert list(split["age_group"].values) == ["0-130", "60-130", "0-59"]
        # The age groups change nothing else, and their parts add up to the whole.
        np.testing.assert_array_equal(aged[name].values, plain[name].values)
        np.testing.assert_allclose(split.sel(age_group="0-130").values, aged[name].values)
        parts = split.sel(age_group="60-130") + split.sel(age_group="0-59")
        np.testing.assert_allclose(parts.values, aged[name].values, rtol=1e-9, atol=1e-9)
        old = split.sel(age_group="60-130").sum().item() / aged[name].sum().item()
        assert 0.0 < old < 1.0
    assert "deaths_by_age" not in plain
    raw = xr.load_dataset(region_files / "aged_baseline.nc")
    by_age = raw["attack_rate_by_age"]
    assert by_age.dims == ("draw", "rt_date", "age_group")
    np.testing.assert_allclose(by_age.sel(age_group="0-130"), raw["attack_rate"], rtol=1e-12)


def test_hub_age_groups_must_be_unions_of_model_age_groups(region_files):
    with pytest.raises(ConfigError, match="'65-130' is not a union"):
        project_region(
            inputs=str(region_files / "inputs.nc"),
            posterior=str(region_files / "posterior.nc"),
            trajectories=[str(region_files / "bad.nc")],
            region="NY",
            scenarios={"baseline": SCENARIOS["baseline"]},
            seed=11,
            dates=DATES,
            model=MODEL.model_dump(mode="json"),
            outcomes={},
            calibration=synthetic_config().model_dump(mode="json"),
            projection={"draws": 6},
            hub_age_groups=["65-130"],
        )
