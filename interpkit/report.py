"""Self-contained offline HTML reports, and the lasso/ridge analysis report.

:class:`Report` collects headings, text, tables and plotly figures and writes
ONE HTML file that works without a network: plotly.js is embedded once in the
page head, figures reference it, and nothing is loaded from a URL.

:func:`linear_report` runs the analysis behind ``interpkit demo`` and
``interpkit explain`` (lasso / ridge / elastic net with CV-tuned λ, bootstrap
stability of coefficients and of held-out predictions) and composes its report.

>>> from interpkit.report import Report
>>> rep = Report("My analysis").add_text("Hello & welcome.")
>>> path = rep.write("analysis.html")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as _dt
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # plotly is imported only when a figure is added
    import plotly.graph_objects as go

    from interpkit.stability import StabilityResult

__all__ = ["Report", "linear_report"]

_CSS = """
:root { --fg: #222; --muted: #666; --line: #e3e3e3; --accent: #4E79A7; --bg-soft: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.55 Inter, "Helvetica Neue", Helvetica, Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 28px 16px; }
h1 { font-size: 28px; line-height: 1.25; margin: 0 0 6px; }
h2 { font-size: 21px; margin: 40px 0 10px; padding-top: 14px; border-top: 1px solid var(--line); }
h3 { font-size: 17px; margin: 26px 0 8px; }
p { margin: 8px 0; max-width: 80ch; }
ul { margin: 8px 0; padding-left: 22px; max-width: 80ch; }
li { margin: 4px 0; }
.subtitle { color: var(--muted); margin: 0 0 18px; }
nav.toc { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 18px; margin: 18px 0; font-size: 14px; }
nav.toc ol { margin: 4px 0; padding-left: 20px; }
nav.toc a { color: var(--accent); text-decoration: none; }
figure { margin: 18px 0 26px; }
figure.plot { border: 1px solid var(--line); border-radius: 6px; padding: 6px; }
figcaption { color: var(--muted); font-size: 13.5px; margin: 6px 4px 0; max-width: 90ch; }
.table-wrap { overflow-x: auto; }
table.data { border-collapse: collapse; font-size: 13.5px; margin: 4px 0;
  font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 5px 12px; border-bottom: 1px solid var(--line); }
table.data thead th { border-bottom: 2px solid #bbb; text-align: left; background: var(--bg-soft); }
table.data td.num, table.data th.num { text-align: right; }
table.data tbody th { text-align: left; font-weight: 600; }
table.data tbody tr:hover { background: #fafbfd; }
footer { max-width: 1040px; margin: 40px auto 0; padding: 14px 28px 30px; color: var(--muted);
  font-size: 13px; border-top: 1px solid var(--line); }
code { background: var(--bg-soft); padding: 1px 4px; border-radius: 3px; font-size: 90%; }
"""


class Report:
    """An offline HTML report: headings, text, tables and plotly figures.

    Every ``add_*`` method returns the report, so calls can be chained.

    Parameters
    ----------
    title : str
        Page title and top heading.
    subtitle : str, optional
        A line under the title.

    Examples
    --------
    >>> import pandas as pd
    >>> rep = Report("Demo").add_heading("Numbers").add_table(pd.DataFrame({"a": [1.23456]}))
    >>> "1.235" in rep.to_html()
    True
    """

    def __init__(self, title: str, *, subtitle: str | None = None) -> None:
        self.title = str(title)
        self.subtitle = subtitle
        self._blocks: list[str] = []
        self._headings: list[tuple[int, str, str]] = []  # (level, text, id)
        self._n_figures = 0

    # -- content ----------------------------------------------------------------
    def add_heading(self, text: str, level: int = 2) -> Report:
        """A section heading (``level`` 2 or 3; level-2 headings go in the contents)."""
        if level not in (2, 3):
            raise ValueError(f"heading level must be 2 or 3, got {level}")
        anchor = self._anchor(text)
        self._headings.append((level, str(text), anchor))
        self._blocks.append(f'<h{level} id="{anchor}">{html.escape(str(text))}</h{level}>')
        return self

    def add_text(self, text: str) -> Report:
        """Paragraphs of plain text (separated by blank lines); HTML is escaped."""
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text)) if p.strip()]
        for para in paragraphs:
            self._blocks.append(f"<p>{html.escape(' '.join(para.split()))}</p>")
        return self

    def add_list(self, items: Sequence[str]) -> Report:
        """A bulleted list of plain-text items; HTML is escaped."""
        lis = "".join(f"<li>{html.escape(str(item))}</li>" for item in items)
        self._blocks.append(f"<ul>{lis}</ul>")
        return self

    def add_figure(self, fig: go.Figure, caption: str | None = None) -> Report:
        """A plotly figure, rendered by the plotly.js embedded in the page.

        Parameters
        ----------
        fig : plotly.graph_objects.Figure
        caption : str, optional
            Plain text under the figure.
        """
        import plotly.graph_objects as go

        if not isinstance(fig, go.Figure):
            raise TypeError(f"add_figure() takes a plotly Figure, got {type(fig).__name__}")
        self._n_figures += 1
        height = fig.layout.height or 450
        body = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            div_id=f"ik-figure-{self._n_figures}",
            default_width="100%",
            default_height=f"{int(height)}px",
            config={"displaylogo": False, "responsive": True},
        )
        self._blocks.append(f'<figure class="plot">{body}{_caption(caption)}</figure>')
        return self

    def add_table(
        self,
        table: pd.DataFrame,
        caption: str | None = None,
        *,
        digits: int = 4,
        index: bool | None = None,
    ) -> Report:
        """A table with numbers rounded to ``digits`` significant digits.

        Parameters
        ----------
        table : pandas.DataFrame
        caption : str, optional
            Plain text under the table.
        digits : int, default 4
            Significant digits of floats.
        index : bool, optional
            Show the index; by default only when it is named or not a plain
            ``0..n-1`` range.
        """
        if isinstance(table, pd.Series):
            table = table.to_frame()
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"add_table() takes a pandas DataFrame, got {type(table).__name__}")
        if index is None:
            index = table.index.name is not None or not (
                isinstance(table.index, pd.RangeIndex)
                and table.index.start == 0
                and table.index.step == 1
            )
        numeric = [pd.api.types.is_numeric_dtype(dt) for dt in table.dtypes]
        head = []
        if index:
            head.append(f"<th>{html.escape(str(table.index.name or ''))}</th>")
        head += [
            f'<th class="{"num" if num else ""}">{html.escape(str(col))}</th>'
            for col, num in zip(table.columns, numeric, strict=True)
        ]
        rows = []
        for label, row in zip(table.index, table.itertuples(index=False), strict=True):
            cells = [f"<th>{html.escape(str(label))}</th>"] if index else []
            for value, num in zip(row, numeric, strict=True):
                cls = ' class="num"' if num else ""
                cells.append(f"<td{cls}>{html.escape(_format_cell(value, digits))}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        self._blocks.append(
            '<figure class="table"><div class="table-wrap"><table class="data">'
            f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody>"
            f"</table></div>{_caption(caption)}</figure>"
        )
        return self

    # -- output -------------------------------------------------------------------
    def to_html(self) -> str:
        """The whole page as one string."""
        from interpkit import __version__

        plotly_js = ""
        plotly_note = ""
        if self._n_figures:
            import plotly
            from plotly.offline import get_plotlyjs

            plotly_js = f'<script type="text/javascript">{get_plotlyjs()}</script>'
            plotly_note = f", plotly {plotly.__version__}"
        toc = ""
        level2 = [(text, anchor) for level, text, anchor in self._headings if level == 2]
        if len(level2) >= 3:
            items = "".join(
                f'<li><a href="#{anchor}">{html.escape(text)}</a></li>' for text, anchor in level2
            )
            toc = f'<nav class="toc"><b>Contents</b><ol>{items}</ol></nav>'
        subtitle = f'<p class="subtitle">{html.escape(self.subtitle)}</p>' if self.subtitle else ""
        today = _dt.date.today().isoformat()
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="interpkit {__version__}">\n'
            f"<title>{html.escape(self.title)}</title>\n"
            f"<style>{_CSS}</style>\n{plotly_js}\n</head>\n<body>\n<main>\n"
            f"<h1>{html.escape(self.title)}</h1>\n{subtitle}\n{toc}\n"
            + "\n".join(self._blocks)
            + "\n</main>\n"
            f"<footer>Generated by interpkit {html.escape(__version__)}{plotly_note} "
            f"on {today}. This file is self-contained and works offline.</footer>\n"
            "</body>\n</html>\n"
        )

    def write(self, path: str | Path) -> Path:
        """Write the report to ``path`` (UTF-8) and return the path."""
        path = Path(path)
        path.write_text(self.to_html(), encoding="utf-8")
        return path

    def _anchor(self, text: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "section"
        taken = {a for _, _, a in self._headings}
        anchor, i = base, 2
        while anchor in taken:
            anchor, i = f"{base}-{i}", i + 1
        return anchor


def _caption(caption: str | None) -> str:
    return f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""


def _format_cell(value: Any, digits: int) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return "–" if np.isnan(value) else str(value)
        if value == int(value) and abs(value) < 10**digits:
            return str(int(value))
        return f"{value:.{digits}g}"
    return str(value)


# ---------------------------------------------------------------------------
# the lasso / ridge analysis report (interpkit demo / interpkit explain)
# ---------------------------------------------------------------------------
METHODS = ("lasso", "ridge", "enet")


def _reading_guide(methods: Sequence[str], holdout: int) -> list[str]:
    """Plain-language notes for the report's readers, for the methods shown."""
    sparse = [m for m in methods if m != "ridge"]
    guide = [
        "λ (lambda) is the penalty strength. Larger λ shrinks coefficients towards zero"
        + ("; the lasso sets some exactly to zero (dropping those features)" if sparse else "")
        + ("; ridge only shrinks them." if "ridge" in methods else "."),
        "λ_min is the λ with the lowest cross-validated error. λ_1se is the largest λ whose "
        "error is within one standard error of that minimum: a simpler model that predicts "
        "about as well. The models here use λ_1se, as R's glmnet does by default.",
        "The CV curve shows the cross-validated error for each λ (dots) with ±1 standard "
        "error (bars); the numbers along the top count the nonzero coefficients.",
        "The coefficient path shows every coefficient as λ varies; the dashed lines mark "
        "λ_min and λ_1se.",
        "Coefficients are per standard deviation of each feature, so their sizes are "
        "comparable across features.",
        "Stability: the whole analysis (including choosing λ by cross-validation) is repeated "
        "on bootstrap resamples of the training rows. A wide interval means the coefficient "
        "depends a lot on which rows happened to be in the data; the × marks the fit on all "
        "training rows.",
        "Selection frequency is the share of resamples in which a feature got a nonzero "
        "coefficient. A feature selected in, say, 40% of resamples is not reliably important, "
        "even if the model fit on all rows kept it."
        + (" Ridge never drops features, so its frequency is 100%." if "ridge" in methods else ""),
    ]
    if holdout:
        guide.append(
            "Prediction stability: each faint point is the prediction of one resampled model "
            "for a held-out row, plotted against the row's observed value. Points on the "
            "dashed line y = x would be perfect; a tall column means that prediction depends "
            "on the resample."
        )
    return guide


def _method_label(method: str, alpha: float) -> str:
    return {"lasso": "Lasso", "ridge": "Ridge"}.get(method, f"Elastic net (α = {alpha:g})")


def _make_explainer(method: str, alpha: float, seed: int):
    import interpkit

    common = {"random_state": seed, "standardized_coef": True}
    if method == "lasso":
        return interpkit.LassoExplainer(**common)
    if method == "ridge":
        return interpkit.RidgeExplainer(**common)
    if method == "enet":
        return interpkit.ElasticNetExplainer(alpha=alpha, **common)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _summary_table(result: StabilityResult) -> pd.DataFrame:
    table = result.summary()
    pct = f"{(1 - result.level) / 2:.1%}".replace(".0%", "%")
    pct_hi = f"{1 - (1 - result.level) / 2:.1%}".replace(".0%", "%")
    out = pd.DataFrame(
        {
            "full-data fit": table["reference"],
            "mean": table["mean"],
            "sd": table["sd"],
            pct: table["lower"],
            pct_hi: table["upper"],
            "selected": table["selection_frequency"].map(lambda f: f"{f:.0%}"),
            "sign agreement": table["sign_agreement"].map(
                lambda f: "–" if not np.isfinite(f) else f"{f:.0%}"
            ),
            "mean rank": table["mean_rank"],
        },
        index=table.index,
    )
    out.index.name = "feature"
    return out


def linear_report(
    X: pd.DataFrame,
    y: pd.Series,
    *,
    methods: Sequence[str] = ("lasso", "ridge"),
    alpha: float = 0.5,
    holdout: int = 20,
    n_boot: int = 100,
    seed: int = 0,
    n_jobs: int | None = None,
    progress: bool | None = None,
    title: str | None = None,
    intro: str | None = None,
) -> Report:
    """Fit, explain and bootstrap penalised linear models; compose their report.

    The rows are split (seeded) into ``holdout`` held-out rows and the
    training rows. Each method is fit on the training rows with λ chosen by
    10-fold CV (``λ_1se``), coefficients standardised, and its stability
    assessed by ``n_boot`` bootstrap replicates (λ re-tuned inside each),
    which also predict the held-out rows.

    Parameters
    ----------
    X : DataFrame
        Numeric features.
    y : Series
        Numeric target.
    methods : sequence of {"lasso", "ridge", "enet"}
        Methods to fit and compare.
    alpha : float, default 0.5
        Elastic-net mixing for ``"enet"``.
    holdout : int, default 20
        Number of held-out rows (0 for none: no prediction stability).
    n_boot : int, default 100
        Bootstrap replicates per method.
    seed : int, default 0
        Seeds the split, the CV folds and the bootstrap.
    n_jobs : int, optional
        Parallel workers for the bootstrap.
    progress : bool, optional
        Progress bars; by default only on an interactive terminal.
    title, intro : str, optional
        Report title and introductory text.

    Returns
    -------
    Report
        Also holds ``results`` (method -> StabilityResult) and ``rmse``
        (method -> held-out RMSE of the model fit on the training rows) as
        attributes of the report, for callers that want the numbers.
    """
    from interpkit import plots

    methods = list(dict.fromkeys(methods))
    if not methods:
        raise ValueError("no methods given")
    for m in methods:
        if m not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {m!r}")
    n, p = X.shape
    if not 0 <= holdout < n:
        raise ValueError(f"holdout must be between 0 and {n - 1} rows, got {holdout}")

    rng = np.random.RandomState(seed)
    perm = rng.permutation(n)
    hold_rows, train_rows = np.sort(perm[:holdout]), np.sort(perm[holdout:])
    X_train, y_train = X.iloc[train_rows], y.iloc[train_rows]
    X_hold = X.iloc[hold_rows] if holdout else None
    y_hold = y.iloc[hold_rows] if holdout else None
    target = str(y.name) if y.name is not None else "the target"
    labels = {m: _method_label(m, alpha) for m in methods}
    top = 20 if p > 25 else None  # plots of many features show the 20 largest

    report = Report(
        title or f"{' vs '.join(labels.values())}: what drives {target}, and how stable is it?",
        subtitle=f"{n} rows, {p} features; target {target}",
    )
    report.add_text(
        intro
        or (
            f"This report fits {_join(list(labels.values()))} regression of {target} on "
            f"{p} features. "
            + (
                f"{holdout} of the {n} rows were held out at random (seed {seed}) to check "
                f"predictions; the models are fit on the other {n - holdout}. "
                if holdout
                else f"The models are fit on all {n} rows (none held out). "
            )
            + "The penalty λ is chosen by 10-fold cross-validation. To see how much the "
            "results depend on "
            f"the particular sample, the whole fit (including choosing λ) is repeated on "
            f"{n_boot} bootstrap resamples of the training rows."
        )
    )
    report.add_heading("How to read this report")
    report.add_list(_reading_guide(methods, holdout))

    fits, results, rmse = {}, {}, {}
    for m in methods:
        explainer = _make_explainer(m, alpha, seed).fit(X_train, y_train)
        fits[m] = explainer
        results[m] = explainer.stability(
            X_train,
            y_train,
            n_boot=n_boot,
            X_eval=X_hold,
            y_eval=y_hold,
            random_state=seed,
            n_jobs=n_jobs,
            progress=progress,
        )
        if holdout:
            resid = explainer.predict(X_hold) - y_hold.to_numpy()
            rmse[m] = float(np.sqrt(np.mean(resid**2)))

    for m in methods:
        explainer, result, label = fits[m], results[m], labels[m]
        coef = explainer.explain()
        n_used = int(np.count_nonzero(coef.to_numpy()))
        report.add_heading(label)
        report.add_text(
            f"Cross-validation gives λ_min = {explainer.lambda_min_:.3g} and "
            f"λ_1se = {explainer.lambda_1se_:.3g}. At λ_1se the {label.lower()} uses "
            f"{n_used} of {p} features"
            + (f" and predicts the held-out rows with RMSE {rmse[m]:.3g}." if holdout else ".")
            + f" Mean rank agreement between resamples (Kendall's τ): "
            f"{result.rank_agreement():.2f} (1 = every resample orders the features the same)."
        )
        report.add_figure(
            plots.cv_curve(explainer.cv_curve()),
            "Cross-validated mean-squared error for each λ, ±1 standard error. The numbers "
            "along the top count the nonzero coefficients.",
        )
        report.add_figure(
            plots.path(explainer.path()),
            "Each line is one coefficient as the penalty λ varies; the model grows from left "
            "(strong penalty) to right (weak penalty).",
        )
        report.add_figure(
            plots.importance(coef, top=top),
            f"Coefficients of the model fit on all {n - holdout} training rows at λ_1se, "
            "largest first; blue raises the prediction, red lowers it.",
        )
        report.add_figure(
            plots.stability(result, top=top),
            "Left: every faint dot is one bootstrap replicate's coefficient; the bar is the "
            f"{result.level:.0%} percentile interval around the mean, | the median and × the "
            "fit on all training rows. Right: how often each feature was selected (nonzero).",
        )
        report.add_table(
            _summary_table(result),
            f"Bootstrap summary over {result.n_replicates} replicates, features by mean rank "
            "of |coefficient|.",
        )

    if len(methods) > 1 or holdout:
        report.add_heading("Comparison" if len(methods) > 1 else "Predictions")
    if len(methods) > 1:
        report.add_figure(
            plots.compare_stability({labels[m]: results[m] for m in methods}, top=top),
            "Bootstrap means and percentile intervals of the coefficients of each method, "
            "side by side; right: selection frequency.",
        )
    if holdout:
        if len(methods) > 1:
            fig = plots.compare_prediction_stability({labels[m]: results[m] for m in methods})
        else:
            fig = plots.prediction_stability(results[methods[0]])
        report.add_figure(
            fig,
            f"Each column is one of the {holdout} held-out rows: x is its observed {target}, "
            "the faint points are the predictions of the bootstrap models, the bar their "
            "percentile interval. Dashed: y = x.",
        )
        report.add_table(
            _prediction_table(methods, labels, fits, results, rmse),
            f"Held-out RMSE: error of the model fit on all training rows on the {holdout} "
            "held-out rows. Replicate RMSE: the same for each bootstrap model. Mean interval "
            "width: average width of the percentile interval of the replicate predictions.",
        )
        first = methods[0]
        report.add_heading("One held-out prediction explained", level=3)
        for m in methods:
            report.add_figure(
                plots.contributions(fits[m].explain(X_hold), 0),
                "How each feature moves this prediction away from the base value (the "
                "prediction for a row at the training means): blue up, red down."
                if m == first
                else None,
            )

    report.results = results  # type: ignore[attr-defined]
    report.rmse = rmse  # type: ignore[attr-defined]
    return report


def _prediction_table(methods, labels, fits, results, rmse) -> pd.DataFrame:
    rows = []
    for m in methods:
        res = results[m]
        preds = res.predictions.transpose("replicate", "sample").to_numpy()
        rep_rmse = np.sqrt(np.mean((preds - res.y_eval[None, :]) ** 2, axis=1))
        summ = res.prediction_summary()
        rows.append(
            {
                "method": labels[m],
                "λ_1se": fits[m].lambda_1se_,
                "nonzero coefficients": int(np.count_nonzero(fits[m].coef_)),
                "held-out RMSE": rmse[m],
                "replicate RMSE (median)": float(np.median(rep_rmse)),
                "replicate RMSE (range)": f"{rep_rmse.min():.3g}–{rep_rmse.max():.3g}",
                "mean interval width": float((summ["upper"] - summ["lower"]).mean()),
            }
        )
    return pd.DataFrame(rows)


def _join(items: list[str]) -> str:
    items = [i.lower() for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
