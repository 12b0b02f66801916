"""The yearly panorama of territoires de projets, computed from the submitted fiches de renseignements.

Every figure reads answers by question key, from the questionnaire of the year: a question staff add
(a choice, a multiple choice, a yes/no) is counted without code, and a reworded question keeps its
figures since its key does not change.
"""

from . import questionnaire
from .dashboard import Bar, Chart, horizontal, percent
from .models import FicheCampaign, FicheRenseignements


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def panorama(year: int) -> dict:
    answers = list(
        FicheRenseignements.objects.filter(
            campaign__year=year, status=FicheRenseignements.Status.SOUMISE
        ).values_list("answers", flat=True)
    )
    count = len(answers)
    campaign = FicheCampaign.objects.filter(year=year).first()
    form = questionnaire.for_campaign(campaign) if campaign else None
    figures = form.choice_counts(answers) if form else []
    for figure in figures:
        for row in figure["counts"]:
            row["share"] = percent(row["count"], count)
        figure["chart"] = horizontal(
            Chart(
                figure["question"].label,
                [Bar(row["label"], row["share"], f"{row['share']} %") for row in figure["counts"]],
            )
        )

    legal = []
    legal_question = form.questions.get("forme_juridique") if form else None
    if legal_question is not None:
        for value, label in legal_question.choices:
            n = sum(1 for a in answers if a.get("forme_juridique") == value)
            legal.append({"label": label, "count": n, "share": percent(n, count)})
        known = {value for value, _label in legal_question.choices}
        unknown = sum(1 for a in answers if a.get("forme_juridique") not in known)
        if unknown:
            legal.append({"label": "Non renseignée", "count": unknown, "share": percent(unknown, count)})

    programmes = []
    for key, label in questionnaire.PROGRAMMES:
        if form is None or f"{key}_porte" not in form.questions:
            continue
        n = sum(1 for a in answers if a.get(f"{key}_porte") == questionnaire.YES)
        programmes.append({"label": str(label), "count": n, "share": percent(n, count)})
    leader_gal = sum(1 for a in answers if a.get("leader_gal") == questionnaire.YES)
    codev = sum(1 for a in answers if a.get("codev_existe") == questionnaire.YES)

    return {
        "year": year,
        "count": count,
        "population": sum(_int(a.get("population")) for a in answers),
        "communes": sum(_int(a.get("nombre_communes")) for a in answers),
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
        "questions": figures,
    }
