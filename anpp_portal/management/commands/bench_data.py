"""Generate the benchmark's data set in bulk: 1,500 territories with their référents, three years of
adhésions, 100 issues with 20,000 articles, 5,000 newsletter subscribers (and whatever each app's
``bench`` module adds, e.g. events). Never run it on a real database: it refuses with DEBUG off unless
given --force, and `make bench` runs it on a database of its own."""

import importlib
import importlib.util
import random
import re
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from localflavor.fr.fr_region import REGION_2016_CHOICES
from stdnum import luhn

from billing.models import Invoice, InvoicePayment, InvoiceSequence, PaymentMethod
from members.models import (
    Adhesion,
    AdhesionCampaign,
    FicheCampaign,
    FicheRenseignements,
    Role,
    Territory,
    TerritoryMembership,
    User,
)
from publications.demo import FIRST_ISSUE

# The first issue of the magazine, shipped in the project: its words make the generated articles.
FALLBACK_TEXT = (
    "Les territoires de projets portent les contrats de ruralité, les programmes LEADER et la réciprocité "
    "entre villes et campagnes. Le conseil de développement associe la société civile aux projets du Pays."
)
BENCH_PASSWORD = "bench-password-2018"  # noqa: S105 - a throwaway database's accounts


def _siren(n: int) -> str:
    base = f"3{n:07d}"
    return base + luhn.calc_check_digit(base)


def _words() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(FIRST_ISSUE.glob("*.md"))]
    words = re.findall(r"[A-Za-zÀ-ÿ’'-]{3,}", " ".join(texts) or FALLBACK_TEXT)
    return words or FALLBACK_TEXT.split()


class Command(BaseCommand):
    help = "Generate the benchmark data set (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--territories", type=int, default=1500)
        parser.add_argument("--issues", type=int, default=100)
        parser.add_argument("--articles-per-issue", type=int, default=200)
        parser.add_argument("--subscribers", type=int, default=5000)
        parser.add_argument("--events", type=int, default=60)
        parser.add_argument("--registrations", type=int, default=20_000, help="participants, in all")
        parser.add_argument("--force", action="store_true")

    def handle(
        self,
        *args,
        territories,
        issues,
        articles_per_issue,
        subscribers,
        events,
        registrations,
        force,
        **options,
    ):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to generate benchmark data with DEBUG off (use --force on a throwaway database)."
            )
        rng = random.Random(2018)  # noqa: S311 - reproducible data, not security
        started = time.monotonic()
        with transaction.atomic():
            staff = self._members(rng, territories)
            self._adhesions(rng)
            self._fiches(rng)
        self.stdout.write(f"members: {time.monotonic() - started:.1f}s")
        step = time.monotonic()
        self._publications(rng, issues, articles_per_issue, subscribers)
        self.stdout.write(f"publications: {time.monotonic() - step:.1f}s")
        for app in ("events",):
            if importlib.util.find_spec(f"{app}.bench") is not None:
                step = time.monotonic()
                importlib.import_module(f"{app}.bench").generate(
                    rng=rng, staff=staff, events=events, registrations=registrations
                )
                self.stdout.write(f"{app}: {time.monotonic() - step:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(f"Benchmark data generated in {time.monotonic() - started:.1f}s")
        )

    def _members(self, rng, count):
        password = make_password(BENCH_PASSWORD)
        regions = [code for code, _name in REGION_2016_CHOICES if len(code) == 2 and code > "10"]
        kinds = (
            [Territory.Kind.PETR] * 5
            + [Territory.Kind.PAYS_SYNDICAT_MIXTE] * 2
            + [Territory.Kind.PAYS_ASSOCIATIF]
        )
        Territory.objects.bulk_create(
            [
                Territory(
                    name=f"PETR du Pays n°{n:04d}",
                    slug=f"bench-{n:04d}",
                    kind=rng.choice(kinds),
                    siren=_siren(n),
                    region=rng.choice(regions),
                    population=rng.randint(5_000, 200_000),
                    population_year=2015,
                    communes_count=rng.randint(10, 180),
                )
                for n in range(count)
            ],
            batch_size=500,
        )
        User.objects.bulk_create(
            [
                User(
                    email=f"referent{n:04d}@bench.test",
                    first_name="Référent",
                    last_name=f"{n:04d}",
                    password=password,
                )
                for n in range(count)
            ],
            batch_size=500,
        )
        territories = dict(Territory.objects.filter(slug__startswith="bench-").values_list("slug", "pk"))
        users = dict(User.objects.filter(email__endswith="@bench.test").values_list("email", "pk"))
        TerritoryMembership.objects.bulk_create(
            [
                TerritoryMembership(
                    user_id=users[f"referent{n:04d}@bench.test"],
                    territory_id=territories[f"bench-{n:04d}"],
                    role=Role.REFERENT,
                )
                for n in range(count)
            ],
            batch_size=500,
        )
        from allauth.account.models import EmailAddress

        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=pk, email=email, verified=True, primary=True)
                for email, pk in users.items()
            ],
            batch_size=500,
        )
        staff, _ = User.objects.get_or_create(
            email="staff@bench.test",
            defaults={
                "first_name": "Équipe",
                "last_name": "ANPP",
                "is_staff": True,
                "is_superuser": True,
                "password": password,
            },
        )
        EmailAddress.objects.get_or_create(
            user=staff, email=staff.email, defaults={"verified": True, "primary": True}
        )
        return staff

    def _fiches(self, rng):
        """A submitted fiche de renseignements per territory and year (2016-2018), for the panorama
        and the staff lists."""
        from members import questionnaire

        forms = ["petr"] * 5 + ["syndicat_mixte"] * 2 + ["association"]
        programmes = [key for key, _label in questionnaire.PROGRAMMES]
        territories = list(
            Territory.objects.filter(slug__startswith="bench-").values_list(
                "pk", "name", "population", "communes_count"
            )
        )
        for year in (2016, 2017, 2018):
            campaign = FicheCampaign.objects.create(
                year=year,
                opens_on=date(year, 3, 1),
                closes_on=date(year, 6, 30),
                reminder_days_not_started=[15, 30],
                reminder_days_not_submitted=[30],
            )
            fiches = []
            for pk, name, population, communes in territories:
                carried = set(rng.sample(programmes, rng.randint(1, len(programmes))))
                answers = {
                    "nom": name,
                    "forme_juridique": rng.choice(forms),
                    "nombre_communes": communes,
                    "population": population,
                    "annee_population": year - 3,
                    "etp": str(rng.randint(2, 15)),
                    "budget_fonctionnement": f"{rng.randint(150, 2000) * 1000}.00",
                    "epci": [
                        {
                            "nom": f"Communauté de communes {n} de {name}",
                            "siren": "",
                            "population": population // 3,
                        }
                        for n in range(rng.randint(1, 4))
                    ],
                    **{f"{key}_porte": "oui" if key in carried else "non" for key in programmes},
                }
                fiches.append(
                    FicheRenseignements(
                        territory_id=pk,
                        campaign=campaign,
                        answers=answers,
                        status=FicheRenseignements.Status.SOUMISE,
                        submitted_at=timezone.make_aware(
                            datetime(year, 3, 2) + timedelta(days=rng.randint(0, 90))
                        ),
                    )
                )
            FicheRenseignements.objects.bulk_create(fiches, batch_size=500)

    def _adhesions(self, rng):
        statuses = (
            [Adhesion.Status.PAYEE] * 6
            + [Adhesion.Status.APPEL_EMIS] * 2
            + [
                Adhesion.Status.SOUMISE,
                Adhesion.Status.BROUILLON,
                Adhesion.Status.ANNULEE,
            ]
        )
        territories = list(
            Territory.objects.filter(slug__startswith="bench-").values_list("pk", "population")
        )
        for year in (2016, 2017, 2018):
            campaign = AdhesionCampaign.objects.create(
                year=year,
                opens_on=date(year, 1, 15),
                closes_on=date(year, 6, 30),
                fee_mode=AdhesionCampaign.FeeMode.PER_INHABITANT,
                rate_per_inhabitant=Decimal("0.05"),
                fee_floor=Decimal("500"),
                fee_ceiling=Decimal("3000"),
                population_year=year - 3,
                reminder_days_without_submission=[15, 30],
                reminder_days_unpaid=[],  # old campaigns: only the current one reminds
            )
            adhesions, number = [], 0
            for pk, population in territories:
                status = rng.choice(statuses)
                amount = min(
                    max(Decimal(population) * Decimal("0.05"), Decimal("500")), Decimal("3000")
                ).quantize(Decimal("1"))
                called = status in (Adhesion.Status.APPEL_EMIS, Adhesion.Status.PAYEE)
                number += called
                submitted = timezone.make_aware(datetime(year, 1, 16) + timedelta(days=rng.randint(0, 120)))
                adhesions.append(
                    Adhesion(
                        territory_id=pk,
                        campaign=campaign,
                        status=status,
                        population=population,
                        amount=amount,
                        amount_basis=f"{population} habitants × 0,05 €",
                        signatory_name="Président",
                        billing_contact_email="compta@bench.test",
                        call_number=f"{year}-{number:04d}" if called else None,
                        call_issued_at=submitted + timedelta(days=10) if called else None,
                        submitted_at=submitted if status != Adhesion.Status.BROUILLON else None,
                    )
                )
            created = Adhesion.objects.bulk_create(adhesions, batch_size=500)
            # Each call is billing's appel (numbered in its series "A"), each paid one paid in full.
            InvoiceSequence.objects.update_or_create(series="A", year=year, defaults={"last_number": number})
            appels = Invoice.objects.bulk_create(
                [
                    Invoice(
                        kind=Invoice.Kind.APPEL,
                        number=a.call_number,
                        issued_at=a.call_issued_at,
                        territory_id=a.territory_id,
                        adhesion=a,
                        buyer_name="Territoire de test",
                        subject=f"Cotisation {year}",
                        lines=[
                            {
                                "label": f"Cotisation {year}",
                                "quantity": 1,
                                "unit_price": str(a.amount),
                                "amount": str(a.amount),
                            }
                        ],
                        total=a.amount,
                    )
                    for a in created
                    if a.call_number
                ],
                batch_size=500,
            )
            paid = {a.pk for a in created if a.status == Adhesion.Status.PAYEE}
            InvoicePayment.objects.bulk_create(
                [
                    InvoicePayment(
                        invoice=appel,
                        paid_on=date(year, 5, 2),
                        amount=appel.total,
                        method=PaymentMethod.MANDAT,
                    )
                    for appel in appels
                    if appel.adhesion_id in paid
                ],
                batch_size=500,
            )

    def _publications(self, rng, issue_count, per_issue, subscriber_count):
        from publications.models import Article, Issue, Rubrique, Subscriber
        from publications.services import search_vectors_update

        words = _words()
        rubriques = list(Rubrique.objects.all()) or [Rubrique.objects.create(name="Dossier", slug="dossier")]

        def sentence(n):
            return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."

        seasons = ["Hiver", "Printemps", "Été", "Automne"]
        with transaction.atomic():
            Issue.objects.bulk_create(
                [
                    Issue(
                        number=100 + n,
                        season=f"{seasons[n % 4]} {2000 + n // 4}",
                        date=date(2000 + n // 4, 1 + 3 * (n % 4), 15),
                        title="Territoires de Projets",
                        status=Issue.Status.PUBLISHED,
                        published_at=timezone.now(),
                        visibility=Issue.Visibility.MEMBERS if n % 3 == 0 else Issue.Visibility.PUBLIC,
                    )
                    for n in range(issue_count)
                ]
            )
            for issue in Issue.objects.filter(number__gte=100).order_by("number"):
                articles = []
                for order in range(1, per_issue + 1):
                    paragraphs = [" ".join(sentence(rng.randint(8, 20)) for _ in range(4)) for _ in range(3)]
                    body = "\n\n".join(paragraphs)
                    articles.append(
                        Article(
                            issue=issue,
                            rubrique=rng.choice(rubriques),
                            order=order,
                            slug=f"article-{order}",
                            title=sentence(rng.randint(4, 9))[:-1],
                            chapeau=sentence(rng.randint(15, 30)),
                            body=body,
                            body_html="".join(f"<p>{p}</p>" for p in paragraphs),
                        )
                    )
                Article.objects.bulk_create(articles, batch_size=1000)
            ids = list(Article.objects.values_list("pk", flat=True))
            for start in range(0, len(ids), 5000):
                search_vectors_update(article_ids=ids[start : start + 5000])
        now = timezone.now()
        Subscriber.objects.bulk_create(
            [
                Subscriber(email=f"lecteur{n:05d}@bench.test", token=f"bench-token-{n:05d}", confirmed_at=now)
                for n in range(subscriber_count)
            ],
            batch_size=1000,
        )
