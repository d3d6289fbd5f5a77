"""The `seirflow` command: helpers around the workflow (not a replacement for snakemake).

seirflow schema [-o config/schema.json]    JSON schema of the config, for editors
seirflow validate config/config.yaml [...] validate config files merged in order
seirflow diff-manifest OLD NEW             what differs between two runs' manifests
seirflow manifest-config MANIFEST [-o F]   the config of a recorded run, to re-run it
seirflow report [-d RUN] -o F [-- ARGS]    snakemake --report of a (read-only) run
seirflow hub validate HUB [FILE ...]       model output and metadata against a hub's config
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import yaml

from seirflow.atomic import atomic_output
from seirflow.config import config_schema, load_config
from seirflow.errors import SeirflowInputError
from seirflow.provenance import MACHINE_KEY, diff_manifests
from seirflow.report import build_report

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="seirflow", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    schema = sub.add_parser("schema", help="write the config's JSON schema")
    schema.add_argument("-o", "--output", help="file to write (default: stdout)")

    validate = sub.add_parser(
        "validate",
        help="validate config files (later ones override)",
        description="Merge config files as snakemake does and validate the result.\n"
        "Each problem is one line naming the file that set the value, the field and the value.",
        epilog="example, the default config with the tiny-run overrides and your own:\n"
        "  seirflow validate config/config.yaml config/test.yaml mine.yaml\n"
        "checks what `snakemake --configfile config/test.yaml mine.yaml` would run with.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="YAML config files in merge order: later files override earlier ones key by "
        "key (nested sections merge, lists are replaced). Start with config/config.yaml, "
        "which snakemake always loads first, then list your --configfile files in the "
        "order you pass them.",
    )

    diff = sub.add_parser("diff-manifest", help="what differs between two run manifests")
    diff.add_argument("old")
    diff.add_argument("new")

    replay = sub.add_parser(
        "manifest-config", help="write the validated config recorded in a run manifest"
    )
    replay.add_argument("manifest")
    replay.add_argument("-o", "--output", help="YAML file to write (default: stdout)")

    report = sub.add_parser(
        "report",
        help="build the HTML report of a finished run without writing into it",
        description="Runs `snakemake --report` on a mirror of the run in a temporary "
        "directory, so a read-only run can be reported. Snakemake options go after --, "
        "e.g. `seirflow report -o report.html -- --configfile config/test.yaml`; paths in "
        "them are relative to the run directory.",
    )
    report.add_argument("-d", "--run-dir", default=".", help="workflow directory of the run")
    report.add_argument("-o", "--output", required=True, help="report file (.html or .zip)")
    report.add_argument("snakemake_args", nargs="*", help="further snakemake options")

    hub = sub.add_parser("hub", help="hub submissions (hubverse)")
    hub_sub = hub.add_subparsers(dest="hub_command", required=True)
    hub_validate = hub_sub.add_parser(
        "validate",
        help="check model-output files against a hub's tasks.json",
        description="Check model-output files and their models' metadata against the "
        "configuration of a hubverse hub (HUB/hub-config/): tasks.json and admin.json "
        "against the hubverse schemas, file names, columns and types, task-id values, "
        "output types and ids, samples per compound task set, values, duplicates and "
        "every required task. Each problem is one line naming the file, the column and "
        "the value. Exit status 1 if any is found.",
        epilog="examples:\n  seirflow hub validate results/hub\n"
        "  seirflow hub validate ../covid19-scenario-modeling-hub "
        "results/hub/model-output/seirflow-SEIR/2020-07-19-seirflow-SEIR.parquet",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    hub_validate.add_argument("hub", help="hub directory (holding hub-config/)")
    hub_validate.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="model-output files (default: every file in HUB's model-output directory); "
        "a file outside HUB is checked as if submitted: its name and folder must follow "
        "the hub's layout",
    )

    args = parser.parse_args(argv)
    try:
        if args.command == "schema":
            return _schema(args.output)
        if args.command == "diff-manifest":
            return _diff_manifest(args.old, args.new)
        if args.command == "manifest-config":
            return _manifest_config(args.manifest, args.output)
        if args.command == "report":
            return build_report(args.run_dir, args.output, args.snakemake_args)
        if args.command == "hub":
            return _hub_validate(args.hub, args.files)
        return _validate(args.files)
    except SeirflowInputError as exc:
        print(f"seirflow: {exc}", file=sys.stderr)
        return 1


def _schema(output: str | None) -> int:
    text = json.dumps(config_schema(), indent=2, sort_keys=True) + "\n"
    _write(text, output)
    return 0


def _write(text: str, output: str | None) -> None:
    """Write `text` to `output` atomically, or to stdout."""
    if output:
        with atomic_output(output) as tmp:
            tmp.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _manifest_config(manifest: str, output: str | None) -> int:
    """Write the full validated config of the run recorded in `manifest` as YAML.

    Passed to ``snakemake --configfile`` on the commit the manifest names, it overrides
    every key of ``config/config.yaml``, so the run gets the recorded config (same
    ``config_sha256``).
    """
    with open(manifest, encoding="utf-8") as fh:
        document = json.load(fh)
    if not isinstance(document, dict) or not isinstance(document.get("config"), dict):
        raise SeirflowInputError(
            f"{manifest}: no 'config' object: not a seirflow run manifest",
            file=manifest,
            field="config",
            value=None,
        )
    code = document.get("code", {})
    header = (
        f"# Config of the run recorded in {manifest}\n"
        f"# config_sha256 {document.get('config_sha256')}, code commit {code.get('commit')}"
        f"{' (with uncommitted changes)' if code.get('dirty') else ''}\n"
        "# Re-run on that commit: snakemake --configfile <this file>\n"
    )
    body = yaml.safe_dump(document["config"], sort_keys=False, allow_unicode=True)
    _write(header + body, output)
    return 0


def _validate(files: Sequence[str]) -> int:
    merged: dict = {}
    for path in files:
        _merge(merged, _read_config_file(path))
    cfg = load_config(merged, files)
    print(f"ok: {len(cfg.regions)} regions, {len(cfg.scenarios)} scenarios")
    return 0


def _read_config_file(path: str) -> dict:
    """One config file as a mapping; unreadable YAML names the file and the problem."""
    try:
        with open(path, encoding="utf-8") as fh:
            document = yaml.safe_load(fh)
    except OSError as exc:
        raise SeirflowInputError(f"{path}: cannot read: {exc.strerror}", file=path) from None
    except (yaml.YAMLError, ValueError) as exc:
        # ValueError: YAML syntax that is fine but a value that is not, e.g. 2020-13-45.
        reason = " ".join(str(exc).split())
        raise SeirflowInputError(f"{path}: not valid YAML: {reason}", file=path) from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise SeirflowInputError(
            f"{path}: top level must be a mapping of config keys, got {type(document).__name__}",
            file=path,
            value=document,
        )
    return document


def _hub_validate(hub: str, files: Sequence[str]) -> int:
    from seirflow.hub import validate_hub

    report = validate_hub(hub, files or None)
    for line in report.warnings:
        print(f"warning: {line}", file=sys.stderr)
    for problem in report.problems:
        print(f"seirflow: {problem}", file=sys.stderr)
    if not report.ok:
        print(f"{len(report.problems)} problem(s) in {hub}", file=sys.stderr)
        return 1
    print(f"ok: {len(report.checked)} model-output file(s) valid for {hub}")
    return 0


def _diff_manifest(old: str, new: str) -> int:
    """Print the differences; exit 0 if the runs are the same, 1 if they differ."""
    documents = []
    for path in (old, new):
        with open(path, encoding="utf-8") as fh:
            documents.append(json.load(fh))
    # Times, host and directory differ between runs; they are not what makes numbers differ.
    for doc in documents:
        for key in ("started", "finished", "host", "workdir"):
            doc.get("invocation", {}).pop(key, None)
    # The machine (CPU, BLAS kernel) may explain differing numbers but is not itself one.
    machine = diff_manifests(*({MACHINE_KEY: doc.pop(MACHINE_KEY, {})} for doc in documents))
    lines = diff_manifests(*documents)
    for line in lines:
        print(line)
    if not lines:
        print("no differences in config, data, code, versions or seeds")
    if machine:
        print("machine differs (a fact that may explain numeric differences, not an error):")
        for line in machine:
            print(f"  {line}")
    return 1 if lines else 0


def _merge(base: dict, update: dict) -> None:
    """Snakemake's config merge: nested dicts merge, everything else replaces."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


if __name__ == "__main__":
    raise SystemExit(main())
