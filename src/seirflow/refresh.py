"""Refresh one raw data source from its upstream address (the command of each DVC stage).

Usage::

    python -m seirflow.refresh SOURCE --base-url URL --dest DIR [--timeout SECONDS]

SOURCE is one of ``nyt``, ``ctp``, ``census``, ``mistry``, ``oi``. Each file of the source is
downloaded from ``<base-url>/<remote name>`` to a temporary file beside the snapshot, checked
with the same reader the preprocessing uses (expected columns, complete last line, dates in
a plausible range, non-negative counts, every region present) and against a minimum row
count and the current snapshot's size (a new file with under 90 % of the snapshot's lines is
refused). Only when every file of the source passes are the snapshot files replaced, each
with an atomic rename; a file whose content is unchanged is left as it is (the Mistry
matrices are stored gzip-compressed and compared decompressed). On any failure the command
exits with status 1 and a message naming the source, the URL and the problem, and the
snapshot is left untouched.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import logging
import os
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from seirflow.errors import DataError
from seirflow.regions import REGIONS
from seirflow.sources import layout
from seirflow.sources.census import read_census
from seirflow.sources.ctp import read_ctp
from seirflow.sources.mistry import read_mistry_matrix
from seirflow.sources.mobility import read_mobility
from seirflow.sources.nyt import read_nyt
from seirflow.sources.policy import read_policy

__all__ = ["SOURCES", "RefreshError", "RemoteFile", "Source", "refresh_source", "main"]

logger = logging.getLogger(__name__)

#: Prefix of temporary download files (ignored by DVC and git).
TEMP_PREFIX = ".refresh-"
#: A new file must have at least this fraction of the current snapshot's lines.
MIN_LINE_RATIO = 0.9


class RefreshError(RuntimeError):
    """A source could not be refreshed; the snapshot was left untouched."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a source.

    Attributes:
        remote: Name under the base URL (unquoted; spaces allowed).
        local: Name in the destination directory.
        compress: Store gzip-compressed (the remote file is plain).
    """

    remote: str
    local: str
    compress: bool = False


@dataclass(frozen=True)
class Source:
    """A refreshable source: its files, a validator and a minimum size.

    Attributes:
        name: Source name (the DVC stage name).
        files: Files to fetch.
        validate: Called with (downloaded path, RemoteFile); raises `DataError` if bad.
        min_rows: Minimum number of lines of each file.
    """

    name: str
    files: tuple[RemoteFile, ...]
    validate: Callable[[Path, RemoteFile], None]
    min_rows: int


def _require_regions(present: set[str], key: str, path: Path, column: str) -> None:
    expected = {getattr(r, key) for r in REGIONS}
    missing = sorted(expected - present)
    if missing:
        raise DataError(
            f"{path}: column {column!r}: regions missing: {', '.join(missing)}",
            file=path,
            field=column,
            value=missing[0],
        )


def _check_nyt(path: Path, _: RemoteFile) -> None:
    _require_regions(set(read_nyt(path)["fips"]), "fips", path, "fips")


def _check_ctp(path: Path, _: RemoteFile) -> None:
    _require_regions(set(read_ctp(path)["state"]), "code", path, "state")


def _check_census(path: Path, _: RemoteFile) -> None:
    _require_regions(set(read_census(path).index), "fips", path, "STATE")


def _check_mistry(path: Path, _: RemoteFile) -> None:
    read_mistry_matrix(path)


def _check_oi(path: Path, file: RemoteFile) -> None:
    if file.local == Path(layout.MOBILITY_FILE).name:
        _require_regions(set(read_mobility(path)["fips"]), "fips", path, "statefips")
    else:
        _require_regions(set(read_policy(path)["fips"]), "fips", path, "statefips")


def _mistry_files() -> tuple[RemoteFile, ...]:
    return tuple(
        RemoteFile(
            layout.mistry_file_name(r, s, compressed=False),
            layout.mistry_file_name(r, s),
            compress=True,
        )
        for r in REGIONS
        for s in layout.SETTINGS
    )


def _single(relative: str) -> tuple[RemoteFile, ...]:
    name = Path(relative).name
    return (RemoteFile(name, name),)


#: The refreshable sources, by name.
SOURCES: dict[str, Source] = {
    "nyt": Source("nyt", _single(layout.NYT_FILE), _check_nyt, 20_000),
    "ctp": Source("ctp", _single(layout.CTP_FILE), _check_ctp, 10_000),
    "census": Source("census", _single(layout.CENSUS_FILE), _check_census, 13_000),
    "mistry": Source("mistry", _mistry_files(), _check_mistry, 85),
    "oi": Source(
        "oi",
        _single(layout.MOBILITY_FILE) + _single(layout.POLICY_FILE),
        _check_oi,
        500,
    ),
}


def _url(base_url: str, remote: str) -> str:
    return f"{base_url.rstrip('/')}/{urllib.parse.quote(remote)}"


def _download(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        raise RefreshError(f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise RefreshError(f"cannot connect ({exc.reason}): offline or wrong base URL") from exc
    except http.client.IncompleteRead as exc:
        raise RefreshError(
            f"truncated download: got {len(exc.partial)} bytes, {exc.expected} more expected"
        ) from exc
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise RefreshError(f"download failed: {exc!r}") from exc


def _lines(data: bytes) -> int:
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def _current(path: Path, compressed: bool) -> bytes | None:
    if not path.is_file():
        return None
    data = path.read_bytes()
    if compressed:
        try:
            return gzip.decompress(data)
        except (OSError, EOFError):
            return None
    return data


def _fetch(source: Source, file: RemoteFile, base_url: str, dest: Path, timeout: float):
    """Download and check one file; return (temp path or None if unchanged, URL)."""
    url = _url(base_url, file.remote)
    try:
        data = _download(url, timeout)
        rows = _lines(data)
        if rows < source.min_rows:
            raise RefreshError(f"only {rows} lines, expected at least {source.min_rows}")
        current = _current(dest / file.local, file.compress)
        if current is not None and data == current:
            return None, url
        if current is not None and rows < MIN_LINE_RATIO * _lines(current):
            raise RefreshError(
                f"{rows} lines, fewer than {MIN_LINE_RATIO:.0%} of the snapshot's "
                f"{_lines(current)}: refusing to shrink the snapshot"
            )
        fd, name = tempfile.mkstemp(dir=dest, prefix=TEMP_PREFIX, suffix=f"-{file.local}")
        with os.fdopen(fd, "wb") as fh:
            fh.write(gzip.compress(data, compresslevel=9, mtime=0) if file.compress else data)
        tmp = Path(name)
        try:
            source.validate(tmp, file)
        except DataError as exc:
            tmp.unlink()
            detail = str(exc).replace(str(tmp), f"downloaded {file.local}")
            raise RefreshError(f"downloaded file is invalid: {detail}") from exc
        return tmp, url
    except RefreshError as exc:
        raise RefreshError(
            f"refresh {source.name}: {url}: {exc} -- snapshot {dest / file.local} left unchanged"
        ) from exc


def refresh_source(
    name: str, base_url: str, dest: str | os.PathLike, *, timeout: float = 120.0, workers: int = 4
) -> list[Path]:
    """Download, check and install every file of one source.

    Args:
        name: Source name, a key of `SOURCES`.
        base_url: Base address; each file is fetched from ``<base_url>/<remote name>``
            (``http(s)://`` or ``file://``).
        dest: Snapshot directory of the source (e.g. ``data/raw/nyt``).
        timeout: Network timeout per request, seconds.
        workers: Parallel downloads.

    Returns:
        The snapshot files that were replaced (unchanged files are not listed).

    Raises:
        RefreshError: unknown source, or a file could not be downloaded or failed its
            checks; no snapshot file was changed.
    """
    if name not in SOURCES:
        raise RefreshError(f"unknown source {name!r}; expected one of {', '.join(SOURCES)}")
    source = SOURCES[name]
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for stale in dest.glob(f"{TEMP_PREFIX}*"):
        stale.unlink()
    fetched: list[tuple[RemoteFile, Path | None]] = []
    errors: list[RefreshError] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [
            (file, pool.submit(_fetch, source, file, base_url, dest, timeout))
            for file in source.files
        ]
        for file, future in futures:
            try:
                fetched.append((file, future.result()[0]))
            except RefreshError as exc:
                errors.append(exc)
    if errors:
        for _, tmp in fetched:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        more = f" (and {len(errors) - 1} more failed files)" if len(errors) > 1 else ""
        raise RefreshError(f"{errors[0]}{more}")
    replaced = []
    for file, tmp in fetched:
        if tmp is None:
            continue
        target = dest / file.local
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(tmp, target)
        replaced.append(target)
    logger.info(
        "refresh %s: %d of %d files updated from %s",
        name,
        len(replaced),
        len(source.files),
        base_url,
    )
    return replaced


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (0 ok, 1 failed)."""
    parser = argparse.ArgumentParser(
        prog="python -m seirflow.refresh",
        description="Refresh one raw data source from its upstream address.",
    )
    parser.add_argument("source", choices=sorted(SOURCES))
    parser.add_argument("--base-url", required=True, help="base address of the source's files")
    parser.add_argument("--dest", required=True, help="snapshot directory, e.g. data/raw/nyt")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    try:
        refresh_source(args.source, args.base_url, args.dest, timeout=args.timeout)
    except RefreshError as exc:
        logger.error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
