"""The list_adjustments step: every region's recorded input changes in one table."""

from __future__ import annotations

import pandas as pd

from seirflow.preprocess.adjustments import ADJUSTMENT_COLUMNS, Adjustment, adjustments_to_json
from seirflow.preprocess.region_inputs import write_region_inputs
from seirflow.steps.list_adjustments import list_adjustments
from tests.unit.synthetic_region import synthetic_inputs


def test_each_region_s_adjustments_are_listed_with_their_values(tmp_path):
    spike = Adjustment("deaths", "2020-06-25", "spread_spike", original=1862.0, detail="jump")
    gap = Adjustment.span("cases", "2020-04-01", "2020-04-03", "gap", detail="no row")
    files = []
    for region, items in (("NJ", [spike, gap]), ("VT", [])):
        ds = synthetic_inputs(0)
        ds.attrs.update(region=region, adjustments=adjustments_to_json(items))
        files.append(str(tmp_path / f"{region}.nc"))
        write_region_inputs(ds, files[-1])
    out = tmp_path / "adjustments.csv"
    list_adjustments(inputs=files, adjustments=str(out))
    table = pd.read_csv(out, keep_default_na=False)
    assert tuple(table.columns) == ADJUSTMENT_COLUMNS
    assert table["region"].tolist() == ["NJ", "NJ"]
    first = table.iloc[0]
    assert (first.stream, first.date, first.action, float(first.original)) == (
        "deaths", "2020-06-25", "spread_spike", 1862.0)  # fmt: skip
    assert (table.iloc[1].date, table.iloc[1].until) == ("2020-04-01", "2020-04-03")
