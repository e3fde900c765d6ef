"""plots.sae draws what the SAE results hold, and Report.add shows every SAE result."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sae_lens")

from interpkit.plots import sae as sae_plots  # noqa: E402
from interpkit.report import Report  # noqa: E402
from interpkit.sae import (  # noqa: E402
    compare_groups,
    concept_alignment,
    seed_stability,
    survey,
    train_sae,
)
from interpkit.sae.synthetic import planted_activations  # noqa: E402


@pytest.fixture(scope="module")
def planted():
    return planted_activations(n_rows=2048, d_in=8, n_features=6, random_state=4)


@pytest.fixture(scope="module")
def sae(planted):
    return train_sae(planted.x, d_sae=12, k=2, steps=200, random_state=0)


@pytest.fixture(scope="module")
def token_survey(planted, sae):
    x = planted.x[:400].reshape(40, 10, 8)
    tokens = [[f"<t{p}>" if p % 3 == 0 else f"w{s}_{p}" for p in range(10)] for s in range(40)]
    return survey(sae, x, tokens=tokens, unembed=planted.directions.T, top=3, window=2)


def test_density_histogram_draws_the_survey_counts(token_survey):
    fig = sae_plots.density_histogram(token_survey)
    np.testing.assert_array_equal(fig.data[0].y, token_survey.density_counts)
    assert f"L0 {token_survey.l0:.2f}" in fig.layout.title.text


def test_feature_cards_escape_tokens_and_shade_by_activation(token_survey):
    f = token_survey.top_features(1)[0]
    fig = sae_plots.feature_cards(token_survey, [f])
    texts = [a.text for a in fig.layout.annotations]
    assert texts[0].startswith(f"<b>feature {f}</b>")
    assert not any("<t" in t for t in texts) and any("&lt;t" in t for t in texts)
    top = token_survey.contexts_of(f)[0]
    focus = [a for a in fig.layout.annotations if a.text.startswith("<b>") and a.y == 1]
    assert len(focus) == 1 and focus[0].bgcolor == "rgba(242, 142, 43, 1.0)"
    assert top.activation == max(c.activation for c in token_survey.contexts_of(f))


def test_seed_matching_histogram_holds_every_cosine(planted):
    st = seed_stability(planted.x, seeds=(0, 1, 2), d_sae=12, k=2, steps=50, null="shuffled")
    fig = sae_plots.seed_matching(st)
    assert len(fig.data) == 2
    np.testing.assert_array_equal(fig.data[0].x, st.cosines["cosine"])
    assert fig.data[1].name == "null: shuffled"
    html = Report("seeds").add(st).to_html()
    assert "Hungarian" in html and "share &gt; 0.9" in html


def test_report_shows_survey_concepts_and_groups(planted, sae, token_survey):
    html = Report("SAE").add(token_survey, "survey").to_html()
    assert "&lt;t" in html and "<t0>" not in html
    assert "logit effects" in html and "SAE feature survey" in html
    ca = concept_alignment(sae, {"d0": planted.directions[0]})
    fig = sae_plots.concept_alignment(ca)
    assert fig.data[0].x[0] == pytest.approx(ca.table["cosine"].iloc[0])
    gc = compare_groups(sae, planted.x[:500], planted.x[500:1000], n_boot=50)
    fig = sae_plots.group_frequencies(gc, top=5)
    assert list(fig.data[0].x) == pytest.approx(list(gc.table["difference"].head(5)))
    html = Report("more").add(ca).add(gc).to_html()
    assert "random unit directions" in html and "bootstrap intervals over inputs" in html


def test_plots_refuse_other_objects(sae):
    for func in (
        sae_plots.density_histogram,
        sae_plots.feature_cards,
        sae_plots.seed_matching,
        sae_plots.concept_alignment,
        sae_plots.group_frequencies,
    ):
        with pytest.raises(TypeError, match="takes a"):
            func(sae)
