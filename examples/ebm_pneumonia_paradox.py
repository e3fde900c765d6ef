"""Reading and editing an EBM: a protective-looking risk factor, and a proxy for a group.

Simulated pneumonia admissions (not real patients). Two lessons:

1. **The paradox.** Asthma truly raises the risk of dying of pneumonia, but
   in these records asthmatic patients were sent straight to intensive care,
   and the treatment more than offsets the risk. A model of the recorded
   outcome learns "asthma lowers mortality" -- true of the data, dangerous
   as triage advice. The EBM's shape function for ``asthma`` shows it in
   one glance; :meth:`~interpkit.EBMExplainer.without_terms` removes the
   learned term, and the edit report shows whom that changes.

2. **Remove after training, not before.** The historical outcome also
   depends on a ``group`` label (a bias we do not want the model to carry),
   and ``area_index`` is correlated with ``group`` while having no effect of
   its own. Dropping ``group`` before training lets ``area_index`` absorb
   its effect (a proxy); training with ``group`` and then removing its term
   leaves ``area_index`` as learned next to ``group`` (near zero), so the
   gap between groups really shrinks. Centring the ``group`` term at
   ``group = 0`` before removing it predicts everyone as group 0.

Run ``python examples/ebm_pneumonia_paradox.py [--out DIR] [--n N] [--png]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import interpkit
from interpkit.plots import ebm as ebm_plots
from interpkit.plots import write_image


def simulate(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Admissions and in-hospital death (0/1)."""
    rng = np.random.default_rng(seed)
    group = rng.binomial(1, 0.4, size=n).astype(float)
    X = pd.DataFrame(
        {
            "age": rng.uniform(20, 95, size=n),
            "resp_rate": rng.normal(22, 5, size=n).clip(10, 45),
            "asthma": rng.binomial(1, 0.12, size=n).astype(float),
            "group": group,
            # correlated with group (r ~ 0.6), no effect of its own
            "area_index": group + rng.normal(scale=0.7, size=n),
        }
    )
    eta = (
        -3.2
        + 0.045 * (X["age"] - 60)
        + 0.12 * (X["resp_rate"] - 22)
        + 0.7 * X["asthma"]  # the true risk ...
        - 1.7 * X["asthma"]  # ... more than offset by aggressive (ICU) care
        + 0.9 * X["group"]  # historical bias in the recorded outcome
    )
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta.to_numpy()))).astype(int)
    return X, y


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="folder for the figures")
    parser.add_argument("--n", type=int, default=6000, help="simulated admissions")
    parser.add_argument("--outer-bags", type=int, default=8, help="EBM outer bags")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--png", action="store_true", help="also write PNG files (kaleido)")
    return parser.parse_args(argv)


def group_gap(pred: np.ndarray, group: np.ndarray) -> float:
    """Mean predicted log-odds, group 1 minus group 0."""
    return float(pred[group == 1].mean() - pred[group == 0].mean())


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="interpkit-ebm-pneumonia-"))
    out.mkdir(parents=True, exist_ok=True)
    X, y = simulate(args.n, args.seed)
    n_train = int(0.7 * len(y))
    X_tr, y_tr, X_te, y_te = X.iloc[:n_train], y[:n_train], X.iloc[n_train:], y[n_train:]
    print(f"{len(y)} admissions ({y.mean():.1%} died); {n_train} to train, the rest held out")

    def make() -> interpkit.EBMExplainer:
        return interpkit.EBMExplainer(
            task="binary",
            interactions=0,
            outer_bags=args.outer_bags,
            feature_types={"asthma": "nominal", "group": "nominal"},
            random_state=args.seed,
        )

    full = make().fit(X_tr, y_tr)
    shapes = full.shape_functions()
    asthma = shapes.values.sel(term="asthma").to_numpy()[:2]  # codes 0, 1
    asthma_effect = float(asthma[1] - asthma[0])
    print(f"1. learned asthma effect on the log-odds: {asthma_effect:+.2f} (looks protective)")

    no_asthma = full.without_terms(["asthma"])
    report = no_asthma.edit_report(X_te, y_te)
    is_asthma = X_te["asthma"].to_numpy() == 1
    rise = float(report.difference[is_asthma].mean())
    print(
        f"   without_terms(['asthma']): asthmatic patients' log-odds {rise:+.2f} on average, "
        f"others {float(report.difference[~is_asthma].mean()):+.2f}; held-out AUC "
        f"{report.metric_original:.3f} -> {report.metric_edited:.3f}"
    )

    # 2. the proxy: drop group before training vs remove its term after
    dropped = make().set_params(feature_types={"asthma": "nominal"})
    dropped.fit(X_tr.drop(columns="group"), y_tr)
    edited = full.center_terms({"group": 0.0}).without_terms(["group"])
    imp_full = full.explain().values
    imp_dropped = dropped.explain().values
    g_te = X_te["group"].to_numpy()
    gaps = {
        "trained with group": group_gap(full.predict(X_te), g_te),
        "group dropped before training": group_gap(
            dropped.predict(X_te.drop(columns="group")), g_te
        ),
        "trained with group, term removed": group_gap(edited.predict(X_te), g_te),
    }
    area = {
        "with group": float(imp_full.sel(feature="area_index")),
        "group dropped": float(imp_dropped.sel(feature="area_index")),
    }
    print("2. area_index importance (mean |contribution|, log-odds):")
    for k, v in area.items():
        print(f"   {k:28s} {v:.3f}")
    print("   gap in mean predicted log-odds, group 1 minus group 0 (held out):")
    for k, v in gaps.items():
        print(f"   {k:34s} {v:+.3f}")
    group_report = edited.edit_report(X_te, y_te)
    print(
        f"   edit report (centre group at 0, then remove): held-out AUC "
        f"{group_report.metric_original:.3f} -> {group_report.metric_edited:.3f}"
    )

    shapes_dropped = dropped.shape_functions()
    figures = {
        "pneumonia_asthma": ebm_plots.shape_function(shapes, "asthma"),
        "pneumonia_age": ebm_plots.shape_function(shapes, "age"),
        "pneumonia_area_with_group": ebm_plots.shape_function(
            shapes, "area_index", title="area_index, trained with group"
        ),
        "pneumonia_area_group_dropped": ebm_plots.shape_function(
            shapes_dropped, "area_index", title="area_index, group dropped before training"
        ),
        "pneumonia_importance": ebm_plots.term_importance(full.explain()),
        "pneumonia_edit_waterfall": ebm_plots.ebm_contributions(
            no_asthma.explain(X_te[is_asthma].iloc[:1]), 0
        ),
    }
    for name, fig in figures.items():
        fig.write_html(out / f"{name}.html", include_plotlyjs=True)
        if args.png:
            write_image(fig, out / f"{name}.png")
    print(f"figures in {out}")
    return {
        "asthma_effect": asthma_effect,
        "asthma_edit_rise": rise,
        "asthma_report": report,
        "area_importance": area,
        "group_gaps": gaps,
        "group_report": group_report,
        "out": out,
    }


if __name__ == "__main__":
    main()
