"""Per-class permutation importance: interpkit against scikit-learn with one scorer per class.

The obvious alternative to interpkit's per-class permutation importance
(:mod:`interpkit.adapters.sklearn.per_class`) is
:func:`sklearn.inspection.permutation_importance` with a dict of K scorers,
one one-vs-rest log-loss per class. Both shuffle the same way (same seed), so
they give the same numbers; scikit-learn calls ``predict_proba`` once per
scorer and shuffle (K times), interpkit once per shuffle. Reported: the time
ratio (scikit-learn / interpkit) and the largest difference between the two.

Default: 2,000 held-out rows x 20 features, K = 5 classes, a 100-tree
forest, 5 shuffles per feature. ``--quick`` shrinks it for a check. Timings
are medians over ``--repeat`` rounds, contestants alternating.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="held-out rows")
    parser.add_argument("--p", type=int, default=20, help="features")
    parser.add_argument("--k", type=int, default=5, help="classes")
    parser.add_argument("--n-trees", type=int, default=100)
    parser.add_argument("--n-repeats", type=int, default=5, help="shuffles per feature")
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds (median)")
    parser.add_argument("--quick", action="store_true", help="n=300, 10 trees, 1 round")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.n_trees, args.repeat = 300, 10, 1
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import log_loss

    from interpkit.adapters.sklearn.per_class import permutation_per_class

    args = parse_args(argv)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2 * args.n, args.p))
    y = np.argmax(X[:, : args.k] + rng.normal(scale=0.5, size=(2 * args.n, args.k)), axis=1)
    model = RandomForestClassifier(n_estimators=args.n_trees, random_state=0, n_jobs=1)
    model.fit(X[: args.n], y[: args.n])
    X_test, y_test = X[args.n :], y[args.n :]

    def scorer(k: int):
        def score(est: Any, X_: np.ndarray, y_: np.ndarray) -> float:
            p = est.predict_proba(X_)[:, k]
            return -log_loss(y_ == est.classes_[k], p, labels=[False, True])

        return score

    def ours() -> np.ndarray:
        out = permutation_per_class(model, X_test, y_test, n_repeats=args.n_repeats, random_state=0)
        return out.importances_mean

    def sklearn_dict() -> np.ndarray:
        res = permutation_importance(
            model,
            X_test,
            y_test,
            scoring={str(k): scorer(k) for k in range(args.k)},
            n_repeats=args.n_repeats,
            random_state=0,
        )
        return np.stack([res[str(k)].importances_mean for k in range(args.k)], axis=1)

    times: dict[str, list[float]] = {"interpkit": [], "scikit-learn": []}
    values = {}
    for _ in range(args.repeat):
        for name, fn in (("interpkit", ours), ("scikit-learn", sklearn_dict)):
            start = time.perf_counter()
            values[name] = fn()
            times[name].append(time.perf_counter() - start)
    med = {name: statistics.median(t) for name, t in times.items()}
    ratio = med["scikit-learn"] / med["interpkit"]
    diff = float(np.max(np.abs(values["interpkit"] - values["scikit-learn"])))
    print(
        f"{args.n} rows x {args.p} features, K={args.k}, {args.n_trees} trees, "
        f"{args.n_repeats} shuffles: interpkit {med['interpkit']:.2f} s, scikit-learn with "
        f"{args.k} scorers {med['scikit-learn']:.2f} s; ratio {ratio:.2f}x; "
        f"largest difference {diff:.1e}"
    )
    return {"ratio": ratio, "max_abs_difference": diff, "seconds": med}


if __name__ == "__main__":
    main()
