"""Demo data of the members app: two territories, their référents and one ANPP staff account.

Idempotent: every object is looked up by its natural key, so running it twice changes nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from . import emails, services
from .models import (
    Adhesion,
    AdhesionCampaign,
    Department,
    DirectoryProfile,
    FicheCampaign,
    FicheRenseignements,
    FlatFee,
    Role,
    Territory,
    TerritoryMembership,
    User,
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    description: str


STAFF = DemoAccount("equipe@anpp.demo", "anpp-demo-2018", "ANPP staff (admin and dashboard)")
REFERENT_RUFFECOIS = DemoAccount(
    "direction@ruffecois.demo", "ruffec-demo-2018", "référent, PETR du Pays Ruffécois"
)
REFERENT_GASCOGNE = DemoAccount(
    "direction@portesdegascogne.demo", "gascogne-demo-2018", "référent, PETR Pays Portes de Gascogne"
)

TERRITORIES = [
    {
        "slug": "pays-ruffecois",
        "name": "PETR du Pays Ruffécois",
        "kind": Territory.Kind.PETR,
        "siren": "200070498",
        "region": "75",
        "departments": ["16"],
        "address": "8 rue du Docteur Emile Roux",
        "postal_code": "16700",
        "city": "Ruffec",
        "website": "http://www.paysduruffecois.com/",
        "population": 37533,
        "population_year": 2018,
        "communes_count": 80,
    },
    {
        "slug": "portes-de-gascogne",
        "name": "PETR Pays Portes de Gascogne",
        "kind": Territory.Kind.PETR,
        "siren": "200041556",
        "region": "76",
        "departments": ["32"],
        "address": "Le Prieuré, Place Nationale",
        "postal_code": "32500",
        "city": "Fleurance",
        "website": "",
        "population": 68000,
        "population_year": 2018,
        "communes_count": 158,
    },
]


def _account(account: DemoAccount, *, first_name: str, last_name: str, is_staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=account.email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": is_staff,
            "is_superuser": is_staff,
        },
    )
    if created:
        user.set_password(account.password)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=account.email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load() -> list[DemoAccount]:
    territories = {}
    for data in TERRITORIES:
        data = dict(data)
        departments = data.pop("departments")
        territory, _ = Territory.objects.update_or_create(slug=data.pop("slug"), defaults=data)
        territory.departments.set(Department.objects.filter(code__in=departments))
        territories[territory.slug] = territory

    _account(STAFF, first_name="Équipe", last_name="ANPP (démo)", is_staff=True)
    ruffec = _account(REFERENT_RUFFECOIS, first_name="Claire", last_name="Martin")
    gascogne = _account(REFERENT_GASCOGNE, first_name="Julien", last_name="Dupuy")
    TerritoryMembership.objects.get_or_create(
        user=ruffec,
        territory=territories["pays-ruffecois"],
        defaults={"role": Role.REFERENT, "function": "Directrice"},
    )
    TerritoryMembership.objects.get_or_create(
        user=gascogne,
        territory=territories["portes-de-gascogne"],
        defaults={"role": Role.REFERENT, "function": "Directeur"},
    )
    with emails.muted():  # the demo's addresses are fictional: nobody is written to
        _load_adhesions(territories)
        _load_fiches(territories)
    _load_directory(territories)
    _load_join_request()
    return [STAFF, REFERENT_RUFFECOIS, REFERENT_GASCOGNE]


def _load_join_request() -> None:
    """A pending request of a fictional territory (its address confirmed), for staff to accept or
    refuse in the admin."""
    from django.utils import timezone

    from .models import JoinRequest

    request, created = JoinRequest.objects.get_or_create(
        siren="299000018",
        defaults={
            "territory_name": "PETR du Pays Exemple (fictif)",
            "kind": Territory.Kind.PETR,
            "population": 41250,
            "first_name": "Alix",
            "last_name": "Exemple",
            "function": "Directrice (fictive)",
            "email": "alix@pays-exemple.demo",
            "status": JoinRequest.Status.PENDING,
            "confirmed_at": timezone.now(),
        },
    )
    if created:
        request.departments.set(Department.objects.filter(code__in=["16", "86"]))


# More territories, so that the 2018 campaign shows an adhésion in every status.
MORE_TERRITORIES = [
    ("pays-de-langres", "PETR du Pays de Langres", Territory.Kind.PETR, "44", "52", 47000),
    ("pays-de-broceliande", "Pays de Brocéliande", Territory.Kind.PAYS_ASSOCIATIF, "53", "35", 68500),
    ("pays-lunevillois", "PETR du Pays du Lunévillois", Territory.Kind.PETR, "44", "54", 80000),
    (
        "pays-de-la-vallee-du-loir",
        "Pays Vallée du Loir",
        Territory.Kind.PAYS_SYNDICAT_MIXTE,
        "52",
        "72",
        61000,
    ),
    (
        "codev-pays-basque",
        "Conseil de développement du Pays Basque",
        Territory.Kind.CONSEIL_DEVELOPPEMENT,
        "75",
        "64",
        None,
    ),
]


def _campaign(year: int, opens_on, closes_on) -> AdhesionCampaign:
    campaign, created = AdhesionCampaign.objects.get_or_create(
        year=year,
        defaults={
            "opens_on": opens_on,
            "closes_on": closes_on,
            "fee_mode": AdhesionCampaign.FeeMode.PER_INHABITANT,
            "rate_per_inhabitant": Decimal("0.05"),
            "fee_floor": Decimal("500"),
            "fee_ceiling": Decimal("3000"),
            "rounding": AdhesionCampaign.Rounding.EURO,
            "population_year": year - 3,
            "reminder_days_without_submission": [15, 30],
            "reminder_days_unpaid": [30, 60],
            "intro_text": "L'adhésion à l'ANPP donne accès aux rencontres, aux notes d'actualité et à "
            "l'accompagnement de l'équipe. La cotisation est calculée sur la population du territoire.",
        },
    )
    if created:
        FlatFee.objects.create(
            campaign=campaign, kind=Territory.Kind.CONSEIL_DEVELOPPEMENT, amount=Decimal("150")
        )
    return campaign


def _issued_on(adhesion: Adhesion, day: datetime.date) -> None:
    """Date a demo appel as if staff had issued it during its campaign, not on the day the demo is
    loaded (a 2018 appel "émis le 7 décembre 2026" reads as a bug). Before its PDF is rendered."""
    from billing.models import Invoice

    issued_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    due_on = day + datetime.timedelta(days=adhesion.campaign.payment_delay_days)
    Adhesion.objects.filter(pk=adhesion.pk).update(call_issued_at=issued_at, call_due_on=due_on)
    Invoice.objects.filter(adhesion=adhesion).update(issued_at=issued_at, due_on=due_on)
    adhesion.transitions.filter(at__gt=issued_at).update(at=issued_at)
    adhesion.call_issued_at, adhesion.call_due_on = issued_at, due_on


def _load_adhesions(territories: dict) -> None:
    staff = User.objects.get(email=STAFF.email)
    for slug, name, kind, region, department, population in MORE_TERRITORIES:
        territory, _ = Territory.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "region": region,
                "population": population,
                "population_year": 2015 if population else None,
            },
        )
        territory.departments.set(Department.objects.filter(code=department))
        territories[slug] = territory
    campaign = _campaign(2018, datetime.date(2018, 1, 15), datetime.date(2018, 6, 30))
    today = timezone.localdate()
    # Today's campaign is open, so the demo référents can fill their adhésion now; the Pays
    # Ruffécois has already renewed (its people read the members-only issues), the Portes de
    # Gascogne has not.
    current = _campaign(today.year, datetime.date(today.year, 1, 15), datetime.date(today.year, 12, 31))
    ruffecois = territories["pays-ruffecois"]
    if not current.adhesions.filter(territory=ruffecois).exists():
        adhesion = services.adhesion_open(
            territory=ruffecois, campaign=current, by=staff, today=current.opens_on
        )
        services.adhesion_save(
            adhesion=adhesion,
            data={
                "signatory_name": "Président du PETR",
                "signatory_role": "Président",
                "billing_contact_email": "compta@ruffecois.demo",
                "billing_address": "PETR du Pays Ruffécois\n8 rue du Docteur Emile Roux\n16700 Ruffec",
            },
            by=staff,
        )
        services.adhesion_submit(adhesion=adhesion, by=staff, today=current.opens_on)
        adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
        _issued_on(adhesion, min(today, current.opens_on + datetime.timedelta(days=14)))
        # The worker renders documents after the commit; the demo has them at once.
        services.adhesion_documents_render(adhesion_id=adhesion.pk)
    if campaign.adhesions.exists():
        return
    in_campaign = datetime.date(2018, 2, 1)
    wanted = {
        "pays-ruffecois": Adhesion.Status.PAYEE,
        "portes-de-gascogne": Adhesion.Status.APPEL_EMIS,
        "pays-de-langres": Adhesion.Status.VALIDEE,
        "pays-de-broceliande": Adhesion.Status.SOUMISE,
        "pays-lunevillois": Adhesion.Status.BROUILLON,
        "pays-de-la-vallee-du-loir": Adhesion.Status.ANNULEE,
        "codev-pays-basque": Adhesion.Status.APPEL_EMIS,
    }
    for slug, status in wanted.items():
        adhesion = services.adhesion_open(
            territory=territories[slug], campaign=campaign, by=staff, today=in_campaign
        )
        _load_2018_adhesion(adhesion, slug, status, list(wanted).index(slug), staff)
        # Its history happened in 2018 too, not on the day the demo was loaded.
        last = timezone.make_aware(datetime.datetime(2018, 4, 12, 10))
        adhesion.transitions.filter(at__gt=last).update(at=last)


def _load_2018_adhesion(adhesion, slug, status, week, staff) -> None:
    """One 2018 adhésion brought to ``status`` as staff would have, its dates in 2018."""
    territory = adhesion.territory
    if status == Adhesion.Status.BROUILLON:
        return
    services.adhesion_save(
        adhesion=adhesion,
        data={
            "signatory_name": "Président du territoire",
            "signatory_role": "Président",
            "billing_contact_email": f"compta@{slug}.demo",
            "billing_address": f"{territory.name}\n{territory.address or 'Hôtel de ville'}",
        },
        by=staff,
    )
    if status == Adhesion.Status.ANNULEE:
        services.adhesion_cancel(adhesion=adhesion, by=staff, reason="Adhésion saisie en double.")
        return
    services.adhesion_submit(adhesion=adhesion, by=staff, today=datetime.date(2018, 2, 1))
    # Spread the demo's submissions over the first weeks of the campaign, for the dashboard.
    submitted_at = timezone.make_aware(datetime.datetime(2018, 1, 22) + datetime.timedelta(days=9 * week))
    Adhesion.objects.filter(pk=adhesion.pk).update(submitted_at=submitted_at)
    if status == Adhesion.Status.SOUMISE:
        return
    if status == Adhesion.Status.VALIDEE:
        # Validation issues the call at once; shown here is the step between, as after a failed render.
        Adhesion.objects.filter(pk=adhesion.pk).update(status=Adhesion.Status.VALIDEE)
        return
    adhesion = services.adhesion_validate(adhesion=adhesion, by=staff)
    _issued_on(adhesion, submitted_at.date() + datetime.timedelta(days=7))
    if status == Adhesion.Status.PAYEE:
        services.payment_record(
            adhesion=adhesion,
            paid_on=datetime.date(2018, 4, 12),
            amount=adhesion.amount,
            method="mandat",
            reference="Mandat n° 2018-117",
            by=staff,
        )
    services.adhesion_documents_render(adhesion_id=adhesion.pk)


# 2018 answers of the demo territories, for the panorama (legal form, population, communes, programmes).
FICHES_2018 = {
    "pays-ruffecois": ("petr", 37533, 80, ["contrat_ruralite", "leader", "cls"]),
    "portes-de-gascogne": ("petr", 68000, 158, ["contrat_ruralite", "leader", "scot", "pcaet"]),
    "pays-de-langres": ("petr", 47000, 168, ["contrat_ruralite", "scot"]),
    "pays-de-broceliande": ("association", 68500, 42, ["leader", "reciprocite"]),
    "pays-de-la-vallee-du-loir": ("syndicat_mixte", 61000, 64, ["contrat_ruralite", "tepcv", "pcaet"]),
}


def _load_fiches(territories: dict) -> None:
    from . import questionnaire

    campaign, _ = FicheCampaign.objects.get_or_create(
        year=2018,
        defaults={
            "opens_on": datetime.date(2018, 3, 1),
            "closes_on": datetime.date(2018, 6, 30),
            "reminder_days_not_started": [15, 30],
            "reminder_days_not_submitted": [30],
        },
    )
    today = timezone.localdate()
    FicheCampaign.objects.get_or_create(
        year=today.year,
        defaults={
            "opens_on": datetime.date(today.year, 1, 15),
            "closes_on": datetime.date(today.year, 12, 31),
            "reminder_days_not_started": [15, 30],
            "reminder_days_not_submitted": [30],
        },
    )
    for slug, (legal_form, population, communes, programmes) in FICHES_2018.items():
        territory = territories[slug]
        answers = {
            "nom": territory.name,
            "forme_juridique": legal_form,
            "siren": territory.siren,
            "email_contact": f"contact@{slug}.demo",
            "nombre_communes": communes,
            "population": population,
            "annee_population": 2015,
            "president_nom": "Président du territoire",
            "codev_existe": "oui",
            "assemblee_taille": 40,
            "directeur_nom": "Direction du territoire",
            "etp": "4.5",
            "budget_fonctionnement": "450000.00",
            "projets_phares": "Projet alimentaire territorial ; mutuelle de Pays.",
            "epci": [
                {
                    "nom": f"Communauté de communes de {territory.city or territory.name}",
                    "siren": "",
                    "nombre_communes": communes,
                    "population": population,
                }
            ],
        }
        for key, _label in questionnaire.PROGRAMMES:
            answers[f"{key}_porte"] = "oui" if key in programmes else "non"
        FicheRenseignements.objects.get_or_create(
            territory=territory,
            campaign=campaign,
            defaults={
                "answers": answers,
                "status": FicheRenseignements.Status.SOUMISE,
                "submitted_at": timezone.make_aware(datetime.datetime(2018, 4, 2)),
            },
        )


# Who else shows in the public directory and on its map: these territories' adhésions of last year
# were validated (they count until this year's campaign closes). Demo statuses, not real ones.
DIRECTORY_MEMBERS_LAST_YEAR = [
    "pays-de-langres",
    "pays-de-broceliande",
    "pays-lunevillois",
    "codev-pays-basque",
]
# What the demo référents chose to make public (the Pays Ruffécois's figures are those of the seed).
DIRECTORY_PUBLIC = {
    "pays-ruffecois": {"show_population": True, "show_communes": True, "show_website": True},
    "pays-de-langres": {"show_population": True},
}


def _load_directory(territories: dict) -> None:
    today = timezone.localdate()
    last_year = _campaign(
        today.year - 1, datetime.date(today.year - 1, 1, 15), datetime.date(today.year - 1, 6, 30)
    )
    for slug in DIRECTORY_MEMBERS_LAST_YEAR:
        Adhesion.objects.get_or_create(
            territory=territories[slug],
            campaign=last_year,
            defaults={"status": Adhesion.Status.VALIDEE, "population": territories[slug].population},
        )
    for slug, choices in DIRECTORY_PUBLIC.items():
        DirectoryProfile.objects.get_or_create(territory=territories[slug], defaults=choices)
