"""Atomic file output: write to a temporary file in the target directory, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_output"]


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success rename it onto `path`.

    The temporary file lives in the same directory, so `os.replace` is atomic on POSIX:
    readers see either the old file or the complete new one, never a partial file. If the
    block raises, the temporary file is removed and `path` is left untouched.

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
    fd, tmp_name = tempfile.mkstemp(
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=suffix if suffix is not None else path.suffix,
    )
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
