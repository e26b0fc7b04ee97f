"""`qof report`: the static report site, built from the dirty extract's warehouse.

The warehouse is the one dq_extract.dirty_build() builds once per session for the
data-quality tests (practices A00001-A00006, "Sixth <Surgery> & Partners" among them). The
site is built from a copy of it that keeps only the marts (fct_*, dim_*, dq_*): every other
table and view is dropped, so a report that read a staging table, an intermediate table or a
seed would fail here. Hostile names are written into the copy's marts, as a practices file
could carry them.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb
import plotly.graph_objects as go
import pytest
from dq_extract import SCENARIO_PRACTICE, SCENARIO_PRACTICE_NAME, dirty_build, table_rows

from qof_warehouse import PROJECT_ROOT
from qof_warehouse.alerts import write_alerts
from qof_warehouse.cli import main
from qof_warehouse.report import figures, pages
from qof_warehouse.report.marts import PROJECTION_MART, load_report_data, mart_query
from qof_warehouse.report.site import render
from qof_warehouse.worklists import write_worklists

HOSTILE_PRACTICE = "A00001"
HOSTILE_PRACTICE_NAME = "<script>alert(1)</script>"
HOSTILE_PCN = "U00001"
HOSTILE_PCN_NAME = '"><img src=x onerror=alert(2)>'
NON_MART_KINDS = {"BASE TABLE": "table", "VIEW": "view"}


@dataclass(frozen=True)
class BuiltReport:
    warehouse: Path
    site: Path
    worklists: Path
    alerts: Path
    cli_output: str


def _marts_only_copy(source: Path, target: Path) -> Path:
    """A copy of `source` keeping only its marts, with hostile names in the income totals."""
    shutil.copy(source, target)
    with duckdb.connect(str(target)) as connection:
        objects = connection.execute(
            "select table_name, table_type from information_schema.tables"
        ).fetchall()
        for name, kind in objects:
            if not re.fullmatch(r"(fct|dim|dq)_\w+", name):
                connection.execute(f'drop {NON_MART_KINDS[kind]} if exists "{name}" cascade')
        connection.execute(
            "update fct_practice_income_totals set practice_name = ? where practice_code = ?",
            [HOSTILE_PRACTICE_NAME, HOSTILE_PRACTICE],
        )
        connection.execute(
            "update fct_pcn_income_totals set pcn_name = ? where pcn_code = ?",
            [HOSTILE_PCN_NAME, HOSTILE_PCN],
        )
    return target


@functools.cache
def built_report() -> BuiltReport:
    """The site of the marts-only copy, written by `qof report` with worklists and alert
    pages to link (written from the full warehouse, as `qof build` writes them)."""
    root = Path(tempfile.mkdtemp(prefix="qof_report_"))
    atexit.register(shutil.rmtree, root, True)
    source = dirty_build().warehouse
    worklists, alerts = root / "output" / "worklists", root / "output" / "data_quality"
    write_worklists(source, worklists)
    write_alerts(source, alerts)
    warehouse = _marts_only_copy(source, root / "marts.duckdb")
    site = root / "output" / "report"
    argv = ["report", "--duckdb", str(warehouse), "--out", str(site)]
    argv += ["--worklists-dir", str(worklists), "--alerts-dir", str(alerts)]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        assert main(argv) == 0
    return BuiltReport(warehouse, site, worklists, alerts, output.getvalue())


@pytest.fixture(scope="module")
def report() -> BuiltReport:
    return built_report()


def _query(warehouse: Path, sql: str, parameters: list[object] | None = None) -> list[tuple[object, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _Tags(HTMLParser):
    """Links, scripts and JSON blocks of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.json_blocks: dict[str, str] = {}
        self._json_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src"):
            if found.get(name) is not None:
                self.links.append(str(found[name]))
        if tag == "script":
            self.scripts.append(found)
            self._json_id = str(found["id"]) if found.get("type") == "application/json" else None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._json_id = None

    def handle_data(self, data: str) -> None:
        if self._json_id:
            self.json_blocks[self._json_id] = self.json_blocks.get(self._json_id, "") + data


def _tags(page: Path) -> _Tags:
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_cli_writes_one_page_per_icb_pcn_and_practice(report: BuiltReport) -> None:
    index = report.site / "index.html"
    assert report.cli_output.strip() == f"Report written to {index.resolve()}"
    expected = {"index.html"}
    for level, table, column in [
        ("icb", "fct_icb_income_totals", "icb_code"),
        ("pcn", "fct_pcn_income_totals", "pcn_code"),
        ("practice", "fct_practice_income_totals", "practice_code"),
    ]:
        expected |= {
            f"{level}/{code}.html" for (code,) in _query(report.warehouse, f"select {column} from {table}")
        }
    written = {page.relative_to(report.site).as_posix() for page in _pages(report.site)}
    assert written == expected
    assert {"practice/A00006.html", "pcn/U00003.html", "icb/QBB.html"} <= written


def test_report_refuses_tables_that_are_not_marts() -> None:
    assert mart_query("fct_practice_income_totals") == "select * from fct_practice_income_totals"
    for table in ("stg_gp_extract__practices", "int_registers", "base_gp_extract__events", "qof_indicators"):
        with pytest.raises(ValueError, match="marts only"):
            mart_query(table)


def test_missing_warehouse_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--duckdb", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "site")]) == 1
    assert "warehouse not found" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_names_from_the_extract_are_escaped_everywhere(report: BuiltReport) -> None:
    for page in _pages(report.site):
        text = page.read_text(encoding="utf-8")
        assert HOSTILE_PRACTICE_NAME not in text, page
        assert "<img" not in text, page
        assert SCENARIO_PRACTICE_NAME not in text, page
        scripts = _tags(page).scripts
        assert all(
            script.get("type") == "application/json" or str(script.get("src", "")).endswith(".js")
            for script in scripts
        ), page
    index = (report.site / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in index
    assert "Sixth &lt;Surgery&gt; &amp; Partners" in index
    practice = (report.site / "practice" / f"{HOSTILE_PRACTICE}.html").read_text(encoding="utf-8")
    assert "<title>Practice &lt;script&gt;alert(1)&lt;/script&gt; · QOF" in practice


def test_chart_text_is_escaped_for_plotly(report: BuiltReport) -> None:
    """Names inside chart JSON are HTML-escaped for Plotly's text markup, then JSON-escaped
    (`<` as \\u003c) so no name can close the script block."""
    icb = report.site / "icb" / "QAA.html"
    blocks = _tags(icb).json_blocks
    assert "</" not in "".join(blocks.values())
    bars = json.loads(blocks["figure-income-practices"])["data"][0]["y"]
    assert f"&lt;script&gt;alert(1)&lt;/script&gt; ({HOSTILE_PRACTICE})" in bars


def test_network_pages_hold_no_patient_identifiers(report: BuiltReport) -> None:
    patients = {str(row[0]) for row in table_rows()["patients"] if row[0]}
    patients |= {
        str(p) for (p,) in _query(report.warehouse, "select distinct patient_id from fct_patient_register")
    }
    assert len(patients) > 50
    identifier = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(patients))) + r")(?![\w-])")
    network_pages = sorted((report.site / "icb").glob("*.html")) + sorted(
        (report.site / "pcn").glob("*.html")
    )
    assert len(network_pages) == 5
    for page in [report.site / "index.html", *network_pages]:
        text = page.read_text(encoding="utf-8")
        assert "patient_id" not in text, page
        assert identifier.search(text) is None, (page, identifier.search(text))


def test_every_link_resolves_to_a_file_of_the_site_or_its_outputs(report: BuiltReport) -> None:
    checked = 0
    for page in _pages(report.site):
        for link in _tags(page).links:
            if link.startswith("data:"):
                continue
            parsed = urlparse(link)
            assert not parsed.scheme and not parsed.netloc, (page, link)
            target = (page.parent / unquote(parsed.path)).resolve()
            assert target.is_file(), (page, link)
            checked += 1
    assert checked > 100


def test_practice_page_links_its_worklists_and_alert(report: BuiltReport) -> None:
    links = set(_tags(report.site / "practice" / f"{SCENARIO_PRACTICE}.html").links)
    assert f"../../worklists/{SCENARIO_PRACTICE}_screening_worklist.csv" in links
    assert f"../../worklists/{SCENARIO_PRACTICE}_cancer_care_worklist.csv" in links
    assert f"../../data_quality/practices/{SCENARIO_PRACTICE}/index.html" in links
    assert "../../data_quality/pcns/U00003/index.html" in set(
        _tags(report.site / "pcn" / "U00003.html").links
    )


def test_plotly_is_written_once_and_referenced_by_relative_path(report: BuiltReport) -> None:
    bundles = [path for path in report.site.rglob("*.js") if "plotly" in path.name]
    assert [path.relative_to(report.site).as_posix() for path in bundles] == ["assets/plotly.min.js"]
    assert bundles[0].stat().st_size > 1_000_000
    for page in _pages(report.site):
        sources = [str(s["src"]) for s in _tags(page).scripts if s.get("src")]
        prefix = "" if page.parent == report.site else "../"
        assert sources == [f"{prefix}assets/plotly.min.js", f"{prefix}assets/report.js"], page


def test_every_page_states_its_provisional_figures(report: BuiltReport) -> None:
    totals = {
        code: amount
        for code, amount in _query(
            report.warehouse, "select practice_code, provisional_income_gbp from fct_practice_income_totals"
        )
    }
    thresholds = [
        c
        for (c,) in _query(
            report.warehouse,
            "select distinct indicator_code from fct_practice_income "
            "where is_provisional_threshold order by 1",
        )
    ]
    assert thresholds
    for page in _pages(report.site):
        text = page.read_text(encoding="utf-8")
        assert 'id="provisional"' in text and "provisional thresholds" in text, page
    for code, amount in totals.items():
        text = (report.site / "practice" / f"{code}.html").read_text(encoding="utf-8")
        assert f"<strong>£{float(str(amount)):,.0f} of" in text
        assert f"{thresholds[0]}†" in text


def _figures(page: Path) -> list[dict[str, object]]:
    found = []
    for block in _tags(page).json_blocks.values():
        value = json.loads(block)
        found += [value] if "data" in value else list(value.values())
    return found


def test_chart_json_is_valid_plotly(report: BuiltReport) -> None:
    for page in [
        report.site / "icb" / "QBB.html",
        report.site / "pcn" / "U00003.html",
        report.site / "practice" / f"{SCENARIO_PRACTICE}.html",
    ]:
        charts = _figures(page)
        assert charts, page
        for chart in charts:
            go.Figure(chart)  # raises on any property plotly does not know


def test_icb_funnels_have_one_point_per_practice(report: BuiltReport) -> None:
    choices = json.loads(_tags(report.site / "icb" / "QBB.html").json_blocks["choices-funnel"])
    assert choices
    for key, chart in choices.items():
        indicator, measure = key.split("|")
        (expected,) = _query(
            report.warehouse,
            "select count(*) from fct_practice_indicator_funnel where comparison_level = 'icb' "
            "and comparison_code = 'QBB' and indicator_code = ? and measure = ?",
            [indicator, measure],
        )[0]
        points = [trace for trace in chart["data"] if trace["name"] == "practices"]
        assert len(points) == 1 and len(points[0]["x"]) == expected >= pages.MIN_FUNNEL_PRACTICES


def _funnel_row(
    code: str, numerator: int, denominator: int, outlier_95: str, outlier_998: str
) -> dict[str, object]:
    return {
        "practice_code": code,
        "measure_numerator": numerator,
        "measure_denominator": denominator,
        "practice_value": numerator / denominator,
        "comparison_value": 0.5,
        "lower_limit_95": 0.2,
        "upper_limit_95": 0.8,
        "lower_limit_998": 0.1,
        "upper_limit_998": 0.9,
        "outlier_95": outlier_95,
        "outlier_998": outlier_998,
    }


def test_funnel_figure_labels_outliers_and_escapes_names() -> None:
    rows = [
        _funnel_row("B", 5, 10, "within", "within"),
        _funnel_row("A", 10, 10, "high", "high"),
        _funnel_row("C", 2, 12, "low", "within"),
    ]
    chart = figures.funnel_figure(rows, {"A": "<b>A & Co</b>"}, "X: achievement", "achievement")
    go.Figure(chart)
    points = chart["data"][-1]
    assert points["x"] == [10, 10, 12]  # by denominator, then code
    assert points["y"] == [100.0, 50.0, pytest.approx(16.6667)]
    assert points["text"] == ["A", "", "C"]
    assert points["marker"]["color"] == [
        figures.COLOUR_OUTSIDE_998,
        figures.COLOUR_WITHIN,
        figures.COLOUR_OUTSIDE_95,
    ]
    assert points["hovertext"][0].startswith("<b>&lt;b&gt;A &amp; Co&lt;/b&gt;</b> (A)")
    centre = next(trace for trace in chart["data"] if trace["name"] == "comparison rate")
    assert centre["y"] == [50.0, 50.0]


def test_practice_page_draws_the_projection_band_when_the_mart_exists(report: BuiltReport) -> None:
    data = load_report_data(report.warehouse)
    models = list((PROJECT_ROOT / "models").rglob(f"{PROJECTION_MART}.sql"))
    # Once the projection model is in the project the test builds carry it and the report reads it.
    assert (data.projection is not None) == bool(models)
    practice = next(row for row in data.practices if row["practice_code"] == "A00001")
    indicator = next(
        row["indicator_code"]
        for row in data.practice_opportunities
        if row["practice_code"] == "A00001"
        and row["lower_threshold"] is not None
        and row["achievement"] is not None
    )

    def projected(month_end: date, value: float | None) -> dict[str, object]:
        low, high = (None, None) if value is None else (value - 0.1, value + 0.1)
        return {
            "practice_code": "A00001",
            "indicator_code": indicator,
            "achievement_date": month_end,
            "payment_period_end_date": date(2024, 3, 31),
            "achievement": 0.4,
            "projected_achievement": value,
            "projected_achievement_low": low,
            "projected_achievement_high": high,
            "projected_points": 3.5,
            "projected_income_gbp": 1234.0,
        }

    # The latest month-end with a projection is drawn; a later one without figures is not.
    band = [
        projected(date(2023, 11, 30), 0.5),
        projected(date(2023, 12, 31), 0.6),
        projected(date(2024, 1, 31), None),
    ]
    links = pages.Links(report.site)
    context = pages.practice_context(replace(data, projection=band), practice, links)
    chart = context["selectors"][0]["figures"][indicator]
    go.Figure(chart)
    names = [trace["name"] for trace in chart["data"]]
    assert names[:3] == ["projection, low", "projection range", "projected"]
    assert chart["data"][0]["x"] == ["2023-12-31", "2024-03-31"]
    assert chart["data"][0]["y"] == [40.0, 50.0]
    assert chart["data"][1]["y"] == [40.0, 70.0] and chart["data"][1]["fill"] == "tonexty"
    assert chart["data"][2]["y"] == [40.0, 60.0]
    assert chart["data"][2]["hovertext"][1] == "projected 60.0 % at 2024-03-31: 3.50 points, £1,234"
    html = render("practice.html.j2", context)
    assert "The shaded band is the projection" in html
    without = pages.practice_context(replace(data, projection=None), practice, links)
    assert "projection range" not in json.dumps(without["selectors"][0]["figures"][indicator])
    assert "No projection is in this warehouse" in render("practice.html.j2", without)
