"""The HTML report: built from a read-only copy of the reference run, and small enough.

Uses the shared `reference_run` (config/test.yaml + extra_scenarios.yaml: 2 regions,
5 scenarios). Permissions do not stop root, so as root the copy is made read-only with a
read-only bind mount in a private mount namespace (``unshare -m``); elsewhere with
``chmod -R a-w``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REFERENCE_CONFIGS

pytestmark = pytest.mark.workflow

#: The default config: 51 regions (50 states and DC), 4 scenarios.
FULL_REGIONS, FULL_SCENARIOS = 51, 4
#: Paper figures of 51 regions over those of 2: 1.90 measured (fig2_calibration_fits
#: 101 kB -> 697 kB, fig4 and fig6 about 2.8x, the others fixed), rounded up.
PAPER_GROWTH = 2.0
BUDGET_BYTES = 20e6

# Mounts the directory $0 read-only on itself in a private mount namespace, checks that
# a write is refused, then runs the command.
_READ_ONLY = (
    'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" || exit 97\n'
    'if touch "$0/.probe" 2>/dev/null; then exit 98; fi\n'
    'exec "$@"'
)


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Size and mtime of every path under `root` (links not followed)."""
    return {
        str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in root.rglob("*")
    }


def _run_read_only(run: Path, command: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    def go(cmd):
        return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600)

    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(run)], check=True)
        with pytest.raises(PermissionError):
            (run / ".probe").write_text("")
        return go(command)
    # Root ignores permissions: without a read-only mount the check would prove nothing.
    assert shutil.which("unshare"), "as root, unshare (util-linux) is needed"
    proc = go(["unshare", "-m", "sh", "-c", _READ_ONLY, str(run), *command])
    if proc.returncode == 97:
        pytest.fail(f"cannot bind-mount read-only here: {proc.stderr[-300:]}")
    assert proc.returncode != 98, "the read-only mount accepted a write"
    return proc


@pytest.fixture(scope="module")
def read_only_report(reference_run, tmp_path_factory):
    """(report path, run copy, its listing before) of `seirflow report` on a read-only copy."""
    tmp_path = tmp_path_factory.mktemp("report")
    run = tmp_path / "run"
    shutil.copytree(reference_run, run, symlinks=True)
    before = _snapshot(run)
    report = tmp_path / "report.html"
    seirflow = [sys.executable, "-m", "seirflow.cli"]
    command = [*seirflow, "report", "-d", str(run), "-o", str(report), "--", *REFERENCE_CONFIGS]
    proc = _run_read_only(run, command, tmp_path)
    yield report, run, before, proc
    subprocess.run(["chmod", "-R", "u+w", str(run)], check=True)


def test_report_of_a_read_only_run_is_built_and_the_run_untouched(read_only_report):
    report, run, before, proc = read_only_report
    assert proc.returncode == 0, proc.stderr[-3000:]
    html = report.read_text(errors="replace")
    for item in ("weekly_summary.csv", "fig5_national_scenarios.png", "fit.png", "overview.png"):
        assert item in html
    assert '"runtime":' in html  # job metadata came through from the run's .snakemake
    assert _snapshot(run) == before
    assert not list(Path(report.parent).glob(".report.html.*"))


def _report_items(html: str) -> tuple[int, dict[str, dict]]:
    """Size of the report outside its embedded results, and the results by path."""
    start = re.search(r'<script id="results">\s*var results = ', html)
    end = html.index("</script>", start.end())
    body = html[start.end() : end].strip().rstrip(";")
    return len(html) - len(body), json.loads(body)


def test_report_for_51_regions_stays_under_20_mb(read_only_report):
    """Extrapolates each embedded item of the 2-region report to the default config.

    size(51) = fixed + PAPER_GROWTH * paper figures + 51 * (per-region items per region)
               + 52 locations * 4 scenarios * (weekly summary per location and scenario)
               + 51 * (adjustments table per region)
    """
    report, _, _, proc = read_only_report
    assert proc.returncode == 0, proc.stderr[-3000:]
    fixed, items = _report_items(report.read_text(errors="replace"))
    size = {path: len(json.dumps(item)) for path, item in items.items()}
    assert "results/summaries/summary.csv" not in size  # the daily summary is linked, not embedded
    per_region = [p for p, item in items.items() if "region" in (item.get("labels") or "")]
    paper = [p for p in size if p.startswith("figures/")]
    other = set(size) - set(per_region) - set(paper)
    assert other == {"results/summaries/weekly_summary.csv", "results/inputs/adjustments.csv"}, (
        other
    )
    regions, scenarios = 2, 5
    locations_scenarios = (regions + 1) * scenarios
    estimate = (
        fixed
        + PAPER_GROWTH * sum(size[p] for p in paper)
        + FULL_REGIONS * sum(size[p] for p in per_region) / regions
        + (FULL_REGIONS + 1)
        * FULL_SCENARIOS
        * size["results/summaries/weekly_summary.csv"]
        / locations_scenarios
        + FULL_REGIONS * size["results/inputs/adjustments.csv"] / regions
    )
    assert estimate < BUDGET_BYTES, f"report for 51 regions ~{estimate / 1e6:.1f} MB"
