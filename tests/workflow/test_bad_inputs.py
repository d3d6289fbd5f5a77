"""Bad config and bad data stop real snakemake with a message naming file, field and value.

The corpus lives in ``tests/bad_inputs/``:

* ``config/<case>.yaml``: one override file per case (on top of ``config/test.yaml``); its
  ``# expect:`` lines are fragments the message must contain, the first one right after
  the file's name (``<file>: <field> = <value>``). Each runs ``snakemake -n``: the
  config is validated when the Snakefile is parsed, before any job or output.
* ``data.yaml``: one edit of one raw file per case, with the expected fragments. Each
  runs the real ``prepare_inputs`` job of NY on a copy of ``data/raw`` whose files are
  links to the snapshot except the broken one.

Every case must exit non-zero and leave nothing under ``results/``. Cases run two at a
time (the machine has two cores); each test then checks its own case's outcome.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.unit.raw_files import linked_raw_dir

from .conftest import ROOT, copy_workflow, snakemake

pytestmark = pytest.mark.workflow

CORPUS = ROOT / "tests" / "bad_inputs"
CONFIG_CASES = {p.stem: p for p in sorted((CORPUS / "config").glob("*.yaml"))}
DATA_CASES = yaml.safe_load((CORPUS / "data.yaml").read_text())
TARGET = "results/inputs/NY/inputs.nc"
PARALLEL = 2
Outcome = tuple[Path, subprocess.CompletedProcess]  # the case's workflow copy, the run


def _expectations(path: Path) -> list[str]:
    prefix = "# expect:"
    lines = path.read_text().splitlines()
    return [line[len(prefix) :].strip() for line in lines if line.startswith(prefix)]


def _selected_cases(request: pytest.FixtureRequest, test_name: str) -> list[str]:
    """Cases of `test_name` that this session will run (after -k and other selection)."""
    return [
        item.callspec.params["case"]
        for item in request.session.items
        if getattr(item, "originalname", None) == test_name and hasattr(item, "callspec")
    ]


def _run_all(cases: list[str], run_one: Callable[[str], Outcome]) -> dict[str, Outcome]:
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return dict(zip(cases, pool.map(run_one, cases), strict=True))


def _files_under(path: Path) -> list[str]:
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if not p.is_dir())


# --- config cases -------------------------------------------------------------------


@pytest.fixture(scope="module")
def config_outcomes(request, tmp_path_factory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("bad_config")

    def run_one(case: str) -> Outcome:
        run = copy_workflow(base / case)
        shutil.copy2(CONFIG_CASES[case], run / f"{case}.yaml")
        args = ("-n", "--cores", "1", "--configfile", "config/test.yaml", f"{case}.yaml")
        return run, snakemake(run, *args, timeout=300)

    cases = _selected_cases(request, "test_bad_config_stops_at_parse")
    return _run_all(cases, run_one)


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_bad_config_stops_at_parse(case, config_outcomes):
    run, proc = config_outcomes[case]
    expect = _expectations(CONFIG_CASES[case])
    assert expect, f"{case}: no '# expect:' lines"
    assert proc.returncode != 0
    assert f"{case}.yaml: {expect[0]}" in proc.stderr, proc.stderr[-2000:]
    for fragment in expect[1:]:
        assert fragment in proc.stderr, (fragment, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr  # one line per problem, not a stack dump
    assert not (run / "results").exists() and not (run / "logs").exists()


def test_the_corpus_is_found_and_large_enough():
    assert len(CONFIG_CASES) >= 25 and len(DATA_CASES) >= 25
    assert len(CONFIG_CASES) + len(DATA_CASES) >= 40


# --- data cases ---------------------------------------------------------------------


def _csv_line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue()


def _edit_table(text: str, op: str, args: dict) -> str:
    """Apply one edit to CSV text, line by line (the rest of the file stays as it was)."""
    if op == "empty":
        return ""
    if op == "truncate":
        cut = int(len(text) * args["keep_fraction"])
        line_start = text.rfind("\n", 0, cut) + 1
        line_end = text.find("\n", cut)
        return text[: line_start + max(1, (line_end - line_start) // 2)]
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    if op == "rename_column":
        lines[0] = _csv_line([args["to"] if h == args["from"] else h for h in header])
        return "".join(lines)
    where = {header.index(k): str(v) for k, v in args["where"].items()}
    rows = [
        i
        for i in range(1, len(lines))
        if all(f[c] == v for f in [next(csv.reader([lines[i]]))] for c, v in where.items())
    ]
    assert rows, f"no row matches {args['where']}"
    if op == "set":
        fields = next(csv.reader([lines[rows[0]]]))
        fields[header.index(args["column"])] = str(args["value"])
        lines[rows[0]] = _csv_line(fields)
    elif op == "duplicate_row":
        lines.insert(rows[0] + 1, lines[rows[0]])
    elif op == "drop_rows":
        dropped = set(rows)
        lines = [line for i, line in enumerate(lines) if i not in dropped]
    else:
        raise ValueError(f"unknown edit {op!r}")
    return "".join(lines)


def _edit_matrix(text: str, op: str, args: dict) -> str:
    rows = [line.split(",") for line in text.splitlines()]
    if op == "matrix_set":
        rows[args["row"]][args["column"]] = str(args["value"])
    elif op == "matrix_drop_column":
        rows = [r[:-1] for r in rows]
    elif op == "matrix_scale_row":
        rows[args["row"]] = [repr(float(v) * args["factor"]) for v in rows[args["row"]]]
    else:
        raise ValueError(f"unknown edit {op!r}")
    return "".join(",".join(r) + "\n" for r in rows)


def break_file(path: Path, edit: dict) -> None:
    """Replace the link at `path` by a broken copy of the snapshot file (`edit` as in data.yaml)."""
    ((op, args),) = edit.items()
    source = path.resolve()
    path.unlink()
    if op == "delete":
        return
    if op == "gzip_truncate":
        data = source.read_bytes()
        path.write_bytes(data[: int(len(data) * args["keep_fraction"])])
    elif op.startswith("matrix_"):
        text = gzip.decompress(source.read_bytes()).decode("utf-8")
        path.write_bytes(gzip.compress(_edit_matrix(text, op, args).encode("utf-8"), mtime=0))
    else:
        text = source.read_text(encoding="utf-8")
        # `encoding` saves the edited file in another encoding, as a spreadsheet might.
        encoding = args.get("encoding", "utf-8") if isinstance(args, dict) else "utf-8"
        path.write_text(_edit_table(text, op, args), encoding=encoding)


@pytest.fixture(scope="module")
def data_outcomes(request, tmp_path_factory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("bad_data")

    def run_one(case: str) -> Outcome:
        spec = DATA_CASES[case]
        run = base / case
        copy_workflow(run)
        (run / "data" / "raw").unlink()
        linked_raw_dir(run / "data")
        break_file(run / "data" / "raw" / spec["file"], spec["edit"])
        # The default profile retries a failed job once; a data error fails the same way
        # again, so the retry is skipped here to halve the time.
        args = (TARGET, "--cores", "1", "--retries", "0", "--configfile", "config/test.yaml")
        return run, snakemake(run, *args, timeout=300)

    cases = _selected_cases(request, "test_bad_data_fails_with_a_clear_message")
    return _run_all(cases, run_one)


@pytest.mark.parametrize("case", sorted(DATA_CASES))
def test_bad_data_fails_with_a_clear_message(case, data_outcomes):
    spec = DATA_CASES[case]
    run, proc = data_outcomes[case]
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-2000:]
    for fragment in spec["expect"]:
        assert fragment in output, (fragment, output[-3000:])
    if spec.get("job_runs", True):
        log = (run / "logs" / "prepare_inputs" / "NY.log").read_text()
        assert all(fragment in log for fragment in spec["expect"]), log[-3000:]
        assert "DataError" in log
    leftovers = _files_under(run / "results") if (run / "results").exists() else []
    assert leftovers == [], leftovers


def test_a_pristine_copy_of_the_raw_data_builds_the_inputs(tmp_path):
    """The corpus harness itself: with no edit, the same job succeeds."""
    run = copy_workflow(tmp_path / "wf")
    (run / "data" / "raw").unlink()
    linked_raw_dir(run / "data")
    proc = snakemake(run, TARGET, "--cores", "1", "--configfile", "config/test.yaml")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (run / TARGET).stat().st_size > 0
