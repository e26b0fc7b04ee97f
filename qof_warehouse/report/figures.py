"""Plotly figures of the report, as plain figure dicts (`{"data": [...], "layout": {...}}`).

The pages carry these dicts as JSON and plotly.js draws them in the browser. Text that Plotly
renders (hover text, labels, category names) goes through `plot_text`: Plotly reads a few
HTML tags and entities in text, so names from the extract are escaped to show as written.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from qof_warehouse.report.marts import Row

Figure = dict[str, Any]

COLOUR_WITHIN = "#4c72b0"
COLOUR_OUTSIDE_95 = "#dd8452"
COLOUR_OUTSIDE_998 = "#c44e52"
COLOUR_ACHIEVED = "#55a868"
COLOUR_AT_STAKE = "#e5ae38"
COLOUR_RANGE = "#d9e8d4"
COLOUR_LIMIT_95 = "#8c8c8c"
COLOUR_LIMIT_998 = "#4d4d4d"
COLOUR_LAST_YEAR = "#9e9e9e"
COLOUR_PROJECTION = "rgba(76, 114, 176, 0.18)"
SERIES_COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c")
ROW_HEIGHT_PX = 22
DATE_MARGIN_DAYS = 12  # room either side of the QOF year so month-end points are not clipped
MIN_HEIGHT_PX = 260


def plot_text(value: object) -> str:
    """Text for Plotly to render as written (its HTML-like markup escaped)."""
    return html.escape("" if value is None else str(value), quote=False)


def percent(value: object) -> float | None:
    """A 0-1 rate as a percentage, or None."""
    return None if value is None else round(100 * float(str(value)), 4)


def number(value: object) -> float:
    return 0.0 if value is None else float(str(value))


def _layout(title: str, height: int, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": plot_text(title), "x": 0, "xanchor": "left", "font": {"size": 15}},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 70, "b": 50},
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "hovermode": "closest",
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
    }
    layout.update(extra)
    return layout


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": plot_text(title)}, "gridcolor": "#eeeeee", "zeroline": False, **extra}


def _bar_height(count: int) -> int:
    return max(MIN_HEIGHT_PX, 120 + ROW_HEIGHT_PX * count)


def outlier_colour(row: Row) -> str:
    if row["outlier_998"] != "within":
        return COLOUR_OUTSIDE_998
    if row["outlier_95"] != "within":
        return COLOUR_OUTSIDE_95
    return COLOUR_WITHIN


def _limit_line(rows: Sequence[Row], column: str, name: str, colour: str, dash: str, legend: bool) -> Row:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": plot_text(name),
        "legendgroup": column[-3:],
        "showlegend": legend,
        "x": [row["measure_denominator"] for row in rows],
        "y": [percent(row[column]) for row in rows],
        "line": {"color": colour, "dash": dash, "width": 1},
        "hoverinfo": "skip",
    }


def funnel_figure(rows: Sequence[Row], names: Mapping[str, str], title: str, rate_label: str) -> Figure:
    """A funnel plot: one point per practice (its rate against its denominator), the group's
    rate as the centre line, and the 95 % and 99.8 % limits drawn through the practices'
    denominators. Practices outside the 95 % limits are labelled with their code."""
    ordered = sorted(rows, key=lambda row: (row["measure_denominator"], row["practice_code"]))
    denominators = [row["measure_denominator"] for row in ordered]
    centre = percent(ordered[0]["comparison_value"]) if ordered else None
    hover = [
        f"<b>{plot_text(names.get(row['practice_code'], ''))}</b> ({plot_text(row['practice_code'])})<br>"
        f"{plot_text(rate_label)} {percent(row['practice_value']):.1f} % "
        f"({row['measure_numerator']} / {row['measure_denominator']})<br>"
        f"95 % limits: {row['outlier_95']}; 99.8 % limits: {row['outlier_998']}"
        for row in ordered
    ]
    data = [
        _limit_line(ordered, "lower_limit_998", "99.8 % limits", COLOUR_LIMIT_998, "dot", True),
        _limit_line(ordered, "upper_limit_998", "99.8 % limits", COLOUR_LIMIT_998, "dot", False),
        _limit_line(ordered, "lower_limit_95", "95 % limits", COLOUR_LIMIT_95, "dash", True),
        _limit_line(ordered, "upper_limit_95", "95 % limits", COLOUR_LIMIT_95, "dash", False),
        {
            "type": "scatter",
            "mode": "lines",
            "name": "comparison rate",
            "x": [0, max(denominators, default=0)],
            "y": [centre, centre],
            "line": {"color": "#222222", "width": 1.5},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": "practices",
            "x": denominators,
            "y": [percent(row["practice_value"]) for row in ordered],
            "text": [
                plot_text(row["practice_code"]) if row["outlier_95"] != "within" else "" for row in ordered
            ],
            "textposition": "top center",
            "hovertext": hover,
            "hoverinfo": "text",
            "marker": {"size": 9, "color": [outlier_colour(row) for row in ordered]},
        },
    ]
    layout = _layout(
        title,
        420,
        xaxis=_axis("denominator (patients)", rangemode="tozero"),
        yaxis=_axis(f"{rate_label} (%)", rangemode="tozero"),
    )
    return {"data": data, "layout": layout}


def income_figure(
    labels: Sequence[str], achieved: Sequence[float], at_stake: Sequence[float], title: str
) -> Figure:
    """Stacked horizontal bars: pounds achieved and pounds still at stake (to the upper
    thresholds) per network or practice."""
    y = [plot_text(label) for label in labels]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "£ achieved",
            "y": y,
            "x": [round(value, 2) for value in achieved],
            "marker": {"color": COLOUR_ACHIEVED},
            "hovertemplate": "%{y}<br>£%{x:,.0f} achieved<extra></extra>",
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": "£ at stake",
            "y": y,
            "x": [round(value, 2) for value in at_stake],
            "marker": {"color": COLOUR_AT_STAKE},
            "hovertemplate": "%{y}<br>£%{x:,.0f} still at stake<extra></extra>",
        },
    ]
    layout = _layout(
        title,
        _bar_height(len(labels)),
        barmode="stack",
        xaxis=_axis("£", tickprefix="£", separatethousands=True),
        yaxis={"automargin": True, "autorange": "reversed"},
    )
    return {"data": data, "layout": layout}


def opportunity_figure(rows: Sequence[Row], title: str) -> Figure:
    """Horizontal bars of pounds at the upper threshold per indicator, hover with the
    patients needed for the next point and for the maximum."""
    hover = [
        f"{plot_text(row['indicator_code'])}: £{number(row['gbp_at_upper_threshold']):,.0f} at stake<br>"
        f"patients for the next point: {row['patients_to_next_point'] or '-'}<br>"
        f"patients for the maximum: {row['patients_to_upper_threshold'] or '-'}"
        for row in rows
    ]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "£ at the upper threshold",
            "y": [plot_text(row["indicator_code"]) for row in rows],
            "x": [round(number(row["gbp_at_upper_threshold"]), 2) for row in rows],
            "hovertext": hover,
            "hoverinfo": "text",
            "marker": {"color": COLOUR_AT_STAKE},
        }
    ]
    layout = _layout(
        title,
        _bar_height(len(rows)),
        showlegend=False,
        xaxis=_axis("£ at stake", tickprefix="£", separatethousands=True),
        yaxis={"automargin": True, "autorange": "reversed", "type": "category"},
    )
    return {"data": data, "layout": layout}


def bullet_figure(rows: Sequence[Row], title: str) -> Figure:
    """Bullet-style chart: per indicator the band between its lower and upper threshold and a
    marker at the practice's achievement (green at or above the upper threshold, amber
    between, red below the lower)."""
    codes = [plot_text(row["label"]) for row in rows]
    achievement = [percent(row["achievement"]) for row in rows]

    def colour(row: Row, value: float | None) -> str:
        if value is None or value < number(row["lower_threshold"]):
            return COLOUR_OUTSIDE_998
        return COLOUR_ACHIEVED if value >= number(row["upper_threshold"]) else COLOUR_AT_STAKE

    hover = [
        f"<b>{plot_text(row['indicator_code'])}</b>: {value:.1f} % "
        f"(thresholds {number(row['lower_threshold']):g}-{number(row['upper_threshold']):g} %)<br>"
        f"points {number(row['points']):.2f} of {number(row['max_points']):g}; "
        f"£{number(row['gbp_at_upper_threshold']):,.0f} still at stake"
        for row, value in zip(rows, achievement, strict=True)
    ]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": "lower to upper threshold",
            "y": codes,
            "base": [number(row["lower_threshold"]) for row in rows],
            "x": [number(row["upper_threshold"]) - number(row["lower_threshold"]) for row in rows],
            "marker": {"color": COLOUR_RANGE},
            "hoverinfo": "skip",
            "width": 0.6,
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": "achievement",
            "y": codes,
            "x": achievement,
            "hovertext": hover,
            "hoverinfo": "text",
            "marker": {
                "symbol": "diamond",
                "size": 10,
                "color": [colour(row, value) for row, value in zip(rows, achievement, strict=True)],
                "line": {"color": "#333333", "width": 0.5},
            },
        },
    ]
    layout = _layout(
        title,
        _bar_height(len(rows)),
        xaxis=_axis("achievement (%)", range=[0, 102]),
        yaxis={"automargin": True, "autorange": "reversed", "type": "category"},
    )
    return {"data": data, "layout": layout}


def _dates(rows: Sequence[Row], column: str) -> list[str]:
    return [
        value.isoformat() if isinstance(value, date) else str(value) for value in (r[column] for r in rows)
    ]


def projection_traces(row: Row, year_end: date) -> list[Row]:
    """The projection made at the row's month-end: a band from the achievement that day to
    the projected year-end range (projected_achievement_low to _high), and the central
    projection with its points and pounds."""
    start = row["achievement_date"]
    end = row.get("payment_period_end_date") or year_end
    x = _dates([{"d": start}, {"d": end}], "d")
    now = percent(row.get("achievement")) if row.get("achievement") is not None else None
    projected = percent(row["projected_achievement"])

    def path(column: str) -> list[float | None]:
        return [projected if now is None else now, percent(row[column])]

    outcome = (
        f"projected {projected:.1f} % at {end}: {number(row.get('projected_points')):.2f} points, "
        f"£{number(row.get('projected_income_gbp')):,.0f}"
    )
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "projection, low",
            "x": x,
            "y": path("projected_achievement_low"),
            "line": {"width": 0, "color": COLOUR_PROJECTION},
            "showlegend": False,
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "projection range",
            "x": x,
            "y": path("projected_achievement_high"),
            "fill": "tonexty",
            "fillcolor": COLOUR_PROJECTION,
            "line": {"width": 0, "color": COLOUR_PROJECTION},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "projected",
            "x": x,
            "y": path("projected_achievement"),
            "line": {"color": COLOUR_WITHIN, "dash": "dash"},
            "hovertext": ["", outcome],
            "hoverinfo": "text",
        },
    ]


def trajectory_figure(
    rows: Sequence[Row],
    projection: Row | None,
    thresholds: tuple[float, float] | None,
    year: tuple[date, date],
    title: str,
) -> Figure:
    """The in-year path of one indicator (achievement at each month-end built) across the
    QOF year `year` (first and last day), the same month-ends last year, the thresholds, and
    the latest projection to the year end when there is one."""
    x = _dates(rows, "achievement_date")
    margin = timedelta(days=DATE_MARGIN_DAYS)
    data: list[Row] = projection_traces(projection, year[1]) if projection else []
    data += [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "last year",
            "x": x,
            "y": [percent(row["achievement_last_year"]) for row in rows],
            "line": {"color": COLOUR_LAST_YEAR, "dash": "dot"},
            "hovertemplate": "last year %{y:.1f} %<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "this year",
            "x": x,
            "y": [percent(row["achievement"]) for row in rows],
            "line": {"color": COLOUR_WITHIN},
            "hovertemplate": "%{x}: %{y:.1f} %<extra></extra>",
        },
    ]
    shapes = []
    if thresholds:
        shapes = [
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": value,
                "y1": value,
                "line": {"color": COLOUR_ACHIEVED, "dash": "dash", "width": 1},
            }
            for value in thresholds
        ]
    layout = _layout(
        title,
        360,
        shapes=shapes,
        xaxis=_axis(
            "month-end", type="date", range=[(year[0] - margin).isoformat(), (year[1] + margin).isoformat()]
        ),
        yaxis=_axis("achievement (%)", range=[0, 102]),
    )
    return {"data": data, "layout": layout}


def band_label(row: Row) -> str:
    return f"{row['programme']} {row['age_band']}"


def screening_figure(rows: Sequence[Row], group_column: str, labels: Mapping[str, str], title: str) -> Figure:
    """Coverage per programme and age band: one bar per network or practice, and the
    national standard of each band as a marker."""
    bands = list(dict.fromkeys(band_label(row) for row in rows))
    data: list[Row] = []
    for index, (code, label) in enumerate(labels.items()):
        own = {band_label(row): row for row in rows if row[group_column] == code}
        data.append(
            {
                "type": "bar",
                "name": plot_text(label),
                "x": [plot_text(band) for band in bands],
                "y": [percent(own[band]["coverage"]) if band in own else None for band in bands],
                "customdata": [
                    [own[b]["screened"], own[b]["eligible"]] if b in own else [0, 0] for b in bands
                ],
                "hovertemplate": plot_text(label) + "<br>%{x}: %{y:.1f} % (%{customdata[0]} of "
                "%{customdata[1]})<extra></extra>",
                "marker": {"color": SERIES_COLOURS[index % len(SERIES_COLOURS)]},
            }
        )
    standards = {band_label(row): row["national_standard_pct"] for row in rows}
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "national standard",
            "x": [plot_text(band) for band in bands],
            "y": [standards[band] for band in bands],
            "marker": {"symbol": "line-ew-open", "size": 40, "color": "#222222", "line": {"width": 2}},
            "hovertemplate": "national standard %{y:g} %<extra></extra>",
        }
    )
    layout = _layout(
        title,
        380,
        barmode="group",
        xaxis={"type": "category"},
        yaxis=_axis("coverage (%)", range=[0, 100]),
    )
    return {"data": data, "layout": layout}


def screening_trend_figure(rows: Sequence[Row], title: str) -> Figure:
    """Coverage at each month-end per programme and age band, with the same month last
    year dotted."""
    data: list[Row] = []
    bands = list(dict.fromkeys(band_label(row) for row in rows))
    for index, band in enumerate(bands):
        own = sorted((row for row in rows if band_label(row) == band), key=lambda row: row["month_end"])
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        x = _dates(own, "month_end")
        data += [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": plot_text(band),
                "legendgroup": plot_text(band),
                "x": x,
                "y": [percent(row["coverage"]) for row in own],
                "line": {"color": colour},
                "hovertemplate": plot_text(band) + " %{x}: %{y:.1f} %<extra></extra>",
            },
            {
                "type": "scatter",
                "mode": "lines",
                "name": plot_text(f"{band}, last year"),
                "legendgroup": plot_text(band),
                "showlegend": False,
                "x": x,
                "y": [percent(row["coverage_last_year"]) for row in own],
                "line": {"color": colour, "dash": "dot"},
                "hovertemplate": plot_text(band) + " a year before %{x}: %{y:.1f} %<extra></extra>",
            },
        ]
    layout = _layout(
        title, 380, xaxis=_axis("month-end", type="date"), yaxis=_axis("coverage (%)", range=[0, 100])
    )
    return {"data": data, "layout": layout}
