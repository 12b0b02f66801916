"""The columns of the participants' CSV and XLSX exports for staff; the files themselves are made
by anpp_portal/exports.py, which neutralises spreadsheet formulas."""

from django.utils import timezone

from anpp_portal.formats import format_time

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
    "Présences (jour et heure de pointage)",
]


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
            p.price,  # a number: "40,00" in the CSV (anpp_portal.exports), a number cell in XLSX
            timezone.localtime(p.created_at).strftime("%d/%m/%Y %H:%M"),
            ", ".join(
                f"{a.day.date:%d/%m/%Y} {format_time(a.checked_in_at)}"
                for a in sorted(p.attendances.all(), key=lambda a: a.day.date)
            ),
        ]
