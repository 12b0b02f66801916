"""CSV and XLSX downloads for staff, with spreadsheet formula injection neutralised."""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def xlsx_cell(value):
    """A value as openpyxl may write it: stored text can hold characters a spreadsheet cell refuses
    (openpyxl raises IllegalCharacterError, which made the export a 500); they are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def csv_cell(value):
    """A value as a French spreadsheet reads it from a ``;``-separated file: ``1234,5`` for numbers
    with decimals (no thousands separator, so that it stays a number), dates as ``29/11/2026``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(value)


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with accents correctly only with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def xlsx_response(
    filename: str, headers: Sequence[str] = (), rows: Iterable[Sequence] = (), *, sheets=None
) -> HttpResponse:
    """One sheet from ``headers`` and ``rows``, or several from ``sheets``: [(title, headers, rows)]."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, sheet_headers, sheet_rows in sheets or [(filename, headers, rows)]:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([xlsx_cell(value) for value in sheet_headers])
        for row in sheet_rows:
            sheet.append([xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
