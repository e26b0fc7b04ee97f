"""`qof report`: a static report site with charts, built from the warehouse's marts.

Usage::

    from qof_warehouse.report import build_report
    index = build_report(Path("target/qof_warehouse.duckdb"), Path("output/report"))

The site opens from disk (index.html); see site.py for what it writes.
"""

from qof_warehouse.report.marts import ReportError
from qof_warehouse.report.site import build_report

__all__ = ["ReportError", "build_report"]
