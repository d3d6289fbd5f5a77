"""The committed raw snapshot, and broken copies of it for bad-input tests."""

from __future__ import annotations

import csv
import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from seirflow.errors import DataError

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"
NYT = RAW / "nyt" / "us-states.csv"
CTP = RAW / "ctp" / "all-states-history.csv"
CENSUS = RAW / "census" / "sc-est2019-agesex-civ.csv"
MOBILITY = RAW / "oi" / "Google Mobility - State - Daily.csv"
POLICY = RAW / "oi" / "Policy Milestones - State.csv"
MISTRY = RAW / "mistry"


def csv_rows(path: Path) -> list[dict[str, str]]:
    """All rows of a CSV file as dicts, with the standard library only."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def edited_copy(
    src: Path, dst_dir: Path, edit: Callable[[str], str], name: str | None = None
) -> Path:
    """Write `edit(text of src)` to dst_dir/name (default: src's name); return the path."""
    dst = dst_dir / (name or src.name)
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.suffix == ".gz":
        dst.write_bytes(gzip.compress(edit(gzip.decompress(src.read_bytes()).decode()).encode()))
    else:
        dst.write_text(edit(src.read_text(encoding="utf-8")), encoding="utf-8")
    return dst


def replace_line(text: str, index: int, new: Callable[[str], str]) -> str:
    """Replace line `index` (0 = header) of CSV text, keeping the line endings."""
    lines = text.splitlines(keepends=True)
    end = lines[index][len(lines[index].rstrip("\r\n")) :]
    lines[index] = new(lines[index].rstrip("\r\n")) + end
    return "".join(lines)


def linked_raw_dir(tmp_path: Path) -> Path:
    """A raw directory of symlinks to the snapshot files (replace one to break it)."""
    root = tmp_path / "raw"
    for src in RAW.rglob("*"):
        if src.is_file():
            dst = root / src.relative_to(RAW)
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.symlink_to(src)
    return root


def replace_file(raw_root: Path, relative: str, content: Path | bytes) -> None:
    """Replace one (symlinked) file of a `linked_raw_dir` by a real file."""
    target = raw_root / relative
    target.unlink()
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        shutil.copyfile(content, target)


def expect_data_error(
    call, *, file: Path, field=None, value=None, match: str | None = None
) -> DataError:
    """Run `call`, expect a DataError naming file (and field/value if given) in its message."""
    with pytest.raises(DataError, match=match) as info:
        call()
    err = info.value
    assert err.file == str(file)
    assert str(file) in str(err)
    if field is not None:
        assert err.field == field
        assert str(field) in str(err)
    if value is not None:
        assert err.value == value
        assert str(value) in str(err)
    return err
