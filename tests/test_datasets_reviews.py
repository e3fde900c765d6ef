"""Review texts for the representation examples: synthetic ones and a user's CSV."""

import pandas as pd
import pytest

from interpkit.datasets.reviews import CONCEPTS, concept_mentions, read_reviews, synthetic_reviews


def test_synthetic_reviews_are_balanced_and_seeded():
    df = synthetic_reviews(48, random_state=0)
    assert len(df) == 48 and df["positive"].sum() == 24
    assert all(df[c].sum() == 8 for c in CONCEPTS)  # one aspect in six
    pd.testing.assert_frame_equal(df, synthetic_reviews(48, random_state=0))
    assert not df["text"].equals(synthetic_reviews(48, random_state=1)["text"])
    with pytest.raises(ValueError, match="n must be"):
        synthetic_reviews(1)


def test_concept_mentions_keywords():
    got = concept_mentions(["The Receptionist was kind", "close to the metro", "a dirty rug", "ok"])
    assert got.to_numpy().tolist() == [
        [True, False, False],
        [False, True, False],
        [False, False, True],
        [False, False, False],
    ]


def test_read_reviews(tmp_path):
    path = tmp_path / "r.csv"
    texts = [f"review  {i}\nstaff" for i in range(10)]
    pd.DataFrame({"Review": texts, "Rating": [5, 4, 3, 1, 2, 3, 5, 1, 4, 2]}).to_csv(
        path, index=False
    )
    df = read_reviews(path)
    assert len(df) == 8 and df["positive"].sum() == 4 and df["staff"].all()
    assert df["text"].iloc[0] == "review 0 staff"
    few = read_reviews(path, n=4, random_state=0)
    assert len(few) == 4 and few["positive"].sum() == 2
    with pytest.raises(FileNotFoundError):
        read_reviews(tmp_path / "missing.csv")
    pd.DataFrame({"text": ["a"]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match="Rating"):
        read_reviews(tmp_path / "bad.csv")
