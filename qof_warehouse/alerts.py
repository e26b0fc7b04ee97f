"""Data-quality alerts written from a built warehouse, and the data-quality summary.

`write_alerts` writes one folder per practice (its alerts and the records behind them, as
CSV and as a self-contained HTML page), a counts-only summary per PCN and per ICB, and an
extract-wide page with the row accounting, the quarantined rows and the implausible values
counted for QOF as recorded. A practice's folder is filled from rows filtered
to that practice, so it never holds another practice's patients. `published_directory`
writes a report folder beside the old one and swaps it in only when it is complete.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from qof_warehouse.csv_safety import safe_cell

Row = dict[str, object]

ALERT_COLUMNS = (
    "practice_code",
    "practice_name",
    "pcn_code",
    "icb_code",
    "check_code",
    "check_subject",
    "check_category",
    "severity",
    "title",
    "affected_count",
    "observed_value",
    "expected_value",
    "example_rows",
    "advice",
)
DETAIL_COLUMNS = (
    "practice_code",
    "check_code",
    "check_subject",
    "severity",
    "title",
    "patient_id",
    "record_id",
    "table_name",
    "record_date",
    "detail",
)
NETWORK_COLUMNS = (
    "network_level",
    "network_code",
    "network_name",
    "check_code",
    "check_subject",
    "severity",
    "title",
    "practices_affected",
    "affected_count",
)
PRACTICE_COUNT_COLUMNS = ("practice_code", "practice_name", "high", "medium", "low", "affected_records")
ACCOUNTING_COLUMNS = ("table_name", "rows_read", "rows_staged", "rows_quarantined", "rows_unaccounted")
QUARANTINE_COLUMNS = (
    "table_name",
    "quarantine_reason",
    "severity",
    "title",
    "rows_quarantined",
    "rows_attributed",
    "rows_unattributed",
    "practices_affected",
)
IMPLAUSIBLE_COLUMNS = ("table_name", "check_code", "check_subject", "title", "records", "practices_affected")
IMPLAUSIBLE_SUMMARY_QUERY = """
    select
        findings.table_name,
        findings.check_code,
        findings.check_subject,
        min(checks.title) as title,
        count(*) as records,
        count(distinct findings.practice_code) as practices_affected
    from dq_implausible_values as findings
    left join qof_dq_checks as checks
        on findings.check_code = checks.check_code
    group by findings.table_name, findings.check_code, findings.check_subject
    order by findings.table_name, findings.check_code, findings.check_subject
"""
SEVERITIES = ("high", "medium", "low")
COMPARISON_CHECKS = {
    "register_under_coding": "register size {observed:.0f}, expected about {expected:.1f}",
    "pca_rate_above_network": "PCA rate {observed:.0%}, PCN {expected:.0%}",
}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;margin:2rem auto;max-width:72rem;
padding:0 1rem;color:#1d2b36;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #005eb8}
h3{font-size:1.05rem;margin-bottom:.3rem}p.meta{color:#4c6272;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.6rem 0 1.2rem;font-size:.92rem}
th,td{border:1px solid #d8dde0;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;padding:.05rem .45rem;border-radius:.6rem;font-size:.8rem;font-weight:600}
.sev-high{background:#d5281b;color:#fff}.sev-medium{background:#ffb81c;color:#1d2b36}
.sev-low{background:#d8dde0;color:#1d2b36}.sev-info{background:#007f3b;color:#fff}
.ok{color:#007f3b;font-weight:600}.bad{color:#d5281b;font-weight:600}code{font-size:.85rem}
"""


@dataclass(frozen=True)
class AlertsWritten:
    """What `write_alerts` wrote."""

    practices: int
    pcns: int
    icbs: int
    alerts: int


def _rows(connection: duckdb.DuckDBPyConnection, query: str, parameters: Sequence[object] = ()) -> list[Row]:
    cursor = connection.execute(query, list(parameters))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def folder_name(code: str) -> str:
    """A safe folder name for an ODS code."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", code) or "_"


def _int(value: object) -> int:
    return int(str(value)) if value is not None else 0


def _float(value: object) -> float:
    return float(str(value))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([safe_cell(row.get(column), _text) for column in columns] for row in rows)


def _cell(value: object, numeric: bool = False) -> str:
    text = html.escape(
        f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else _text(value)
    )
    return f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>"


def severity_badge(severity: object) -> str:
    """A table cell with the severity as a coloured badge."""
    name = html.escape(_text(severity))
    return f'<td><span class="sev sev-{name}">{name}</span></td>'


def html_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table from already-escaped cells (use `_cell` or `severity_badge` to build them)."""
    head = "".join(f"<th>{html.escape(header)}</th>" for header in headers)
    body = "".join(f"<tr>{''.join(cells)}</tr>" for cells in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_page(title: str, subtitle: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<h1>{html.escape(title)}</h1><p class="meta">{html.escape(subtitle)}</p>{body}</body></html>\n'
    )


def readable_detail(detail: object) -> str:
    """A quarantined row's JSON as `column: value` pairs; other details as they are."""
    text = _text(detail)
    if not text.startswith("{"):
        return text
    try:
        record = json.loads(text)
    except json.JSONDecodeError:
        return text
    if not isinstance(record, dict):
        return text
    return ", ".join(f"{key}: {'(blank)' if value in (None, '') else value}" for key, value in record.items())


def describe_alert(alert: Row) -> str:
    """The alert's figure as a sentence part: a comparison, or a count of records."""
    template = COMPARISON_CHECKS.get(_text(alert["check_code"]))
    if template and alert["observed_value"] is not None and alert["expected_value"] is not None:
        return template.format(
            observed=_float(alert["observed_value"]), expected=_float(alert["expected_value"])
        )
    return ""


def _alert_rows_html(alerts: Sequence[Row]) -> str:
    rows = [
        [
            severity_badge(alert["severity"]),
            _cell(alert["title"]),
            _cell(alert["check_subject"]),
            _cell(alert["affected_count"], numeric=True),
            _cell(describe_alert(alert) or alert["example_rows"]),
            _cell(alert["advice"]),
        ]
        for alert in alerts
    ]
    return html_table(["Severity", "What was found", "About", "Affected", "Examples", "What to do"], rows)


def _detail_sections_html(alerts: Sequence[Row], details: Sequence[Row]) -> str:
    by_alert: dict[tuple[str, str], list[Row]] = {}
    for detail in details:
        by_alert.setdefault((_text(detail["check_code"]), _text(detail["check_subject"])), []).append(detail)
    sections = []
    for alert in alerts:
        records = by_alert.get((_text(alert["check_code"]), _text(alert["check_subject"])), [])
        if not records:
            continue
        rows = [
            [
                _cell(record["patient_id"]),
                _cell(record["record_id"]),
                _cell(record["record_date"]),
                _cell(readable_detail(record["detail"])),
            ]
            for record in records
        ]
        sections.append(
            f"<h3>{html.escape(_text(alert['title']))} ({html.escape(_text(alert['check_subject']))}): "
            f"{len(records):,}</h3>" + html_table(["Patient", "Record", "Date", "Detail"], rows)
        )
    return "".join(sections)


def practice_page(practice: Row, alerts: Sequence[Row], details: Sequence[Row], as_at: str) -> str:
    counts = Counter(_text(alert["severity"]) for alert in alerts)
    flagged = [alert for alert in alerts if alert["check_code"] != "no_issues_found"]
    if flagged:
        headline = (
            f"<p>{len(flagged)} data-quality finding(s): "
            + ", ".join(f"{counts[name]} {name}" for name in SEVERITIES if counts[name])
            + ". High-severity findings change who QOF counts: a patient or reading left out, "
            "or a wrong value counted.</p>"
        )
    else:
        headline = '<p class="ok">No data-quality issues found.</p>'
    body = headline + "<h2>Findings</h2>" + _alert_rows_html(alerts)
    sections = _detail_sections_html(alerts, details)
    if sections:
        body += "<h2>Records behind each finding</h2>" + sections
    subtitle = (
        f"PCN {_text(practice['pcn_name']) or 'none'} ({_text(practice['pcn_code']) or '-'}), "
        f"ICB {_text(practice['icb_name'])} ({_text(practice['icb_code'])}). Figures as at {as_at}. "
        "This page lists this practice's patients only."
    )
    title = f"Data-quality alert: {_text(practice['practice_name'])} ({_text(practice['practice_code'])})"
    return html_page(title, subtitle, body)


def practice_counts(alerts: Sequence[Row]) -> list[Row]:
    """Per practice: flagged checks by severity and records affected (no patient identifiers)."""
    counts: dict[str, Row] = {}
    for alert in alerts:
        row = counts.setdefault(
            _text(alert["practice_code"]),
            {"practice_code": alert["practice_code"], "practice_name": alert["practice_name"]}
            | {name: 0 for name in SEVERITIES}
            | {"affected_records": 0},
        )
        if alert["severity"] in SEVERITIES:
            row[_text(alert["severity"])] = _int(row[_text(alert["severity"])]) + 1
        row["affected_records"] = _int(row["affected_records"]) + _int(alert["affected_count"])
    return [counts[code] for code in sorted(counts)]


def network_page(level: str, code: str, name: str, checks: Sequence[Row], practices: Sequence[Row]) -> str:
    check_rows = [
        [
            severity_badge(check["severity"]),
            _cell(check["title"]),
            _cell(check["check_subject"]),
            _cell(check["practices_affected"], numeric=True),
            _cell(check["affected_count"], numeric=True),
        ]
        for check in checks
    ]
    practice_rows = [
        [_cell(row["practice_code"]), _cell(row["practice_name"])]
        + [_cell(row[column], numeric=True) for column in (*SEVERITIES, "affected_records")]
        for row in practices
    ]
    body = (
        "<h2>Findings across member practices</h2>"
        + html_table(["Severity", "What was found", "About", "Practices", "Affected"], check_rows)
        + "<h2>Member practices</h2>"
        + html_table(["Practice", "Name", "High", "Medium", "Low", "Affected records"], practice_rows)
    )
    subtitle = "Counts only; each practice's own alert folder lists its records."
    return html_page(f"Data-quality summary: {level.upper()} {name} ({code})", subtitle, body)


def extract_page(
    accounting: Sequence[Row],
    quarantine: Sequence[Row],
    networks: Sequence[Row],
    practices: Sequence[Row],
    implausible: Sequence[Row] = (),
) -> str:
    accounting_rows = [
        [_cell(row[column], numeric=column != "table_name") for column in ACCOUNTING_COLUMNS]
        + [
            '<td class="ok">balanced</td>'
            if row["rows_unaccounted"] == 0
            else '<td class="bad">ROWS LOST</td>'
        ]
        for row in accounting
    ]
    quarantine_rows = [
        [_cell(row["table_name"]), severity_badge(row["severity"]), _cell(row["title"])]
        + [_cell(row[column], numeric=True) for column in QUARANTINE_COLUMNS[4:]]
        for row in quarantine
    ]
    links = [
        f'<li><a href="{level}s/{folder_name(code)}/index.html">{level.upper()} {html.escape(name)} '
        f"({html.escape(code)})</a></li>"
        for level, code, name in sorted(
            {
                (_text(n["network_level"]), _text(n["network_code"]), _text(n["network_name"]))
                for n in networks
            }
        )
    ]
    practice_rows = [
        [
            f'<td><a href="practices/{folder_name(_text(row["practice_code"]))}/index.html">'
            f"{html.escape(_text(row['practice_code']))}</a></td>",
            _cell(row["practice_name"]),
        ]
        + [_cell(row[column], numeric=True) for column in (*SEVERITIES, "affected_records")]
        for row in practices
    ]
    body = (
        "<h2>Every row accounted for</h2>"
        + html_table(["Table", "Read", "Staged", "Quarantined", "Unaccounted", ""], accounting_rows)
        + "<h2>Quarantined rows by reason</h2>"
        + html_table(
            [
                "Table",
                "Severity",
                "Reason",
                "Rows",
                "Reported to a practice",
                "No practice found",
                "Practices",
            ],
            quarantine_rows,
        )
        + "<h2>Implausible values counted for QOF as recorded</h2>"
        + (
            html_table(
                ["Table", "Check", "About", "What was found", "Records", "Practices"],
                [
                    [
                        _cell(row[column], numeric=column in IMPLAUSIBLE_COLUMNS[4:])
                        for column in IMPLAUSIBLE_COLUMNS
                    ]
                    for row in implausible
                ],
            )
            if implausible
            else "<p>None: every reading with a plausibility range lies in it (or, with "
            "implausible_value_policy quarantine, such readings are in the quarantine above).</p>"
        )
        + "<h2>PCN and ICB summaries</h2><ul>"
        + "".join(links)
        + "</ul><h2>Practice alerts</h2>"
        + html_table(["Practice", "Name", "High", "Medium", "Low", "Affected records"], practice_rows)
    )
    return html_page("Data quality of the extract", "Rows read, staged and quarantined per table.", body)


def _as_at(connection: duckdb.DuckDBPyConnection) -> str:
    row = connection.execute(
        "select max(achievement_date) from fct_practice_indicator_achievement"
    ).fetchone()
    return _text(row[0] if row else None) or "the achievement date"


def write_practice_folders(connection: duckdb.DuckDBPyConnection, directory: Path) -> int:
    as_at = _as_at(connection)
    practices = _rows(connection, "select * from stg_gp_extract__practices order by practice_code")
    for practice in practices:
        code = _text(practice["practice_code"])
        alerts = _rows(
            connection,
            "select * from dq_practice_alerts where practice_code = ? "
            "order by severity_rank, affected_count desc, check_code, check_subject",
            [code],
        )
        details = _rows(
            connection,
            """
            select details.*, alerts.severity, alerts.title
            from dq_alert_details as details
            inner join dq_practice_alerts as alerts
                on details.practice_code = alerts.practice_code
                and details.check_code = alerts.check_code
                and details.check_subject = alerts.check_subject
            where details.practice_code = ?
            order by alerts.severity_rank, details.check_code, details.check_subject,
                details.record_date desc nulls last, details.record_id, details.patient_id
            """,
            [code],
        )
        folder = directory / "practices" / folder_name(code)
        write_csv(folder / "alerts.csv", ALERT_COLUMNS, alerts)
        write_csv(folder / "alert_records.csv", DETAIL_COLUMNS, details)
        (folder / "index.html").write_text(practice_page(practice, alerts, details, as_at), encoding="utf-8")
    return len(practices)


def write_network_folders(connection: duckdb.DuckDBPyConnection, directory: Path) -> dict[str, int]:
    networks = _rows(
        connection,
        "select * from dq_network_alerts order by network_level, network_code, severity_rank, "
        "affected_count desc, check_code, check_subject",
    )
    alerts = _rows(connection, "select * from dq_practice_alerts order by practice_code")
    written: dict[str, int] = {}
    for level in ("pcn", "icb"):
        codes = sorted({_text(row["network_code"]) for row in networks if row["network_level"] == level})
        for code in codes:
            checks = [
                row for row in networks if row["network_level"] == level and row["network_code"] == code
            ]
            members = [alert for alert in alerts if (_text(alert[f"{level}_code"]) or "UNALIGNED") == code]
            folder = directory / f"{level}s" / folder_name(code)
            write_csv(folder / "summary.csv", NETWORK_COLUMNS, checks)
            counts = practice_counts(members)
            write_csv(folder / "practices.csv", PRACTICE_COUNT_COLUMNS, counts)
            page = network_page(level, code, _text(checks[0]["network_name"]), checks, counts)
            (folder / "index.html").write_text(page, encoding="utf-8")
        written[level] = len(codes)
    return written


def write_alerts(duckdb_path: Path, directory: Path) -> AlertsWritten:
    """Write every practice's alert folder, the PCN and ICB summaries and the extract page."""
    directory.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        practices = write_practice_folders(connection, directory)
        networks = write_network_folders(connection, directory)
        accounting = _rows(connection, "select * from dq_row_accounting order by table_order")
        quarantine = _rows(
            connection, "select * from dq_quarantine_summary order by table_name, quarantine_reason"
        )
        network_rows = _rows(connection, "select * from dq_network_alerts")
        alerts = _rows(connection, "select * from dq_practice_alerts order by practice_code")
        implausible = _rows(connection, IMPLAUSIBLE_SUMMARY_QUERY)
    write_csv(directory / "row_accounting.csv", ACCOUNTING_COLUMNS, accounting)
    write_csv(directory / "quarantine_summary.csv", QUARANTINE_COLUMNS, quarantine)
    write_csv(directory / "implausible_value_summary.csv", IMPLAUSIBLE_COLUMNS, implausible)
    page = extract_page(accounting, quarantine, network_rows, practice_counts(alerts), implausible)
    (directory / "index.html").write_text(page, encoding="utf-8")
    flagged = sum(alert["check_code"] != "no_issues_found" for alert in alerts)
    return AlertsWritten(practices, networks["pcn"], networks["icb"], flagged)


@contextmanager
def published_directory(directory: Path) -> Iterator[Path]:
    """A fresh folder to write reports into, swapped in for `directory` when the block ends.

    If the block fails the previous reports stay as they were; leftovers of an interrupted
    run are cleared first.
    """
    directory = directory.resolve()
    writing = directory.with_name(f".{directory.name}.writing")
    retired = directory.with_name(f".{directory.name}.old")
    for leftover in (writing, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    writing.mkdir(parents=True)
    try:
        yield writing
    except BaseException:
        shutil.rmtree(writing, ignore_errors=True)
        raise
    if directory.exists():
        directory.rename(retired)
    writing.rename(directory)
    shutil.rmtree(retired, ignore_errors=True)


@dataclass(frozen=True)
class DataQualitySummary:
    """Headline data-quality figures of a built warehouse."""

    accounting: list[Row]
    reasons: list[Row]
    practices: int
    practices_flagged: int
    alerts_by_severity: dict[str, int]
    coding_checks: list[Row]
    implausible_values: list[Row] = field(default_factory=list)


def collect_dq_summary(duckdb_path: Path) -> DataQualitySummary:
    with duckdb.connect(str(duckdb_path), read_only=True) as connection:
        accounting = _rows(connection, "select * from dq_row_accounting order by table_order")
        reasons = _rows(
            connection,
            "select quarantine_reason, sum(rows_quarantined) as rows_quarantined, "
            "sum(rows_unattributed) as rows_unattributed from dq_quarantine_summary "
            "group by quarantine_reason order by rows_quarantined desc, quarantine_reason",
        )
        practices = _rows(
            connection,
            "select count(distinct practice_code) as practices, count(distinct practice_code) "
            "filter (where check_code != 'no_issues_found') as flagged from dq_practice_alerts",
        )[0]
        severities = _rows(
            connection,
            "select severity, count(*) as alerts from dq_practice_alerts "
            "where check_code != 'no_issues_found' group by severity",
        )
        coding = _rows(
            connection,
            "select check_code, count(distinct practice_code) as practices, sum(affected_count) as affected "
            "from dq_practice_alerts where check_category = 'clinical_coding' group by check_code "
            "order by check_code",
        )
        implausible = _rows(
            connection,
            "select check_code, count(distinct practice_code) as practices, count(*) as records "
            "from dq_implausible_values group by check_code order by check_code",
        )
    return DataQualitySummary(
        accounting=accounting,
        reasons=reasons,
        practices=_int(practices["practices"]),
        practices_flagged=_int(practices["flagged"]),
        alerts_by_severity={_text(row["severity"]): _int(row["alerts"]) for row in severities},
        coding_checks=coding,
        implausible_values=implausible,
    )


def format_dq_summary(summary: DataQualitySummary, rows_in_files: dict[str, int] | None = None) -> str:
    """The data-quality summary printed after a build; `rows_in_files` from the file check."""
    lines = ["Data-quality summary", "--------------------"]
    lines.append(f"{'table':<20}{'read':>10}{'staged':>10}{'quarantined':>13}{'unaccounted':>13}")
    for row in summary.accounting:
        lines.append(
            f"{_text(row['table_name']):<20}{_int(row['rows_read']):>10,}{_int(row['rows_staged']):>10,}"
            f"{_int(row['rows_quarantined']):>13,}{_int(row['rows_unaccounted']):>13,}"
        )
        expected = (rows_in_files or {}).get(_text(row["table_name"]))
        if expected is not None and expected != row["rows_read"]:
            lines.append(
                f"  WARNING: the file check read {expected:,} rows, the warehouse {row['rows_read']:,}"
            )
    lost = sum(_int(row["rows_unaccounted"]) for row in summary.accounting)
    lines.append("every row accounted for" if lost == 0 else f"WARNING: {lost:,} rows unaccounted for")
    if summary.reasons:
        lines.append("quarantined rows by reason (no practice found):")
        lines += [
            f"  {_text(row['quarantine_reason']):<30}{_int(row['rows_quarantined']):>8,}"
            f"  ({_int(row['rows_unattributed']):,})"
            for row in summary.reasons
        ]
    if summary.implausible_values:
        lines.append("implausible values counted for QOF as recorded (practices, records):")
        lines += [
            f"  {_text(row['check_code']):<30}{_int(row['practices']):>4}{_int(row['records']):>8,}"
            for row in summary.implausible_values
        ]
    severity_text = ", ".join(f"{summary.alerts_by_severity.get(name, 0)} {name}" for name in SEVERITIES)
    flagged = f"{summary.practices_flagged} of {summary.practices} practices flagged"
    lines.append(f"practice alerts: {flagged} ({severity_text})")
    if summary.coding_checks:
        lines.append("clinical coding checks (practices, patients):")
        lines += [
            f"  {_text(row['check_code']):<30}{_int(row['practices']):>4}{_int(row['affected']):>8,}"
            for row in summary.coding_checks
        ]
    return "\n".join(lines)
