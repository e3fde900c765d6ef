"""stability(checkpoint=...): a killed run resumes where it stopped, with identical results."""

import importlib.util
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import interpkit
from interpkit.datasets import load_prostate

N_BOOT = 16

# a lasso whose fits are counted (and slowed in the subprocess, so it can be killed mid-run)
SLOW_LASSO = textwrap.dedent(
    """
    import os, time
    from interpkit import LassoExplainer

    class SlowLasso(LassoExplainer):
        fits = 0

        def _fit_checked(self, *args, **kwargs):
            type(self).fits += 1
            time.sleep(float(os.environ.get("SLOW_LASSO_DELAY", "0")))
            return super()._fit_checked(*args, **kwargs)
    """
)

RUN = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])
    from slow_lasso import SlowLasso
    from interpkit.datasets import load_prostate

    X, y = load_prostate(return_X_y=True)
    SlowLasso(cv=3).stability(
        X.iloc[:70], y[:70], n_boot={n_boot}, random_state=0, progress=False,
        X_eval=X.iloc[70:], X_explain=X.iloc[70:75], checkpoint=sys.argv[2],
    )
    """
).format(n_boot=N_BOOT)


def _slow_lasso_class(folder: Path):
    (folder / "slow_lasso.py").write_text(SLOW_LASSO)
    spec = importlib.util.spec_from_file_location("slow_lasso", folder / "slow_lasso.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SlowLasso


def _kwargs(**changes):
    X, y = load_prostate(return_X_y=True)
    kw = dict(
        X=X.iloc[:70],
        y=y[:70],
        n_boot=N_BOOT,
        random_state=0,
        progress=False,
        X_eval=X.iloc[70:],
        X_explain=X.iloc[70:75],
    )
    kw.update(changes)
    return kw


def _n_done(store: Path) -> int:
    import zarr

    try:
        return int((zarr.open_array(str(store / "info"), mode="r")[:] != "").sum())
    except Exception:  # not created yet
        return 0


def _assert_identical(a, b):
    assert a.replicates.equals(b.replicates)
    assert a.reference.equals(b.reference)
    xr.testing.assert_identical(a.predictions, b.predictions)
    pd.testing.assert_frame_equal(a.replicate_info, b.replicate_info)
    pd.testing.assert_frame_equal(a.summary(), b.summary())
    assert list(a.extras) == list(b.extras)
    for name in a.extras:
        assert a.extras[name].replicates.equals(b.extras[name].replicates)
        pd.testing.assert_frame_equal(a.extras[name].summary(), b.extras[name].summary())


def test_killed_run_resumes_with_only_the_missing_replicates(tmp_path):
    SlowLasso = _slow_lasso_class(tmp_path)
    store = tmp_path / "run.zarr"
    script = tmp_path / "run.py"
    script.write_text(RUN)
    env = {**os.environ, "SLOW_LASSO_DELAY": "0.3", "PYTHONPATH": os.getcwd()}
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path), str(store)], env=env)
    try:
        deadline = time.monotonic() + 120
        while _n_done(store) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished (or failed) before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    done = _n_done(store)
    assert 3 <= done < N_BOOT

    SlowLasso.fits = 0
    resumed = SlowLasso(cv=3).stability(**_kwargs(checkpoint=store))
    assert SlowLasso.fits == 1 + (N_BOOT - done)  # the reference, then the missing replicates
    SlowLasso.fits = 0
    again = SlowLasso(cv=3).stability(**_kwargs(checkpoint=store))
    assert SlowLasso.fits == 1  # everything on disk: only the reference is fit

    uninterrupted = SlowLasso(cv=3).stability(**_kwargs())
    _assert_identical(resumed, uninterrupted)
    _assert_identical(again, uninterrupted)
    np.testing.assert_array_equal(
        resumed.extras["local"].replicates.to_numpy(),
        uninterrupted.extras["local"].replicates.to_numpy(),
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    store = tmp_path_factory.mktemp("ck") / "run.zarr"
    interpkit.LassoExplainer(cv=3).stability(**_kwargs(n_boot=4, checkpoint=store))
    return store


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"n_boot": 5}, "n_boot: 5 here, 4 in the checkpoint"),
        ({"random_state": 1}, "random_state: 1 here, 0 in the checkpoint"),
        ({"scheme": "subsample"}, 'scheme: "subsample" here, "bootstrap" in the checkpoint'),
        ({"y": None}, r"the data differ \(y\)"),
        ({"X_explain": None}, r"the data differ \(X_explain\)"),
        ({"random_state": None}, "random_state=None draws new seeds on every call"),
    ],
)
def test_a_checkpoint_of_another_run_is_refused(written, changes, message):
    kw = _kwargs(n_boot=4, checkpoint=written)
    if "y" in changes:
        changes = {"y": kw["y"] * 2}
    kw.update(changes)
    with pytest.raises(ValueError, match=message):
        interpkit.LassoExplainer(cv=3).stability(**kw)


def test_another_explainer_is_refused(written):
    with pytest.raises(ValueError, match="the explainer differs: LassoExplainer"):
        interpkit.LassoExplainer(cv=4).stability(**_kwargs(n_boot=4, checkpoint=written))


def test_a_path_that_is_not_a_checkpoint_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="is not an interpkit checkpoint"):
        interpkit.LassoExplainer(cv=3).stability(**_kwargs(n_boot=3, checkpoint=tmp_path))


def test_summary_mode_streams_local_explanations_and_summarises_lazily(tmp_path, monkeypatch):
    import gc
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    in_memory = interpkit.LassoExplainer(cv=3).stability(**_kwargs(n_boot=5, keep_local="all"))
    lazy = interpkit.LassoExplainer(cv=3).stability(**_kwargs(n_boot=5, keep_local="summary"))
    local = lazy.extras["local"].replicates.values
    assert local.chunks is not None and local.chunks[0] == (5,)  # replicates whole, on disk
    assert len(list(tmp_path.glob("interpkit-replicates-*"))) == 1
    np.testing.assert_array_equal(local.to_numpy(), in_memory.extras["local"].replicates.to_numpy())
    pd.testing.assert_frame_equal(
        lazy.extras["local"].summary(), in_memory.extras["local"].summary()
    )
    assert lazy.replicates.equals(in_memory.replicates)
    assert lazy.extras["local"].replicates.equals(in_memory.extras["local"].replicates)
    # the temporary store lives as long as something reads from it
    del lazy
    gc.collect()
    assert len(list(tmp_path.glob("interpkit-replicates-*"))) == 1
    del local
    gc.collect()
    assert not list(tmp_path.glob("interpkit-replicates-*"))


def test_auto_keeps_small_local_explanations_in_memory():
    result = interpkit.LassoExplainer(cv=3).stability(**_kwargs(n_boot=3))
    assert result.extras["local"].replicates.values.chunks is None


def test_keep_local_is_checked():
    with pytest.raises(ValueError, match="keep_local must be one of"):
        interpkit.LassoExplainer(cv=3).stability(**_kwargs(n_boot=3, keep_local="some"))
