"""Write the report site: index.html, one page per ICB, PCN and practice, and the assets.

The site opens from disk: every link is relative and the only script besides the report's
own is the plotly.js bundle of the installed plotly package, written once to
assets/plotly.min.js. Templates are rendered with autoescaping on, so every name and code
from the extract reaches the page escaped; chart data travels as JSON script blocks that
Jinja's `tojson` escapes for HTML.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from plotly.offline import get_plotlyjs

from qof_warehouse.alerts import published_directory
from qof_warehouse.report import pages
from qof_warehouse.report.marts import ReportData, Row, load_report_data

PACKAGE_DIR = Path(str(resources.files("qof_warehouse.report")))
ASSETS = ("report.css", "report.js")
PLOTLY_ASSET = "plotly.min.js"


def gbp(value: object) -> str:
    """Pounds to the nearest pound, e.g. £12,345; a dash when missing."""
    number = _number(value)
    return "-" if number is None else f"£{number:,.0f}"


def rate(value: object, digits: int = 1) -> str:
    """A 0-1 rate as a percentage, e.g. 72.5 %."""
    number = _number(value)
    return "-" if number is None else f"{100 * number:.{digits}f} %"


def figure(value: object, digits: int = 1) -> str:
    """A number with thousands separators and `digits` decimals; a dash when missing."""
    number = _number(value)
    return "-" if number is None else f"{number:,.{digits}f}"


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(str(value))
    return None if math.isnan(number) else number


def json_ready(value: Any) -> Any:
    """Figure data as JSON can carry it: decimals as floats, dates as ISO text, NaN and
    infinities as null (JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    return json.dumps(json_ready(value), allow_nan=False, separators=(",", ":"), **kwargs)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(gbp=gbp, rate=rate, figure=figure)
    env.policies["json.dumps_function"] = dumps
    return env


def render(template: str, context: pages.Context) -> str:
    return environment().get_template(template).render(**context)


def write_assets(folder: Path) -> None:
    assets = folder / "assets"
    assets.mkdir(parents=True, exist_ok=True)
    (assets / PLOTLY_ASSET).write_text(get_plotlyjs(), encoding="utf-8")
    for name in ASSETS:
        (assets / name).write_text(
            (PACKAGE_DIR / "assets" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )


def _write(folder: Path, relative: str, html: str) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def write_pages(data: ReportData, folder: Path, links: pages.Links) -> int:
    """Render every page into `folder` (links computed against links.out_dir); returns the
    number of pages written."""
    env = environment()

    def write(template: str, relative: str, context: pages.Context) -> None:
        _write(folder, relative, env.get_template(template).render(**context))

    write("index.html.j2", "index.html", pages.index_context(data))
    kinds: list[tuple[str, str, list[Row], Callable[..., pages.Context]]] = [
        ("icb", "icb_code", data.icbs, pages.icb_context),
        ("pcn", "pcn_code", data.pcns, pages.pcn_context),
        ("practice", "practice_code", data.practices, pages.practice_context),
    ]
    written = 1
    for level, key, rows, build in kinds:
        for row in rows:
            write(f"{level}.html.j2", pages.page_path(level, row[key]), build(data, row, links))
            written += 1
    return written


def build_report(
    warehouse: Path,
    out_dir: Path,
    worklists_dir: Path | None = None,
    alerts_dir: Path | None = None,
) -> Path:
    """Write the report of `warehouse` into `out_dir` (replaced whole when the writing
    succeeds) and return the path of its index page. Worklists and data-quality alert pages
    are linked from the practice pages when they exist under the given folders."""
    data = load_report_data(Path(warehouse))
    out_dir = Path(out_dir).resolve()
    links = pages.Links(out_dir, worklists_dir, alerts_dir)
    with published_directory(out_dir) as folder:
        write_assets(folder)
        write_pages(data, folder, links)
    return out_dir / "index.html"
