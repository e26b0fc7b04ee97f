"""What each page of the report shows: one context builder per page kind.

A context is a plain dict the page's template renders; its `figures` map chart ids to
Plotly figure dicts and its `selectors` hold one figure per choice of a drop-down (funnel
plots per indicator, trajectories per indicator), so a page draws one chart of each kind at
a time. ICB and PCN pages hold counts and rates only: no builder here reads a patient-level
mart.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qof_warehouse.alerts import folder_name
from qof_warehouse.report import figures
from qof_warehouse.report.marts import ReportData, Row, group_rows, qof_year_start

Context = dict[str, Any]

# A funnel plot needs a few practices to say anything: indicators with fewer practices with a
# denominator in the ICB get no funnel.
MIN_FUNNEL_PRACTICES = 3
TOP_OPPORTUNITIES = 15
PROVISIONAL_THRESHOLD_MARK = "†"
PROVISIONAL_PREVALENCE_MARK = "‡"
MEASURE_LABELS = {"achievement": "achievement", "pca_rate": "PCA rate"}


@dataclass(frozen=True)
class Links:
    """Where the pages link outside the report: worklists and data-quality alerts, linked
    only when the files are there."""

    out_dir: Path
    worklists_dir: Path | None = None
    alerts_dir: Path | None = None

    def href(self, page: str, target: Path) -> str:
        """A relative link from the page (a path under out_dir) to `target`."""
        start = (self.out_dir / page).parent
        relative = os.path.relpath(target.resolve(), start.resolve())
        return quote(Path(relative).as_posix())

    def alert_page(self, page: str, level: str, code: str) -> str | None:
        if self.alerts_dir is None:
            return None
        target = self.alerts_dir / level / folder_name(code) / "index.html"
        return self.href(page, target) if target.is_file() else None

    def worklists(self, page: str, code: str) -> list[tuple[str, str]]:
        """(file name, link) of every worklist CSV file of one practice: files named
        `<code>_*.csv`, or any CSV file in a folder named after the practice."""
        if self.worklists_dir is None or not self.worklists_dir.is_dir():
            return []
        folder = self.worklists_dir / folder_name(code)
        found = sorted(self.worklists_dir.glob(f"{folder_name(code)}_*.csv"))
        if folder.is_dir():
            found += sorted(folder.rglob("*.csv"))
        return [(path.relative_to(self.worklists_dir).as_posix(), self.href(page, path)) for path in found]


def page_path(level: str, code: str) -> str:
    """The page of one ICB, PCN or practice, relative to the report's folder."""
    return f"{level}/{folder_name(code)}.html"


@dataclass(frozen=True)
class Provisional:
    """How much of a page's figures rest on provisional thresholds or prevalence
    (fct_practice_income.is_provisional_threshold / is_provisional_prevalence)."""

    income_gbp: float
    provisional_income_gbp: float
    threshold_indicators: list[str] = field(default_factory=list)
    prevalence_indicators: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.provisional_income_gbp / self.income_gbp if self.income_gbp else 0.0


def provisional_summary(totals: Iterable[Row], income: Iterable[Row]) -> Provisional:
    totals = list(totals)
    income = list(income)
    return Provisional(
        income_gbp=sum(figures.number(row["income_gbp"]) for row in totals),
        provisional_income_gbp=sum(figures.number(row["provisional_income_gbp"]) for row in totals),
        threshold_indicators=sorted({r["indicator_code"] for r in income if r["is_provisional_threshold"]}),
        prevalence_indicators=sorted({r["indicator_code"] for r in income if r["is_provisional_prevalence"]}),
    )


def indicator_label(code: str, provisional: Provisional) -> str:
    marks = ""
    if code in provisional.threshold_indicators:
        marks += PROVISIONAL_THRESHOLD_MARK
    if code in provisional.prevalence_indicators:
        marks += PROVISIONAL_PREVALENCE_MARK
    return f"{code}{marks}"


def _sum(rows: Iterable[Row], column: str) -> float:
    return sum(figures.number(row[column]) for row in rows)


def _base(data: ReportData, title: str, root: str, provisional: Provisional) -> Context:
    return {
        "title": title,
        "root": root,
        "as_at": data.as_at.isoformat(),
        "qof_year": data.qof_year,
        "provisional": provisional,
        "threshold_mark": PROVISIONAL_THRESHOLD_MARK,
        "prevalence_mark": PROVISIONAL_PREVALENCE_MARK,
        "figures": {},
        "selectors": [],
    }


def _selector(key: str, label: str, choices: Mapping[str, tuple[str, figures.Figure]], default: str) -> Row:
    return {
        "id": key,
        "label": label,
        "options": [(choice, text) for choice, (text, _) in choices.items()],
        "default": default,
        "figures": {choice: figure for choice, (_, figure) in choices.items()},
    }


def index_context(data: ReportData) -> Context:
    context = _base(data, "QOF report", "", provisional_summary(data.practices, data.practice_income))
    context.update(
        icbs=[{**row, "href": page_path("icb", row["icb_code"])} for row in data.icbs],
        pcns=[{**row, "href": page_path("pcn", row["pcn_code"])} for row in data.pcns],
        practices=[{**row, "href": page_path("practice", row["practice_code"])} for row in data.practices],
    )
    return context


def _with_at_stake(rows: Sequence[Row], opportunities: Mapping[str, list[Row]], key: str) -> list[Row]:
    """Totals rows with the points and pounds still at stake to the upper thresholds."""
    return [
        {
            **row,
            "points_at_stake": _sum(opportunities.get(row[key], []), "points_gained_at_upper_threshold"),
            "gbp_at_stake": _sum(opportunities.get(row[key], []), "gbp_at_upper_threshold"),
        }
        for row in rows
    ]


def _income_figure(rows: Sequence[Row], name: str, code: str, title: str) -> figures.Figure:
    return figures.income_figure(
        [f"{row[name] or ''} ({row[code]})" for row in rows],
        [figures.number(row["income_gbp"]) for row in rows],
        [row["gbp_at_stake"] for row in rows],
        title,
    )


def funnel_choices(rows: Sequence[Row], names: Mapping[str, str]) -> dict[str, tuple[str, figures.Figure]]:
    """One funnel figure per indicator and measure with enough practices and a non-zero
    group count (a PCA-rate funnel around a rate of 0 shows nothing), the choice with the
    most 99.8 % outliers first."""
    grouped: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        grouped.setdefault((row["indicator_code"], row["measure"]), []).append(row)
    eligible = [
        (key, group)
        for key, group in grouped.items()
        if len(group) >= MIN_FUNNEL_PRACTICES and group[0]["comparison_numerator"]
    ]
    eligible.sort(key=lambda item: (-sum(r["outlier_998"] != "within" for r in item[1]), item[0]))
    choices: dict[str, tuple[str, figures.Figure]] = {}
    for (indicator, measure), group in eligible:
        label = f"{indicator}: {MEASURE_LABELS[measure]}"
        title = f"{label}, practices against the ICB rate"
        choices[f"{indicator}|{measure}"] = (
            label,
            figures.funnel_figure(group, names, title, MEASURE_LABELS[measure]),
        )
    return choices


def pca_outliers(funnel: Sequence[Row], pca_rates: Sequence[Row], practices: Iterable[str]) -> list[Row]:
    """Practices whose PCA rate is above the ICB funnel's 95 % limit, or far above their
    PCN's rate by the data-quality check (dq_practice_pca_rates.is_far_above_pcn)."""
    members = set(practices)
    checks = {
        (r["practice_code"], r["indicator_code"]): r for r in pca_rates if r["practice_code"] in members
    }
    high = {
        (row["practice_code"], row["indicator_code"]): row
        for row in funnel
        if row["measure"] == "pca_rate" and row["outlier_95"] == "high"
    }
    flagged = {key for key, check in checks.items() if check["is_far_above_pcn"]}
    outliers = [
        {"practice_code": key[0], "indicator_code": key[1], "funnel": high.get(key), "check": checks.get(key)}
        for key in sorted(set(high) | flagged)
    ]
    return outliers


def icb_context(data: ReportData, icb: Row, links: Links) -> Context:
    code = icb["icb_code"]
    page = page_path("icb", code)
    practices_rows = [row for row in data.practices if row["icb_code"] == code]
    members = {row["practice_code"] for row in practices_rows}
    income = [row for row in data.practice_income if row["practice_code"] in members]
    context = _base(data, f"ICB {icb['icb_name'] or code}", "../", provisional_summary([icb], income))
    pcns = _with_at_stake(
        [row for row in data.pcns if row["icb_code"] == code],
        group_rows(data.pcn_opportunities, "pcn_code"),
        "pcn_code",
    )
    practices = _with_at_stake(
        practices_rows, group_rows(data.practice_opportunities, "practice_code"), "practice_code"
    )
    names = data.practice_names()
    funnel = [r for r in data.funnel if r["comparison_level"] == "icb" and r["comparison_code"] == code]
    choices = funnel_choices(funnel, names)
    pcn_labels = {row["pcn_code"]: f"{row['pcn_name'] or ''} ({row['pcn_code']})" for row in pcns}
    screening = [row for row in data.pcn_screening if row["pcn_code"] in pcn_labels]
    context["figures"] = {
        "income-pcns": _income_figure(pcns, "pcn_name", "pcn_code", "PCNs: £ achieved and at stake"),
        "income-practices": _income_figure(
            practices, "practice_name", "practice_code", "Practices: £ achieved and at stake"
        ),
    }
    if screening:
        context["figures"]["screening"] = figures.screening_figure(
            screening, "pcn_code", pcn_labels, "Screening coverage by PCN against the national standard"
        )
    if choices:
        context["selectors"] = [_selector("funnel", "Indicator", choices, next(iter(choices)))]
    context.update(
        icb=icb,
        page=page,
        pcns=[{**row, "href": "../" + page_path("pcn", row["pcn_code"])} for row in pcns],
        practices=[{**row, "href": "../" + page_path("practice", row["practice_code"])} for row in practices],
        names=names,
        pca_outliers=pca_outliers(funnel, data.pca_rates, members),
        screening_rows=[row for row in data.practice_screening if row["practice_code"] in members],
        alert_href=links.alert_page(page, "icbs", code),
        min_funnel_practices=MIN_FUNNEL_PRACTICES,
    )
    return context


def heat_table(
    indicators: Sequence[str], network: Mapping[str, Row], by_practice: Mapping[str, Mapping[str, Row]]
) -> list[Row]:
    """One row per indicator: the network's achievement and each practice's, with where the
    practice stands against the indicator's thresholds (below, between, above)."""
    rows = []
    for indicator in indicators:
        cells = []
        for practice_code, opportunities in by_practice.items():
            row = opportunities.get(indicator)
            cells.append({"practice_code": practice_code, **threshold_cell(row)})
        rows.append({"indicator_code": indicator, "network": network.get(indicator), "cells": cells})
    return rows


def threshold_cell(row: Row | None) -> Row:
    if row is None or row["achievement"] is None or row["lower_threshold"] is None:
        return {"achievement": None, "band": "none"}
    value = 100 * float(row["achievement"])
    band = "below"
    if value >= figures.number(row["upper_threshold"]):
        band = "above"
    elif value >= figures.number(row["lower_threshold"]):
        band = "between"
    return {"achievement": row["achievement"], "band": band, "row": row}


def pcn_context(data: ReportData, pcn: Row, links: Links) -> Context:
    code = pcn["pcn_code"]
    page = page_path("pcn", code)
    practices_rows = [row for row in data.practices if row["pcn_code"] == code]
    members = [row["practice_code"] for row in practices_rows]
    income = [row for row in data.practice_income if row["practice_code"] in members]
    provisional = provisional_summary([pcn], income)
    context = _base(data, f"PCN {pcn['pcn_name'] or code}", "../", provisional)
    by_practice_rows = group_rows(data.practice_opportunities, "practice_code")
    practices = _with_at_stake(practices_rows, by_practice_rows, "practice_code")
    by_practice = {
        member: {row["indicator_code"]: row for row in by_practice_rows.get(member, [])} for member in members
    }
    indicators = list(
        dict.fromkeys(
            row["indicator_code"]
            for member in members
            for row in by_practice_rows.get(member, [])
            if row["lower_threshold"] is not None
        )
    )
    network = {row["indicator_code"]: row for row in data.pcn_achievement if row["pcn_code"] == code}
    opportunities = [
        {**row, "label": indicator_label(row["indicator_code"], provisional)}
        for row in data.pcn_opportunities
        if row["pcn_code"] == code
        and (
            figures.number(row["gbp_at_upper_threshold"]) > 0
            or figures.number(row["patients_to_upper_threshold"]) > 0
        )
    ]
    top = [row for row in opportunities if figures.number(row["gbp_at_upper_threshold"]) > 0][
        :TOP_OPPORTUNITIES
    ]
    labels = {
        row["practice_code"]: f"{row['practice_name'] or ''} ({row['practice_code']})" for row in practices
    }
    screening = [row for row in data.practice_screening if row["practice_code"] in labels]
    trend = [row for row in data.pcn_screening_trend if row["pcn_code"] == code]
    context["figures"] = {
        "income-practices": _income_figure(
            practices, "practice_name", "practice_code", "Practices: £ achieved and at stake"
        ),
    }
    if top:
        context["figures"]["opportunities"] = figures.opportunity_figure(
            top, f"Top {len(top)} indicators by £ still at stake"
        )
    if screening:
        context["figures"]["screening"] = figures.screening_figure(
            screening, "practice_code", labels, "Screening coverage by practice against the national standard"
        )
    if trend:
        context["figures"]["screening-trend"] = figures.screening_trend_figure(
            trend, "PCN screening coverage by month-end (dotted: the same month last year)"
        )
    context.update(
        pcn=pcn,
        page=page,
        icb_href="../" + page_path("icb", pcn["icb_code"]) if pcn["icb_code"] else None,
        practices=[{**row, "href": "../" + page_path("practice", row["practice_code"])} for row in practices],
        heat_rows=heat_table(indicators, network, by_practice),
        indicator_labels={code: indicator_label(code, provisional) for code in indicators},
        opportunities=opportunities,
        screening_rows=[row for row in data.pcn_screening if row["pcn_code"] == code],
        alert_href=links.alert_page(page, "pcns", code),
    )
    return context


def latest_projections(projection: Iterable[Row]) -> dict[str, Row]:
    """Per indicator, the projection made at the latest month-end that has one."""
    latest: dict[str, Row] = {}
    for row in projection:
        if row["projected_achievement"] is None:
            continue
        kept = latest.get(row["indicator_code"])
        if kept is None or row["achievement_date"] > kept["achievement_date"]:
            latest[row["indicator_code"]] = row
    return latest


def trajectory_choices(
    rows: Sequence[Row], projection: Sequence[Row], indicators: Mapping[str, Row], year: tuple[date, date]
) -> dict[str, tuple[str, figures.Figure]]:
    """One trajectory figure per threshold indicator of the practice with an achievement
    this year or a projection, in the order of the practice's opportunities (most pounds at
    stake first)."""
    by_indicator = group_rows(rows, "indicator_code")
    projected = latest_projections(projection)
    ordered = sorted(
        (row for row in indicators.values() if row["lower_threshold"] is not None),
        key=lambda row: (row["opportunity_rank_in_practice"] or 0, row["indicator_code"]),
    )
    choices: dict[str, tuple[str, figures.Figure]] = {}
    for row in ordered:
        code = row["indicator_code"]
        path = by_indicator.get(code, [])
        if code not in projected and all(point["achievement"] is None for point in path):
            continue
        thresholds = (figures.number(row["lower_threshold"]), figures.number(row["upper_threshold"]))
        title = f"{row['label']}: achievement this year, last year and thresholds"
        choices[code] = (
            row["label"],
            figures.trajectory_figure(path, projected.get(code), thresholds, year, title),
        )
    return choices


def practice_context(data: ReportData, practice: Row, links: Links) -> Context:
    code = practice["practice_code"]
    page = page_path("practice", code)
    income = [row for row in data.practice_income if row["practice_code"] == code]
    provisional = provisional_summary([practice], income)
    context = _base(data, f"Practice {practice['practice_name'] or code}", "../", provisional)
    indicators = [
        {
            **row,
            "label": indicator_label(row["indicator_code"], provisional),
            "points_lost": max(figures.number(row["max_points"]) - figures.number(row["points"]), 0.0),
        }
        for row in data.practice_opportunities
        if row["practice_code"] == code
    ]
    bullets = [
        row for row in indicators if row["lower_threshold"] is not None and row["achievement"] is not None
    ]
    trajectory = [row for row in data.trajectory if row["practice_code"] == code]
    projection = [row for row in data.projection or [] if row["practice_code"] == code]
    start = qof_year_start(data.qof_year)
    year = (start, start.replace(year=start.year + 1) - timedelta(days=1))
    choices = trajectory_choices(
        trajectory, projection, {row["indicator_code"]: row for row in indicators}, year
    )
    if bullets:
        context["figures"]["bullets"] = figures.bullet_figure(
            bullets, "Achievement against the lower and upper thresholds"
        )
    if choices:
        context["selectors"] = [_selector("trajectory", "Indicator", choices, next(iter(choices)))]
    context.update(
        practice=practice,
        page=page,
        pcn_href="../" + page_path("pcn", practice["pcn_code"]),
        icb_href="../" + page_path("icb", practice["icb_code"]) if practice["icb_code"] else None,
        indicators=sorted(indicators, key=lambda row: row["opportunity_rank_in_practice"] or 0),
        has_projection=data.projection is not None,
        projected_indicators=len(latest_projections(projection)),
        screening_rows=[row for row in data.practice_screening if row["practice_code"] == code],
        worklists=links.worklists(page, code),
        alert_href=links.alert_page(page, "practices", code),
    )
    return context
