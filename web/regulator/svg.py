"""Charts drawn on the server as SVG (no script, no CDN: the inspectors' machines have no internet)."""
from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = ("#c0392b", "#2980b9", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#f39c12", "#2c3e50",
           "#e84393", "#6c5ce7", "#00b894", "#fdcb6e", "#636e72", "#0984e3")
ROW = 22  # px per bar of a horizontal chart
LABEL_W = 220


def bars(title: str, rows: list[tuple[str, int]], unit: str = "条") -> Markup:
    """A horizontal bar chart: one labelled bar per row, its value at its end."""
    top = max((n for _, n in rows), default=0) or 1
    width, height = 720, 30 + ROW * max(len(rows), 1)
    parts = [_open(width, height, title), _text(8, 18, title, bold=True)]
    for i, (label, n) in enumerate(rows):
        y = 28 + i * ROW
        length = (width - LABEL_W - 60) * n / top
        parts += [_text(LABEL_W - 6, y + 14, label, anchor="end"),
                  f'<rect x="{LABEL_W}" y="{y + 3}" width="{length:.1f}" height="{ROW - 6}" fill="{PALETTE[1]}"/>',
                  _text(LABEL_W + length + 4, y + 14, f"{n} {unit}")]
    if not rows:
        parts.append(_text(LABEL_W, 44, "暂无数据"))
    return Markup("".join(parts) + "</svg>")


def stacked(title: str, columns: list[str], series: dict[str, list[int]], names: dict[str, str]) -> Markup:
    """Stacked columns (one per period), a colour per series, with the legend under the chart."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(columns))]
    top = max(totals, default=0) or 1
    plot_h, col_w, left = 200, 48, 40
    width = left + col_w * len(columns) + 20
    legend_y = plot_h + 70
    height = legend_y + 18 * len(series) + 10
    parts = [_open(width, height, title), _text(8, 18, title, bold=True),
             _text(left - 4, 34, str(top), anchor="end"), _text(left - 4, 30 + plot_h, "0", anchor="end")]
    for i, label in enumerate(columns):
        x, base = left + i * col_w, 30 + plot_h
        for k, (code, values) in enumerate(sorted(series.items())):
            h = plot_h * values[i] / top
            base -= h
            if values[i]:
                parts.append(f'<rect x="{x + 4}" y="{base:.1f}" width="{col_w - 8}" height="{h:.1f}" '
                             f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(names.get(code, code))} '
                             f'{escape(label)}：{values[i]} 条</title></rect>')
        parts += [_text(x + col_w / 2, 48 + plot_h, label, anchor="middle"),
                  _text(x + col_w / 2, 25 + plot_h - plot_h * totals[i] / top, str(totals[i]), anchor="middle")]
    for k, code in enumerate(sorted(series)):
        y = legend_y + 18 * k
        parts += [f'<rect x="{left}" y="{y - 10}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>',
                  _text(left + 18, y, f"{names.get(code, code)}（{sum(series[code])} 条）")]
    return Markup("".join(parts) + "</svg>")


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'font-family="sans-serif" font-size="12">')


def _text(x: float, y: float, value: str, anchor: str = "start", bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{weight}>{escape(value)}</text>'
