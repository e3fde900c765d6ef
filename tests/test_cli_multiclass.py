"""``interpkit explain`` on a target of three or more classes (string and integer labels).

Oracles: the held-out root multiclass Brier score of the report against
scikit-learn's ``brier_score_loss`` on probabilities of the backends called
directly (python-glmnet's LogitNet at the same lambda, softmax of its linear
predictors; a RandomForestClassifier with the same seed; the fitted
InterpretML model), on the same split.
"""

import numpy as np
import pandas as pd
import pytest

from interpkit.cli import main

pytest.importorskip("glmnet")


@pytest.fixture(scope="module")
def iris():
    from sklearn.datasets import load_iris

    data = load_iris(as_frame=True)
    frame = data.data.copy()
    frame["species"] = np.asarray(data.target_names)[data.target]
    return frame


def write(tmp_path, name, frame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def explain(capsys, monkeypatch, *argv):
    """Run ``interpkit explain``; return (exit code, stderr, the Report object written)."""
    from interpkit.report.html import Report

    written = []
    real = Report.write

    def keep(self, *args, **kwargs):
        written.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Report, "write", keep)
    code = main(["explain", *[str(a) for a in argv], "--no-progress", "--n-jobs", "1"])
    _, err = capsys.readouterr()
    return code, err, (written[0] if written else None)


def split(frame, target, holdout, seed=0):
    from interpkit.report.linear import _split

    X = frame.drop(columns=[target]).astype("float64")
    return _split(X, frame[target], holdout, seed)


def root_brier_sklearn(y, proba, classes):
    from sklearn.metrics import brier_score_loss

    # scikit-learn >= 1.7: mean over rows of the sum over classes of squared errors
    return float(np.sqrt(brier_score_loss(np.asarray(y), proba, labels=list(classes))))


def test_root_brier_closed_form():
    """Always predicting 1/K on balanced classes: sqrt(1 - 1/K); a sure right answer: 0."""
    from interpkit.report.multiclass import root_brier

    y = np.array(["a", "b", "c"] * 4)
    assert root_brier(np.full((12, 3), 1 / 3), y, ["a", "b", "c"]) == pytest.approx(np.sqrt(2 / 3))
    sure = (y[:, None] == np.array(["a", "b", "c"])).astype(float)
    assert root_brier(sure, y, ["a", "b", "c"]) == 0.0
    wrong = np.roll(sure, 1, axis=1)  # all mass on a wrong class: sqrt(2)
    assert root_brier(wrong, y, ["a", "b", "c"]) == pytest.approx(np.sqrt(2))


def test_string_labels_lasso_ebm_forest(tmp_path, capsys, monkeypatch, iris):
    pytest.importorskip("interpret")
    import glmnet
    from sklearn.ensemble import RandomForestClassifier

    out = tmp_path / "iris.html"
    code, err, report = explain(
        capsys, monkeypatch, "--data", write(tmp_path, "iris.csv", iris), "--target", "species",
        "--method", "lasso,ebm,mdi-rf", "--n-boot", 3, "--out", out,
    )  # fmt: skip
    assert code == 0, err
    assert "3 classes ('setosa', 'versicolor', 'virginica')" in err and "multiclass" in err
    X_train, y_train, X_hold, y_hold = split(iris, "species", 30)
    classes = ["setosa", "versicolor", "virginica"]

    # lasso: python-glmnet's multinomial LogitNet on the same rows, at the chosen lambda
    fit = report.fits["lasso"]
    assert fit.family == "multinomial"
    net = glmnet.LogitNet(alpha=1.0, lambda_path=fit.lambda_path_, n_splits=0, standardize=True)
    net.fit(X_train.to_numpy(), y_train.to_numpy())
    assert list(net.classes_) == classes
    # python-glmnet's own multinomial predict_proba normalises expit(eta_k), not a softmax
    # (R's predict(type = "response") is the softmax): from its linear predictors instead
    eta = net.decision_function(X_hold.to_numpy(), lamb=fit.lambda_)
    proba = np.exp(eta - eta.max(axis=1, keepdims=True))
    proba /= proba.sum(axis=1, keepdims=True)
    assert report.rmse["lasso"] == pytest.approx(
        root_brier_sklearn(y_hold, proba, classes), abs=1e-4
    )
    # forest: the same scikit-learn forest, same seed
    forest = RandomForestClassifier(n_estimators=200, max_features="sqrt", n_jobs=1, random_state=0)
    forest.fit(X_train.to_numpy(), y_train.to_numpy())
    proba = forest.predict_proba(X_hold.to_numpy())
    assert report.rmse["mdi-rf"] == pytest.approx(root_brier_sklearn(y_hold, proba, classes))
    # EBM: InterpretML's own predict_proba of the fitted model
    ebm = report.fits["ebm"].ebm_
    assert list(ebm.classes_) == classes
    proba = ebm.predict_proba(X_hold)
    assert report.rmse["ebm"] == pytest.approx(root_brier_sklearn(y_hold, proba, classes))
    assert 0 < report.rmse["lasso"] < np.sqrt(2 / 3)  # better than guessing 1/3

    # replicate predictions are probabilities over the user's labels
    for m in ("lasso", "ebm", "mdi-rf"):
        preds = report.results[m].predictions
        assert list(preds.coords["class"].values) == classes
        np.testing.assert_allclose(preds.sum("class"), 1.0, atol=1e-9)
        assert report.results[m].reference.values.dims == ("feature", "class")

    html = out.read_text(encoding="utf-8")
    for text in (
        "How the data were read",
        "root multiclass Brier score",
        "bootstrap summary, class setosa",
        "bootstrap summary, class virginica",
        "class versicolor",  # panel titles of the per-class figures
        "multinomial deviance",
        "probability of the observed class",
        "Do the methods agree?",
        "shape functions, one curve per class",
    ):
        assert text in html, text
    assert f"{report.rmse['lasso']:.3g}" in html
    assert "analysed as regression" not in html  # no flag: the labels were classified
    assert "Traceback" not in err


def test_integer_labels_keep_their_values(tmp_path, capsys, monkeypatch, iris):
    """Integer classes 3/5/7 stay 3/5/7 (no recoding); a forest method alone, its Brier checked."""
    from sklearn.ensemble import RandomForestClassifier

    frame = iris.assign(species=iris["species"].map({"setosa": 3, "versicolor": 5, "virginica": 7}))
    out = tmp_path / "int.html"
    code, err, report = explain(
        capsys, monkeypatch, "--data", write(tmp_path, "int.csv", frame), "--target", "species",
        "--method", "permutation-rf", "--n-boot", 2, "--holdout", 40, "--out", out,
    )  # fmt: skip
    assert code == 0, err
    assert "3 classes (3, 5, 7)" in err
    result = report.results["permutation-rf"]
    assert list(result.reference.values.coords["class"].values) == ["3", "5", "7"]
    X_train, y_train, X_hold, y_hold = split(frame, "species", 40)
    # the permutation explainer fits its forest on part of the training rows: its own
    est = report.fits["permutation-rf"].estimator_
    assert isinstance(est, RandomForestClassifier) and list(est.classes_) == [3, 5, 7]
    proba = est.predict_proba(X_hold.to_numpy())
    assert report.rmse["permutation-rf"] == pytest.approx(
        root_brier_sklearn(y_hold, proba, [3, 5, 7])
    )
    html = out.read_text(encoding="utf-8")
    assert "bootstrap summary, class 7" in html and "one-vs-rest log-loss" in html


@pytest.mark.parametrize(
    ("counts", "holdout", "words"),
    [
        ({"a": 40, "b": 40, "c": 4}, None, ["'y'", "'c' (4 rows)", "fewer than 10 rows"]),
        ({"a": 40, "b": 40, "c": 11}, "30", ["after holding out 30 rows", "--holdout"]),
    ],
)
def test_a_class_too_small_for_cv_is_refused(tmp_path, capsys, counts, holdout, words):
    rng = np.random.RandomState(0)
    y = np.concatenate([[k] * n for k, n in counts.items()])
    frame = pd.DataFrame({"x1": rng.normal(size=len(y)), "x2": rng.normal(size=len(y)), "y": y})
    argv = ["explain", "--data", write(tmp_path, "small.csv", frame), "--target", "y",
            "--method", "lasso", "--n-boot", 2, "--out", tmp_path / "r.html",
            "--no-progress"]  # fmt: skip
    if holdout is not None:
        argv += ["--holdout", holdout]
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("interpkit: error: "), err
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert not (tmp_path / "r.html").exists()
