rule prepare_inputs:
    input:
        cases="data/raw/nytimes/us-states.csv",
        hospital="data/raw/covid-tracking-project/all-states-history.csv",
        population="data/raw/census/sc-est2019-agesex-civ.csv",
        contacts="data/raw/mistry2021/contact_matrices",
        mobility="data/raw/opportunity-insights/Google Mobility - State - Daily.csv",
        policy="data/raw/opportunity-insights/Policy Milestones - State.csv",
    output:
        inputs="results/inputs/{region}/inputs.nc",
        overview=report(
            "results/inputs/{region}/overview.png",
            caption="../report/inputs_overview.rst",
            category="1. Inputs",
            labels={"region": "{region}"},
        ),
    params:
        dates=section("dates"),
        age_groups=section("age_groups"),
        mobility=section("mobility"),
    log:
        "logs/prepare_inputs/{region}.log",
    benchmark:
        "benchmarks/prepare_inputs/{region}.tsv"
    script:
        "scripts/prepare_inputs.py"
