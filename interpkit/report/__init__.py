"""Self-contained offline HTML reports, and the lasso/ridge analysis report.

:class:`Report` (in :mod:`interpkit.report.html`) collects headings, text,
tables and plotly figures and writes ONE HTML file that works without a
network: plotly.js is embedded once in the page head, figures reference it,
and nothing is loaded from a URL. ``write(path, plotlyjs="directory")``
writes plotly.js once next to several reports instead, ``plotlyjs="cdn"``
loads it from the CDN (:mod:`interpkit.report.plotlyjs`).

:func:`linear_report` (in :mod:`interpkit.report.linear`) runs the analysis
behind ``interpkit demo`` and ``interpkit explain`` for penalised linear
models (lasso / ridge / elastic net with CV-tuned λ, bootstrap stability of
coefficients and of held-out predictions) and composes its report.
:func:`analysis_report` does the same for any mix of methods (random-forest
importances, SHAP, EBMs, ...; see :mod:`interpkit.report.methods`) and
compares them. :meth:`Report.add` shows any interpkit result.

>>> from interpkit.report import Report
>>> rep = Report("My analysis").add_text("Hello & welcome.")
>>> path = rep.write("analysis.html")  # doctest: +SKIP
"""

from __future__ import annotations

from interpkit.report.analysis import analysis_report
from interpkit.report.html import Report
from interpkit.report.linear import linear_report
from interpkit.report.views import register_view

__all__ = ["Report", "analysis_report", "linear_report", "register_view"]
