"""CSV and XLSX exports of participants for staff.

A cell that starts with = + - @ (or a tab / carriage return) would be run as a formula by a
spreadsheet: such cells are prefixed with a quote, whatever the format.
"""

import csv
import io

from django.utils import timezone
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADERS = [
    "Événement",
    "Nom",
    "Prénom",
    "Email",
    "Fonction",
    "Territoire",
    "Statut",
    "Rang en attente",
    "Journées",
    "Ateliers",
    "Repas",
    "Régime alimentaire",
    "Accessibilité",
    "Montant dû",
    "Inscrit le",
    "Présent",
]


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows(participants):
    for p in participants:
        yield [
            p.event.title,
            p.last_name,
            p.first_name,
            p.email,
            p.get_function_display(),
            p.registration.territory.name if p.registration.territory else "",
            p.get_status_display(),
            p.waiting_position or "",
            ", ".join(f"{d.date:%d/%m/%Y}" for d in p.days.all()),
            "; ".join(
                c.session.title + (" (attente)" if c.status == "waiting" else "")
                for c in p.session_choices.all()
            ),
            ", ".join(f"{d.date:%d/%m/%Y}" for d in p.meal_days.all()),
            p.dietary_needs,
            p.accessibility_needs,
            f"{p.price:.2f}",
            timezone.localtime(p.created_at).strftime("%d/%m/%Y %H:%M"),
            timezone.localtime(p.checked_in_at).strftime("%d/%m/%Y %H:%M") if p.checked_in_at else "",
        ]


def to_csv(participants) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    for row in rows(participants):
        writer.writerow([neutralise(v) for v in row])
    # A BOM so that spreadsheet software reads the accents as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(participants) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append(HEADERS)
    for row in rows(participants):
        # Every cell is written as text, so nothing a person typed becomes a formula.
        sheet.append([neutralise(v) for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
