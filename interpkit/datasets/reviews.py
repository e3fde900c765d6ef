"""Hotel-review-like texts for the representation examples: synthetic, or read from your file.

* :func:`synthetic_reviews` -- short invented reviews, positive or negative,
  each about one aspect of a stay (staff, location, cleanliness, breakfast,
  price, bed), with the sentiment carried by many different words so that a
  probe has to generalise to words it did not see. Nothing is copied from any
  real review.
* :func:`read_reviews` -- a CSV with ``Review`` and ``Rating`` columns (such as
  the TripAdvisor hotel reviews, which are licensed for non-commercial use and
  are therefore never shipped: pass the path of your copy). Ratings 4-5 are
  positive, 1-2 negative, 3 left out.

Both return a DataFrame with columns ``text``, ``positive`` (bool) and one
bool column per concept of :data:`CONCEPTS` saying whether the text mentions it.

>>> from interpkit.datasets.reviews import synthetic_reviews
>>> df = synthetic_reviews(12, random_state=0)
>>> sorted(df.columns)
['cleanliness', 'location', 'positive', 'staff', 'text']
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

__all__ = ["CONCEPTS", "concept_mentions", "read_reviews", "synthetic_reviews"]

CONCEPTS = ("staff", "location", "cleanliness")

# keyword patterns that say a review mentions a concept (lower-cased text)
_PATTERNS = {
    "staff": r"\b(?:staff|reception\w*|concierge|front desk|manager|waiter\w*|housekeep\w*)\b",
    "location": r"\b(?:location|located|neighbou?rhood|station|metro|beach|downtown|walk\w*)\b",
    "cleanliness": r"\b(?:clean\w*|dirty|spotless|filthy|stain\w*|dust\w*|mould\w*|mold\w*)\b",
}

_GOOD = [
    "wonderful", "excellent", "superb", "delightful", "fantastic", "lovely", "outstanding",
    "brilliant", "perfect", "marvellous", "charming", "great", "impressive", "pleasant",
    "first-rate", "terrific", "splendid", "exceptional", "fabulous", "amazing",
]  # fmt: skip
_BAD = [
    "awful", "terrible", "dreadful", "horrible", "appalling", "disappointing", "poor",
    "miserable", "unacceptable", "shoddy", "lousy", "abysmal", "atrocious", "dismal",
    "frustrating", "unpleasant", "pathetic", "woeful", "horrendous", "disgraceful",
]  # fmt: skip
_ASPECTS = {
    "staff": ["the staff at the front desk", "the receptionist", "the concierge", "the staff"],
    "location": [
        "the location near the station",
        "the neighbourhood",
        "the location",
        "the walk to the beach",
    ],  # fmt: skip
    "cleanliness": [
        "the cleanliness of the room",
        "the cleaning of the bathroom",
        "the cleanliness",
        "keeping the room clean",
    ],  # fmt: skip
    "breakfast": ["the breakfast buffet", "the coffee in the morning", "the breakfast"],
    "price": ["the price for two nights", "the value for money", "the room rate"],
    "bed": ["the bed", "the bedding", "the mattress"],
}
_FRAMES = [
    "{aspect} was {word}.",
    "We found {aspect} {word}, {tail}",
    "Honestly, {aspect} was {word} and {tail}",
    "{aspect} struck us as {word}; {tail}",
]
_TAILS_GOOD = ["we would come back.", "we recommend it.", "a stay to remember.", "thank you."]
_TAILS_BAD = ["we will not return.", "avoid it.", "never again.", "what a shame."]


def concept_mentions(texts: list[str] | pd.Series) -> pd.DataFrame:
    """One bool column per concept: does the (lower-cased) text match its keywords."""
    lowered = pd.Series(list(texts), dtype=object).str.lower()
    return pd.DataFrame(
        {name: lowered.str.contains(pattern, regex=True) for name, pattern in _PATTERNS.items()}
    )


def synthetic_reviews(n: int = 48, *, random_state: int | None = 0) -> pd.DataFrame:
    """``n`` invented review sentences, alternating positive and negative.

    Aspects cycle through staff, location, cleanliness, breakfast, price and
    bed (so each concept is mentioned by about n / 6 reviews); the sentiment
    word is drawn from 20 positive or 20 negative adjectives.
    """
    if not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    rng = check_random_state(random_state)
    aspects = list(_ASPECTS)
    texts, positive = [], []
    for i in range(int(n)):
        good = i % 2 == 0
        aspect = aspects[(i // 2) % len(aspects)]
        phrase = _ASPECTS[aspect][rng.randint(len(_ASPECTS[aspect]))]
        word = (_GOOD if good else _BAD)[rng.randint(20)]
        tail = (_TAILS_GOOD if good else _TAILS_BAD)[rng.randint(4)]
        text = _FRAMES[rng.randint(len(_FRAMES))].format(aspect=phrase, word=word, tail=tail)
        texts.append(text[0].upper() + text[1:])
        positive.append(good)
    return _frame(texts, positive)


def read_reviews(
    path: str | Path, n: int | None = None, *, random_state: int | None = 0
) -> pd.DataFrame:
    """Reviews from a CSV with ``Review`` and ``Rating`` (1-5) columns; 3 stars left out.

    ``n`` keeps a random ``n`` of them, half positive and half negative where
    possible (seeded by ``random_state``).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no reviews file at {path}")
    raw = pd.read_csv(path)
    missing = {"Review", "Rating"} - set(raw.columns)
    if missing:
        raise ValueError(f"{path} lacks the column(s) {sorted(missing)}; expected Review, Rating")
    raw = raw[raw["Rating"] != 3].reset_index(drop=True)
    pos = (raw["Rating"] >= 4).to_numpy()
    index = np.arange(len(raw))
    if n is not None and n < len(raw):
        rng = check_random_state(random_state)
        half = n // 2
        good, bad = rng.permutation(index[pos]), rng.permutation(index[~pos])
        k_bad = min(len(bad), half)
        index = np.sort(np.r_[good[: n - k_bad], bad[:k_bad]])
    texts = [re.sub(r"\s+", " ", str(t)).strip() for t in raw["Review"].to_numpy()[index]]
    return _frame(texts, list(pos[index]))


def _frame(texts: list[str], positive: list[bool]) -> pd.DataFrame:
    frame = pd.DataFrame({"text": texts, "positive": np.asarray(positive, dtype=bool)})
    return pd.concat([frame, concept_mentions(texts)], axis=1)
