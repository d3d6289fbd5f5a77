"""The `seirflow` command: helpers around the workflow (not a replacement for snakemake).

seirflow schema [-o config/schema.json]    JSON schema of the config, for editors
seirflow validate config/config.yaml [...] validate config files merged in order
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

import yaml

from seirflow.config import config_schema, load_config
from seirflow.errors import SeirflowInputError
from seirflow.provenance import diff_manifests

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="seirflow", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    schema = sub.add_parser("schema", help="write the config's JSON schema")
    schema.add_argument("-o", "--output", help="file to write (default: stdout)")

    validate = sub.add_parser("validate", help="validate config files (later ones override)")
    validate.add_argument("files", nargs="+")

    diff = sub.add_parser("diff-manifest", help="what differs between two run manifests")
    diff.add_argument("old")
    diff.add_argument("new")

    args = parser.parse_args(argv)
    try:
        if args.command == "schema":
            return _schema(args.output)
        if args.command == "diff-manifest":
            return _diff_manifest(args.old, args.new)
        return _validate(args.files)
    except SeirflowInputError as exc:
        print(f"seirflow: {exc}", file=sys.stderr)
        return 1


def _schema(output: str | None) -> int:
    text = json.dumps(config_schema(), indent=2, sort_keys=True) + "\n"
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _validate(files: Sequence[str]) -> int:
    merged: dict = {}
    for path in files:
        with open(path, encoding="utf-8") as fh:
            _merge(merged, yaml.safe_load(fh) or {})
    cfg = load_config(merged, files)
    print(f"ok: {len(cfg.regions)} regions, {len(cfg.scenarios)} scenarios")
    return 0


def _diff_manifest(old: str, new: str) -> int:
    """Print the differences; exit 0 if the runs are the same, 1 if they differ."""
    documents = []
    for path in (old, new):
        with open(path, encoding="utf-8") as fh:
            documents.append(json.load(fh))
    # Times and the host always differ; they are not what makes numbers differ.
    for doc in documents:
        for key in ("started", "finished", "host"):
            doc.get("invocation", {}).pop(key, None)
    lines = diff_manifests(*documents)
    for line in lines:
        print(line)
    if not lines:
        print("no differences in config, data, code, versions or seeds")
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
