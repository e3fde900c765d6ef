"""The shared result type: :class:`Explanation`.

Every adapter returns one; every plot, comparison and stability utility
consumes one. It is a small wrapper around an :class:`xarray.DataArray` of
values with named dims, plus provenance (method, backend, library versions,
parameters) and the context needed to read the values (base value, the
feature values of the explained rows, an uncertainty alongside the values).

Dims used across interpkit (by convention, not enforced):

=================================  ==========================================
dims                               meaning
=================================  ==========================================
``("feature",)``                   global importance / coefficients
``("sample", "feature")``          local attributions
``("lambda", "feature")``          regularisation paths
``("lambda",)``                    CV curves (``error`` holds the std. error)
``("feature", "grid")``            shape functions
``("sample", "token")``            token attributions
``("layer", "sample", "unit")``    activations / neuron attributions
``("sample", "channel", "height", "width")``  image attributions
``("replicate", ...)``             stacked replicates from stability runs
=================================  ==========================================
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["Explanation", "feature_coords", "jsonable", "load", "stack"]

_FORMAT_VERSION = 1


@dataclass(frozen=True, eq=False)
class Explanation:
    """Labeled explanation values with provenance.

    Parameters
    ----------
    values : xarray.DataArray
        The explanation, with named dims and coordinates (see module docs).
    method : str
        Name of the method, e.g. ``"lasso"``, ``"kernel_shap"``.
    backend : str
        Library that computed it, e.g. ``"glmnet"``.
    versions : dict of str to str
        Versions of interpkit and of the backend libraries used.
    params : dict
        JSON-serialisable parameters the method ran with.
    output_name : str, optional
        Name of the explained model output (target column, class, logit).
    base_value : float or xarray.DataArray, optional
        Reference output the attributions are measured from, so that for
        additive methods ``values.sum("feature") + base_value`` is the
        prediction.
    data : xarray.DataArray, optional
        Feature values of the explained rows, dims ``("sample", "feature")``.
    error : xarray.DataArray, optional
        An uncertainty with the same dims as ``values`` (a standard error, a
        posterior standard deviation), ``None`` when the method gives none.
    annotations : dict of str to float
        Named scalars that belong with the values, e.g. ``lambda_min``.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> vals = xr.DataArray(np.array([0.5, -1.0]), dims=("feature",),
    ...                     coords={"feature": ["age", "bmi"]})
    >>> e = Explanation(vals, method="demo", backend="numpy")
    >>> e.to_frame()["value"].tolist()
    [0.5, -1.0]
    """

    values: xr.DataArray
    method: str
    backend: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    output_name: str | None = None
    base_value: float | xr.DataArray | None = None
    data: xr.DataArray | None = None
    error: xr.DataArray | None = None
    annotations: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.values, xr.DataArray):
            raise TypeError(
                f"Explanation.values must be an xarray.DataArray, got {type(self.values).__name__}"
            )
        if self.error is not None and self.error.dims != self.values.dims:
            raise ValueError(
                f"error dims {self.error.dims} differ from values dims {self.values.dims}"
            )
        json.dumps(self.params, default=_json_default)  # fail early if not serialisable

    # -- convenience views -------------------------------------------------
    @property
    def dims(self) -> tuple[str, ...]:
        """Names of the value dims, e.g. ``("sample", "feature")``."""
        return tuple(str(d) for d in self.values.dims)

    @property
    def feature_names(self) -> list[str] | None:
        """Feature coordinate as a list of str, or None without a feature dim."""
        if "feature" not in self.values.coords:
            return None
        return [str(f) for f in self.values.coords["feature"].values]

    def to_numpy(self) -> np.ndarray:
        """The values as a plain array, dims in :attr:`dims` order."""
        return self.values.to_numpy()

    def to_frame(self) -> pd.DataFrame:
        """Tidy long table: one column per dim, then ``value`` (and ``error``).

        Returns
        -------
        pandas.DataFrame
            One row per element of ``values``.
        """
        name = "value"
        frame = self.values.rename(name).to_dataframe()[[name]]
        if self.error is not None:
            frame["error"] = self.error.rename("error").to_dataframe()["error"].to_numpy()
        return frame.reset_index()

    def with_values(self, values: xr.DataArray, **changes: Any) -> Explanation:
        """A copy with new values (and any other fields changed)."""
        return replace(self, values=values, **changes)

    # -- equality / display --------------------------------------------------
    def equals(self, other: object) -> bool:
        """True when every field, values included, is identical."""
        if not isinstance(other, Explanation):
            return False
        return _to_payload(self) == _to_payload(other)

    def __repr__(self) -> str:
        shape = ", ".join(f"{d}: {n}" for d, n in self.values.sizes.items())
        extras = [f"method={self.method!r}", f"backend={self.backend!r}"]
        if self.output_name is not None:
            extras.append(f"output={self.output_name!r}")
        if self.base_value is not None and np.ndim(self.base_value) == 0:
            extras.append(f"base_value={float(self.base_value):.4g}")
        return f"<interpkit.Explanation ({shape}) {' '.join(extras)}>"

    def _repr_html_(self) -> str:
        head = (
            f"<b>interpkit.Explanation</b> &mdash; method <code>{self.method}</code>, "
            f"backend <code>{self.backend}</code>"
        )
        if self.output_name is not None:
            head += f", output <code>{self.output_name}</code>"
        if self.annotations:
            notes = ", ".join(f"{k} = {v:.4g}" for k, v in self.annotations.items())
            head += f"<br>{notes}"
        return f"<div>{head}</div>{self.values._repr_html_()}"

    # -- persistence ---------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write to one file, a zipped zarr store (no pickle); read it with :func:`load`.

        Parameters
        ----------
        path : str or Path
            Destination file (e.g. ``"lasso.ipk"``).

        Returns
        -------
        Path
            The written path.
        """
        from interpkit.persist import save

        return save(self, path)


def load(path: str | Path) -> Any:
    """Read an Explanation, StabilityResult or Comparison written by its ``save()``.

    The type returned is the one the file holds; a file interpkit did not
    write raises a ValueError naming it (see :mod:`interpkit.persist`).
    """
    from interpkit.persist import load as _load

    return _load(path)


def stack(explanations: list[Explanation], dim: str = "replicate") -> Explanation:
    """Stack explanations of the same shape along a new leading ``dim``.

    Provenance is taken from the first explanation; base values and errors
    are stacked too when every explanation has them.
    """
    if not explanations:
        raise ValueError("stack() needs at least one explanation")
    first = explanations[0]
    index = pd.RangeIndex(len(explanations), name=dim)

    def _cat(items: list[Any]) -> xr.DataArray | None:
        if any(i is None for i in items):
            return None
        items = [i if isinstance(i, xr.DataArray) else xr.DataArray(i) for i in items]
        if _same_grid(items):
            # what xr.concat gives here, at a fraction of its cost (thousands of replicates)
            head = items[0]
            return xr.DataArray(
                np.stack([i.data for i in items]),
                dims=(dim, *head.dims),
                coords={**head.coords, dim: index},
                name=head.name,
                attrs=head.attrs,
            )
        return xr.concat(items, dim=index, coords="minimal", compat="override", join="outer")

    return replace(
        first,
        values=_cat([e.values for e in explanations]),
        error=_cat([e.error for e in explanations]),
        base_value=_cat([e.base_value for e in explanations]),
        annotations={},
    )


@lru_cache(maxsize=64)
def feature_coords(names: tuple[str, ...]) -> xr.Coordinates:
    """A ``"feature"`` coordinate built once per set of names.

    A DataArray built from ready coordinates reuses their index instead of
    building a pandas index again (about 1 ms each time): it matters when
    every stability replicate explains itself.
    """
    return xr.Coordinates({"feature": list(names)})


def _same_grid(items: list[xr.DataArray]) -> bool:
    """Same dims, shape and index coordinates: stacking needs no alignment."""
    head = items[0]
    indexes = {k: np.asarray(v) for k, v in head.indexes.items()}
    for item in items[1:]:
        if (
            item.dims != head.dims
            or item.shape != head.shape
            or item.indexes.keys() != indexes.keys()
        ):
            return False
        for k, v in indexes.items():
            if not np.array_equal(np.asarray(item.indexes[k]), v):
                return False
    return True


def jsonable(value: Any) -> Any:
    """``value`` itself when JSON can hold it, else its ``repr`` (for ``params``)."""
    if isinstance(value, np.generic):
        value = value.item()
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


# -- serialisation helpers ---------------------------------------------------
def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"parameter value of type {type(obj).__name__} is not JSON-serialisable")


def _plain_array(arr: np.ndarray) -> np.ndarray:
    # object arrays of strings would need pickle; store them as fixed-width unicode
    if arr.dtype == object:
        return arr.astype(str)
    return arr


def _dataarray_spec(da: xr.DataArray, key: str, arrays: dict[str, np.ndarray]) -> dict:
    arrays[key] = _plain_array(da.to_numpy())
    coords = {}
    for i, (cname, coord) in enumerate(da.coords.items()):
        ckey = f"{key}.coord{i}"
        arrays[ckey] = _plain_array(coord.to_numpy())
        coords[str(cname)] = {"dims": list(coord.dims), "array": ckey}
    return {
        "kind": "dataarray",
        "dims": list(da.dims),
        "array": key,
        "coords": coords,
        "name": da.name,
        "attrs": dict(da.attrs),
    }


def _to_payload(expl: Explanation, as_arrays: bool = False):
    arrays: dict[str, np.ndarray] = {}
    fields: dict[str, Any] = {}
    for key in ("values", "data", "error", "base_value"):
        value = getattr(expl, key)
        if isinstance(value, xr.DataArray):
            fields[key] = _dataarray_spec(value, key, arrays)
        elif isinstance(value, np.generic):
            fields[key] = value.item()
        else:
            fields[key] = value
    for key in ("method", "backend", "versions", "params", "output_name", "annotations"):
        fields[key] = getattr(expl, key)
    meta = {"format": _FORMAT_VERSION, "fields": fields}
    if as_arrays:
        return meta, arrays
    # comparable form: JSON text plus raw bytes, dtype and shape of each array
    return (
        json.dumps(meta, default=_json_default, sort_keys=True),
        {k: (a.dtype.str, a.shape, a.tobytes()) for k, a in arrays.items()},
    )
