"""`seirflow validate` names the file when a config file is not readable YAML."""

from __future__ import annotations

import pytest

from seirflow.cli import main


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("dates:\n  fit_start: 2020-13-45\n", "not valid YAML: month must be in 1..12"),
        ("calibration:\n  walkers: [1\n", "not valid YAML: while parsing a flow sequence"),
        ("- NY\n- WA\n", "top level must be a mapping of config keys, got list"),
    ],
    ids=["impossible-date", "syntax", "not-a-mapping"],
)
def test_validate_names_the_unreadable_file(tmp_path, capsys, text, why):
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"seirflow: {path}: {why}" in err
    assert "Traceback" not in err


def test_validate_names_a_missing_file(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "absent.yaml")]) == 1
    assert f"{tmp_path / 'absent.yaml'}: cannot read" in capsys.readouterr().err


def test_validate_help_describes_its_files(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate", "--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    assert "FILE [FILE ...]" in text
    assert "YAML config files in merge order: later files override earlier ones" in text
    assert "Start with config/config.yaml" in text
    assert "seirflow validate config/config.yaml config/test.yaml mine.yaml" in text
