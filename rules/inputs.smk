rule prepare_inputs:
    input:
        nyt="data/raw/nyt/us-states.csv",
        ctp="data/raw/ctp/all-states-history.csv",
        census="data/raw/census/sc-est2019-agesex-civ.csv",
        mistry=region_contact_files,
        mobility_data="data/raw/oi/Google Mobility - State - Daily.csv",
        policy="data/raw/oi/Policy Milestones - State.csv",
    output:
        inputs="results/inputs/{region}/inputs.nc",
        overview=report(
            "results/inputs/{region}/overview.png",
            caption="../report/inputs_overview.rst",
            category="1. Inputs",
            labels={"region": "{region}"},
        ),
    log:
        "logs/prepare_inputs/{region}.log",
    benchmark:
        "benchmarks/prepare_inputs/{region}.tsv"
    conda:
        "../envs/seirflow.yaml"
    params:
        dates=section("dates"),
        age_groups=section("age_groups"),
        mobility=section("mobility"),
    script:
        "scripts/prepare_inputs.py"


rule list_adjustments:
    input:
        inputs=all_region_inputs,
    output:
        adjustments=report(
            "results/inputs/adjustments.csv",
            caption="../report/adjustments.rst",
            category="1. Inputs",
        ),
    log:
        "logs/list_adjustments/all.log",
    localrule: True
    conda:
        "../envs/seirflow.yaml"
    script:
        "scripts/list_adjustments.py"
