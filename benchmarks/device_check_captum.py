"""Device check: every Captum explainer gives the same attributions on CPU and on CUDA.

Issue 12 asks that the model's device be honoured and that CPU and CUDA
results agree. For each explainer (integrated gradients, saliency,
input x gradient, DeepLift, DeepLiftShap, GradientShap, occlusion, feature
ablation, IG with SmoothGrad, and layer integrated gradients through an
embedding) a small network is explained on the CPU and a copy of it on the
GPU, from the same numpy inputs, and compared:

* attributions: ``max |cpu - gpu| <= tol * max |cpu|`` (float64: 1e-9; float32,
  TF32 off: 1e-4), and the same for the convergence deltas, the base values
  and the predictions;
* the result says where it ran (``params["device"]``);
* SmoothGrad draws its noise on the device, so CPU and CUDA draws differ: its
  difference must stay within the spread between two CPU seeds (x 3).

Sized for about a minute on one GPU (well under the 10 minutes allowed).
Without CUDA it prints one line starting ``SKIP:`` and exits 0.
``--against cpu`` runs the whole comparison with a second CPU copy instead
of the GPU, to test this script on any machine (tests/test_device_check.py).

Run from the repository root::

    python benchmarks/device_check_captum.py              # float64 and float32
    python benchmarks/device_check_captum.py --dtype float32 --json out.json
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

TOL = {"float64": 1e-9, "float32": 1e-4}
NOISE_FACTOR = 3.0  # SmoothGrad: CPU vs GPU within 3 x the spread between two CPU seeds


def copy_to(net: Any, device: str) -> Any:
    """A copy of the network on ``device`` (the CPU network is left where it is)."""
    return copy.deepcopy(net).to(device)


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    """``max |a - b| / max |a|`` (0 when both are all zeros)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return float("inf")
    scale = float(np.max(np.abs(a))) if a.size else 0.0
    diff = float(np.max(np.abs(a - b))) if a.size else 0.0
    return diff / scale if scale > 0 else diff


def _nets(torch: Any, dtype: Any) -> dict[str, Any]:
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(  # every nonlinearity its own module, used once (DeepLift)
        torch.nn.Linear(10, 32), torch.nn.ReLU(), torch.nn.Linear(32, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 3),
    )  # fmt: skip
    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(8 * 4 * 4, 4),
    )  # fmt: skip
    return {"tabular": mlp.to(dtype).eval(), "image": cnn.to(dtype).eval()}


def _cases(quick: bool) -> list[tuple[str, str, Callable[..., Any], dict[str, Any]]]:
    """(name, input kind, explainer class, parameters)."""
    from interpkit.adapters import captum as c

    steps = 16 if quick else 64
    return [
        ("integrated_gradients", "tabular", c.IntegratedGradientsExplainer,
         {"target": 1, "n_steps": steps, "baseline": "means", "delta_tol": 1e9}),
        ("saliency", "tabular", c.SaliencyExplainer, {"target": 1, "abs": False}),
        ("input_x_gradient", "tabular", c.InputXGradientExplainer, {"target": 1}),
        ("deeplift", "tabular", c.DeepLiftExplainer, {"target": 1, "delta_tol": 1e9}),
        ("deeplift_shap", "tabular", c.DeepLiftShapExplainer,
         {"target": 1, "baseline": "sample:8", "delta_tol": 1e9}),
        ("gradient_shap", "tabular", c.GradientShapExplainer,
         {"target": 1, "baseline": "sample:16", "n_samples": 16, "delta_tol": 1e9}),
        ("occlusion", "tabular", c.OcclusionExplainer, {"target": 1, "window": 2}),
        ("feature_ablation", "tabular", c.FeatureAblationExplainer, {"target": 1}),
        ("integrated_gradients", "image", c.IntegratedGradientsExplainer,
         {"target": 2, "n_steps": steps, "delta_tol": 1e9}),
        ("saliency", "image", c.SaliencyExplainer, {"target": 2}),
        ("deeplift", "image", c.DeepLiftExplainer, {"target": 2, "delta_tol": 1e9}),
        ("occlusion", "image", c.OcclusionExplainer, {"target": 2, "window": 4, "stride": 4}),
    ]  # fmt: skip


def _summary(expl: Any) -> dict[str, np.ndarray]:
    out = {"values": expl.to_numpy()}
    if "convergence_delta" in expl.values.coords:
        out["delta"] = expl.values.coords["convergence_delta"].to_numpy()
    if expl.base_value is not None:
        out["base_value"] = np.asarray(expl.base_value, dtype=float)
    return out


def _compare(name: str, cpu: dict, gpu: dict, tol: float, device: str, seen: str) -> dict:
    diffs = {k: relative_difference(cpu[k], gpu[k]) for k in cpu}
    missing = sorted(set(cpu) ^ set(gpu))
    worst = max(diffs.values()) if diffs else 0.0
    ok = worst <= tol and not missing and seen.startswith(device)
    return {"case": name, "ok": ok, "tol": tol, "worst": worst, "device": seen, **diffs}


def run_checks(
    against: str, dtypes: list[str], quick: bool, only: set[str] | None = None
) -> list[dict[str, Any]]:
    """Every case (or those named in ``only``) on the CPU and on ``against``: one row each."""
    import torch

    torch.backends.cudnn.allow_tf32 = False  # TF32 convolutions differ in the 3rd digit
    torch.backends.cuda.matmul.allow_tf32 = False
    rng = np.random.default_rng(0)
    data = {"tabular": rng.normal(size=(48, 10)), "image": rng.uniform(size=(6, 3, 16, 16))}
    rows = []
    for dtype_name in dtypes:
        dtype = getattr(torch, dtype_name)
        nets = _nets(torch, dtype)
        tol = TOL[dtype_name]
        for method, kind, cls, params in _cases(quick):
            if only is not None and method not in only:
                continue
            X = data[kind]
            label = f"{method} ({kind}, {dtype_name})"
            start = time.perf_counter()
            cpu_ex = cls(model=nets[kind], random_state=0, **params).fit(X)
            gpu_net = copy_to(nets[kind], against)
            gpu_ex = cls(model=gpu_net, random_state=0, **params).fit(X)
            cpu_e, gpu_e = cpu_ex.explain(X), gpu_ex.explain(X)
            cpu, gpu = _summary(cpu_e), _summary(gpu_e)
            cpu["prediction"], gpu["prediction"] = cpu_ex.predict(X), gpu_ex.predict(X)
            row = _compare(label, cpu, gpu, tol, against, str(gpu_e.params["device"]))
            rows.append({**row, "seconds": time.perf_counter() - start})
        if only is None or "smoothgrad" in only:
            rows.append(_smoothgrad(nets["tabular"], data["tabular"], against, dtype_name))
        text = None
        if only is None or "layer_integrated_gradients" in only:
            text = _text_case(torch, dtype, against, tol, quick)
        if text is not None:
            rows.append(text)
    return rows


def _smoothgrad(net: Any, X: np.ndarray, against: str, dtype_name: str) -> dict[str, Any]:
    """SmoothGrad draws noise on the device: agree within the spread between CPU seeds."""
    from interpkit.adapters.captum import SaliencyExplainer

    start = time.perf_counter()
    kw = {"target": 1, "abs": False, "noise_tunnel": "smoothgrad", "nt_samples": 64}
    a = SaliencyExplainer(model=net, random_state=0, **kw).fit(X).explain(X).to_numpy()
    b = SaliencyExplainer(model=net, random_state=1, **kw).fit(X).explain(X).to_numpy()
    gpu_net = copy_to(net, against)
    g = SaliencyExplainer(model=gpu_net, random_state=0, **kw).fit(X).explain(X).to_numpy()
    seeds, devices = float(np.max(np.abs(a - b))), float(np.max(np.abs(a - g)))
    same_device = against == "cpu"  # the same generator: the same draws, exactly
    ok = devices <= (TOL[dtype_name] * np.max(np.abs(a)) if same_device else NOISE_FACTOR * seeds)
    return {
        "case": f"saliency + smoothgrad (tabular, {dtype_name})",
        "ok": bool(ok),
        "worst": devices,
        "seed_spread": seeds,
        "tol": f"{NOISE_FACTOR:g} x seed spread",
        "seconds": time.perf_counter() - start,
    }


def _text_case(torch: Any, dtype: Any, against: str, tol: float, quick: bool) -> dict | None:
    """Layer integrated gradients through an embedding, with a tokenizer built in memory."""
    try:
        from transformers import BertTokenizerFast
    except ImportError:
        return None
    from interpkit.adapters.captum import LayerIntegratedGradientsExplainer

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "room", "staff"]
    tokenizer = BertTokenizerFast(vocab={w: i for i, w in enumerate(words)})
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Embedding(len(words), 4), torch.nn.Flatten(), torch.nn.Linear(16, 2)
    ).to(dtype)
    texts = ["good room", "bad staff", "good staff", "bad room"] * 3
    kw = {"layer": "0", "tokenizer": tokenizer, "target": 1, "max_length": 4,
          "n_steps": 8 if quick else 32, "random_state": 0}  # fmt: skip
    start = time.perf_counter()
    cpu_e = LayerIntegratedGradientsExplainer(model=net, **kw).fit(texts).explain(texts)
    gpu_net = copy_to(net, against)
    gpu_e = LayerIntegratedGradientsExplainer(model=gpu_net, **kw).fit(texts).explain(texts)
    row = _compare(f"layer_integrated_gradients (tokens, {str(dtype).split('.')[-1]})",
                   _summary(cpu_e), _summary(gpu_e), tol, against,
                   str(gpu_e.params.get("device", against)))  # fmt: skip
    return {**row, "seconds": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dtype", choices=["float64", "float32", "both"], default="both")
    parser.add_argument("--against", default="cuda", help="the second device (default cuda)")
    parser.add_argument("--quick", action="store_true", help="fewer integration steps")
    parser.add_argument("--json", default=None, help="write the rows to this file")
    parser.add_argument("--cases", default=None, help="methods, e.g. saliency,smoothgrad")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("SKIP: torch is not installed (pip install -e '.[torch]' -c constraints.txt)")
        return 0
    if args.against.startswith("cuda") and not torch.cuda.is_available():
        print("SKIP: no CUDA device (torch.cuda.is_available() is False); "
              "the CPU/CUDA agreement check needs a GPU")  # fmt: skip
        return 0
    dtypes = ["float64", "float32"] if args.dtype == "both" else [args.dtype]
    where = torch.cuda.get_device_name(0) if args.against.startswith("cuda") else args.against
    print(f"CPU vs {args.against} ({where}); torch {torch.__version__}")
    start = time.perf_counter()
    only = None if args.cases is None else set(args.cases.split(","))
    rows = run_checks(args.against, dtypes, args.quick, only)
    for r in rows:
        print(f"  {'ok  ' if r['ok'] else 'FAIL'} {r['case']:48s} worst {r['worst']:.2e} "
              f"(tol {r['tol']}), {r['seconds']:.1f} s")  # fmt: skip
    failed = [r["case"] for r in rows if not r["ok"]]
    print(f"{len(rows) - len(failed)} of {len(rows)} agree in {time.perf_counter() - start:.0f} s"
          + (f"; DISAGREE: {', '.join(failed)}" if failed else ""))  # fmt: skip
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1, default=str)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
