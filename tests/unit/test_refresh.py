"""Refreshing the raw snapshot from upstream, served by a local HTTP server.

The module-level tests call `refresh_source` directly; the DVC tests copy a minimal project
(dvc.yaml, data/sources.yaml, dvc.lock, data/raw) into a temporary git repository, point a
base URL at the server and run the real `dvc repro` / `dvc status`.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from seirflow.refresh import TEMP_PREFIX, RefreshError, main, refresh_source
from tests.unit.raw_files import CENSUS, CTP, MISTRY, MOBILITY, NYT, POLICY, replace_line

ROOT = Path(__file__).resolve().parents[2]


class _Handler(BaseHTTPRequestHandler):
    """Serves `server.files`: path -> body, or (body, declared Content-Length)."""

    def do_GET(self):  # noqa: N802 (http.server API)
        entry = self.server.files.get(urllib.parse.unquote(self.path))
        if entry is None:
            self.send_error(404, "File not found")
            return
        body, length = entry if isinstance(entry, tuple) else (entry, len(entry))
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.files = {}
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/data"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _snapshot(tmp_path: Path, *files: Path) -> Path:
    dest = tmp_path / "snapshot"
    dest.mkdir()
    for f in files:
        shutil.copyfile(f, dest / f.name)
    return dest


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _nyt_without_last_day() -> bytes:
    lines = NYT.read_bytes().split(b"\n")
    last = lines[-1].split(b",")[0]
    return b"\n".join(line for line in lines if not line.startswith(last))


# ----------------------------------------------------------------------------- direct calls


def test_good_download_replaces_snapshot(server, tmp_path):
    dest = _snapshot(tmp_path, NYT)
    new = _nyt_without_last_day()
    server.files["/data/us-states.csv"] = new
    assert refresh_source("nyt", server.url, dest) == [dest / "us-states.csv"]
    assert (dest / "us-states.csv").read_bytes() == new
    assert not list(dest.glob(f"{TEMP_PREFIX}*"))


def test_unchanged_download_leaves_file_alone(server, tmp_path):
    dest = _snapshot(tmp_path, NYT)
    inode = (dest / "us-states.csv").stat().st_ino
    server.files["/data/us-states.csv"] = NYT.read_bytes()
    assert refresh_source("nyt", server.url, dest) == []
    assert (dest / "us-states.csv").stat().st_ino == inode


def test_mistry_files_compressed_and_only_changed_ones_replaced(server, tmp_path):
    dest = tmp_path / "mistry"
    shutil.copytree(MISTRY, dest)
    for path in MISTRY.iterdir():
        server.files[f"/data/{path.name[: -len('.gz')]}"] = gzip.decompress(path.read_bytes())
    name = "United_States_subnational_Ohio_F_work_setting_85.csv"
    changed = server.files[f"/data/{name}"].replace(b"0.", b"0.0", 1)  # still valid, smaller
    server.files[f"/data/{name}"] = changed
    before = {p.name: _digest(p) for p in dest.iterdir()}
    assert refresh_source("mistry", server.url, dest) == [dest / f"{name}.gz"]
    assert gzip.decompress((dest / f"{name}.gz").read_bytes()) == changed
    after = {p.name: _digest(p) for p in dest.iterdir()}
    assert {k for k in before if before[k] != after[k]} == {f"{name}.gz"}


def _assert_untouched(dest: Path, before: dict[str, str]) -> None:
    assert {p.name: _digest(p) for p in dest.iterdir()} == before


@pytest.mark.parametrize(
    "body,fragments",
    [
        (lambda b: b[:-15], ["truncated"]),
        (lambda b: b[: len(b) // 2], ["fewer than 90%", "refusing to shrink"]),
        (lambda b: b.replace(b"cases", b"count", 1), ["missing column 'cases'"]),
        (
            lambda b: b.replace(b",1,0\n", b",one,0\n", 1),
            ["column 'cases'", "'one'", "non-numeric"],
        ),
        (lambda b: b.replace(b",1,0\n", b",1,-2\n", 1), ["column 'deaths'", "'-2'", "minimum 0"]),
        (lambda b: b[:200], ["only 7 lines", "at least 20000"]),
    ],
    ids=["truncated file", "half file", "wrong column", "non-numeric", "negative", "tiny"],
)
def test_bad_download_leaves_snapshot(server, tmp_path, body, fragments):
    dest = _snapshot(tmp_path, NYT)
    before = {p.name: _digest(p) for p in dest.iterdir()}
    server.files["/data/us-states.csv"] = body(NYT.read_bytes())
    with pytest.raises(RefreshError) as info:
        refresh_source("nyt", server.url, dest)
    message = str(info.value)
    for fragment in ["refresh nyt", f"{server.url}/us-states.csv", "left unchanged", *fragments]:
        assert fragment in message
    _assert_untouched(dest, before)


def test_connection_cut_mid_transfer(server, tmp_path):
    dest = _snapshot(tmp_path, CTP)
    before = {p.name: _digest(p) for p in dest.iterdir()}
    body = CTP.read_bytes()
    server.files["/data/all-states-history.csv"] = (body[:100_000], len(body))
    with pytest.raises(RefreshError, match="truncated download"):
        refresh_source("ctp", server.url, dest)
    _assert_untouched(dest, before)


def test_http_error_and_offline(server, tmp_path):
    dest = _snapshot(tmp_path, CENSUS)
    before = {p.name: _digest(p) for p in dest.iterdir()}
    with pytest.raises(RefreshError, match="HTTP 404"):
        refresh_source("census", server.url, dest)
    offline = f"http://127.0.0.1:{_free_port()}/data"
    with pytest.raises(RefreshError, match="cannot connect") as info:
        refresh_source("census", offline, dest)
    assert f"{offline}/sc-est2019-agesex-civ.csv" in str(info.value)
    _assert_untouched(dest, before)


def test_one_bad_file_blocks_the_whole_source(server, tmp_path):
    dest = _snapshot(tmp_path, MOBILITY, POLICY)
    before = {p.name: _digest(p) for p in dest.iterdir()}
    server.files["/data/Google Mobility - State - Daily.csv"] = MOBILITY.read_bytes()[:-30] + b"\n"
    policy = replace_line(POLICY.read_text(), 1, lambda s: s[:-5] + "7,0,0")
    server.files["/data/Policy Milestones - State.csv"] = policy.encode()
    with pytest.raises(RefreshError) as info:
        refresh_source("oi", server.url, dest)
    assert "1 more failed" in str(info.value)
    _assert_untouched(dest, before)


def test_cli_exit_status_and_stale_temp_files(server, tmp_path, caplog):
    dest = _snapshot(tmp_path, NYT)
    (dest / f"{TEMP_PREFIX}old-us-states.csv").write_text("left by a killed run")
    server.files["/data/us-states.csv"] = _nyt_without_last_day()
    assert main(["nyt", "--base-url", server.url, "--dest", str(dest)]) == 0
    assert not list(dest.glob(f"{TEMP_PREFIX}*"))
    server.files["/data/us-states.csv"] = b"date,state\n"
    assert main(["nyt", "--base-url", server.url, "--dest", str(dest)]) == 1
    assert "refresh nyt" in caplog.text
    with pytest.raises(RefreshError, match="unknown source"):
        refresh_source("jhu", server.url, dest)


# ----------------------------------------------------------------------------- real DVC


def _dvc(project: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
    """Run the venv's dvc; PATH has the venv first unless `path` replaces it."""
    env = {k: v for k, v in os.environ.items() if k != "SEIRFLOW_PYTHON"}
    env["PATH"] = path or f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["DVC_NO_ANALYTICS"] = "1"
    return subprocess.run(
        [str(Path(sys.executable).parent / "dvc"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    assert _dvc(root, "init", "-q").returncode == 0
    files = ("dvc.yaml", "dvc.lock", ".dvcignore", ".dvc/config", "data/sources.yaml")
    for name in (*files, "data/refresh.sh"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, root / name)
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    status = _dvc(root, "status")
    assert status.returncode == 0 and "up to date" in status.stdout, status.stdout
    return root


def _point(project: Path, source: str, url: str) -> None:
    path = project / "data" / "sources.yaml"
    config = yaml.safe_load(path.read_text())
    config["sources"][source]["base_url"] = url
    path.write_text(yaml.safe_dump(config))


def _lock(project: Path) -> dict:
    return yaml.safe_load((project / "dvc.lock").read_text())["stages"]


def test_dvc_repro_refreshes_changed_source_and_status_is_clean(server, project):
    new = _nyt_without_last_day()
    server.files["/data/us-states.csv"] = new
    _point(project, "nyt", server.url)
    run = _dvc(project, "repro")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Running stage 'nyt'" in run.stdout
    for other in ("ctp", "census", "mistry", "oi"):  # unchanged stages stay offline
        assert f"Stage '{other}' didn't change, skipping" in run.stdout
    path = project / "data/raw/nyt/us-states.csv"
    assert path.read_bytes() == new
    lock = _lock(project)["nyt"]
    assert lock["outs"][0]["md5"] == hashlib.md5(new).hexdigest()
    assert lock["params"]["data/sources.yaml"]["sources.nyt"]["base_url"] == server.url
    status = _dvc(project, "status")
    assert status.returncode == 0 and "up to date" in status.stdout, status.stdout


@pytest.mark.parametrize(
    "stage,file,corrupt,fragment",
    [
        ("nyt", NYT, lambda b: b[:-15], "truncated"),
        (
            "ctp",
            CTP,
            lambda b: b.replace(b',"AK",305,,0,,1293,1293,33', b',"AK",305,,0,,1293,1293,-33', 1),
            "'-33' is below the minimum 0",
        ),
        (
            "census",
            CENSUS,
            lambda b: b.replace(b"POPEST2019_CIV", b"POPEST2019", 1),
            "missing column 'POPEST2019_CIV'",
        ),
    ],
    ids=["nyt-truncated", "ctp-negative", "census-wrong-columns"],
)
def test_dvc_repro_bad_download_fails_and_keeps_snapshot(
    server, project, stage, file, corrupt, fragment
):
    server.files[f"/data/{file.name}"] = corrupt(file.read_bytes())
    _point(project, stage, server.url)
    snapshot = project / "data/raw" / stage / file.name
    before, lock_before = _digest(snapshot), (project / "dvc.lock").read_bytes()
    run = _dvc(project, "repro", stage)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    for expected in (f"refresh {stage}", f"{server.url}/{file.name}", fragment, "left unchanged"):
        assert expected in output, output
    assert _digest(snapshot) == before
    assert (project / "dvc.lock").read_bytes() == lock_before


def test_dvc_forced_refresh_offline_fails_cleanly(project):
    offline = f"http://127.0.0.1:{_free_port()}/data"
    _point(project, "census", offline)
    snapshot = project / "data/raw/census/sc-est2019-agesex-civ.csv"
    before = _digest(snapshot)
    run = _dvc(project, "repro", "--force", "census")
    assert run.returncode != 0
    assert "cannot connect" in run.stdout + run.stderr
    assert _digest(snapshot) == before


# ----------------------------------------------------------------------------- data/refresh.sh

#: A PATH without the venv: `python` there cannot import seirflow.
BARE_PATH = "/usr/bin:/bin"


def _bare_python_lacks_seirflow() -> bool:
    env = {"PATH": BARE_PATH}
    probe = "import seirflow"
    run = subprocess.run(["sh", "-c", f'python3 -c "{probe}"'], env=env, capture_output=True)
    return run.returncode != 0


needs_bare_python = pytest.mark.skipif(
    not _bare_python_lacks_seirflow(), reason="python3 on /usr/bin:/bin imports seirflow"
)


@needs_bare_python
def test_dvc_repro_force_runs_with_dvcs_python_whatever_path_says(server, project):
    new = _nyt_without_last_day()
    server.files["/data/us-states.csv"] = new
    _point(project, "nyt", server.url)
    run = _dvc(project, "repro", "--force", "nyt", path=BARE_PATH)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    # The temporary project has no .venv: only dvc's own interpreter can import seirflow.
    assert "(the Python running dvc)" in output, output
    assert (project / "data/raw/nyt/us-states.csv").read_bytes() == new
    status = _dvc(project, "status", path=BARE_PATH)
    assert status.returncode == 0 and "up to date" in status.stdout, status.stdout


def test_dvc_repro_with_bad_seirflow_python_fails_clearly(server, project, monkeypatch):
    server.files["/data/us-states.csv"] = _nyt_without_last_day()
    _point(project, "nyt", server.url)
    snapshot = project / "data/raw/nyt/us-states.csv"
    before = _digest(snapshot)
    monkeypatch.setenv("SEIRFLOW_PYTHON", "/nonexistent/python")
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    exe = Path(sys.executable).parent / "dvc"
    run = subprocess.run(
        [str(exe), "repro", "nyt"], cwd=project, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert "SEIRFLOW_PYTHON=/nonexistent/python cannot import seirflow" in run.stderr
    assert _digest(snapshot) == before


def _launch(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run data/refresh.sh outside dvc, as a stage would, with DVC_ROOT=root."""
    env = {"PATH": BARE_PATH, "DVC_ROOT": str(root)}
    script = ROOT / "data" / "refresh.sh"
    return subprocess.run(
        ["sh", str(script), *args], cwd=root, env=env, capture_output=True, text=True
    )


@needs_bare_python
def test_launcher_falls_back_to_project_venv_then_names_what_it_tried(tmp_path):
    run = _launch(tmp_path, "jhu")
    assert run.returncode == 1
    assert "no Python that can import seirflow" in run.stderr
    assert f"{tmp_path}/.venv/bin/python ($DVC_ROOT/.venv)" in run.stderr
    assert "(python3 on PATH)" in run.stderr
    # A project venv (here a wrapper around this interpreter) is used when dvc's is not.
    venv_python = tmp_path / ".venv" / "bin" / "python"
    venv_python.parent.mkdir(parents=True)
    venv_python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    venv_python.chmod(0o755)
    run = _launch(tmp_path, "jhu", "--base-url", "file:///nowhere", "--dest", str(tmp_path))
    assert f"using {venv_python} ($DVC_ROOT/.venv)" in run.stderr, run.stderr
    assert "invalid choice: 'jhu'" in run.stderr, run.stderr  # seirflow.refresh ran
