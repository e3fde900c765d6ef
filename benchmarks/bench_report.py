"""Time and size of the demo report: goal under 3 s and under 6 MB.

Three numbers:

* ``compose``: building the demo's report from finished results (its figures,
  tables and text) and writing the HTML file, i.e. the report's own cost;
* ``demo``: the whole ``interpkit demo`` (fits, B bootstrap replicates per
  method, then the report), for scale;
* the size of the written file, and how much of it is plotly.js (embedded
  once, so the file works offline).

Run from the repository root with the ``glmnet`` extra installed::

    python benchmarks/bench_report.py              # B = 100, 5 rounds
    python benchmarks/bench_report.py --quick      # B = 20, 2 rounds
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

GOAL_SECONDS = 3.0
GOAL_MB = 6.0


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-boot", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="B = 20, 2 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.n_boot, args.repeat = 20, 2

    from plotly.offline import get_plotlyjs

    import interpkit.report.linear as linear
    from interpkit.cli import main as cli_main

    out = Path(tempfile.mkdtemp(prefix="interpkit-bench-report-")) / "demo.html"
    argv_demo = ["demo", "--n-boot", str(args.n_boot), "--out", str(out), "--no-progress"]

    # the report's own cost: replay the demo with the fits cached, timing only what remains
    cached = {}
    real_fit = linear._fit_methods

    def fit_once(*a, **k):
        if "fits" not in cached:
            cached["fits"] = real_fit(*a, **k)
        return cached["fits"]

    demo_times, compose_times = [], []
    quiet = contextlib.redirect_stdout(io.StringIO())  # the CLI prints the report's path
    with quiet, mock.patch.object(linear, "_fit_methods", fit_once):
        cli_main(argv_demo)  # warm-up: imports, plotly.js read, the fits
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            cli_main(argv_demo)
            compose_times.append(time.perf_counter() - t0)
    for _ in range(min(args.repeat, 2)):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            cli_main(argv_demo)
        demo_times.append(time.perf_counter() - t0)

    page = out.read_text(encoding="utf-8")
    size_mb = out.stat().st_size / 1e6
    plotly_mb = len(get_plotlyjs().encode()) / 1e6
    n_figures = page.count("Plotly.newPlot(")
    compose = statistics.median(compose_times)
    demo = statistics.median(demo_times)

    print(f"demo report: {n_figures} figures, B = {args.n_boot} per method")
    print(f"  compose + write (fits cached): {compose:.2f} s  (goal < {GOAL_SECONDS:g} s)")
    print(f"  whole `interpkit demo`:        {demo:.2f} s")
    print(
        f"  file size: {size_mb:.2f} MB (plotly.js {plotly_mb:.2f} MB, the rest "
        f"{size_mb - plotly_mb:.2f} MB)  (goal < {GOAL_MB:g} MB)"
    )
    print(
        f"  goals: time {'met' if compose < GOAL_SECONDS else 'MISSED'}, "
        f"size {'met' if size_mb < GOAL_MB else 'MISSED'}"
    )
    return {
        "compose_s": compose,
        "demo_s": demo,
        "size_mb": size_mb,
        "plotly_mb": plotly_mb,
        "n_figures": n_figures,
    }


if __name__ == "__main__":
    main()
