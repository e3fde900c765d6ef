"""StabilityResult.summary() is computed once per level and handed out as copies."""

import dataclasses

import numpy as np
import pandas as pd
import xarray as xr

from interpkit.explanation import Explanation
from interpkit.stability import StabilityResult


def _result(seed=0) -> StabilityResult:
    rng = np.random.default_rng(seed)
    names = ["a", "b", "c"]
    reps = xr.DataArray(
        rng.normal(size=(20, 3)) * [3.0, 1.0, 0.1],
        dims=("replicate", "feature"),
        coords={"replicate": np.arange(20), "feature": names},
        name="coefficient",
    )
    ref = xr.DataArray([3.0, 1.0, 0.1], dims=("feature",), coords={"feature": names})
    return StabilityResult(
        replicates=Explanation(reps, method="demo"),
        reference=Explanation(ref.rename("coefficient"), method="demo"),
        predictions=None,
        y_eval=None,
        replicate_info=pd.DataFrame(index=range(20)),
        scheme="bootstrap",
    )


def test_summary_computed_once_per_level(monkeypatch):
    result = _result()
    calls = []
    compute = StabilityResult._summary
    monkeypatch.setattr(
        StabilityResult, "_summary", lambda self, level: calls.append(level) or compute(self, level)
    )
    first = result.summary()
    assert calls == [0.95]
    pd.testing.assert_frame_equal(result.summary(), first)
    pd.testing.assert_frame_equal(result.summary(level=0.95), first)
    assert calls == [0.95]
    narrow = result.summary(level=0.5)
    assert calls == [0.95, 0.5]
    # a narrower interval lies inside the wider one: the level is not mixed up in the cache
    assert (narrow["lower"] >= first["lower"]).all() and (narrow["upper"] <= first["upper"]).all()
    assert (narrow["lower"] > first["lower"]).any()


def test_cached_summary_equals_a_fresh_one_and_cannot_be_changed():
    result = _result()
    table = result.summary()
    pd.testing.assert_frame_equal(table, _result().summary())  # a result with no cache yet
    table.loc["a", "mean"] = 99.0
    table["extra"] = 1
    again = result.summary()
    assert again.loc["a", "mean"] != 99.0 and "extra" not in again
    assert again is not result.summary()


def test_replace_starts_a_fresh_cache():
    result = _result()
    before = result.summary()
    other = result.reference.with_values(-result.reference.values)
    changed = dataclasses.replace(result, reference=other)
    assert not changed.summary()["reference"].equals(before["reference"])
    pd.testing.assert_frame_equal(result.summary(), before)
