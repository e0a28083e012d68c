"""Draw a matrix as an accessible SVG bar chart, and as an HTML table of the same data.

Each column has its own fill pattern as well as its colour, every bar carries its figure as
text, and hidden figures are written as "hidden" rather than drawn, so nothing depends on
colour alone. The chart has a <title> and <desc> for screen readers; the table beside it
holds the same numbers.
"""

from __future__ import annotations

from html import escape

from exports.triangulation import Matrix

# Colours with at least 3:1 contrast against white, each paired with a different pattern.
_STYLES = (
    ("#1d4f91", "solid"),
    ("#8a2b0f", "diagonal"),
    ("#1f6b3a", "dots"),
    ("#5b2a86", "cross"),
    ("#6b4e00", "horizontal"),
)
_BAR_HEIGHT = 18
_LABEL_WIDTH = 300
_PLOT_WIDTH = 360
_FONT = "font-family:Arial,Helvetica,sans-serif;font-size:13px"


def _pattern(prefix: str, index: int, colour: str, kind: str) -> str:
    pid = f"{prefix}-p{index}"
    shapes = {
        "solid": f'<rect width="8" height="8" fill="{colour}"/>',
        "diagonal": f'<rect width="8" height="8" fill="#fff"/>'
        f'<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{colour}" stroke-width="2.5"/>',
        "dots": f'<rect width="8" height="8" fill="#fff"/><circle cx="4" cy="4" r="2.4" '
        f'fill="{colour}"/>',
        "cross": f'<rect width="8" height="8" fill="#fff"/><path d="M0,0 L8,8 M8,0 L0,8" '
        f'stroke="{colour}" stroke-width="2"/>',
        "horizontal": f'<rect width="8" height="8" fill="#fff"/><path d="M0,2 H8 M0,6 H8" '
        f'stroke="{colour}" stroke-width="2"/>',
    }
    return (
        f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f"{shapes[kind]}</pattern>"
    )


def matrix_svg(
    matrix: Matrix, title: str, id_prefix: str = "chart", *, inline_style: bool = True
) -> str:
    """Return an SVG bar chart of the share positive in each cell.

    Its ids start with `id_prefix`, so two charts can sit inline in one page. Without
    `inline_style` the text carries the classes "chart-text" and "chart-bold" instead of style
    attributes, for a page whose Content-Security-Policy forbids inline styles.
    """
    p = id_prefix
    plain = f'style="{_FONT}"' if inline_style else 'class="chart-text"'
    bold = f'style="{_FONT};font-weight:bold"' if inline_style else 'class="chart-bold"'
    columns = matrix.columns
    row_height = _BAR_HEIGHT * len(columns) + 16
    legend_height = 22 * len(columns) + 10
    height = 40 + row_height * len(matrix.rows) + legend_height
    width = _LABEL_WIDTH + _PLOT_WIDTH + 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{p}-title {p}-desc">',
        f'<title id="{p}-title">{escape(title)}</title>',
        f'<desc id="{p}-desc">{escape(_describe(matrix))}</desc>',
        "<defs>",
        *(_pattern(p, i, *_STYLES[i % len(_STYLES)]) for i in range(len(columns))),
        "</defs>",
        f'<text x="0" y="20" {bold}>{escape(title)}</text>',
    ]
    y = 40
    for row in matrix.rows:
        parts.append(
            f'<text x="0" y="{y + 13}" {bold}>'
            f"{escape(row.statement.id)} {escape(row.statement.name)}"
            f"{' (views differ)' if row.differs else ''}</text>"
        )
        for index, column in enumerate(columns):
            cell = row.cells[column]
            bar_y = y + 16 + index * _BAR_HEIGHT
            share = cell.share_positive
            label = escape(matrix.labels[column])
            parts.append(f'<text x="12" y="{bar_y + 13}" {plain}>{label}</text>')
            if share is None:
                words = "no answers" if cell.people == 0 else "hidden"
                parts.append(f'<text x="{_LABEL_WIDTH}" y="{bar_y + 13}" {plain}>{words}</text>')
                continue
            bar = max(1, round(share * _PLOT_WIDTH))
            colour = _STYLES[index % len(_STYLES)][0]
            parts.append(
                f'<rect x="{_LABEL_WIDTH}" y="{bar_y + 2}" width="{bar}" '
                f'height="{_BAR_HEIGHT - 4}" fill="url(#{p}-p{index})" stroke="{colour}"/>'
                f'<text x="{_LABEL_WIDTH + bar + 6}" y="{bar_y + 13}" {plain}>'
                f"{round(share * 100)}%</text>"
            )
        y += row_height
    for index, column in enumerate(columns):
        colour = _STYLES[index % len(_STYLES)][0]
        ly = y + 10 + index * 22
        parts.append(
            f'<rect x="0" y="{ly}" width="28" height="16" fill="url(#{p}-p{index})" '
            f'stroke="{colour}"/><text x="36" y="{ly + 13}" {plain}>'
            f"{escape(matrix.labels[column])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _describe(matrix: Matrix) -> str:
    sentences = ["Share of answers that were good or very good, for each statement and group."]
    for row in matrix.rows:
        figures = []
        for column in matrix.columns:
            share = row.cells[column].share_positive
            figures.append(
                f"{matrix.labels[column]} {'hidden' if share is None else f'{round(share * 100)}%'}"
            )
        sentences.append(f"{row.statement.id}: {', '.join(figures)}.")
    return " ".join(sentences)


def matrix_table_html(matrix: Matrix, caption: str) -> str:
    """Return an HTML table with the same figures as the chart, and the people counted."""
    head = "".join(f'<th scope="col">{escape(matrix.labels[c])}</th>' for c in matrix.columns)
    body = []
    for row in matrix.rows:
        cells = []
        for column in matrix.columns:
            cell = row.cells[column]
            share = cell.share_positive
            if cell.people == 0:
                text = "no answers"
            else:
                parts = [
                    "share hidden" if share is None else f"{round(share * 100)}% positive",
                    "people hidden" if cell.people is None else f"{cell.people} people",
                ]
                text = "hidden" if share is None and cell.people is None else ", ".join(parts)
            if cell.differs:
                text += " (differs)"
            cells.append(f"<td>{escape(text)}</td>")
        body.append(
            f'<tr><th scope="row">{escape(row.statement.id)} {escape(row.statement.name)}</th>'
            f"{''.join(cells)}</tr>"
        )
    return (
        f"<table><caption>{escape(caption)}</caption>"
        f'<thead><tr><th scope="col">Statement</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
