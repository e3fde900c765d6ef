"""Captum explainers: overhead over Captum called directly, and batched vs per-row IG.

1. Overhead. Integrated gradients (50 Gauss-Legendre steps, zero baseline,
   convergence delta on) of a 20-64-64-1 MLP on 256 tabular rows, and of a
   small CNN on 64 images (3 x 32 x 32), through
   ``IntegratedGradientsExplainer(model=net).explain(X)`` and through
   ``captum.attr.IntegratedGradients(net).attribute(x, baselines=zeros,
   target=0, return_convergence_delta=True)`` (the same call: Captum with
   ``target=None`` on an (n, 1) output is about 2x slower, its own cost).
   interpkit also checks the input, runs the model on the rows and the
   baseline (for ``base_value``) and builds the named result (~7 ms of xarray).
   Goal: interpkit / captum <= 1.05.
2. Batched IG: one call on the 256 rows against a loop over rows.

Timings are medians over ``--repeat`` rounds, contestants alternating, with
``torch.set_num_threads(--threads)``. ``--quick``: 3 rounds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

import numpy as np
import torch

from interpkit.adapters.captum import IntegratedGradientsExplainer

GOALS = {"overhead": 1.05}


def nets(seed: int = 0) -> tuple[Any, Any]:
    torch.manual_seed(seed)
    mlp = torch.nn.Sequential(
        torch.nn.Linear(20, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 1),
    ).eval()  # fmt: skip
    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * 8 * 8, 10),
    ).eval()  # fmt: skip
    return mlp, cnn


def _time(fn, repeat: int) -> float:
    fn()  # warm-up
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return statistics.median(out)


def overhead(net: Any, X: np.ndarray, target: Any, repeat: int) -> dict[str, float]:
    from captum.attr import IntegratedGradients

    ex = IntegratedGradientsExplainer(model=net, target=target, delta_tol=1e9).fit(X)
    x = torch.as_tensor(X, dtype=torch.float32)

    zeros = torch.zeros(1, *X.shape[1:])  # the same call interpkit makes

    def direct():
        ig = IntegratedGradients(net)
        return ig.attribute(x, baselines=zeros, target=target, return_convergence_delta=True)

    ours, theirs = [], []
    for _ in range(repeat):  # alternate, so drift in machine load hits both
        ours.append(_time(lambda: ex.explain(X), 1))
        theirs.append(_time(direct, 1))
    a, c = statistics.median(ours), statistics.median(theirs)
    np.testing.assert_allclose(ex.explain(X).to_numpy(), direct()[0].numpy(), rtol=1e-4, atol=1e-6)
    return {"interpkit_s": a, "captum_s": c, "ratio": a / c}


def batched(net: Any, X: np.ndarray, repeat: int) -> dict[str, float]:
    from captum.attr import IntegratedGradients

    ig = IntegratedGradients(net)
    x = torch.as_tensor(X, dtype=torch.float32)
    one = _time(lambda: ig.attribute(x, baselines=0.0, target=0), repeat)
    loop = _time(
        lambda: [ig.attribute(x[i : i + 1], baselines=0.0, target=0) for i in range(len(x))], 1
    )
    return {"batched_s": one, "per_row_s": loop, "speedup": loop / one}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    mlp, cnn = nets()
    tab, img = rng.normal(size=(256, 20)), rng.uniform(size=(64, 3, 32, 32))
    out = {
        "tabular": overhead(mlp, tab, 0, repeat),
        "images": overhead(cnn, img, 3, repeat),
        "batched": batched(mlp, tab, repeat),
    }
    for name in ("tabular", "images"):
        r = out[name]
        ok = "ok" if r["ratio"] <= GOALS["overhead"] else "over goal"
        print(f"IG overhead, {name:8s}: interpkit {r['interpkit_s'] * 1e3:7.1f} ms, "
              f"captum {r['captum_s'] * 1e3:7.1f} ms, ratio {r['ratio']:.3f} ({ok})")  # fmt: skip
    b = out["batched"]
    print(f"IG on 256 rows: batched {b['batched_s'] * 1e3:.1f} ms, per-row loop "
          f"{b['per_row_s'] * 1e3:.1f} ms, speed-up {b['speedup']:.1f}x")  # fmt: skip
    return out


if __name__ == "__main__":
    main(sys.argv[1:])
