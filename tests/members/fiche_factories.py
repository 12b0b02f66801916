import datetime

import factory

from members.models import FicheCampaign


class FicheCampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FicheCampaign
        django_get_or_create = ("year",)

    year = 2018
    opens_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 3, 1))
    closes_on = factory.LazyAttribute(lambda o: datetime.date(o.year, 6, 30))
    reminder_days_not_started = [15, 30]
    reminder_days_not_submitted = [30, 45]


COMPLETE_ANSWERS = {
    "nom": "PETR du Pays A",
    "forme_juridique": "petr",
    "siren": "200070498",
    "email_contact": "contact@pays-a.fr",
    "nombre_communes": 80,
    "population": 37533,
    "annee_population": 2015,
    "president_nom": "Jean Dupont",
    "codev_existe": "oui",
    "assemblee_taille": 40,
    "directeur_nom": "Claire Martin",
    "etp": "4.5",
    "budget_fonctionnement": "450000.00",
    "projets_phares": "Mutuelle de Pays",
    **{
        f"{key}_porte": "non"
        for key in (
            "contrat_ruralite",
            "leader",
            "scot",
            "pcaet",
            "tepcv",
            "cls",
            "reciprocite",
            "contrat_regional",
        )
    },
}
