"""CAVs trained by Captum's ``captum.concept`` classifier, on activations interpkit holds.

Captum's :class:`captum.concept.TCAV` trains its CAVs with
``captum.concept._utils.classifier.DefaultClassifier``: scikit-learn's
``SGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3)`` through Captum's linear
model, on a random 67 % of the examples (Python's ``random.shuffle``), scored on
the rest. :func:`seeded_classifier` is that classifier with its two sources of
randomness seeded (Python's shuffle and the SGD's ``random_state``), so the same
seed gives the same CAV here and inside Captum's own ``TCAV`` (passed as
``classifier=``). captum is imported only when these functions run.
"""

from __future__ import annotations

import random
import warnings
from typing import Any

import numpy as np

__all__ = ["captum_direction", "seeded_classifier"]

NEEDED_FOR = "TCAV with method='captum'"


def seeded_classifier(seed: int) -> Any:
    """Captum's ``DefaultClassifier`` with its split and its SGD seeded by ``seed``."""
    from interpkit._optional import import_backend

    import_backend("captum", NEEDED_FOR)
    from captum._utils.models.linear_model.model import SkLearnSGDClassifier
    from captum.concept._utils.classifier import DefaultClassifier

    class SeededClassifier(DefaultClassifier):  # type: ignore[misc]
        def __init__(self) -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # the "keeps data in memory" note
                super().__init__()
            self.lm = SkLearnSGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3, random_state=seed)

        def train_and_eval(self, dataloader: Any, **kwargs: Any) -> Any:
            # Captum splits with the global random.shuffle: seed it, then put it back
            state = random.getstate()
            random.seed(seed)
            try:
                return super().train_and_eval(dataloader, **kwargs)
            finally:
                random.setstate(state)

    return SeededClassifier()


def captum_direction(C: np.ndarray, R: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
    """Unit CAV (random -> concept) and its threshold, from Captum's classifier."""
    from interpkit._optional import import_backend

    torch = import_backend("torch", NEEDED_FOR)
    from torch.utils.data import DataLoader, TensorDataset

    X = torch.as_tensor(np.vstack([C, R]), dtype=torch.float32)
    y = torch.as_tensor(np.r_[np.ones(len(C)), np.zeros(len(R))], dtype=torch.long)
    clf = seeded_classifier(seed)
    clf.train_and_eval(DataLoader(TensorDataset(X, y), batch_size=len(X)))
    classes = [int(c) for c in clf.classes()]
    weights = clf.weights().detach().double().numpy()
    w = weights[classes.index(1)]
    bias = clf.lm.linear.bias.detach().double().numpy().ravel()
    b = float(bias[0]) if len(bias) == 1 else float(bias[classes.index(1)])
    norm = np.linalg.norm(w)
    if norm == 0:
        raise ValueError("Captum's classifier found no direction (all weights 0)")
    return w / norm, -b / norm
