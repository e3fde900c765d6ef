"""examples/production_model.py: census data as it comes, a pipeline, SHAP, permutation, EBM."""

from __future__ import annotations

import numpy as np
import pytest

from tests.example_scripts import SMALL_ARGS, load_script


def test_production_model_example(tmp_path, capsys):
    pytest.importorskip("shap")
    pytest.importorskip("interpret")
    ex = load_script("examples/production_model.py")
    out = ex.main(["--out", str(tmp_path), *SMALL_ARGS["production_model.py"]])
    local = out["local"]
    # TreeSHAP of the pipeline, per original column, adds up to its probability
    assert local.params["feature_level"] == "original"
    assert "occupation" in list(local.values.feature.values)
    np.testing.assert_allclose(out["shap_sum"], out["model_probability"], atol=1e-6)
    mapping = local.params["feature_mapping"]
    assert mapping["categories__occupation_?"] == "occupation"  # the "?" level kept
    # the EBM's shape function of a text column is labelled with its categories
    labels = out["shapes"].values.coords["label"].sel(term="relationship").values
    assert "Husband" in labels and "Wife" in labels
    assert out["comparison"].names == ["pipeline permutation", "EBM"]
    assert out["report"].is_file()
    assert "Spearman of importances" in capsys.readouterr().out


def test_production_benchmark_smoke(capsys):
    pytest.importorskip("shap")
    pytest.importorskip("lightgbm")
    bench = load_script("benchmarks/bench_production.py")
    out = bench.main(
        ["--n-rows", "400", "--n-boot", "2", "--n-iter", "10", "--shap-rows", "50",
         "--background", "20"]
    )  # fmt: skip
    assert {"pipeline_ratio", "pipeline_cpu_ratio", "shap_ratio", "shap_cpu_ratio"} <= set(out)
    assert all(v > 0 for v in out.values())
    assert "max |difference| 0.0e+00" in capsys.readouterr().out  # the same TreeSHAP values
