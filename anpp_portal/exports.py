"""CSV and XLSX downloads for staff, with spreadsheet formula injection neutralised."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with accents correctly only with a BOM
    writer = csv.writer(response, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise("" if value is None else value) for value in row])
    return response


def xlsx_response(
    filename: str, headers: Sequence[str] = (), rows: Iterable[Sequence] = (), *, sheets=None
) -> HttpResponse:
    """One sheet from ``headers`` and ``rows``, or several from ``sheets``: [(title, headers, rows)]."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, sheet_headers, sheet_rows in sheets or [(filename, headers, rows)]:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append(list(sheet_headers))
        for row in sheet_rows:
            sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
