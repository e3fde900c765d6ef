"""Report views of network attributions: images, tokens and the global token view.

Registered with :func:`~interpkit.report.views.register_view` when
:mod:`interpkit.report.views` is imported; the figures come from
:mod:`interpkit.plots.attributions`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from interpkit.explanation import Explanation
from interpkit.report.views import register_view

if TYPE_CHECKING:
    from interpkit.report.html import Report

MAX_IMAGES = 6
MAX_TEXTS = 20


def image_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit.plots.attributions import image_attributions

    n = expl.values.sizes["sample"]
    report.add_figure(
        image_attributions(expl, max_images=MAX_IMAGES),
        caption=f"{title}: {min(n, MAX_IMAGES)} of {n} images; signed map (blue raises the "
        "output, red lowers it) and |attribution|, channels summed, over the input in grey.",
    )


def token_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit.plots.attributions import token_html

    n = expl.values.sizes["sample"]
    caption = (
        f"{title}: {min(n, MAX_TEXTS)} of {n} texts; blue tokens raise the output, red lower "
        f"it, shaded by |attribution| within the text (baseline {expl.params.get('baseline')})."
    )
    # token_html escapes every token; the caption is escaped here
    report._blocks.append(
        f'<figure class="tokens">{token_html(expl, max_rows=MAX_TEXTS)}'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def token_importance_view(report: Report, expl: Explanation, title: str) -> None:
    from interpkit.plots.attributions import token_importance

    report.add_figure(token_importance(expl), caption=f"{title}: mean |attribution| per token")


register_view(("sample", "channel", "height", "width"), image_view)
register_view(("sample", "token"), token_view)
register_view(("token",), token_importance_view)
