"""examples/multiclass_wine.py at its gallery settings: per-class SHAP, permutation, lasso."""

import numpy as np
import pytest

from tests.example_scripts import SMALL_ARGS, html_files, load_script

pytest.importorskip("glmnet")
pytest.importorskip("shap")


def test_multiclass_wine_example(tmp_path, capsys):
    args = ["--out", str(tmp_path), *SMALL_ARGS["multiclass_wine.py"]]
    out = load_script("examples/multiclass_wine.py").main(args)
    classes = ["class_0", "class_1", "class_2"]
    assert all(acc > 0.9 for acc in out["accuracy"].values())
    assert out["shap_global"].values.dims == ("feature", "class")
    for name in ("shap", "permutation", "lasso"):
        res = out[name]
        assert res.replicates.dims == ("replicate", "feature", "class")
        assert res.n_replicates == 4
    # the cultivars' known markers: proline for class_0, flavanoids / OD280 for class_2
    for method, tops in out["tops"].items():
        assert "proline" in tops["class_0"], method
        assert {"flavanoids", "od280/od315_of_diluted_wines"} & set(tops["class_2"]), method
    # per class and "in any class": any-class selection is at least each class's
    sel = out["selection"]
    any_class = sel["mean |value| over classes"]
    for c in classes:
        assert (any_class >= sel[c] - 1e-12).all()
    assert (any_class < 1).any()  # the lasso drops some features in some bootstraps
    # same rows in every method's bootstrap: paired intervals
    agreement = out["agreement"]
    assert len(agreement) == 3 and agreement["paired"].all()
    assert np.isfinite(agreement["lower"]).all()
    assert "rank of value" in capsys.readouterr().out
    assert len(html_files(tmp_path)) == 4
