"""DeepLiftShap and layer integrated gradients for text, against closed forms and Captum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("captum")
transformers = pytest.importorskip("transformers")

from interpkit.adapters.captum import (  # noqa: E402
    DeepLiftShapExplainer,
    LayerIntegratedGradientsExplainer,
    convergence_curve,
)
from interpkit.explanation import load  # noqa: E402

WORDS = ["the", "room", "was", "clean", "dirty", "staff", "rude", "friendly", "great", "bad"]
VOCAB = {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS])}
SENTENCES = ["the room was clean", "staff rude", "great friendly staff", "the room was dirty"]


@pytest.fixture(scope="module")
def tokenizer():
    """A word-level BERT tokenizer from a vocabulary built here (no download)."""
    return transformers.BertTokenizerFast(vocab=VOCAB)


class EmbedLinear(torch.nn.Module):
    """f(ids) = sum over positions of w_pos . E[id]: LayerIG on E has a closed form."""

    def __init__(self, n_vocab: int, dim: int = 3, length: int = 8, n_out: int = 2) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.embedding = torch.nn.Embedding(n_vocab, dim).double()
        self.weight = torch.nn.Parameter(torch.randn(n_out, length, dim, dtype=torch.float64))

    def forward(self, ids):
        emb = self.embedding(ids)  # (n, L, d)
        return torch.einsum("nld,kld->nk", emb, self.weight[:, : ids.shape[1]])


def closed_form(model, ids, base, target):
    emb = model.embedding.weight.detach().numpy()
    w = model.weight.detach().numpy()[target, : ids.shape[1]]
    return ((emb[ids] - emb[base]) * w).sum(-1)


def test_layer_ig_on_embedding_and_linear_equals_the_closed_form(tokenizer):
    model = EmbedLinear(len(tokenizer))
    lig = LayerIntegratedGradientsExplainer(
        model=model, layer="embedding", tokenizer=tokenizer, target=1, baseline="[UNK]"
    ).fit(SENTENCES)
    e = lig.explain(SENTENCES)
    ids = np.asarray(tokenizer(SENTENCES, padding="longest")["input_ids"])
    unk = tokenizer.unk_token_id
    base = np.where(np.isin(ids, tokenizer.all_special_ids), ids, unk)
    np.testing.assert_allclose(e.to_numpy(), closed_form(model, ids, base, 1), atol=1e-10)
    assert e.dims == ("sample", "token")
    assert list(e.values.coords["token_text"].values[1][:4]) == ["[CLS]", "staff", "rude", "[SEP]"]
    # padding: masked out, attribution 0
    mask = e.values.coords["mask"].to_numpy()
    np.testing.assert_array_equal(mask, ids != tokenizer.pad_token_id)
    assert np.all(e.to_numpy()[~mask] == 0.0) and (~mask).sum() > 0
    np.testing.assert_array_equal(e.data.to_numpy(), ids)
    # completeness: tokens sum to f(x) - f(baseline), delta stored per row
    with torch.no_grad():
        fx = model(torch.as_tensor(ids))[:, 1].numpy()
        f0 = model(torch.as_tensor(base))[:, 1].numpy()
    np.testing.assert_allclose(e.to_numpy().sum(axis=1), fx - f0, atol=1e-10)
    np.testing.assert_allclose(e.base_value.to_numpy(), f0, atol=1e-12)
    assert np.abs(e.values.coords["convergence_delta"].to_numpy()).max() < 1e-7
    assert e.params["baseline"] == "[UNK] ([UNK])" and e.params["baseline_token_id"] == unk
    assert e.params["layer"] == "embedding"


def test_pad_and_unk_baselines_give_different_recorded_results(tokenizer):
    model = EmbedLinear(len(tokenizer))
    out = {}
    for baseline in ("[PAD]", "[UNK]", "[MASK]", tokenizer.convert_tokens_to_ids("great")):
        lig = LayerIntegratedGradientsExplainer(
            model=model, layer=model.embedding, tokenizer=tokenizer, target=0, baseline=baseline
        )
        out[baseline] = lig.fit(SENTENCES).explain(SENTENCES[:2])
    assert out["[PAD]"].params["baseline_token"] == "[PAD]"
    assert out["[MASK]"].params["baseline_token_id"] == tokenizer.mask_token_id
    great = tokenizer.convert_tokens_to_ids("great")
    assert out[great].params["baseline"] == f"token id {great} (great)"
    assert not np.allclose(out["[PAD]"].to_numpy(), out["[UNK]"].to_numpy())
    ids = np.asarray(tokenizer(SENTENCES[:2], padding="longest")["input_ids"])
    for e in out.values():
        tid = e.params["baseline_token_id"]
        base = np.where(np.isin(ids, tokenizer.all_special_ids), ids, tid)
        np.testing.assert_allclose(e.to_numpy(), closed_form(model, ids, base, 0), atol=1e-10)


def test_layer_ig_agrees_with_captum_and_takes_ids_mask_and_targets(tokenizer):
    from captum.attr import LayerIntegratedGradients

    torch.manual_seed(1)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(len(tokenizer), 4)
            self.out = torch.nn.Linear(4, 3)

        def forward(self, ids, mask):
            h = torch.tanh(self.emb(ids)) * mask[..., None]
            return self.out(h.sum(1) / mask.sum(1, keepdim=True))

    net = Net()
    enc = tokenizer(SENTENCES, padding="max_length", max_length=7, return_tensors="pt")
    lig = LayerIntegratedGradientsExplainer(
        model=net, layer="emb", tokenizer=tokenizer, target="predicted", max_length=7,
        pass_attention_mask=True, n_steps=64,
    ).fit(SENTENCES)  # fmt: skip
    e = lig.explain(SENTENCES)
    pred = net(enc["input_ids"], enc["attention_mask"]).argmax(1)
    base = torch.where(enc["attention_mask"].bool() & (enc["input_ids"] > 3), 0, enc["input_ids"])
    ref = LayerIntegratedGradients(net, net.emb).attribute(
        enc["input_ids"], base, target=pred, additional_forward_args=(enc["attention_mask"],),
        n_steps=64,
    )  # fmt: skip
    np.testing.assert_allclose(e.to_numpy(), ref.sum(-1).detach().numpy(), atol=1e-6)
    # ids and tokenizer output give the same numbers as texts
    np.testing.assert_allclose(lig.explain(enc["input_ids"].numpy()).to_numpy(), e.to_numpy())
    np.testing.assert_allclose(lig.explain(dict(enc)).to_numpy(), e.to_numpy())
    assert e.values.sizes["token"] == 7
    # global view: mean |attribution| per token string, padding left out
    g = lig.explain()
    assert g.dims == ("token",) and "[PAD]" not in set(g.values.coords["token"].values)
    assert int(g.values.coords["count"].sel(token="staff")) == 2
    curve = convergence_curve(lig, SENTENCES, n_steps=(2, 8, 32))
    assert curve["max_abs_delta"].iloc[-1] < curve["max_abs_delta"].iloc[0]


def test_text_result_saves_and_loads(tokenizer, tmp_path):
    model = EmbedLinear(len(tokenizer))
    lig = LayerIntegratedGradientsExplainer(
        model=model, layer="embedding", tokenizer=tokenizer, target=0
    ).fit(pd.Series(SENTENCES))
    e = lig.explain(pd.Series(SENTENCES[:2]))
    back = load(e.save(tmp_path / "t.ipk"))
    assert back.equals(e)
    assert list(back.values.coords["token_text"].values[0][:2]) == ["[CLS]", "the"]


def test_text_bad_inputs_get_clear_errors(tokenizer):
    model = EmbedLinear(len(tokenizer))

    def lig(**kw):
        params = dict(model=model, layer="embedding", tokenizer=tokenizer, target=0)
        return LayerIntegratedGradientsExplainer(**{**params, **kw})

    with pytest.raises(ValueError, match="neither one of.*nor a token"):
        lig(baseline="[NOPE]").fit(SENTENCES)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        lig(baseline=10_000).fit(SENTENCES)
    no_mask = transformers.BertTokenizerFast(vocab=VOCAB, mask_token=None)
    with pytest.raises(ValueError, match="has no mask_token"):
        lig(tokenizer=no_mask, baseline="[MASK]").fit(SENTENCES)
    with pytest.raises(TypeError, match="token ids must be integers"):
        lig().fit(np.zeros((2, 5)))
    with pytest.raises(TypeError, match="one string"):
        lig().fit("the room was clean")
    with pytest.raises(TypeError, match="needs tokenizer="):
        lig(tokenizer=None).fit(SENTENCES)
    with pytest.raises(TypeError, match="pass layer=.*embedding"):
        lig(layer=None).fit(SENTENCES)
    with pytest.raises(ValueError, match="not a submodule"):
        lig(layer="encoder").fit(SENTENCES)
    with pytest.raises(ValueError, match="target 5 is out of range"):
        lig(target=5).fit(SENTENCES)
    with pytest.raises(ValueError, match="outside the tokenizer's vocabulary"):
        lig().fit(np.full((2, 4), 999))
    fitted = lig().fit(SENTENCES)
    with pytest.raises(ValueError, match="no stability scopes"):
        fitted.stability(SENTENCES, scope="baseline", n_boot=2)


def test_deeplift_shap_is_deeplift_averaged_over_the_baselines():
    from captum.attr import DeepLiftShap

    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(40, 4)), columns=list("abcd"))
    torch.manual_seed(0)
    lin = torch.nn.Linear(4, 1).double()
    w = lin.weight.detach().numpy()[0]
    B = X.to_numpy()[:5]
    e = DeepLiftShapExplainer(model=lin, baseline=B).fit(X).explain(X.iloc[:6])
    np.testing.assert_allclose(e.to_numpy(), w * (X.iloc[:6].to_numpy() - B.mean(0)), atol=1e-10)
    assert e.params["baseline"] == "given (5 rows)" and e.params["baseline_shape"] == [5, 4]
    torch.manual_seed(1)
    net = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2)
    ).double()
    dls = DeepLiftShapExplainer(model=net, target=1, baseline="sample:10", random_state=0).fit(X)
    e = dls.explain(X.iloc[:6])
    base = torch.as_tensor(dls.baseline_)
    ref = DeepLiftShap(net).attribute(torch.as_tensor(X.iloc[:6].to_numpy()), base, target=1)
    np.testing.assert_allclose(e.to_numpy(), ref.detach().numpy(), atol=1e-10)
    with torch.no_grad():
        fx = net(torch.as_tensor(X.iloc[:6].to_numpy()))[:, 1].numpy()
        f0 = net(base)[:, 1].mean().item()
    np.testing.assert_allclose(e.to_numpy().sum(axis=1), fx - f0, atol=1e-8)
    assert np.abs(e.values.coords["convergence_delta"]).max() < 1e-8
    assert e.params["baseline"].startswith("sample:10")
    with pytest.raises(ValueError, match="distribution of baselines.*DeepLiftExplainer"):
        DeepLiftShapExplainer(model=net, target=1, baseline="zeros").fit(X)
