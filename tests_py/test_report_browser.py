"""The report site in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
the playwright package; no browser download) opens the index, an ICB, a PCN and a practice
page from disk. Any console error, page error, failed or non-local request, or script dialog
(a name from the extract run as script) fails the test; each chart must be drawn with the
number of marks the warehouse's marts call for. Screenshots go to target/report_screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from test_report import HOSTILE_PRACTICE, BuiltReport, built_report

from qof_warehouse import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "target" / "report_screenshots"
ICB, PCN = "QBB", "U00003"
VIEWPORT = {"width": 1280, "height": 900}


@dataclass
class Problems:
    """Everything the browser reported that a clean page must not have."""

    found: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", lambda message: self._console(message.type, message.text))
        page.on("pageerror", lambda error: self.found.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: self.found.append(f"request failed: {request.url}"))
        page.on("dialog", lambda dialog: (self.found.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.route("**/*", self._local_only)

    def _console(self, kind: str, text: str) -> None:
        if kind == "error":
            self.found.append(f"console error: {text}")

    def _local_only(self, route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.found.append(f"network request: {route.request.url}")
            route.abort()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with: apt-get install -y chromium", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report() -> BuiltReport:
    return built_report()


def _open(browser: Browser, site: Path, relative: str) -> tuple[Page, Problems]:
    page = browser.new_page(viewport=VIEWPORT)
    problems = Problems()
    problems.watch(page)
    page.goto((site / relative).resolve().as_uri())
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelectorAll('.chart:not(.js-plotly-plot)').length === 0")
    return page, problems


def _finish(page: Page, problems: Problems, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.close()
    assert problems.found == []


def _count(page: Page, selector: str) -> int:
    return int(page.locator(selector).count())


def _one(warehouse: Path, sql: str, parameters: list[object]) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        found = connection.execute(sql, parameters).fetchone()
    assert found is not None
    return int(found[0])


def _funnel_points(warehouse: Path, choice: str) -> int:
    indicator, measure = choice.split("|")
    return _one(
        warehouse,
        "select count(*) from fct_practice_indicator_funnel where comparison_level = 'icb' "
        "and comparison_code = ? and indicator_code = ? and measure = ?",
        [ICB, indicator, measure],
    )


def test_index_page(browser: Browser, report: BuiltReport) -> None:
    page, problems = _open(browser, report.site, "index.html")
    practices = _one(report.warehouse, "select count(*) from fct_practice_income_totals", [])
    assert _count(page, "a[href^='practice/']") == practices
    assert "<script>alert(1)</script>" in page.inner_text("body")  # shown as text, never run
    _finish(page, problems, "index")


def test_icb_page(browser: Browser, report: BuiltReport) -> None:
    page, problems = _open(browser, report.site, f"icb/{ICB}.html")
    practices = _one(
        report.warehouse, "select count(*) from fct_practice_income_totals where icb_code = ?", [ICB]
    )
    pcns = _one(report.warehouse, "select count(*) from fct_pcn_income_totals where icb_code = ?", [ICB])
    assert _count(page, "#chart-income-practices g.trace.bars g.point") == 2 * practices
    assert _count(page, "#chart-income-pcns g.trace.bars g.point") == 2 * pcns
    select = page.locator("#select-funnel")
    choices = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert choices
    for choice in dict.fromkeys([choices[-1], choices[0]]):
        select.select_option(choice)
        assert _count(page, "#chart-funnel path.point") == _funnel_points(report.warehouse, choice) >= 3
    bands = _one(report.warehouse, "select count(*) from fct_pcn_screening_uptake where icb_code = ?", [ICB])
    assert _count(page, "#chart-screening g.trace.bars g.point") == bands
    _finish(page, problems, "icb")


def test_pcn_page(browser: Browser, report: BuiltReport) -> None:
    page, problems = _open(browser, report.site, f"pcn/{PCN}.html")
    practices = _one(
        report.warehouse, "select count(*) from fct_practice_income_totals where pcn_code = ?", [PCN]
    )
    assert _count(page, "#chart-income-practices g.trace.bars g.point") == 2 * practices
    assert _count(page, "table.heat thead th") == 2 + practices
    months = _one(
        report.warehouse,
        "select count(*) from fct_pcn_screening_trend where pcn_code = ? and coverage is not null",
        [PCN],
    )
    assert _count(page, "#chart-screening-trend path.point") == months > 0
    at_stake = _one(
        report.warehouse,
        "select least(count(*), 15) from fct_pcn_income_opportunities where pcn_code = ? "
        "and gbp_at_upper_threshold > 0",
        [PCN],
    )
    assert _count(page, "#chart-opportunities g.trace.bars g.point") == at_stake > 0
    _finish(page, problems, "pcn")


def test_practice_page(browser: Browser, report: BuiltReport) -> None:
    page, problems = _open(browser, report.site, f"practice/{HOSTILE_PRACTICE}.html")
    indicators = _one(
        report.warehouse,
        "select count(*) from fct_practice_income_opportunities where practice_code = ? "
        "and lower_threshold is not null and achievement is not null",
        [HOSTILE_PRACTICE],
    )
    assert _count(page, "#chart-bullets g.trace.scatter path.point") == indicators > 0
    assert _count(page, "#chart-bullets g.trace.bars g.point") == indicators
    select = page.locator("#select-trajectory")
    choices = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert len(choices) >= 2
    for indicator in (choices[0], choices[-1]):
        select.select_option(indicator)
        path = _one(
            report.warehouse,
            "select count(achievement) + count(achievement_last_year) from fct_practice_indicator_trajectory "
            "where practice_code = ? and indicator_code = ?",
            [HOSTILE_PRACTICE, indicator],
        )
        assert _count(page, "#chart-trajectory path.point") == path > 0
        assert indicator in str(page.locator("#chart-trajectory .gtitle").text_content())
    assert page.title().startswith("Practice <script>alert(1)</script>")
    _finish(page, problems, "practice")
