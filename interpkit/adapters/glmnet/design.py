"""The one-hot design glmnet is fit on when the user's table has text or category columns.

glmnet needs numbers. A DataFrame with string, ``category`` or boolean
columns is expanded as R's ``model.matrix`` does with treatment contrasts:
numeric columns as they are, and per text column one 0/1 column per level
except the first (the *reference level*, whose effect is the intercept's),
named ``column=level``. A missing value in a text column is a level of its
own, ``column=missing``, listed last. Levels are fixed on the data
:meth:`OneHotDesign.from_data` sees (for a stability run, all rows), so every
replicate has the same columns, even one that misses a rare level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from interpkit._frames import FrameCodec, is_categorical_dtype

__all__ = ["MISSING", "OneHotDesign", "needs_design"]

MISSING = "missing"


def needs_design(X: Any) -> bool:
    """Whether ``X`` is a DataFrame with a text, category or boolean column."""
    return isinstance(X, pd.DataFrame) and any(is_categorical_dtype(t) for t in X.dtypes)


@dataclass
class OneHotDesign:
    """How a table with text columns becomes glmnet's numeric design, and which column is whose.

    Attributes
    ----------
    codec : FrameCodec
        The user's columns and each text column's labels.
    levels : dict
        Text column -> its levels as text, the reference first (``"missing"``
        last when the column had missing values).
    encoded : list of str
        The design's column names: numeric columns by name, levels as
        ``column=level``.
    origins : list of str
        The user's column each design column comes from.
    """

    codec: FrameCodec
    levels: dict[str, list[str]] = field(default_factory=dict)
    encoded: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)

    @classmethod
    def from_data(cls, X: pd.DataFrame, *, what: str = "X") -> OneHotDesign:
        codec = FrameCodec.from_data(X, what=what)
        codes = codec.encode(X, what=what, allow_constant=True)
        design = cls(codec)
        for j, name in enumerate(codec.names):
            if name not in codec.categories:
                design.encoded.append(name)
                design.origins.append(name)
                continue
            levels = [str(v) for v in codec.categories[name]]
            if np.isnan(codes[:, j]).any():
                levels.append(MISSING)
            design.levels[name] = levels
            for level in levels[1:]:
                design.encoded.append(f"{name}={level}")
                design.origins.append(name)
        return design

    @property
    def names(self) -> list[str]:
        """The user's column names."""
        return self.codec.names

    @property
    def reference_levels(self) -> dict[str, str]:
        """Text column -> the level its coefficients are contrasts with."""
        return {name: levels[0] for name, levels in self.levels.items()}

    def encode(
        self,
        X: Any,
        *,
        what: str = "X",
        fitted: bool = True,
        allow_constant: bool = True,
        owner: str = "the explainer",
    ) -> np.ndarray:
        """The design rows of the user's table ``X`` (the columns seen at fit time)."""
        if not isinstance(X, pd.DataFrame):
            raise TypeError(
                f"{what} is an array, but {owner} was fit on a DataFrame with text or category "
                f"columns {self.codec.categorical[:10]}; pass a DataFrame with columns "
                f"{self.names}"
            )
        codes = self.codec.encode(X, what=what, fitted=True, allow_constant=allow_constant)
        numeric = [j for j, n in enumerate(self.names) if n not in self.levels]
        gaps = [self.names[j] for j in numeric if np.isnan(codes[:, j]).any()]
        if gaps:
            raise ValueError(
                f"{what} has missing values in the numeric columns {gaps[:10]}, which glmnet "
                "cannot fit; impute or drop them first (missing values in text columns are a "
                "level of their own)"
            )
        columns = []
        for j, name in enumerate(self.names):
            z = codes[:, j]
            if name not in self.levels:
                columns.append(z[:, None])
                continue
            missing = np.isnan(z)
            if missing.any() and self.levels[name][-1] != MISSING:
                raise ValueError(
                    f"{what} column {name!r} has missing values, but the rows {owner} was fit "
                    "on had none, so there is no 'missing' level to put them in"
                )
            n_labels = len(self.codec.categories[name])
            dummies = [(z == k).astype(np.float64) for k in range(1, n_labels)]
            if self.levels[name][-1] == MISSING:
                dummies.append(missing.astype(np.float64))
            if dummies:
                columns.append(np.column_stack(dummies))
        return np.hstack(columns) if columns else np.empty((len(X), 0))

    def codes(self, rows: np.ndarray) -> np.ndarray:
        """Design rows back to one float per user column (a level's position; missing NaN)."""
        out = np.empty((rows.shape[0], len(self.names)))
        start = 0
        for j, name in enumerate(self.names):
            if name not in self.levels:
                out[:, j] = rows[:, start]
                start += 1
                continue
            width = len(self.levels[name]) - 1
            block = rows[:, start : start + width]
            start += width
            code = np.where(block.any(axis=1), block.argmax(axis=1) + 1.0, 0.0)
            if self.levels[name][-1] == MISSING:
                code[block[:, -1] == 1] = np.nan
            out[:, j] = code
        return out

    def to_original(self, values: np.ndarray, axis: int) -> np.ndarray:
        """Design-column ``values`` along ``axis`` summed into the user's columns."""
        from interpkit._pipelines import sum_to_original

        return sum_to_original(values, self.origins, self.names, axis=axis)

    def describe(self) -> dict[str, Any]:
        """What an Explanation's params record about the design."""
        return {
            "input": "the user's table, text columns one-hot encoded for glmnet",
            "reference_levels": self.reference_levels,
            "categories": self.codec.describe(),
            "feature_mapping": dict(zip(self.encoded, self.origins, strict=True)),
        }


class DesignMixin:
    """What :class:`~interpkit.adapters.glmnet.ElasticNetExplainer` does with text columns.

    Fit on a DataFrame with text columns, the explainer builds a
    :class:`OneHotDesign` (kept as ``input_codec_``, so explain-time and
    stability rows are encoded the same way) and explains its columns;
    ``feature_level="original"`` sums per-row contributions back into the
    user's columns.
    """

    feature_level: str

    def _encode_fit(self, X: Any, *, what: str = "X", allow_constant: bool = False) -> tuple:
        if not needs_design(X):
            return super()._encode_fit(X, what=what, allow_constant=allow_constant)  # type: ignore[misc]
        design = OneHotDesign.from_data(X, what=what)
        rows = design.encode(X, what=what, allow_constant=allow_constant, owner=type(self).__name__)
        return rows, list(design.names), design

    def _fit_checked(self, X: np.ndarray, y: np.ndarray, feature_names: list, **kw: Any) -> Any:
        if self.feature_level not in ("encoded", "original"):
            raise ValueError(
                f"feature_level must be 'encoded' or 'original', got {self.feature_level!r}"
            )
        out = super()._fit_checked(X, y, feature_names, **kw)  # type: ignore[misc]
        self.n_features_in_ = len(feature_names)  # the user's columns, not the design's
        return out

    @property
    def design_(self) -> OneHotDesign | None:
        """The one-hot design of a fit on text columns, else None."""
        codec = getattr(self, "input_codec_", None)
        return codec if isinstance(codec, OneHotDesign) else None

    def _design_names(self) -> list[str] | None:
        design = self.design_
        return None if design is None else list(design.encoded)

    def _original_level_refusal(self) -> None:
        if self.design_ is not None and self.feature_level == "original":
            raise ValueError(
                "feature_level='original' sums per-row contributions into your columns; the "
                "coefficients of one text column's levels are contrasts with its reference "
                f"level {self.design_.reference_levels} and do not add up. Call explain(X) for "
                "contributions per column, or use feature_level='encoded' for the coefficients"
            )

    def _to_original(self, expl: Any) -> Any:
        """A local explanation over design columns, summed into the user's columns."""
        design = self.design_
        if design is None or self.feature_level != "original":
            return expl
        import xarray as xr

        values = expl.values
        axis = values.dims.index("feature")
        summed = design.to_original(values.to_numpy(), axis=axis)
        coords = {d: values.coords[d] for d in values.dims if d != "feature" and d in values.coords}
        coords["feature"] = list(design.names)
        new_values = xr.DataArray(summed, dims=values.dims, coords=coords, name=values.name)
        data = None
        if expl.data is not None:
            rows = expl.data.transpose("sample", "feature").to_numpy()
            data = xr.DataArray(
                design.codes(rows),
                dims=("sample", "feature"),
                coords={"sample": expl.data.coords["sample"], "feature": list(design.names)},
                name=expl.data.name,
            )
        params = {**expl.params, "feature_level": "original"}
        return expl.with_values(new_values, data=data, params=params)

    def _design_params(self) -> dict[str, Any]:
        design = self.design_
        if design is None:
            return {}
        return {**design.describe(), "feature_level": self.feature_level}
