"""Mistry et al. matrix reader: real snapshot against numpy, bad inputs."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from seirflow.regions import REGIONS, region
from seirflow.sources.layout import SETTINGS, RawPaths
from seirflow.sources.mistry import read_mistry_matrix, read_mistry_settings
from tests.unit.raw_files import MISTRY, RAW, edited_copy, expect_data_error

NY_SCHOOL = MISTRY / "United_States_subnational_New_York_F_school_setting_85.csv.gz"


def test_matches_numpy_loadtxt():
    expected = np.loadtxt(gzip.open(NY_SCHOOL, "rt"), delimiter=",")
    np.testing.assert_array_equal(read_mistry_matrix(NY_SCHOOL), expected)


def test_all_regions_and_settings():
    raw = RawPaths(RAW)
    for reg in REGIONS:
        matrices = read_mistry_settings(raw, reg)
        assert list(matrices) == list(SETTINGS)
        for m in matrices.values():
            assert m.shape == (85, 85)
            assert (m >= 0).all() and (m.sum(axis=1) <= 1 + 1e-9).all()
        # Community rows are a full mixing distribution: each sums to 1.
        np.testing.assert_allclose(matrices["community"].sum(axis=1), 1.0, atol=1e-9)


def _rows(text: str) -> list[str]:
    return text.splitlines()


BAD = [
    (
        "non-square",
        lambda t: "\n".join(r.rsplit(",", 1)[0] for r in _rows(t)),
        "shape",
        (85, 84),
        "not square",
    ),
    ("missing row", lambda t: "\n".join(_rows(t)[:-1]), "shape", (84, 85), "not square"),
    ("non-finite", lambda t: t.replace("0.", "inf", 1), "[0, 0]", None, "non-finite"),
    ("non-numeric", lambda t: t.replace("0.", "x.", 1), "[0, 0]", None, "non-numeric"),
    ("negative", lambda t: "-0.5" + t[t.index(",") :], "[0, 0]", "-0.5", "negative"),
    (
        "weighted M matrix",
        lambda t: "\n".join(",".join(str(11.4 * float(v)) for v in r.split(",")) for r in _rows(t)),
        None,
        None,
        "row sum",
    ),
    ("empty", lambda t: "", None, None, "empty"),
]


@pytest.mark.parametrize("edit,field,value,fragment", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(tmp_path, edit, field, value, fragment):
    path = edited_copy(NY_SCHOOL, tmp_path, edit)
    expect_data_error(
        lambda: read_mistry_matrix(path), file=path, field=field, value=value, match=fragment
    )


def test_truncated_gzip(tmp_path):
    path = tmp_path / NY_SCHOOL.name
    path.write_bytes(NY_SCHOOL.read_bytes()[:-200])
    expect_data_error(lambda: read_mistry_matrix(path), file=path, match="truncated or corrupt")


def test_region_absent_from_snapshot(tmp_path):
    raw = RawPaths(tmp_path)
    path = raw.mistry(region("VT"), "household")
    expect_data_error(
        lambda: read_mistry_settings(raw, region("VT")), file=path, match="file not found"
    )
