"""Atomic file output: write to a temporary file in the target directory, then rename."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_output"]

# The random part `tempfile.mkstemp` puts in a name: 8 of [a-z0-9_].
_RANDOM_PART = re.compile(r"[a-z0-9_]{8}")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success rename it onto `path`.

    The temporary file lives in the same directory, so `os.replace` is atomic on POSIX:
    readers see either the old file or the complete new one, never a partial file. If the
    block raises, the temporary file is removed and `path` is left untouched. A process
    killed outright (SIGKILL, power cut) cannot remove its temporary file; the next write
    of the same `path` does (one writer per path at a time, as in a workflow job).

    Args:
        path: Final output path. Its parent directory is created if missing.
        suffix: Suffix of the temporary name (default: the suffix of `path`), for writers
            that pick a format from the extension.

    Yields:
        The temporary path to write to.

    Example:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
        >>> with atomic_output(out) as tmp:
        ...     _ = tmp.write_text("done")
        >>> out.read_text()
        'done'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}."
    suffix = suffix if suffix is not None else path.suffix
    _remove_stale_temporaries(path.parent, prefix, suffix)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates mode 0600; keep the mode of the file being replaced, else 0644.
    os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _remove_stale_temporaries(directory: Path, prefix: str, suffix: str) -> None:
    """Delete temporary files an earlier, killed `atomic_output` of the same path left."""
    for other in directory.glob(glob.escape(prefix) + "*" + glob.escape(suffix)):
        middle = other.name[len(prefix) : len(other.name) - len(suffix)]
        if _RANDOM_PART.fullmatch(middle) and other.is_file():
            other.unlink(missing_ok=True)
