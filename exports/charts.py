"""Draw a matrix as an accessible SVG bar chart, and as an HTML table of the same data.

Each column has its own fill pattern as well as its colour, every bar carries its figure as
text, and hidden figures are written as "hidden" rather than drawn, so nothing depends on
colour alone. The chart has a <title> and <desc> for screen readers; the table beside it
holds the same numbers.
"""

from __future__ import annotations

from html import escape

from exports.triangulation import Cell, Matrix

# Colours with at least 3:1 contrast against white, each paired with a different pattern.
_STYLES = (
    ("#1d4f91", "solid"),
    ("#8a2b0f", "diagonal"),
    ("#1f6b3a", "dots"),
    ("#5b2a86", "cross"),
    ("#6b4e00", "horizontal"),
)
# The chart is drawn narrow, with every label on a line of its own above its bar, so that its
# text stays large when the chart is shrunk to a phone's width: 20 px drawn in 420 is still
# 14 px at 294 px wide, the page's width on a 320 px screen.
_WIDTH = 420
_FONT_SIZE = 20
_LINE = 26
_BAR_HEIGHT = 24
_INDENT = 12
# About how many characters of a 20 px sans-serif fit across the chart, for wrapping: about
# 9.3 px a character plain and 10 bold, so 40 bold characters take 400 px.
_CHARS_PER_LINE = 40
_FONT = f"font-family:Arial,Helvetica,sans-serif;font-size:{_FONT_SIZE}px"


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


def _wrap(text: str, width: int = _CHARS_PER_LINE) -> list[str]:
    """Break text into lines of at most `width` characters, at spaces where there are any."""
    lines: list[str] = []
    # Only plain spaces break a line: a no-break space keeps "(views differ)" whole.
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    # Never empty: splitting even "" gives one word.
    return lines


def count_words(cell: Cell) -> str:
    """Say what a cell counts: answers, and the people who gave them."""
    answers, people = cell.answers, cell.people
    if people == 0:
        return "no answers"
    said_answers = "answers hidden" if answers is None else _plural(answers, "answer")
    said_people = "a hidden number of people" if people is None else _plural(people, "person")
    if answers is None and people is None:
        return "numbers hidden"
    return f"{said_answers} from {said_people}"


def _plural(n: int, noun: str) -> str:
    if n == 1:
        return f"1 {noun}"
    return f"{n} {'people' if noun == 'person' else noun + 's'}"


def matrix_svg(
    matrix: Matrix, title: str, id_prefix: str = "chart", *, inline_style: bool = True
) -> str:
    """Return an SVG bar chart of the share positive in each cell.

    Each bar has above it its group and what the cell counts ("36 answers from 24 people"),
    and beside it its share. Its ids start with `id_prefix`, so two charts can sit inline in
    one page. Without `inline_style` the text carries the classes "chart-text" and
    "chart-bold" instead of style attributes, for a page whose Content-Security-Policy forbids
    inline styles.
    """
    p = id_prefix
    plain = f'style="{_FONT}"' if inline_style else 'class="chart-text"'
    bold = f'style="{_FONT};font-weight:bold"' if inline_style else 'class="chart-bold"'
    columns = matrix.columns
    body: list[str] = []
    y = 0

    def lines(text: str, style: str, x: int = 0) -> None:
        nonlocal y
        for line in _wrap(text, _CHARS_PER_LINE - x // 10):
            y += _LINE
            body.append(f'<text x="{x}" y="{y}" {style}>{escape(line)}</text>')

    lines(title, bold)
    lines("Bars: share of answers good or very good", plain)
    for row in matrix.rows:
        y += _LINE // 2
        differs = " (views\u00a0differ)" if row.differs else ""
        lines(f"{row.statement.id} {row.statement.name}{differs}", bold)
        for index, column in enumerate(columns):
            cell = row.cells[column]
            lines(matrix.labels[column], bold, _INDENT)
            lines(count_words(cell), plain, _INDENT * 2)
            share = cell.share_positive
            if share is None:
                if cell.people != 0:
                    lines("share hidden", plain, _INDENT * 2)
                continue
            plot = _WIDTH - _INDENT - 70
            bar = max(1, round(share * plot))
            colour = _STYLES[index % len(_STYLES)][0]
            body.append(
                f'<rect x="{_INDENT}" y="{y + 6}" width="{bar}" height="{_BAR_HEIGHT}" '
                f'fill="url(#{p}-p{index})" stroke="{colour}"/>'
                f'<text x="{_INDENT + bar + 8}" y="{y + 6 + _BAR_HEIGHT - 5}" {bold}>'
                f"{round(share * 100)}%</text>"
            )
            y += _BAR_HEIGHT + 10
    height = y + 12
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
            f'width="{_WIDTH}" height="{height}" role="img" '
            f'aria-labelledby="{p}-title {p}-desc">',
            f'<title id="{p}-title">{escape(title)}</title>',
            f'<desc id="{p}-desc">{escape(_describe(matrix))}</desc>',
            "<defs>",
            *(_pattern(p, i, *_STYLES[i % len(_STYLES)]) for i in range(len(columns))),
            "</defs>",
            *body,
            "</svg>",
        ]
    )


def _describe(matrix: Matrix) -> str:
    sentences = ["Share of answers that were good or very good, for each statement and group."]
    for row in matrix.rows:
        figures = []
        for column in matrix.columns:
            cell = row.cells[column]
            share = cell.share_positive
            figures.append(
                f"{matrix.labels[column]} {'hidden' if share is None else f'{round(share * 100)}%'}"
                f" ({count_words(cell)})"
            )
        sentences.append(f"{row.statement.id}: {', '.join(figures)}.")
    return " ".join(sentences)


def matrix_table_html(matrix: Matrix, caption: str) -> str:
    """Return an HTML table with the same figures as the chart: answers, people and share."""
    head = "".join(f'<th scope="col">{escape(matrix.labels[c])}</th>' for c in matrix.columns)
    body = []
    for row in matrix.rows:
        cells = []
        for column in matrix.columns:
            cell = row.cells[column]
            share = cell.share_positive
            if cell.people == 0:
                text = "no answers"
            elif share is None and cell.people is None:
                text = "hidden"
            else:
                said_share = (
                    "share hidden"
                    if share is None
                    else f"{round(share * 100)}% of answers positive"
                )
                text = f"{count_words(cell)}, {said_share}"
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
