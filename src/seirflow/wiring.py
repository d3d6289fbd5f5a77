"""What the Snakefile needs from seirflow: the validated config, target lists, figure inputs.

Paths are the workflow's layout (``results/<stage>/<wildcards>/<name>.<ext>``); keeping
them here leaves the rule files with nothing but wiring. This module never imports
snakemake: it receives Snakemake's `workflow` object only to read its config files.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from seirflow.config import Config, load_config
from seirflow.errors import ConfigError
from seirflow.provenance import record_invocation

__all__ = [
    "DEFAULT_CONFIGFILE",
    "validated_config",
    "check_config_files",
    "output_targets",
    "paper_figure_paths",
    "manifest_products",
    "figure_inputs",
    "region_trajectories",
    "scenario_trajectories",
    "region_summaries",
    "national_summaries",
    "summary_table_inputs",
    "SUMMARY_TABLES",
    "HUB_DIR",
    "hub_outputs",
    "hub_rows",
    "hub_locations",
    "calibration_runtime_minutes",
    "contact_matrix_files",
    "RAW_DIR",
]

DEFAULT_CONFIGFILE = "config/config.yaml"
CONFIG_SUFFIXES = (".yaml", ".yml")  # the workflow's config files are YAML (README)
RAW_DIR = "data/raw"
HUB_DIR = "results/hub"
"""The run's hub directory (layout: `seirflow.hub.layout`)."""
SUMMARY_TABLES: dict[str, str] = {
    "weekly_quantiles": "results/summaries/weekly_quantiles.parquet",
    "summary": "results/summaries/summary.csv",
    "weekly_summary": "results/summaries/weekly_summary.csv",
    "changes": "results/summaries/changes.csv",
}
"""The project's own tables of all scenarios (rule write_summary_tables)."""


def validated_config(config: Mapping[str, Any], workflow: Any = None) -> Config:
    """Validate Snakemake's merged config, or stop the workflow with a clear message.

    Args:
        config: Snakemake's `config` after all config files and `--config` were merged.
        workflow: Snakemake's `workflow` object; its `configfiles` (in merge order)
            let the message name the file that set a bad value.

    Returns:
        The validated `Config` with defaults applied.

    On an invalid config, or a ``--configfile`` value that is not a YAML file (a target
    written after ``--configfile``), prints the problems (one line each: file, field
    path, value, reason) and exits with status 1 before any job or output is created.
    """
    record_invocation()
    cli = [str(p) for p in getattr(workflow, "overwrite_configfiles", None) or []]
    try:
        check_config_files(cli)
        return load_config(dict(config), _config_sources(workflow, cli))
    except ConfigError as exc:
        print(f"seirflow: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


def check_config_files(files: Sequence[str]) -> None:
    """Stop if a ``--configfile`` value is not a YAML file that exists.

    Snakemake's ``--configfile`` takes every value up to the next option, so in
    ``snakemake --configfile mine.yaml figures/fig3.pdf`` the target is read as a config
    file. (Snakemake itself stops with a traceback when such a file does not exist or is
    not text; a JSON output such as ``results/manifest.json`` gets this far.)

    Args:
        files: The ``--configfile`` values in order (Snakemake's absolute paths).

    Raises:
        ConfigError: naming the values that look like targets and the command with the
            targets first.
    """
    shown = [_relative(f) for f in files]
    targets = [
        f
        for f, path in zip(shown, files, strict=True)
        if Path(path).suffix.lower() not in CONFIG_SUFFIXES or not Path(path).is_file()
    ]
    if not targets:
        return
    configs = [f for f in shown if f not in targets]
    fixed = shlex.join(["snakemake", *targets, *(["--configfile", *configs] if configs else [])])
    raise ConfigError(
        f"--configfile {' '.join(shown)}: {', '.join(targets)} "
        f"{'is not an existing' if len(targets) == 1 else 'are not existing'} "
        f"{'/'.join(CONFIG_SUFFIXES)} file: probably a target. --configfile reads every "
        f"value after it as a config file, so put targets before it:\n  {fixed}",
        file=targets[0],
        field="--configfile",
        value=targets[0],
    )


def _relative(path: str) -> str:
    """`path` relative to the working directory if it lies below it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path


def _config_sources(workflow: Any, cli: list[str]) -> list[str]:
    if workflow is None:
        return [DEFAULT_CONFIGFILE]
    own = [str(p) for p in getattr(workflow, "configfiles", []) if str(p) not in cli]
    return own + cli


def output_targets(cfg: Config) -> list[str]:
    """Everything `snakemake` (rule `all`) builds: hub directory, summaries, figures,
    manifest."""
    return [
        *hub_outputs(cfg).values(),
        *SUMMARY_TABLES.values(),
        "results/inputs/adjustments.csv",
        *paper_figure_paths(cfg),
        "results/manifest.json",
    ]


def manifest_products(cfg: Config) -> list[str]:
    """Results whose hashes the run manifest records, so each can be traced to its run.

    Hub directory and summaries, every paper figure, and each region's posterior and
    per-scenario trajectories. Not the diagnostics JSON: its wall-clock timings differ
    from run to run, and the manifest must be the same for the same results.
    """
    per_region = [f"results/calibration/{r}/posterior.nc" for r in cfg.regions]
    projections = [p for s in cfg.scenarios for p in scenario_trajectories(cfg, s)]
    return [
        *hub_outputs(cfg).values(),
        *SUMMARY_TABLES.values(),
        *paper_figure_paths(cfg),
        *per_region,
        *projections,
    ]


def paper_figure_paths(cfg: Config) -> list[str]:
    """PDF and PNG of every configured paper figure."""
    return [f"figures/{name}.{ext}" for name in cfg.figures for ext in ("pdf", "png")]


def figure_inputs(cfg: Config, name: str) -> dict[str, str | list[str]]:
    """Named input files of paper figure `name`, by its kind.

    A figure of one region (``region:`` set) reads only that region's files, so building
    it runs that region's chain alone; national and all-region figures read every region.
    """
    fig = cfg.figures[name]
    regions = cfg.regions
    posteriors = [f"results/calibration/{r}/posterior.nc" for r in regions]
    inputs = [f"results/inputs/{r}/inputs.nc" for r in regions]
    diagnostics = [f"results/calibration/{r}/diagnostics.json" for r in regions]
    by_kind: dict[str, dict[str, str | list[str]]] = {
        "inputs_overview": {"inputs": f"results/inputs/{fig.region}/inputs.nc"},
        "calibration_fits": {"posteriors": posteriors, "diagnostics": diagnostics},
        "posterior_forest": {"posteriors": posteriors, "diagnostics": diagnostics},
        "hospital_beds": {
            "summaries": [region_summaries(fig.region)["daily"]],
            "inputs": f"results/inputs/{fig.region}/inputs.nc",
            # The fit before fit_end is the calibration's posterior predictive.
            "posteriors": f"results/calibration/{fig.region}/posterior.nc",
        },
        # The national summaries name the regions in the total; the inputs give the
        # observed totals.
        "national_scenarios": {"summaries": national_summaries(cfg)["daily"], "inputs": inputs},
        "convergence_summary": {"diagnostics": diagnostics},
        "reproduction_number": {
            "summaries": [region_summaries(r)["reproduction"] for r in regions],
            "diagnostics": diagnostics,
        },
    }
    return by_kind[fig.kind]


def region_trajectories(region: str, scenarios: Iterable[str]) -> list[str]:
    """One region's trajectories file per scenario, in the order of `scenarios`.

    `region` may be the template ``"{region}"``, for a rule's output.
    """
    return [f"results/projections/{s}/{region}/trajectories.nc" for s in scenarios]


def scenario_trajectories(cfg: Config, scenario: str) -> list[str]:
    """Every region's trajectories file under `scenario` (what a national total sums)."""
    return [f"results/projections/{scenario}/{r}/trajectories.nc" for r in cfg.regions]


SUMMARY_FILES = {
    "daily": "daily_quantiles.parquet",
    "weekly": "weekly_quantiles.parquet",
    "hub_rows": "hub_rows.parquet",
}
"""Per region (all scenarios) or national total (one scenario): file by kind."""


REGION_SUMMARY_FILES = {**SUMMARY_FILES, "reproduction": "reproduction_quantiles.parquet"}
"""Per region also: Rt and attack rate (a national total has neither)."""


def region_summaries(region: str) -> dict[str, str]:
    """One region's summaries, all scenarios: ``daily``, ``weekly``, ``hub_rows``, ``reproduction``.

    `region` may be the template ``"{region}"``, for a rule's output.
    """
    return {k: f"results/summaries/by_region/{region}/{f}" for k, f in REGION_SUMMARY_FILES.items()}


def national_scenario_summaries(scenario: str) -> dict[str, str]:
    """The national total's summaries of one scenario (or the ``"{scenario}"`` template)."""
    return {k: f"results/summaries/national/{scenario}/{f}" for k, f in SUMMARY_FILES.items()}


def national_summaries(cfg: Config) -> dict[str, list[str]]:
    """The national total's summaries, one file per scenario, by kind."""
    return {k: [national_scenario_summaries(s)[k] for s in cfg.scenarios] for k in SUMMARY_FILES}


def summary_table_inputs(cfg: Config) -> dict[str, list[str]]:
    """What the summary tables combine: every region's summaries, then the national ones."""
    national = national_summaries(cfg)
    return {
        kind: [region_summaries(r)[kind] for r in cfg.regions] + national[kind]
        for kind in ("daily", "weekly")
    }


def hub_rows(cfg: Config) -> list[str]:
    """The model-output rows the hub file combines: regions, then the national total of
    each submitted scenario (``hub.scenarios``)."""
    submitted = cfg.hub.scenario_ids(cfg.scenarios)
    return [region_summaries(r)["hub_rows"] for r in cfg.regions] + [
        national_scenario_summaries(s)["hub_rows"] for s in submitted
    ]


def hub_locations(cfg: Config) -> list[str]:
    """Hub locations of the run: the regions' FIPS codes, then ``US``."""
    from seirflow.postprocess.national import NATIONAL_LOCATION
    from seirflow.regions import region

    return [region(r).fips for r in cfg.regions] + [NATIONAL_LOCATION]


def hub_outputs(cfg: Config) -> dict[str, str]:
    """The files of the run's hub directory by output name (rule write_hub_submission)."""
    from seirflow.hub.round import hub_round
    from seirflow.hub.submission import hub_files

    r = hub_round(cfg.hub, cfg.dates, list(cfg.scenarios), [], cfg.postprocessing.quantiles)
    files = hub_files(cfg.hub.team_abbr, cfg.hub.model_abbr, r.round_id)
    return {k: f"{HUB_DIR}/{v}" for k, v in files.items()}


def contact_matrix_files(region_code: str) -> list[str]:
    """The four Mistry et al. setting matrices of one region, under `RAW_DIR`."""
    from seirflow.regions import region
    from seirflow.sources.layout import SETTINGS, RawPaths

    raw = RawPaths(RAW_DIR)
    return [raw.mistry(region(region_code), s).as_posix() for s in SETTINGS]


def calibration_runtime_minutes(cfg: Config, attempt: int = 1, threads: int = 1) -> int:
    """Runtime (minutes) to request for one region's calibration, from the config.

    Scales with walkers x max_steps x the days a calibration simulates (simulation start
    to the end of the fit) at a measured cost per model evaluation, divided over the
    job's threads, doubled on each retry.
    """
    from seirflow.resources import calibration_runtime_minutes as estimate

    minutes = estimate(
        walkers=cfg.calibration.walkers,
        max_steps=cfg.calibration.max_steps,
        n_days=(cfg.dates.fit_end - cfg.dates.simulation_start).days + 1,
        threads=max(1, int(threads)),
    )
    return int(minutes * 2 ** (attempt - 1))
