rule plot_figure:
    input:
        unpack(figure_files),
    output:
        pdf="figures/{figure}.pdf",
        png=report(
            "figures/{figure}.png",
            caption="../report/figure.rst",
            category="4. Paper figures",
            labels={"figure": "{figure}"},
        ),
    log:
        "logs/plot_figure/{figure}.log",
    benchmark:
        "benchmarks/plot_figure/{figure}.tsv"
    conda:
        "../envs/seirflow.yaml"
    params:
        definition=figure_definition,
        dates=section("dates"),
    script:
        "scripts/plot_figure.py"
