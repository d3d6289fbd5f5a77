"""Structural checks shared by the CSV readers: a file that is not UTF-8 text."""

from __future__ import annotations

import pytest

from seirflow.errors import DataError
from seirflow.sources.policy import read_policy
from tests.unit.raw_files import POLICY


@pytest.mark.parametrize(
    ("original", "line"),
    [
        # Within the first block the header reader decodes ...
        (b"Alabama public schools closed", 2),
        # ... and far beyond it, where only the full read would notice.
        (b"New York public schools closed", 427),
    ],
    ids=["early", "late"],
)
def test_a_latin1_byte_is_named_with_its_line(tmp_path, original, line):
    data = POLICY.read_bytes()
    assert original in data
    broken = data.replace(original, original.replace(b"schools", b"\xe9coles"), 1)
    path = tmp_path / POLICY.name
    path.write_bytes(broken)
    with pytest.raises(DataError) as info:
        read_policy(path)
    err = info.value
    assert str(err).startswith(f"{path}: line {line}: byte 0xe9 at offset ")
    assert "not UTF-8 text" in str(err)
    assert (err.file, err.field, err.value) == (str(path), f"line {line}", "0xe9")
