"""Circuit figures and Report.add: what they draw comes from the results, null beside."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("transformer_lens")

from interpkit import circuits as C  # noqa: E402
from interpkit.plots import circuits as P  # noqa: E402
from interpkit.report import Report  # noqa: E402
from tests._circuits import induction_pairs, trained  # noqa: E402


@pytest.fixture(scope="module")
def results():
    model = trained(0)
    clean, corrupted, answer, wrong = induction_pairs(8)
    kw = {"n_boot": 20}
    return {
        "lens": C.logit_lens(model, clean, **kw),
        "patterns": C.attention_patterns(model, clean),
        "scores": C.head_scores(model, n_prompts=8, **kw),
        "resid": C.activation_patching(model, clean, corrupted, answer=answer, wrong=wrong, **kw),
        "heads": C.activation_patching(
            model, clean, corrupted, kind="heads", answer=answer, wrong=wrong, **kw
        ),
        "dla": C.direct_logit_attribution(model, clean, answer, wrong, **kw),
    }


def test_logit_lens_heatmaps_trained_and_null(results):
    lens = results["lens"]
    fig = P.logit_lens(lens)
    assert len(fig.data) == 2
    expected = lens.grid("layer", "position", measure="probability").to_numpy()
    np.testing.assert_array_equal(fig.data[0].z, expected)
    assert "random init" in fig.layout.annotations[1].text
    # repeated tokens keep distinct tick labels (position: token)
    ticks = fig.layout.xaxis.ticktext
    assert len(set(ticks)) == len(ticks)
    assert len(P.logit_lens(lens, "rank").data) == 2
    with pytest.raises(ValueError, match="measure must be"):
        P.logit_lens(lens, "loss")


def test_attention_grid_has_a_panel_per_head_and_model(results):
    fig = P.attention_patterns(results["patterns"], prompt=1)
    assert len(fig.data) == 4  # 2 layers x 1 head, trained and null
    np.testing.assert_array_equal(fig.data[1].z, results["patterns"].patterns[1, 1, 0])
    with pytest.raises(ValueError, match="prompt must be in 0..7"):
        P.attention_patterns(results["patterns"], prompt=8)


def test_head_score_bars_carry_the_intervals(results):
    scores = results["scores"]
    fig = P.head_scores(scores)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 6  # 3 scores x (trained, null)
    sub = scores.values()
    sub = sub[sub["score"] == "previous_token"]
    np.testing.assert_allclose(bars[0].y, sub["value"])
    np.testing.assert_allclose(bars[0].error_y.array, sub["upper"] - sub["value"])


def test_patching_maps_and_dla(results):
    fig = P.patching(results["resid"])
    assert [t.type for t in fig.data] == ["heatmap", "heatmap"]
    assert "clean - corrupted" in fig.layout.annotations[0].text
    np.testing.assert_array_equal(fig.data[0].z, results["resid"].grid("layer", "position"))
    # the null panel: its effect in units of the trained model's clean - corrupted gap
    resid = results["resid"]
    gap = resid.params["metrics"]["trained"]
    null = resid.grid("layer", "position", model="random init", col="effect")
    np.testing.assert_allclose(fig.data[1].z, null / (gap["clean"] - gap["corrupted"]))
    assert "units of the trained gap" in fig.layout.annotations[1].text
    own = P.patching(resid, null_scale="own")
    np.testing.assert_array_equal(own.data[1].z, resid.grid("layer", "position", "random init"))
    assert len(P.patching(results["heads"]).data) == 2
    fig = P.logit_attribution(results["dla"], level="layer")
    assert list(fig.data[0].y) == ["embed", "layer 0", "layer 1", "unembed"]
    with pytest.raises(TypeError, match="takes a Patching"):
        P.patching(results["dla"])


def test_report_adds_every_result(results, tmp_path):
    rep = Report("circuits")
    for name, result in results.items():
        rep.add(result, title=name)
    path = rep.write(tmp_path / "circuits.html")
    text = path.read_text(encoding="utf-8")
    assert text.count('class="plotly-graph-div"') == 6
    for name in results:
        assert f"{name}:" in text
