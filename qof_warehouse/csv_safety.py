"""Spreadsheet formula injection: CSV text cells that a spreadsheet would run as a formula.

Excel, LibreOffice and Google Sheets treat a cell that begins with `=`, `+`, `-` or `@` (and
a leading tab or carriage return) as a formula, so a patient id, practice name or free-text
detail such as `=HYPERLINK("http://x")` in an extract would run when a practice opens its
worklist. Every CSV written for people to open (worklists, data-quality alerts, the CQRS
file) passes its cells through this module: such a TEXT cell is prefixed with a single
quote, which the spreadsheet shows as plain text (the OWASP "CSV Injection"
recommendation). Numbers are written as they are, so a negative number stays a number.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"


def neutralise_text(text: str) -> str:
    """The text with a leading single quote when a spreadsheet would read it as a formula."""
    return TEXT_PREFIX + text if text.startswith(FORMULA_TRIGGERS) else text


def safe_cell(value: object, render: Callable[[object], str] = str) -> str:
    """One CSV cell: `render(value)`, neutralised unless the value is a number.

    `render` is the writer's own formatting (empty for null, ISO dates, ...). Numbers
    (int, float, Decimal, numpy numbers; booleans too) are never prefixed.
    """
    text = render(value)
    if value is None or isinstance(value, numbers.Number):
        return text
    return neutralise_text(text)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame whose text cells are neutralised; numeric columns are untouched."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda value: neutralise_text(value) if isinstance(value, str) else value
            )
    return safe
