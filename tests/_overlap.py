"""Reading the text of plotly figures in headless Chromium: where each label is drawn.

Used by ``tests/test_report_overlap.py``: :data:`TEXT_BOXES_JS` returns, for
every figure of the page, the bounding box of each visible SVG text element
and the figure's own box; :func:`overlaps` and :func:`outside` find labels that
collide or leave their figure.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

# per figure: its box, and every visible, non-empty SVG <text> with its box and role
TEXT_BOXES_JS = r"""
const figs = [];
document.querySelectorAll('.plotly-graph-div').forEach(function (div) {
  const box = div.getBoundingClientRect();
  const title = (div.querySelector('.gtitle') || {}).textContent || div.id;
  const texts = [];
  div.querySelectorAll('svg text').forEach(function (t) {
    if (t.closest('.hoverlayer')) return;
    const s = t.textContent.replace(/\s+/g, ' ').trim();
    if (!s) return;
    let el = t, hidden = false;
    while (el && el !== div) {
      const cs = window.getComputedStyle(el);
      if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) {
        hidden = true; break;
      }
      el = el.parentElement;
    }
    if (hidden) return;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    const g = t.parentElement;
    const role = (t.getAttribute('class') || '') + ' ' + (g ? (g.getAttribute('class') || '') : '');
    texts.push({text: s, role: role.trim(), x0: r.left, x1: r.right, y0: r.top, y1: r.bottom});
  });
  figs.push({id: div.id, title: title, x0: box.left, x1: box.right, y0: box.top, y1: box.bottom,
             texts: texts});
});
return figs;
"""

TOLERANCE = 1.0  # px of overlap allowed (anti-aliasing, rounding of glyph boxes)


def _inter(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, float]:
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return w, h


def overlaps(fig: dict[str, Any], tol: float = TOLERANCE) -> list[str]:
    """Pairs of labels of one figure whose boxes intersect by more than ``tol`` px each way."""
    out = []
    for a, b in combinations(fig["texts"], 2):
        w, h = _inter(a, b)
        if w > tol and h > tol:
            out.append(f"{a['text']!r} [{a['role']}] overlaps {b['text']!r} [{b['role']}] "
                       f"by {w:.0f}x{h:.0f}px")  # fmt: skip
    return out


def outside(fig: dict[str, Any], tol: float = TOLERANCE) -> list[str]:
    """Labels that reach beyond the figure's box by more than ``tol`` px."""
    out = []
    for t in fig["texts"]:
        over = max(fig["x0"] - t["x0"], t["x1"] - fig["x1"], fig["y0"] - t["y0"],
                   t["y1"] - fig["y1"])  # fmt: skip
        if over > tol:
            out.append(f"{t['text']!r} [{t['role']}] leaves the figure by {over:.0f}px")
    return out
