"""Figures of the staff dashboard, each from one aggregate query, whatever the number of territories."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from localflavor.fr.fr_region import REGION_2016_CHOICES

from .models import Adhesion, AdhesionCampaign, Territory

MEMBER_STATUSES = Adhesion.MEMBER_STATUSES


@dataclass
class Bar:
    label: str
    value: float
    text: str
    url: str = ""  # the filtered list behind the bar
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    show_label: bool = True


@dataclass
class Chart:
    title: str
    bars: list[Bar] = field(default_factory=list)
    width: int = 640
    height: int = 220


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# Room an axis label needs ("S52" at up to 22 units on a phone, with a gap), in the chart's units.
AXIS_LABEL_WIDTH = 64


def label_step(count: int, width: float, label_width: float = AXIS_LABEL_WIDTH) -> int:
    """Show one axis label every ``step`` bars, so that labels never overlap, whatever the number of
    bars: 10 weeks show every label, 52 weeks one in four (on a 640-unit wide chart)."""
    fitting = max(int(width // label_width), 1)
    return max(1, -(-count // fitting))


def vertical(chart: Chart) -> Chart:
    top = max((bar.value for bar in chart.bars), default=0) or 1
    slot = chart.width / max(len(chart.bars), 1)
    step = label_step(len(chart.bars), chart.width)
    last = len(chart.bars) - 1
    for index, bar in enumerate(chart.bars):
        bar.width = slot * 0.7
        bar.height = (chart.height - 40) * bar.value / top
        bar.x = index * slot + slot * 0.15
        bar.y = chart.height - 20 - bar.height
        # Every step-th label, and the last one unless it would touch the previous shown label.
        bar.show_label = index % step == 0 or (index == last and (last % step) * slot >= AXIS_LABEL_WIDTH)
    return chart


def horizontal(chart: Chart) -> Chart:
    chart.height = 26 * len(chart.bars) + 10
    for index, bar in enumerate(chart.bars):
        bar.width = 330 * bar.value / 100
        bar.x = 230
        bar.y = index * 26 + 5
        bar.height = 18
    return chart


def adhesions_url(**params) -> str:
    """The admin list of adhésions, filtered: where staff act on what a figure counts."""
    return f"{reverse('admin:members_adhesion_changelist')}?{urlencode(params)}"


def dashboard(year: int, today: date | None = None) -> dict:
    from .selectors import member_definition, member_reference_day, territories_with_valid_adhesion

    campaign = AdhesionCampaign.objects.filter(year=year).first()
    territories = Territory.objects.count()
    by_status = dict(
        Adhesion.objects.filter(campaign__year=year).values_list("status").annotate(n=Count("pk")).order_by()
    )
    # Adhérents by the one rule (the staff home, the directory and the members-only pages ask it
    # too), on the year's last day or today.
    on = member_reference_day(year, today)
    adherents = territories_with_valid_adhesion(on).values("pk")
    members = Territory.objects.filter(pk__in=adherents).count()
    called = (
        Adhesion.objects.filter(campaign__year=year, call_number__isnull=False)
        .exclude(status=Adhesion.Status.ANNULEE)
        .aggregate(total=Coalesce(Sum("amount"), Decimal("0")))["total"]
    )
    from billing.selectors import appel_payments_total

    paid = appel_payments_total(campaign_year=year)

    regions = Territory.objects.values("region").annotate(
        total=Count("pk", distinct=True),
        members=Count("pk", filter=Q(pk__in=adherents), distinct=True),
    )
    region_names = dict(REGION_2016_CHOICES)
    region_rows = sorted(
        (
            {
                "code": row["region"],
                "name": region_names.get(row["region"], row["region"]),
                "total": row["total"],
                "members": row["members"],
                "rate": percent(row["members"], row["total"]),
            }
            for row in regions
        ),
        key=lambda row: (-row["rate"], row["name"]),
    )
    for row in region_rows:
        row["url"] = adhesions_url(campaign__year=year, territory__region=row["code"])
    by_region = horizontal(
        Chart(
            "Taux d'adhésion par région",
            [Bar(row["name"], row["rate"], f"{row['rate']} %", url=row["url"]) for row in region_rows],
        )
    )

    weeks = Chart("Adhésions soumises, cumul par semaine de campagne")
    if campaign:
        submitted = list(
            Adhesion.objects.filter(campaign=campaign, submitted_at__isnull=False)
            .order_by("submitted_at")
            .values_list("submitted_at", flat=True)
        )
        last_day = min(campaign.closes_on, max([d.date() for d in submitted], default=campaign.opens_on))
        week_count = max(1, (last_day - campaign.opens_on).days // 7 + 1)
        cumulative = 0
        index = 0
        for week in range(week_count):
            end = campaign.opens_on + timedelta(days=7 * (week + 1))
            while index < len(submitted) and submitted[index].date() < end:
                cumulative += 1
                index += 1
            weeks.bars.append(
                Bar(
                    f"S{week + 1}",
                    cumulative,
                    str(cumulative),
                    url=adhesions_url(
                        campaign__year=year,
                        submitted_at__lt=timezone.make_aware(datetime.combine(end, time())).isoformat(),
                    ),
                )
            )
        vertical(weeks)

    return {
        "year": year,
        "campaign": campaign,
        "territories": territories,
        "members": members,
        "rate": percent(members, territories),
        "member_definition": member_definition(on),
        "by_status": [
            (label, by_status.get(value, 0), adhesions_url(campaign__year=year, status__exact=value))
            for value, label in Adhesion.Status.choices
        ],
        "links": {
            "members": f"{reverse('admin:members_territory_changelist')}?{urlencode({'adherent': year})}",
            "called": adhesions_url(campaign__year=year, call_number__isnull="False"),
            "paid": adhesions_url(campaign__year=year, status__exact=Adhesion.Status.PAYEE),
        },
        "called": called,
        "paid": paid,
        "regions": region_rows,
        "by_region": by_region,
        "weeks": weeks,
    }


def available_years(today: date) -> list[int]:
    return list(AdhesionCampaign.objects.order_by("-year").values_list("year", flat=True)) or [today.year]


UNPAID_AFTER_DAYS = 30


def late(year: int, today: date) -> dict:
    """The retardataires: calls of ``year`` unpaid after 30 days, and the territories whose fiche of
    the current campaign is not submitted. Three queries, whatever their number."""
    from .selectors import (
        adhesions_for_staff,
        adhesions_unpaid_after,
        fiche_campaign_current,
        territories_missing_fiche,
    )

    unpaid = list(
        adhesions_for_staff(
            adhesions_unpaid_after(UNPAID_AFTER_DAYS, today).filter(campaign__year=year)
        ).order_by("call_issued_at")
    )
    for adhesion in unpaid:
        adhesion.days_late = (today - adhesion.call_issued_at.date()).days
        adhesion.paid_total = adhesion.paid
        adhesion.remaining = adhesion.balance if adhesion.balance is not None else adhesion.amount
    campaign = fiche_campaign_current(today)
    missing = []
    if campaign is not None:
        from .models import FicheRenseignements

        territories = list(territories_missing_fiche(campaign).order_by("name").only("pk", "name", "slug"))
        drafts = dict(
            FicheRenseignements.objects.filter(
                campaign=campaign, territory__in=[t.pk for t in territories]
            ).values_list("territory_id", "updated_at")
        )
        for territory in territories:
            territory.fiche_updated_at = drafts.get(territory.pk)
            missing.append(territory)
    return {
        "unpaid": unpaid,
        "unpaid_after": UNPAID_AFTER_DAYS,
        "fiche_campaign": campaign,
        "missing_fiches": missing,
    }
