"""Tables for a spreadsheet: an xlsx workbook of one sheet per table, numbers as numbers.

Used by the dashboard's download, the report (``report/tables.xlsx``) and the staffing search
(``staffing.xlsx``): each sheet has its header row frozen, columns wide enough for their text, a
missing number as an empty cell, and numbers in the format ``0.0`` where the caller asks for it.
"""

from __future__ import annotations

import io
import math

import pandas as pd


def _cell(value):
    """A value as a spreadsheet cell: a missing number empty, a numpy number a Python one, text as text."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if hasattr(value, "item") and not isinstance(value, str):      # a numpy number or bool
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def workbook_bytes(sheets: dict[str, pd.DataFrame], number_format: dict[str, int] | None = None) -> bytes:
    """An xlsx workbook with a sheet per entry of ``sheets`` (its name, at most 31 characters, to its
    table); ``number_format``: by sheet name, the first column shown as ``0.0`` (columns before it keep
    their own form)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(str(name)[:31])
        sheet.append([str(column) for column in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(value) for value in row])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(value)) for value in frame[column].tolist()[:200]])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))
        first = (number_format or {}).get(name)
        if first is not None:
            for row in sheet.iter_rows(min_row=2, min_col=first):
                for cell in row:
                    if isinstance(cell.value, float):
                        cell.number_format = "0.0"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
