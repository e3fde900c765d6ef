"""Plots of multiclass results: ``class_=`` selects a class, else one panel per class.

:func:`by_class` wraps a plot function that takes one value per feature so
that it also takes results with a ``"class"`` dim (see
:mod:`interpkit.classes`): ``class_="setosa"`` plots that class; without
``class_`` a figure stacks one panel per class (``"facet"``), or, for plots
that already have several panels (stability), shows the mean ``|value|``
over classes (``"aggregate"``), saying so in the title.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

from interpkit.classes import AGGREGATE, aggregate_classes, class_labels, has_classes, select_class

__all__ = ["by_class", "facet"]

_AXIS_KEYS = (
    "categoryorder",
    "categoryarray",
    "autorange",
    "type",
    "title",
    "tickformat",
    "tickmode",
    "tickvals",
    "ticktext",
    "range",
    "zeroline",
)


def by_class(func: Callable[..., go.Figure], mode: str = "facet") -> Callable[..., go.Figure]:
    """``func`` taking multiclass results too, with a ``class_=`` keyword."""

    @functools.wraps(func)
    def wrapper(item: Any, *args: Any, class_: Any = None, **kwargs: Any) -> go.Figure:
        if not has_classes(item):
            if class_ is not None:
                raise ValueError(
                    f"class_={class_!r} selects a class, but this result has no 'class' dim"
                )
            return func(item, *args, **kwargs)
        if class_ is not None:
            return func(select_class(item, class_), *args, **kwargs)
        if mode == "aggregate":
            fig = func(aggregate_classes(item), *args, **kwargs)
            text = fig.layout.title.text or func.__name__
            note = f"{AGGREGATE} (class_= selects one)"
            if text.endswith("</sup>"):  # a subtitle: the note on a line of its own
                text = f"{text[: -len('</sup>')]}<br>{note}</sup>"
                top = fig.layout.margin.t or 100
                fig.update_layout(margin_t=top + 16)
            else:
                text = f"{text}<br><sup>{note}</sup>"
            return fig.update_layout(title_text=text)
        labels = class_labels(item)
        figs = [func(select_class(item, c), *args, **kwargs) for c in labels]
        return facet(figs, [f"class {c}" for c in labels])

    wrapper.__doc__ = (func.__doc__ or "") + (
        "\n    Multiclass results (a ``'class'`` dim): ``class_=`` plots one class; "
        + (
            "without it, one panel per class.\n"
            if mode == "facet"
            else f"without it, the {AGGREGATE}.\n"
        )
    )
    return wrapper


def facet(figs: list[go.Figure], titles: list[str]) -> go.Figure:
    """Stack single-panel figures as rows of one figure, one title each."""
    from plotly.subplots import make_subplots

    out = make_subplots(rows=len(figs), cols=1, subplot_titles=titles, vertical_spacing=0.12)
    for row, fig in enumerate(figs, start=1):
        for trace in fig.data:
            trace = go.Figure(trace).data[0]  # a copy
            if row > 1:
                trace.showlegend = False
                if hasattr(trace, "marker") and getattr(trace.marker, "showscale", None):
                    trace.marker.showscale = False
            out.add_trace(trace, row=row, col=1)
        for axis, update in (("xaxis", out.update_xaxes), ("yaxis", out.update_yaxes)):
            layout = getattr(fig.layout, axis, None)
            if layout is not None:
                settings = {k: layout[k] for k in _AXIS_KEYS if layout[k] is not None}
                if axis == "xaxis" and row < len(figs):
                    settings.pop("title", None)  # one x title, under the last panel
                update(settings, row=row, col=1)
    first = figs[0].layout
    height = (first.height or 450) * len(figs) * 0.8
    out.update_layout(
        template=first.template,
        title_text=first.title.text,
        height=min(int(height), 3000),
        barmode=first.barmode,
        showlegend=first.showlegend,
    )
    return out
