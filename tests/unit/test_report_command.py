"""`seirflow report`: its checks and the mirror it runs snakemake in (the real report
of a read-only run is built in tests/workflow/test_report.py)."""

from __future__ import annotations

import pytest

from seirflow.cli import main
from seirflow.errors import SeirflowInputError
from seirflow.report import build_report, mirror_run


def _run(tmp_path):
    run = tmp_path / "run"
    (run / ".snakemake" / "metadata").mkdir(parents=True)
    (run / ".snakemake" / "log").mkdir()
    (run / "results").mkdir()
    (run / "Snakefile").write_text("")
    return run


def test_mirror_links_the_run_but_gives_snakemake_a_fresh_state_dir(tmp_path):
    run, mirror = _run(tmp_path), tmp_path / "mirror"
    mirror.mkdir()
    mirror_run(run, mirror)
    assert sorted(p.name for p in mirror.iterdir()) == [".snakemake", "Snakefile", "results"]
    assert (mirror / "results").readlink() == run / "results"
    state = mirror / ".snakemake"
    assert not state.is_symlink() and [p.name for p in state.iterdir()] == ["metadata"]
    assert (state / "metadata").readlink() == run / ".snakemake" / "metadata"


def test_bad_run_dir_or_output_is_named(tmp_path, capsys):
    run = _run(tmp_path)
    with pytest.raises(SeirflowInputError, match="no Snakefile"):
        build_report(tmp_path, tmp_path / "r.html")
    with pytest.raises(SeirflowInputError, match=r"must end in \.html or \.zip"):
        build_report(run, tmp_path / "r.pdf")
    assert main(["report", "-d", str(tmp_path), "-o", str(tmp_path / "r.html")]) == 1
    assert "no Snakefile" in capsys.readouterr().err
    assert not list(tmp_path.glob("r.*"))
