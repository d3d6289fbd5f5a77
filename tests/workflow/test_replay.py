"""Exact replay: the same config, data and seed give the same bytes, on any number of cores.

The reference run (2 cores) is repeated on 1 core in a fresh directory from the config its
manifest recorded (`seirflow manifest-config`), as a reviewer would months later. Every
numerical output and every figure must be byte-identical; what is compared and what is
left out (wall-clock fields of the diagnostics, the manifest's invocation) is listed in
`tests/workflow/outputs.py`.
"""

from __future__ import annotations

import pytest

from seirflow.cli import main

from .conftest import reference_copy, run_to_completion
from .outputs import FIGURE_PATTERNS, NUMERICAL_PATTERNS, output_digests

pytestmark = pytest.mark.workflow

REGIONS = 2
SCENARIOS = 5  # config/config.yaml's four and households_only
FIGURES = 7


@pytest.fixture(scope="module")
def replay_run(reference_run, tmp_path_factory):
    run = reference_copy(tmp_path_factory.mktemp("replay") / "wf")
    manifest = reference_run / "results" / "manifest.json"
    assert main(["manifest-config", str(manifest), "-o", str(run / "replay.yaml")]) == 0
    run_to_completion(run, "--cores", "1", "--configfile", "replay.yaml")
    return run


def _differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def test_numerical_outputs_are_byte_identical(reference_run, replay_run):
    reference = output_digests(reference_run, NUMERICAL_PATTERNS)
    replay = output_digests(replay_run, NUMERICAL_PATTERNS)
    # inputs, posterior and diagnostics per region; trajectories per scenario x region;
    # four summary parquets per region (daily, weekly, hub rows, Rt) and three per
    # scenario (national: no Rt); the weekly quantiles and three summary CSVs; the hub
    # directory's model output, metadata and four hub-config files; the manifest.
    expected = 3 * REGIONS + SCENARIOS * REGIONS + 4 * REGIONS + 3 * SCENARIOS + 4 + 6 + 1
    assert len(reference) == expected, sorted(reference)
    assert _differences(reference, replay) == []


def test_figures_are_byte_identical(reference_run, replay_run):
    reference = output_digests(reference_run, FIGURE_PATTERNS)
    replay = output_digests(replay_run, FIGURE_PATTERNS)
    assert len(reference) == REGIONS * (1 + 3) + 2 * FIGURES, sorted(reference)
    assert _differences(reference, replay) == []


def test_manifests_differ_only_in_how_the_run_was_started(reference_run, replay_run, capsys):
    old = reference_run / "results" / "manifest.json"
    new = replay_run / "results" / "manifest.json"
    status = main(["diff-manifest", str(old), str(new)])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1  # the command lines differ ...
    assert [line.split(":")[0] for line in lines] == ["invocation.command_line"]  # ... only
    assert "--cores 2" in lines[0] and "--cores 1" in lines[0]
