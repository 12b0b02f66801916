"""What the staff home shows: what needs action now, each with its count and the filtered list where
staff act, and the key figures of the year. A fixed number of queries, whatever the data."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anpp_portal.models import OutboundEmail
from events.models import Event, Participant, Registration
from members import selectors as members_selectors
from members.models import Adhesion, AdhesionCampaign, FicheRenseignements, JoinRequest, Territory
from publications import selectors as publications_selectors

UNPAID_AFTER_DAYS = 30
FICHE_DEADLINE_NEAR_DAYS = 30
RECENT_REGISTRATION_DAYS = 7


@dataclass
class ActionItem:
    kind: str  # a stable name, for tests and styling
    title: str
    count: int
    url: str
    action: str  # what staff do there
    urgent: bool = False


def _admin_list(name: str, **params) -> str:
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _upcoming_events(today: date):
    """Events with a day still to come (a subquery, not a list: the query count stays fixed)."""
    return Event.objects.filter(days__date__gte=today).values("pk")


def action_items(today: date) -> list[ActionItem]:
    items = []
    # Only campaigns staff still act on, and only events still to come: a 2018 adhésion or the
    # waiting list of a 2017 gathering is history, not a to-do.
    first_year = members_selectors.adhesion_first_year_in_progress(today)
    submitted = Adhesion.objects.filter(
        status=Adhesion.Status.SOUMISE, campaign__year__gte=first_year
    ).count()
    items.append(
        ActionItem(
            "adhesions-to-validate",
            ngettext("adhésion soumise à valider", "adhésions soumises à valider", submitted),
            submitted,
            _admin_list(
                "members_adhesion", status__exact=Adhesion.Status.SOUMISE, campaign__year__gte=first_year
            ),
            _("Vérifier puis « Valider et émettre les appels de cotisation »."),
        )
    )
    # Waiting requests and, among them, those to compare before accepting: one query.
    join_counts = (
        members_selectors.join_requests_for_staff()
        .filter(status=JoinRequest.Status.PENDING)
        .aggregate(
            pending=Count("pk"),
            contested=Count("pk", filter=Q(competitors__gt=0) | Q(siren_registered=True)),
        )
    )
    pending, contested = join_counts["pending"], join_counts["contested"]
    items.append(
        ActionItem(
            "join-requests",
            ngettext(
                "demande d'adhésion d'un nouveau territoire à examiner",
                "demandes d'adhésion de nouveaux territoires à examiner",
                pending,
            ),
            pending,
            _admin_list("members_joinrequest", status__exact=JoinRequest.Status.PENDING),
            _("Vérifier le SIREN et le territoire, puis « Accepter » ou « Refuser » avec un message."),
            urgent=pending > 0,
        )
    )
    if contested:
        items.append(
            ActionItem(
                "join-requests-contested",
                ngettext(
                    "demande d'adhésion en concurrence : SIREN demandé plusieurs fois ou déjà inscrit",
                    "demandes d'adhésion en concurrence : SIREN demandés plusieurs fois ou déjà inscrits",
                    contested,
                ),
                contested,
                _admin_list(
                    "members_joinrequest", status__exact=JoinRequest.Status.PENDING, concurrence="oui"
                ),
                _(
                    "Comparer les demandes côte à côte et vérifier auprès du territoire avant d'en accepter une."
                ),
                urgent=True,
            )
        )
    unpaid = (
        members_selectors.adhesions_unpaid_after(UNPAID_AFTER_DAYS, today)
        .filter(campaign__year__gte=first_year)
        .count()
    )
    items.append(
        ActionItem(
            "calls-unpaid",
            ngettext(
                "appel impayé depuis plus de %(days)s jours",
                "appels impayés depuis plus de %(days)s jours",
                unpaid,
            )
            % {"days": UNPAID_AFTER_DAYS},
            unpaid,
            _admin_list("members_adhesion", impaye_depuis=UNPAID_AFTER_DAYS, campaign__year__gte=first_year),
            _("Relancer (« Envoyer une relance maintenant ») ou enregistrer le paiement reçu."),
            urgent=unpaid > 0,
        )
    )
    campaign = members_selectors.fiche_campaign_current(today)
    if campaign and campaign.is_open(today) and (campaign.closes_on - today).days <= FICHE_DEADLINE_NEAR_DAYS:
        missing = members_selectors.territories_missing_fiche(campaign).count()
        items.append(
            ActionItem(
                "fiches-missing",
                ngettext(
                    "fiche %(year)s non soumise, clôture le %(closes)s",
                    "fiches %(year)s non soumises, clôture le %(closes)s",
                    missing,
                )
                % {"year": campaign.year, "closes": campaign.closes_on.strftime("%d/%m/%Y")},
                missing,
                _admin_list("members_territory", fiche_manquante=campaign.year),
                _("Relancer les territoires (« Relancer pour la fiche de renseignements »)."),
                urgent=missing > 0,
            )
        )
    since = timezone.now() - timedelta(days=RECENT_REGISTRATION_DAYS)
    recent = (
        Registration.objects.filter(created_at__gte=since, event__in=_upcoming_events(today))
        .values("event_id", "event__title")
        .annotate(n=Count("pk"))
        .order_by("event__title")
    )
    for row in recent:
        items.append(
            ActionItem(
                "registrations-week",
                ngettext(
                    "inscription cette semaine – %(event)s",
                    "inscriptions cette semaine – %(event)s",
                    row["n"],
                )
                % {"event": row["event__title"]},
                row["n"],
                _admin_list(
                    "events_registration", event__id__exact=row["event_id"], depuis=RECENT_REGISTRATION_DAYS
                ),
                _("Vérifier les inscriptions, les délégations et les besoins particuliers."),
            )
        )
    waiting = (
        Participant.objects.filter(status=Participant.Status.WAITING, event__in=_upcoming_events(today))
        .values("event_id", "event__title")
        .annotate(n=Count("pk"))
        .order_by("event__title")
    )
    for row in waiting:
        items.append(
            ActionItem(
                "waiting-list",
                ngettext(
                    "personne en liste d'attente – %(event)s",
                    "personnes en liste d'attente – %(event)s",
                    row["n"],
                )
                % {"event": row["event__title"]},
                row["n"],
                _admin_list(
                    "events_participant",
                    event__id__exact=row["event_id"],
                    status__exact=Participant.Status.WAITING,
                ),
                _("Ouvrir des places (capacité de l'événement) ou prévenir les personnes en attente."),
            )
        )
    failed_pdfs = publications_selectors.issue_pdfs_failed().count()
    if failed_pdfs:
        items.append(
            ActionItem(
                "issue-pdfs-failed",
                ngettext(
                    "PDF d'un numéro du magazine en échec",
                    "PDF de numéros du magazine en échec",
                    failed_pdfs,
                ),
                failed_pdfs,
                _admin_list("publications_issuepdf", echec=1),
                _(
                    "Lire l'erreur, corriger l'article en cause (texte trop imbriqué…), puis "
                    "« Relancer la fabrication du PDF »."
                ),
                urgent=True,
            )
        )
    failed = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count()
    items.append(
        ActionItem(
            "emails-failed",
            ngettext("email en échec", "emails en échec", failed),
            failed,
            _admin_list("anpp_portal_outboundemail", status__exact=OutboundEmail.Status.FAILED),
            _("Corriger l'adresse si besoin, puis « Renvoyer les emails en échec »."),
            urgent=failed > 0,
        )
    )
    items.extend(_legal_questions_items())
    return items


def _legal_questions_items() -> list[ActionItem]:
    """New legal questions, and those waiting for an answer for too long (shown only when there are)."""
    from legal import selectors as legal_selectors

    counts = legal_selectors.queue_counts()
    items = []
    if counts["new"]:
        items.append(
            ActionItem(
                "legal-new",
                ngettext("nouvelle question juridique", "nouvelles questions juridiques", counts["new"]),
                counts["new"],
                reverse("legal:staff_queue") + "?afficher=nouvelles",
                _("Se l'attribuer, puis répondre dans le fil de la question."),
                urgent=True,
            )
        )
    if counts["waiting"]:
        items.append(
            ActionItem(
                "legal-waiting",
                ngettext(
                    "question juridique en attente depuis plus de %(days)s jours",
                    "questions juridiques en attente depuis plus de %(days)s jours",
                    counts["waiting"],
                )
                % {"days": legal_selectors.WAITING_DAYS},
                counts["waiting"],
                reverse("legal:staff_queue") + "?afficher=en-attente",
                _("Répondre, ou dire au territoire quand la réponse viendra."),
                urgent=True,
            )
        )
    return items


def key_figures(today: date) -> dict:
    year = today.year
    campaign = AdhesionCampaign.objects.filter(year__lte=year).order_by("-year").only("year").first()
    year = campaign.year if campaign else year
    territories = Territory.objects.count()
    # Adhérents today, by the one rule the directory and the members-only pages follow.
    members = members_selectors.territories_with_valid_adhesion(today).count()
    money = (
        Adhesion.objects.filter(campaign__year=year, call_number__isnull=False)
        .exclude(status=Adhesion.Status.ANNULEE)
        .aggregate(called=Coalesce(Sum("amount"), Decimal("0")))
    )
    from billing.selectors import appel_payments_total

    paid = appel_payments_total(campaign_year=year)
    fiche_campaign = members_selectors.fiche_campaign_current(today)
    fiches = (
        FicheRenseignements.objects.filter(campaign=fiche_campaign).aggregate(
            submitted=Count("pk", filter=Q(status=FicheRenseignements.Status.SOUMISE)), total=Count("pk")
        )
        if fiche_campaign
        else {"submitted": 0, "total": 0}
    )
    upcoming = (
        Event.objects.filter(days__date__gte=today)
        .exclude(status__in=[Event.Status.DRAFT, Event.Status.CANCELLED])
        .annotate(
            confirmed=Count(
                "participants", filter=Q(participants__status=Participant.Status.CONFIRMED), distinct=True
            ),
        )
        .distinct()
        .order_by("pk")[:5]
    )
    return {
        "year": year,
        "territories": territories,
        "members": members,
        "rate": round(100 * members / territories) if territories else 0,
        "member_definition": members_selectors.member_definition(today),
        "called": money["called"],
        "paid": paid,
        "fiche_year": fiche_campaign.year if fiche_campaign else None,
        "fiche_campaign_pk": fiche_campaign.pk if fiche_campaign else None,
        "fiches_submitted": fiches["submitted"],
        "fiches_started": fiches["total"],
        "events": [{"event": e, "confirmed": e.confirmed} for e in upcoming],
        "surveys": open_surveys(today),
    }


def open_surveys(today):
    """The enquêtes open today, soonest deadline first (one query; who answered each is on its page)."""
    from members.models import Survey

    surveys = Survey.objects.filter(kind=Survey.Kind.ENQUETE, opens_on__lte=today, closes_on__gte=today)
    return list(surveys.order_by("closes_on", "pk"))
