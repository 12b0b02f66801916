"""The yearly panorama of territoires de projets, computed from the submitted fiches de renseignements."""

from . import questionnaire
from .dashboard import Bar, Chart, horizontal, percent
from .models import FicheRenseignements


def panorama(year: int) -> dict:
    answers = list(
        FicheRenseignements.objects.filter(
            campaign__year=year, status=FicheRenseignements.Status.SOUMISE
        ).values_list("answers", flat=True)
    )
    count = len(answers)
    population = sum(int(a.get("population") or 0) for a in answers)
    communes = sum(int(a.get("nombre_communes") or 0) for a in answers)

    legal_labels = dict(questionnaire.LEGAL_FORMS)
    legal = []
    for value, label in questionnaire.LEGAL_FORMS[1:]:
        n = sum(1 for a in answers if a.get("forme_juridique") == value)
        legal.append({"label": str(label), "count": n, "share": percent(n, count)})
    unknown = sum(
        1 for a in answers if a.get("forme_juridique") not in legal_labels or not a.get("forme_juridique")
    )
    if unknown:
        legal.append({"label": "Non renseignée", "count": unknown, "share": percent(unknown, count)})

    programmes = []
    for key, label in questionnaire.PROGRAMMES:
        n = sum(1 for a in answers if a.get(f"{key}_porte") == "oui")
        programmes.append({"label": str(label), "count": n, "share": percent(n, count)})
    leader_gal = sum(1 for a in answers if a.get("leader_gal") == "oui")
    codev = sum(1 for a in answers if a.get("codev_existe") == "oui")

    return {
        "year": year,
        "count": count,
        "population": population,
        "communes": communes,
        "legal_forms": legal,
        "programmes": programmes,
        "leader_gal": {"count": leader_gal, "share": percent(leader_gal, count)},
        "codev": {"count": codev, "share": percent(codev, count)},
        "legal_chart": horizontal(
            Chart(
                "Part des territoires par forme juridique",
                [Bar(r["label"], r["share"], f"{r['share']} %") for r in legal],
            )
        ),
        "programmes_chart": horizontal(
            Chart(
                "Part des territoires portant chaque programme",
                [Bar(r["label"], r["share"], f"{r['share']} %") for r in programmes],
            )
        ),
    }
