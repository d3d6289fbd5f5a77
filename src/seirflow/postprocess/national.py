"""National totals, computed draw by draw.

The national trajectory of draw k is the sum over regions of each region's draw k; its
quantiles are taken afterwards. Adding regional quantiles instead would be wrong: the
quantile of a sum is not the sum of quantiles (adding the regions' 95th percentiles
assumes every region is at its own 95th percentile at once, which overstates the
national band).

Regions are calibrated separately, so pairing equal draw indexes treats the regions'
posteriors as independent: this is the joint distribution the projections provide.
Totals are accumulated one region at a time, so memory stays at two regions' draws.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import xarray as xr

from seirflow.errors import DataError

__all__ = ["NATIONAL_LOCATION", "NATIONAL_NAME", "NationalTotal", "national_total"]

NATIONAL_LOCATION = "US"
"""Hub location (and region code) of the national total."""
NATIONAL_NAME = "United States"


class NationalTotal:
    """Draw-wise running sum of regional trajectories.

    Example:
        >>> import numpy as np, xarray as xr
        >>> def traj(code, values):
        ...     da = xr.DataArray(np.asarray(values, float), dims=("draw", "date"),
        ...                       coords={"draw": [0, 1], "date": [np.datetime64("2020-07-16")]})
        ...     return xr.Dataset({"deaths": da}, attrs={"region": code, "scenario": "s"})
        >>> total = NationalTotal()
        >>> total.add(traj("NY", [[1.0], [5.0]]))
        >>> total.add(traj("WA", [[2.0], [0.0]]))
        >>> total.dataset()["deaths"].values.ravel().tolist()
        [3.0, 5.0]
    """

    def __init__(self) -> None:
        self._total: xr.Dataset | None = None
        self._first_source = ""
        self._regions: list[str] = []

    @property
    def regions(self) -> list[str]:
        """Region codes added so far, in order."""
        return list(self._regions)

    def add(self, ds: xr.Dataset, *, source: str | None = None) -> None:
        """Add one region's trajectories.

        Args:
            ds: Variables of dims ``(draw, date)``; attrs ``region`` and ``scenario``.
            source: Where `ds` came from, for error messages (default: its ``source``
                attribute, else its region).

        Raises:
            DataError: naming both files, if `ds` has other variables, draws, dates or
                scenario than the regions added before, or its region was added already.
        """
        code = str(ds.attrs.get("region", "?"))
        source = source or str(ds.attrs.get("source", code))
        ds = ds.transpose("draw", "date")
        if self._total is None:
            self._total = ds.astype(np.float64).copy(deep=True)
            self._total.attrs = {
                "region": NATIONAL_LOCATION,
                "fips": NATIONAL_LOCATION,
                "scenario": ds.attrs.get("scenario"),
            }
            self._first_source = source
            self._regions = [code]
            return
        self._check_aligned(ds, code, source)
        for name in self._total.data_vars:
            self._total[name].values += ds[name].values
        self._regions.append(code)

    def dataset(self) -> xr.Dataset:
        """The national total so far: same variables, draws and dates as the regions.

        Attrs: ``region`` = ``fips`` = ``"US"``, ``scenario``, ``regions`` (the codes summed).

        Raises:
            ValueError: if no region was added.
        """
        if self._total is None:
            raise ValueError("no regions added: the national total needs at least one")
        out = self._total.copy(deep=True)
        out.attrs["regions"] = " ".join(self._regions)
        return out

    def _check_aligned(self, ds: xr.Dataset, code: str, source: str) -> None:
        total = self._total
        assert total is not None
        first = self._first_source
        if code in self._regions:
            raise DataError(
                f"{source}: region {code} is given twice for the national total",
                file=source,
                field="region",
                value=code,
            )
        if set(ds.data_vars) != set(total.data_vars):
            raise DataError(
                f"{source}: variables {sorted(map(str, ds.data_vars))} differ from "
                f"{sorted(map(str, total.data_vars))} in {first}",
                file=source,
                field="variables",
                value=sorted(map(str, ds.data_vars)),
            )
        scenario = ds.attrs.get("scenario")
        if scenario != total.attrs["scenario"]:
            raise DataError(
                f"{source}: scenario {scenario!r} differs from {total.attrs['scenario']!r} "
                f"in {first}",
                file=source,
                field="scenario",
                value=scenario,
            )
        for dim in ("draw", "date"):
            mine, theirs = ds[dim].values, total[dim].values
            if mine.shape != theirs.shape or not np.array_equal(mine, theirs):
                raise DataError(
                    f"{source}: coordinate {dim!r} differs from {first} ({_describe(mine)} vs "
                    f"{_describe(theirs)}); every region needs the same draws and dates to be "
                    "summed draw by draw",
                    file=source,
                    field=dim,
                    value=_describe(mine),
                )


def national_total(datasets: Iterable[xr.Dataset]) -> xr.Dataset:
    """Draw-wise sum of regional trajectories (see `NationalTotal`).

    Args:
        datasets: Regional trajectories with identical variables, draws and dates.

    Returns:
        The national trajectories, dims ``(draw, date)``, attrs region = fips = ``"US"``.

    Raises:
        DataError: if the regions do not align; ValueError: if `datasets` is empty.
    """
    total = NationalTotal()
    for ds in datasets:
        total.add(ds)
    return total.dataset()


def _describe(values: np.ndarray) -> str:
    if values.size == 0:
        return "empty"
    return f"{values.size} values {values[0]} .. {values[-1]}"
