"""``interpkit explain`` in a minute: all cores, defaults sized to the table, progress.

The wall-time goal itself is measured by ``benchmarks/bench_cli.py`` (no timed
assertions here); these tests check what makes it: the defaults chosen for a
table's size, all cores unless --n-jobs says otherwise, results that do not
depend on the number of workers, and the per-method progress with time left.
"""

import io
from unittest import mock

import numpy as np
import pandas as pd
import pytest

from interpkit import cli_defaults
from interpkit.cli import build_parser, main
from interpkit.report.methods import make_explainer
from interpkit.report.progress import MethodProgress


@pytest.fixture(scope="module")
def wide_csv(tmp_path_factory):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(90, 30)), columns=[f"x{i:02d}" for i in range(30)])
    frame["y"] = 2 * frame["x00"] + rng.normal(size=90)
    path = tmp_path_factory.mktemp("data") / "wide.csv"
    frame.to_csv(path, index=False)
    return path


def test_defaults_follow_the_table_size():
    assert not cli_defaults.light_table(97, 8)  # prostate keeps the registry's settings
    assert cli_defaults.light_table(500, 30)
    assert cli_defaults.method_params("ebm", 97, 8) == {}
    ebm = make_explainer("ebm", 0, params=cli_defaults.method_params("ebm", 500, 30))
    assert ebm.outer_bags == 4 and ebm.ebm_params == {"smoothing_rounds": 100}
    shap = make_explainer("shap-rf", 0, params=cli_defaults.method_params("shap-rf", 500, 30))
    forest = shap.estimator
    assert (forest.n_estimators, forest.max_features, forest.min_samples_leaf) == (100, 1 / 3, 3)
    assert (shap.background, shap.n_global_rows) == (50, 100)
    perm = make_explainer("permutation-rf", 0, params=cli_defaults.method_params(
        "permutation-rf", 500, 30))  # fmt: skip
    assert perm.n_repeats == 3 and perm.estimator.random_state == 0
    # without overrides the registry's command-line settings stand
    assert make_explainer("ebm", 0).outer_bags == 8
    assert make_explainer("shap-rf", 0).estimator.n_estimators == 200


def test_explain_uses_all_cores_and_sized_defaults_unless_told(wide_csv, tmp_path):
    seen = {}

    def fake_report(X, y, **kwargs):
        seen.update(kwargs)
        raise ValueError("stop here")

    argv = ["explain", "--data", str(wide_csv), "--target", "y", "--method", "lasso,ebm",
            "--out", str(tmp_path / "r.html"), "--no-progress"]  # fmt: skip
    with mock.patch("interpkit.report.analysis_report", fake_report):
        assert main(argv) == 2
        assert seen["n_jobs"] == -1 and seen["n_boot"] == 20
        assert seen["method_params"]["ebm"]["outer_bags"] == 4  # 90 x 30 > 2000 cells
        assert seen["method_params"]["lasso"] == {}
        assert main([*argv, "--n-jobs", "1"]) == 2
        assert seen["n_jobs"] == 1


def test_n_jobs_zero_is_refused(capsys):
    assert main(["demo", "--n-jobs", "0"]) == 2
    assert "--n-jobs: must not be 0" in capsys.readouterr().err


def test_help_says_what_the_defaults_cost():
    sub = build_parser()._subparsers._group_actions[0].choices["explain"]
    text = " ".join(sub.format_help().split())
    assert "What the defaults cost" in text and "refit --n-boot + 1 times" in text
    assert "default: all cores" in text


def test_same_seed_same_results_whatever_n_jobs(wide_csv):
    pytest.importorskip("sklearn")
    frame = pd.read_csv(wide_csv)
    X, y = frame.drop(columns="y"), frame["y"]
    params = cli_defaults.method_params("mdi-rf", *X.shape)
    runs = [
        make_explainer("mdi-rf", 3, params=params).stability(
            X, y, n_boot=4, random_state=3, n_jobs=n_jobs, progress=False
        )
        for n_jobs in (1, 2)
    ]
    np.testing.assert_array_equal(runs[0].replicates.values, runs[1].replicates.values)


def test_progress_per_method_with_time_left():
    out = io.StringIO()
    p = MethodProgress(["lasso", "ebm", "shap-rf"], n_boot=20, enabled=True, stream=out)
    p.start("lasso")
    assert p.time_left() is None  # nothing done yet: no estimate
    p.done("lasso")
    p.seconds["lasso"] = 3.0  # as if lasso took 3 s
    w = cli_defaults.RELATIVE_COST
    assert p.time_left() == pytest.approx(3.0 / w["lasso"] * (w["ebm"] + w["shap-rf"]))
    p.start("ebm")
    lines = out.getvalue().splitlines()
    assert lines[0] == "interpkit: [1/3] lasso: fit + 20 bootstrap refits"
    assert lines[1].startswith("interpkit: [1/3] lasso: done in ")
    assert lines[2].startswith("interpkit: [2/3] ebm: fit + 20 bootstrap refits; about ")
    assert lines[2].endswith(" left in all")
    quiet = io.StringIO()
    MethodProgress(["lasso"], 5, enabled=False, stream=quiet).start("lasso")
    assert quiet.getvalue() == ""
