"""One EBM bootstrap replicate on adult: duplicated rows against integer weights.

A bootstrap replicate fit on duplicated rows lets copies of a row land both
in the EBM's internal validation split and in its training part, so the
validation loss keeps falling with the training loss and early stopping
fires late or never. Fit as the distinct drawn rows with their counts as
``sample_weight``, every row is on one side of the split. This times, on the
32,561 rows of UCI adult with the same EBM settings:

(a) one fit on all rows;
(b) one replicate as duplicated rows: ``fit(X[rows], y[rows])``;
(c) the same replicate as weights: ``fit(X[distinct], y[distinct], sample_weight=counts)``;

and prints (b)/(a), (c)/(a), the boosting rounds per outer bag and the AUC of
each replicate on the rows the draw left out. Goal: (c)/(a) <= 2.

``--quick`` uses 4,000 rows as a smoke check; ``--n-rows`` another size. On
all 32,561 rows the duplicated-row fit (b) takes many minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from importlib import metadata

import numpy as np

EBM_PARAMS = {"outer_bags": 2, "n_jobs": 1, "random_state": 0}


def timed(fit):
    start = time.perf_counter()
    model = fit()
    return model, time.perf_counter() - start


def main() -> None:
    from sklearn.metrics import roc_auc_score

    from interpkit.adapters.ebm import EBMExplainer
    from interpkit.datasets import load_adult

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4,000 rows")
    parser.add_argument("--n-rows", type=int, default=None, help="first rows of adult only")
    parser.add_argument("--seed", type=int, default=1, help="seed of the bootstrap draw")
    args = parser.parse_args()
    X, y = load_adult(n_rows=4000 if args.quick else args.n_rows, return_X_y=True)
    n = len(y)
    rows = np.random.RandomState(args.seed).randint(n, size=n)
    distinct, counts = np.unique(rows, return_counts=True)
    left_out = np.setdiff1d(np.arange(n), distinct)
    print(
        f"adult: {n} rows, {X.shape[1]} features; replicate: {distinct.size} distinct rows "
        f"({distinct.size / n:.1%}); EBM {EBM_PARAMS}; interpret "
        f"{metadata.version('interpret-core')}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores"
    )

    def ebm():
        return EBMExplainer(**EBM_PARAMS)

    fits = [
        ("(a) all rows", lambda: ebm().fit(X, y)),
        ("(b) replicate, duplicated rows", lambda: ebm().fit(X.iloc[rows], y.iloc[rows])),
        (
            "(c) replicate, weights",
            lambda: ebm().fit(X.iloc[distinct], y.iloc[distinct], sample_weight=counts),
        ),
    ]
    print(f"{'fit':<32}{'seconds':>9}{'x full':>8}{'rounds (stage x bag)':>28}{'AUC left out':>14}")
    times = []
    for name, fit in fits:  # each row as soon as its fit ends
        model, t = timed(fit)
        times.append(t)
        rounds = np.asarray(model.ebm_.best_iteration_).ravel().tolist()
        auc = roc_auc_score(y.iloc[left_out], model.predict(X.iloc[left_out]))
        auc_s = "(trained on)" if len(times) == 1 else f"{auc:.4f}"
        print(f"{name:<32}{t:>9.2f}{t / times[0]:>8.2f}{str(rounds):>28}{auc_s:>14}", flush=True)
    t_full, t_w = times[0], times[2]
    ratio = t_w / t_full
    verdict = "ok" if ratio <= 2 else "NO"
    print(f"weighted replicate / full fit = {ratio:.2f} (goal <= 2): {verdict}")


if __name__ == "__main__":
    main()
