"""Run the shipped Explainer contract (interpkit.checks) over every registered explainer."""

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from interpkit import registry
from interpkit.checks import parametrize_with_checks


def _regression_data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 5)), columns=["a", "b", "c", "d", "e"])
    X.index = [f"row{i}" for i in range(n)]
    y = pd.Series(2 * X["a"] - X["c"] + rng.normal(scale=0.5, size=n), index=X.index)
    return X, y


def _case(name, **params):
    return lambda: (registry.get(name).create(**params), *_regression_data())


def _three_class_data(n=90, seed=0):
    X, y = _regression_data(n, seed)
    labels = pd.Series(np.digitize(y, np.quantile(y, [1 / 3, 2 / 3])), index=X.index)
    return X, labels.map({0: "low", 1: "mid", 2: "high"})


# registry name -> (unfitted explainer, data). A new explainer adds its case here.
CASES = {
    "lasso": _case("lasso", cv=5, random_state=0),
    "ridge": _case("ridge", cv=5, random_state=0),
    "enet": _case("enet", alpha=0.5, cv=5, random_state=0),
    # the default estimator (a random forest): check_clone compares get_params() by repr
    "mdi": _case("mdi", random_state=0),
    "permutation": _case("permutation", n_repeats=3, random_state=0),
    "mdi_plus": _case("mdi_plus", estimator=RandomForestRegressor(n_estimators=8), random_state=0),
    "shap": _case(
        "shap",
        estimator=DecisionTreeRegressor(max_depth=3),
        background=20,
        n_global_rows=40,
        random_state=0,
    ),
    "lime": _case(
        "lime",
        estimator=DecisionTreeRegressor(max_depth=3),
        num_samples=100,
        n_global_rows=8,
        random_state=0,
    ),
    "ebm": _case("ebm", interactions=0, outer_bags=3, max_rounds=200, random_state=0),
    "gp": _case("gp", n_restarts=1, max_iter=10, random_state=0),
    # K classes: a "class" dim on every explanation
    "lasso-multinomial": lambda: (
        registry.get("lasso").create(family="multinomial", cv=3, random_state=0),
        *_three_class_data(),
    ),
    "permutation-multiclass": lambda: (
        registry.get("permutation").create(
            estimator=DecisionTreeClassifier(max_depth=3), n_repeats=2, random_state=0
        ),
        *_three_class_data(),
    ),
    "boosting_importance": lambda: (
        registry.get("boosting_importance").create(
            estimator=__import__("lightgbm").LGBMRegressor(n_estimators=10, verbose=-1),
            random_state=0,
        ),
        *_regression_data(),
    ),
    # a fixed, fitted model: not refittable, so scope "rows" and the target checks are skipped
    "shap-model": lambda: (
        registry.get("shap").create(
            model=DecisionTreeRegressor(max_depth=3, random_state=0).fit(*_regression_data()),
            background=20,
            n_global_rows=40,
            random_state=0,
        ),
        *_regression_data(),
    ),
}


def _torch_case(name, **params):
    def make():
        import torch

        torch.manual_seed(0)
        net = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
        explainer = registry.get(name).create(model=net.double(), random_state=0, **params)
        return (explainer, *_regression_data())

    return make


def _text_case():
    import torch
    from transformers import BertTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "room", "staff"]
    tokenizer = BertTokenizerFast(vocab={w: i for i, w in enumerate(words)})
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Embedding(len(words), 4), torch.nn.Flatten(), torch.nn.LazyLinear(2)
    )
    texts = pd.Series(["good room", "bad staff", "good staff", "bad room"] * 10)
    net(torch.zeros((1, 4), dtype=torch.long))  # materialise the lazy layer for 4 tokens
    explainer = registry.get("layer_integrated_gradients").create(
        model=net.double(),
        layer="0",
        tokenizer=tokenizer,
        target=1,
        max_length=4,
        n_steps=8,
        random_state=0,
    )
    return explainer, texts, None


# a fixed (untrained) network: the contract is about names, shapes, errors and stability
CASES.update(
    {
        "integrated_gradients": _torch_case("integrated_gradients", target=0, n_steps=20),
        "saliency": _torch_case("saliency", target=0),
        "input_x_gradient": _torch_case("input_x_gradient", target=0),
        "deeplift": _torch_case("deeplift", target=0),
        "deeplift_shap": _torch_case("deeplift_shap", target=0, baseline="sample:10"),
        "gradient_shap": _torch_case("gradient_shap", target=0, baseline="sample:10"),
        "occlusion": _torch_case("occlusion", target=0),
        "layer_integrated_gradients": _text_case,
        "feature_ablation": _torch_case("feature_ablation", target=0),
    }
)


def test_every_registered_explainer_has_a_case():
    assert set(registry.entries()) <= set(CASES)


@parametrize_with_checks(CASES)
def test_contract(explainer, check):
    check(explainer)
