"""Writers give the same bytes for the same content, and write atomically.

Run-to-run byte identity of every output is what lets a result be re-created and
checked by its hash (see tests/workflow/test_replay.py for the whole chain).
"""

from __future__ import annotations

import hashlib
import os
import time

import arviz as az
import matplotlib.pyplot as plt
import numpy as np
import pytest

from seirflow.atomic import atomic_output
from seirflow.calibration import plots as calibration_plots
from seirflow.calibration.posterior import write_inference_data
from seirflow.plots import plot_region_inputs
from seirflow.plots.style import save_figure
from seirflow.preprocess import MobilityMapping, build_region_inputs, write_region_inputs
from tests.unit.raw_files import RAW


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _idata(seed: int = 1):
    rng = np.random.default_rng(seed)
    return az.from_dict(
        posterior={"r0": rng.normal(2.5, 0.1, (4, 50))},
        sample_stats={"lp": rng.normal(0, 1, (4, 50))},
        prior={"r0": rng.normal(2.5, 1.0, (1, 100))},
        attrs={"region": "NY"},
    )


def test_posterior_file_does_not_depend_on_when_it_was_made(tmp_path):
    first = _idata()
    time.sleep(0.01)
    second = _idata()
    assert first.posterior.attrs["created_at"] != second.posterior.attrs["created_at"]
    write_inference_data(first, tmp_path / "a.nc")
    write_inference_data(second, tmp_path / "b.nc")
    assert _sha(tmp_path / "a.nc") == _sha(tmp_path / "b.nc")
    # Different numbers still give a different file.
    write_inference_data(_idata(seed=2), tmp_path / "c.nc")
    assert _sha(tmp_path / "c.nc") != _sha(tmp_path / "a.nc")
    back = az.from_netcdf(tmp_path / "a.nc", engine="h5netcdf")
    np.testing.assert_array_equal(back.posterior["r0"].values, first.posterior["r0"].values)


@pytest.fixture(scope="module")
def ny_inputs():
    return build_region_inputs("NY", raw_dir=RAW, start="2020-02-01", end="2020-10-07")


def test_region_inputs_and_overview_are_byte_identical(ny_inputs, tmp_path):
    for name in ("a", "b"):
        write_region_inputs(ny_inputs, tmp_path / f"{name}.nc")
        plot_region_inputs(ny_inputs, tmp_path / f"{name}.png")
        time.sleep(1.1)  # HDF5 and PNG timestamps, if any, would have one-second resolution
    assert _sha(tmp_path / "a.nc") == _sha(tmp_path / "b.nc")
    assert _sha(tmp_path / "a.png") == _sha(tmp_path / "b.png")


def test_region_inputs_do_not_depend_on_the_order_of_mobility_columns(ny_inputs, tmp_path):
    # As written in config/config.yaml, and as a sorted copy of the config (a JSON
    # manifest) gives it back: the same mapping, so the same bytes.
    given = {"gps_retail_and_recreation": 1.0, "gps_transit_stations": 1.0,
             "gps_grocery_and_pharmacy": 1.0}  # fmt: skip
    reweighted = {**given, "gps_retail_and_recreation": 2.0}
    files = []
    orders = (given, dict(sorted(given.items())), dict(reversed(given.items())), reweighted)
    for community in orders:
        ds = build_region_inputs(
            "NY",
            raw_dir=RAW,
            start="2020-02-01",
            end="2020-10-07",
            mobility_mapping=MobilityMapping(community=community),
        )
        files.append(tmp_path / f"{len(files)}.nc")
        write_region_inputs(ds, files[-1])
    assert len({_sha(f) for f in files[:3]}) == 1
    assert _sha(files[3]) != _sha(files[0])  # the weights do matter


def _figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [1, 3, 2])
    ax.set_title("same figure")
    return fig


def test_paper_figures_carry_no_timestamp(tmp_path):
    for name in ("a", "b"):
        save_figure(_figure(), tmp_path / f"{name}.pdf", tmp_path / f"{name}.png")
        time.sleep(1.1)
    assert _sha(tmp_path / "a.pdf") == _sha(tmp_path / "b.pdf")
    assert _sha(tmp_path / "a.png") == _sha(tmp_path / "b.png")
    assert b"CreationDate" not in (tmp_path / "a.pdf").read_bytes()


def test_calibration_figures_carry_no_timestamp(tmp_path):
    for name in ("a", "b"):
        calibration_plots.save_figure(_figure(), tmp_path / f"{name}.png")
        time.sleep(1.1)
    assert _sha(tmp_path / "a.png") == _sha(tmp_path / "b.png")
    assert b"tIME" not in (tmp_path / "a.png").read_bytes()  # PNG modification-time chunk


def test_atomic_output_leaves_the_old_file_and_no_temporary_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("half a fi")
        raise RuntimeError("writer failed")
    assert target.read_text() == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["out.csv"]


def test_atomic_output_removes_what_a_killed_writer_of_the_same_file_left(tmp_path):
    target = tmp_path / "posterior.nc"
    stale = tmp_path / ".posterior.nc.k3_9xq2a.nc"  # as tempfile.mkstemp names them
    stale.write_bytes(b"half a file")
    keep = [
        tmp_path / ".posterior.nc.notes.nc",  # not a temporary name
        tmp_path / ".other.nc.k3_9xq2a.nc",  # another file's temporary
        tmp_path / ".posterior.nc.k3_9xq2a.txt",  # another suffix
    ]
    for path in keep:
        path.write_bytes(b"x")
    with atomic_output(target) as tmp:
        tmp.write_bytes(b"complete")
    assert target.read_bytes() == b"complete"
    assert not stale.exists()
    assert all(path.exists() for path in keep)
