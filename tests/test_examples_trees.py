"""Run the tree examples (partition, split choice, boosting stages) and check their numbers."""

from __future__ import annotations

import numpy as np
import pytest

from tests.example_scripts import html_files, load_script

pytest.importorskip("plotly")


def test_tree_partition_example(tmp_path, capsys):
    ex = load_script("examples/tree_partition.py")
    out = ex.main(["--out", str(tmp_path), "--depth", "2"])
    ok = out["checks"]
    assert ok["area_gap"] < 1e-12 and ok["overlap"] == 0 and ok["all_points_inside"]
    assert ok["value_gap"] == 0
    table, tree = out["table"], out["tree"]
    assert list(table.region) == ["R1", "R2", "R3", "R4"]  # a depth-2 tree: four leaves
    assert table.days.sum() == 330
    # the root splits on temperature at 65.5 °F on these data
    assert out["partition"].nodes.loc[0, ["feature", "threshold"]].tolist() == ["temp", 65.5]
    np.testing.assert_allclose(
        table.prediction, np.round(tree.tree_.value[table.index, 0, 0], 3), atol=0
    )
    assert html_files(tmp_path) == {"tree_partition.html"}
    assert "every day inside its leaf's rectangle: True" in capsys.readouterr().out


def test_split_choice_example(tmp_path, capsys):
    ex = load_script("examples/split_choice.py")
    out = ex.main(["--out", str(tmp_path), "--top", "2"])
    root, left = out["root"], out["left"]
    assert root.agrees and left.agrees
    assert (root.feature, root.threshold) == ("temp", 65.5)
    assert left.feature == "ibh" and len(left.data) == (root.data["temp"] <= 65.5).sum()
    assert out["brute_gap"] < 1e-9
    table = out["tables"]["root"]
    assert table.index[0] == "temp" and len(table) == 9
    assert (table.rss_drop > 0).all() and table.rss.is_monotonic_increasing
    assert html_files(tmp_path) == {"split_choice_root.html", "split_choice_left.html"}
    assert "the same: True" in capsys.readouterr().out


def test_boosting_stages_example(tmp_path, capsys):
    ex = load_script("examples/boosting_stages.py")
    out = ex.main(["--out", str(tmp_path), "--stages", "1", "2", "3", "30", "--n", "80"])
    table, bs = out["table"], out["stages"]
    assert bs.max_abs_diff < 1e-10
    assert list(table.index) == [1, 2, 3, 30]
    assert table["train MSE"].is_monotonic_decreasing
    assert table.loc[1, "pieces"] == 4  # one depth-2 tree: four steps
    assert table["pieces"].is_monotonic_increasing
    assert table.loc[30, "train MSE"] < 0.25  # below the noise variance: fitting the noise
    assert table.loc[3, "MSE vs truth"] < table.loc[1, "MSE vs truth"]
    assert html_files(tmp_path) == {"boosting_stages.html"}
    assert "max |difference|" in capsys.readouterr().out
