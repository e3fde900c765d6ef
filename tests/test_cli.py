"""The ``interpkit`` command line: reports are written, bad input gives one clean line."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from interpkit.cli import main
from interpkit.datasets import load_prostate

pytest.importorskip("glmnet")


@pytest.fixture(scope="module")
def prostate_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "prostate.csv"
    load_prostate().drop(columns="train").to_csv(path, index=False)
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_writes_the_report_and_prints_its_path(tmp_path, capsys):
    out_path = tmp_path / "demo.html"
    code, out, err = run(capsys, "demo", "--n-boot", 5, "--out", out_path, "--no-progress")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == str(out_path)
    page = out_path.read_text(encoding="utf-8")
    for text in ("Lasso", "Ridge", "λ_1se", "selection frequency", "held-out RMSE", "lcavol"):
        assert text.lower() in page.lower(), text
    # per method: CV curve, path, coefficients, stability; then the two methods side by
    # side and their agreement, held-out predictions, one prediction explained per method
    # (two methods: their agreement is one number, in a table rather than a heatmap)
    assert page.count("Plotly.newPlot(") == 2 * 4 + 1 + 1 + 2
    footer = page[page.index("<footer>") :]
    assert "Provenance" in footer and "replicate seeds" in footer
    assert err == ""  # --no-progress: nothing on stderr


def test_demo_default_out_is_in_the_cwd(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "demo", "--n-boot", 2, "--no-progress", "--seed", 3)
    assert code == 0
    assert Path(out.strip().splitlines()[-1]) == (tmp_path / "interpkit-demo.html").resolve()
    assert (tmp_path / "interpkit-demo.html").is_file()


def test_explain_on_a_csv(tmp_path, capsys, prostate_csv):
    out_path = tmp_path / "mine.html"
    code, out, err = run(
        capsys,
        "explain",
        "--data",
        prostate_csv,
        "--target",
        "lpsa",
        "--method",
        "enet",
        "--alpha",
        "0.5",
        "--n-boot",
        3,
        "--holdout",
        10,
        "--out",
        out_path,
        "--no-progress",
    )
    assert code == 0, err
    assert out.strip().splitlines()[-1] == str(out_path)
    page = out_path.read_text(encoding="utf-8")
    assert "Elastic net (α = 0.5)" in page and "10 held-out rows" in page
    assert "Ridge" not in page


def test_explain_without_holdout(tmp_path, capsys, prostate_csv):
    out_path = tmp_path / "noholdout.html"
    code, _, err = run(
        capsys, "explain", "--data", prostate_csv, "--target", "lpsa", "--method", "lasso",
        "--holdout", 0, "--n-boot", 2, "--out", out_path, "--no-progress",
    )  # fmt: skip
    assert code == 0, err
    page = out_path.read_text(encoding="utf-8")
    assert "coefficient path" in page
    assert "Prediction stability" not in page and "held-out" not in page
    assert "Ridge" not in page


def write(tmp_path, name, frame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def bad_inputs(tmp_path):
    """(argv after 'explain', words the one-line message must contain)."""
    X, y = load_prostate(return_X_y=True)
    good = X.assign(lpsa=y)
    text = good.assign(sex=np.where(np.arange(len(good)) % 2, "m", "f"), city="x")
    nans = good.copy()
    nans.loc[[3, 7], "age"] = np.nan
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text('a,b\n1,2\n3,"4\n')
    good_path = write(tmp_path, "good.csv", good)
    dup = tmp_path / "dup.csv"
    dup.write_text("a,a,c\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(30)))
    return {
        "missing file": (["--data", tmp_path / "nope.csv", "--target", "lpsa"], ["not found"]),
        "missing target": (["--data", good_path, "--target", "psa"], ["'psa'", "lcavol"]),
        "constant text column": (
            ["--data", write(tmp_path, "text.csv", text), "--target", "lpsa"],
            ["constant", "'city=x'"],
        ),
        "one-class target": (
            ["--data", write(tmp_path, "t.csv", good.assign(lpsa="a")), "--target", "lpsa"],
            ["'lpsa'", "one class"],
        ),
        "multiclass target with a tiny class": (
            [
                "--data",
                write(tmp_path, "m.csv", good.assign(lpsa=["rare"] * 3 + ["a", "b"] * 47)),
                "--target",
                "lpsa",
            ],
            ["'lpsa'", "'rare' (3 rows)", "fewer than 10 rows", "10-fold cross-validation"],
        ),
        "duplicate header": (
            ["--data", dup, "--target", "c"],
            ["duplicate column names", "'a' (columns 1 and 2)"],
        ),
        "nan": (
            ["--data", write(tmp_path, "nan.csv", nans), "--target", "lpsa"],
            ["missing values", "'age'", "2 rows"],
        ),
        "too few rows": (
            ["--data", write(tmp_path, "few.csv", good.head(12)), "--target", "lpsa"],
            ["too few rows", "12"],
        ),
        "few after holdout": (
            ["--data", good_path, "--target", "lpsa", "--holdout", "90"],
            ["too few rows", "90"],
        ),
        "empty file": (["--data", empty, "--target", "lpsa"], ["empty"]),
        "unparsable": (["--data", ragged, "--target", "a"], ["cannot parse"]),
        "constant column": (
            ["--data", write(tmp_path, "c.csv", good.assign(k=1.0)), "--target", "lpsa"],
            ["constant", "'k'"],
        ),
        "alpha without enet": (
            ["--data", good_path, "--target", "lpsa", "--alpha", "0.3"],
            ["--alpha", "enet"],
        ),
        "out dir missing": (
            ["--data", good_path, "--target", "lpsa", "--out", tmp_path / "no" / "r.html"],
            ["does not exist"],
        ),
        "drop unknown": (["--data", good_path, "--target", "lpsa", "--drop", "zz"], ["'zz'"]),
    }


CASES = [
    "missing file",
    "missing target",
    "constant text column",
    "one-class target",
    "multiclass target with a tiny class",
    "duplicate header",
    "nan",
    "too few rows",
    "few after holdout",
    "empty file",
    "unparsable",
    "constant column",
    "alpha without enet",
    "out dir missing",
    "drop unknown",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_one_line_and_exit_2(case, tmp_path, capsys):
    argv, words = bad_inputs(tmp_path)[case]
    code, out, err = run(capsys, "explain", *argv, "--n-boot", 2, "--no-progress")
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("interpkit: error: ")
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert "Traceback" not in err


def test_drop_makes_a_text_column_usable(tmp_path, capsys):
    X, y = load_prostate(return_X_y=True)
    path = write(tmp_path, "id.csv", X.assign(lpsa=y, id=[f"p{i}" for i in range(len(X))]))
    out_path = tmp_path / "r.html"
    code, _, err = run(
        capsys, "explain", "--data", path, "--target", "lpsa", "--drop", "id", "--method",
        "ridge", "--n-boot", 2, "--out", out_path, "--no-progress",
    )  # fmt: skip
    assert code == 0, err
    assert out_path.is_file()


def test_usage_errors_and_help(capsys):
    code, _, err = run(capsys, "explain", "--data", "x.csv", "--target", "y", "--method", "svm")
    assert code == 2 and "invalid choice" in err
    code, _, err = run(capsys, "demo", "--n-boot", "1")
    assert code == 2 and "at least 2" in err
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "demo" in out and "explain" in out
    code, _, _ = run(capsys)
    assert code == 2


def test_real_csv_with_a_text_column(capsys, tmp_path):
    """The shipped prostate file has a T/F ``train`` column: encoded for the user, and said."""
    from importlib import resources

    csv = resources.files("interpkit.datasets").joinpath("data", "prostate.csv")
    out = tmp_path / "r.html"
    code, _, err = run(
        capsys, "explain", "--data", csv, "--target", "lpsa", "--method", "ridge",
        "--n-boot", 2, "--no-progress", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    assert "note: Text column 'train' (2 levels) was one-hot encoded" in err
    assert "--drop" in err
    assert "one-hot encoded" in out.read_text()


def test_binary_target_index_column_and_text_columns(capsys, tmp_path):
    """A 0/1 target is fit as classification (stated), a pandas index column is dropped,
    text columns are encoded; every held-out error is on the probability scale."""
    import pandas as pd

    rng = np.random.RandomState(0)
    n = 100
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "city": rng.choice(["a", "b", None], n),
        }
    )
    frame["y"] = ((frame["age"] > 40) ^ (rng.rand(n) < 0.1)).astype(int)
    path = tmp_path / "cls.csv"
    frame.to_csv(path)  # with the unnamed index column
    from interpkit.cli_data import read_table

    table = read_table(str(path), "y")
    assert list(table.X.columns) == ["age", "city=a", "city=b", "city=missing"]
    assert table.task == "binary" and table.classes == [0, 1]
    out = tmp_path / "r.html"
    code, _, err = run(
        capsys, "explain", "--data", path, "--target", "y",
        "--method", "lasso,mdi-rf,permutation-rf",
        "--n-boot", 2, "--n-jobs", 1, "--no-progress", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    assert "row index pandas.to_csv writes" in err
    assert "classification (binary)" in err and "binomial" in err
    html = out.read_text()
    assert "How the data were read" in html and "root of the Brier score" in html
    assert "analysed as regression" not in html  # no flag: the target was not regressed
    # scored by the Brier score (cli_data.classifier_params), and the report says so
    assert "rise in held-out Brier score when the feature is shuffled" in html
    assert "R²" not in html.split("Random forest, permutation importance")[-1][:2000]


def test_directory_as_data(capsys, tmp_path):
    code, _, err = run(capsys, "explain", "--data", tmp_path, "--target", "lpsa")
    assert code == 2 and "directory" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_console_script_demo(tmp_path):
    exe = shutil.which("interpkit", path=str(Path(sys.executable).parent))
    assert exe, "the interpkit console script is not installed"
    out_path = tmp_path / "demo.html"
    proc = subprocess.run(
        [exe, "demo", "--n-boot", "3", "--out", str(out_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == str(out_path)
    assert out_path.stat().st_size > 1_000_000  # plotly.js is inside
    assert "Traceback" not in proc.stderr


def test_python_dash_m(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "interpkit", "explain", "--data", str(tmp_path / "x.csv"),
         "--target", "y"],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"interpkit: error: data file not found: {tmp_path / 'x.csv'}"


def test_explain_several_methods_adds_the_comparison(tmp_path, capsys, prostate_csv):
    out_path = tmp_path / "multi.html"
    code, out, err = run(
        capsys, "explain", "--data", prostate_csv, "--target", "lpsa",
        "--method", "lasso,mdi-rf", "--method", "permutation-rf", "--n-boot", 3,
        "--out", out_path, "--no-progress",
    )  # fmt: skip
    assert code == 0, err
    page = out_path.read_text(encoding="utf-8")
    for text in (
        "Do the methods agree?",
        "lasso vs mdi-rf",
        "mdi-rf vs permutation-rf",
        "Random forest, permutation importance",
        "paired",
        "Out-of-sample error per method",
    ):
        assert text in page, text
    # lasso: CV curve, path, coefficients, stability; each forest: importance, stability;
    # comparison: heatmap, bump, intervals; then the held-out predictions
    assert page.count("Plotly.newPlot(") == 4 + 2 * 2 + 3 + 1
    assert page.count("replicate seeds") == 3  # one provenance entry per method


def test_explain_names_the_missing_extra(tmp_path, capsys, prostate_csv, monkeypatch):
    import interpkit._optional

    real = interpkit._optional.has_backend
    monkeypatch.setattr(
        interpkit._optional, "has_backend", lambda name: name != "shap" and real(name)
    )
    code, _, err = run(
        capsys, "explain", "--data", prostate_csv, "--target", "lpsa", "--method", "lasso,shap-rf",
        "--out", tmp_path / "x.html",
    )  # fmt: skip
    assert code == 2
    assert err.strip() == (
        "interpkit: error: method 'shap-rf' needs the 'shap' extra, which is not installed. "
        "Install it with: pip install 'interpkit[shap]'"
    )
    assert not (tmp_path / "x.html").exists()


@pytest.mark.slow
def test_explain_with_ebm_and_shap_shows_curves_and_agreement(tmp_path, capsys, prostate_csv):
    pytest.importorskip("interpret")
    pytest.importorskip("shap")
    out_path = tmp_path / "ebm.html"
    code, _, err = run(
        capsys, "explain", "--data", prostate_csv, "--target", "lpsa",
        "--method", "ebm,shap-rf", "--n-boot", 2, "--out", out_path, "--no-progress",
    )  # fmt: skip
    assert code == 0, err
    page = out_path.read_text(encoding="utf-8")
    assert "Explainable boosting machine (EBM, main effects): shape functions" in page
    assert "orange band" in page  # refit bands next to the bag bands
    assert "ebm vs shap-rf" in page and "Random forest, TreeSHAP" in page
