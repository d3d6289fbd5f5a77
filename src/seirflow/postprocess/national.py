"""National totals, computed draw by draw.

The national trajectory of draw k is the sum over regions of each region's draw k; its
quantiles are taken afterwards. Adding regional quantiles instead would be wrong: the
quantile of a sum is not the sum of quantiles (adding the regions' 95th percentiles
assumes every region is at its own 95th percentile at once, which overstates the
national band).

Regions are calibrated separately, so pairing equal draw indexes treats the regions'
posteriors as independent: this is the joint distribution the projections provide.
Totals are accumulated one region at a time, so memory stays at two regions' draws.

Which regions are summed is the config's ``postprocessing.national_regions``
(`national_selection`): by default a region whose calibration did not converge is left
out, and the regions left out travel with the total (attrs, summaries, fig5).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import xarray as xr

from seirflow.config.scenarios import NationalRegions
from seirflow.errors import DataError

__all__ = [
    "NATIONAL_LOCATION",
    "NATIONAL_NAME",
    "NationalSelection",
    "NationalTotal",
    "national_selection",
    "national_total",
    "observed_total",
    "read_diagnostics",
]

NATIONAL_LOCATION = "US"
"""Hub location (and region code) of the national total."""
NATIONAL_NAME = "United States"


class NationalSelection(NamedTuple):
    """The regions a national total sums, and those left out with the reason."""

    included: list[str]
    excluded: dict[str, str]

    @property
    def name(self) -> str:
        """Display name of the total, naming the regions left out (summary CSV, figures).

        >>> NationalSelection(["NY"], {"TX": "calibration not converged (...)"}).name
        'United States (excluding TX: calibration not converged)'
        """
        if not self.excluded:
            return NATIONAL_NAME
        left_out = ", ".join(sorted(self.excluded))
        return f"{NATIONAL_NAME} (excluding {left_out}: calibration not converged)"

    def attrs(self) -> dict[str, list[str] | dict[str, str]]:
        """JSON-safe record of the selection, for file metadata."""
        return {"national_regions": list(self.included), "national_excluded": dict(self.excluded)}


def read_diagnostics(paths: Sequence[str]) -> list[dict]:
    """Read calibration diagnostics JSON files (``converged`` and ``region`` needed).

    Raises:
        DataError: naming the file, if it is unreadable or lacks ``region`` / ``converged``.
    """
    out = []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as fh:
                record = json.load(fh)
        except (OSError, ValueError) as exc:
            raise DataError(f"{path}: cannot read diagnostics: {exc}", file=path) from exc
        for key in ("region", "converged"):
            if key not in record:
                raise DataError(
                    f"{path}: diagnostics lack {key!r}", file=path, field=key, value=None
                )
        out.append(record)
    return out


def national_selection(
    regions: Sequence[str], diagnostics: Sequence[Mapping], rule: NationalRegions | str
) -> NationalSelection:
    """Which of `regions` the national total sums under `rule`.

    Args:
        regions: Region codes with projections, in order.
        diagnostics: Calibration diagnostics records (``region``, ``converged``,
            ``reasons``); needed for every region when `rule` is ``converged``.
        rule: ``converged`` (leave out non-converged regions) or ``all``.

    Returns:
        Included codes (order of `regions`) and excluded code -> reason.

    Raises:
        DataError: if `rule` is ``converged`` and a region has no diagnostics, or no
            region is left to sum.

    >>> d = [{"region": "NY", "converged": True}, {"region": "TX", "converged": False}]
    >>> national_selection(["NY", "TX"], d, "converged").included
    ['NY']
    >>> national_selection(["NY", "TX"], d, "all").excluded
    {}
    """
    rule = NationalRegions(rule)
    if rule is NationalRegions.ALL:
        return NationalSelection(list(regions), {})
    verdicts = {str(d["region"]): d for d in diagnostics}
    missing = [r for r in regions if r not in verdicts]
    if missing:
        raise DataError(
            f"postprocessing.national_regions = converged needs calibration diagnostics of "
            f"every region; none for {missing}",
            field="diagnostics",
            value=missing,
        )
    included, excluded = [], {}
    for code in regions:
        record = verdicts[code]
        if record["converged"]:
            included.append(code)
        else:
            why = "; ".join(record.get("reasons") or []) or "no reason recorded"
            excluded[code] = f"calibration not converged ({why})"
    if not included:
        raise DataError(
            f"no region converged, so the national total is empty (left out: "
            f"{sorted(excluded)}); set postprocessing.national_regions: all to sum them anyway",
            field="postprocessing.national_regions",
            value=rule.value,
        )
    return NationalSelection(included, excluded)


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
        ds = ds.transpose("draw", "date", ...)
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


OBSERVED = ("cases", "deaths", "hospital_census", "icu_census")
"""Observed series of a region's inputs that add up to national totals."""


def observed_total(inputs: Iterable[xr.Dataset], regions: Sequence[str]) -> pd.DataFrame:
    """Observed national totals over `regions`: the sum of their observed series.

    A day counts only when every region in `regions` reports it (a missing state would
    otherwise pull the total down); other days are NaN.

    Args:
        inputs: Regions' inputs (attrs ``region``; variables of `OBSERVED`, dim date);
            those not in `regions` are skipped.
        regions: Region codes to sum, e.g. `NationalSelection.included`.

    Returns:
        Index date, one column per observed variable present in every summed region.

    Raises:
        DataError: if a region of `regions` has no inputs.

    >>> import numpy as np, xarray as xr
    >>> def obs(code, deaths):
    ...     ds = xr.Dataset({"deaths": ("date", np.asarray(deaths, float))},
    ...                     coords={"date": np.array(["2020-07-01", "2020-07-02"], "M8[ns]")})
    ...     return ds.assign_attrs(region=code)
    >>> observed_total([obs("NY", [1, np.nan]), obs("WA", [2, 3])], ["NY", "WA"])["deaths"].tolist()
    [3.0, nan]
    """
    wanted = list(regions)
    frames = {}
    for ds in inputs:
        code = str(ds.attrs.get("region", "?"))
        if code in wanted:
            present = [v for v in OBSERVED if v in ds]
            frames[code] = ds[present].to_dataframe()[present]
    missing = [r for r in wanted if r not in frames]
    if missing:
        raise DataError(
            f"no inputs for regions {missing} of the national total", field="region", value=missing
        )
    columns = [c for c in OBSERVED if all(c in f for f in frames.values())]
    total = None
    for frame in frames.values():
        part = frame[columns]
        total = part if total is None else total.add(part)  # NaN on either side stays NaN
    return total if total is not None else pd.DataFrame(columns=columns)


def _describe(values: np.ndarray) -> str:
    if values.size == 0:
        return "empty"
    return f"{values.size} values {values[0]} .. {values[-1]}"
