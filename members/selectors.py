"""Reads that span relations; views and templates get their data from here."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from anpp_portal.formats import format_date, format_number

from .models import Invitation, JoinRequest, Territory, TerritoryMembership


def memberships_of_territory(territory: Territory) -> QuerySet[TerritoryMembership]:
    return territory.memberships.select_related("user").order_by("user__last_name", "user__first_name")


def pending_invitations_of_territory(territory: Territory) -> QuerySet[Invitation]:
    return territory.invitations.pending().select_related("invited_by").order_by("-created_at")


def join_request_of_pending_invitation(request):
    """The accepted join request behind the invitation whose link this browser followed (its key
    waits in the session): the signup form starts from the names it gave. None otherwise; only the
    invitation's key, never an address typed in a URL, leads to a request's names."""
    from .adapters import PENDING_INVITATION_SESSION_KEY
    from .models import JoinRequest
    from .services import invitation_find

    key = request.session.get(PENDING_INVITATION_SESSION_KEY) if request is not None else None
    invitation = invitation_find(key) if key else None
    if invitation is None or not invitation.is_usable():
        return None
    return (
        JoinRequest.objects.filter(
            territory=invitation.territory, email__iexact=invitation.email, status=JoinRequest.Status.APPROVED
        )
        .order_by("-decided_at")
        .first()
    )


def territories_for_staff_space(user):
    """Every territory, for ANPP staff opening /territoire/ (they may view each); None for anyone
    else, who sees only their own."""
    from .permissions import Action, staff_may

    if not staff_may(user, Action.VIEW):
        return None
    return Territory.objects.order_by("name").only("name", "slug")


def territories_of_user_with_people(user) -> list[TerritoryMembership]:
    """The user's memberships with each territory's people and pending invitations, in 4 queries."""
    now = timezone.now()
    return list(
        TerritoryMembership.objects.filter(user=user)
        .select_related("territory")
        .prefetch_related(
            Prefetch(
                "territory__memberships",
                queryset=TerritoryMembership.objects.select_related("user").order_by(
                    "user__last_name", "user__first_name"
                ),
            ),
            Prefetch(
                "territory__invitations",
                queryset=Invitation.objects.pending(now).order_by("-created_at"),
                to_attr="pending_invitations",
            ),
        )
        .order_by("territory__name")
    )


def adhesion_campaign_current(today=None):
    """The campaign territories should act on now: the latest one already opened."""
    from .models import AdhesionCampaign

    today = today or timezone.localdate()
    return AdhesionCampaign.objects.filter(opens_on__lte=today).order_by("-year").first()


def adhesions_of_territory(territory: Territory):
    return territory.adhesions.select_related("campaign").order_by("-campaign__year")


def adhesion_with_history(adhesion):
    from .models import AdhesionTransition

    return adhesion, list(
        AdhesionTransition.objects.filter(adhesion=adhesion).select_related("by").order_by("at", "pk")
    )


ADHESION_EXPORT_HEADERS = [
    "Année",
    "Territoire",
    "Nature",
    "Région",
    "SIREN",
    "Statut",
    "Population retenue",
    "Cotisation (€)",
    "Payé (€)",
    "N° d'appel",
    "Appel émis le",
    "Signataire",
    "Contact facturation",
    "Email facturation",
    "SIRET",
    "Code service Chorus Pro",
    "N° d'engagement",
]


def adhesions_for_staff(queryset=None):
    """Adhésions with what the staff list and exports show, in a constant number of queries."""
    from django.db.models import DecimalField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from billing.models import Invoice
    from billing.selectors import ZERO, with_balance

    from .models import Adhesion

    queryset = queryset if queryset is not None else Adhesion.objects.all()
    # The appel's paid and balance, as billing's one balance selector computes them.
    appel = with_balance(Invoice.objects.filter(adhesion=OuterRef("pk"), kind=Invoice.Kind.APPEL))
    amount = DecimalField(max_digits=12, decimal_places=2)
    return queryset.select_related("territory", "campaign").annotate(
        paid=Coalesce(Subquery(appel.values("paid")[:1], output_field=amount), ZERO),
        balance=Subquery(appel.values("balance")[:1], output_field=amount),
    )


def adhesion_export_rows(queryset):
    for adhesion in adhesions_for_staff(queryset).order_by("campaign__year", "territory__name"):
        territory = adhesion.territory
        yield [
            adhesion.campaign.year,
            territory.name,
            territory.get_kind_display(),
            territory.get_region_display(),
            territory.siren,
            adhesion.get_status_display(),
            adhesion.population,
            adhesion.amount,
            adhesion.paid,
            adhesion.call_number or "",
            adhesion.call_issued_at.date() if adhesion.call_issued_at else None,
            adhesion.signatory_name,
            adhesion.billing_contact_name,
            adhesion.billing_contact_email,
            adhesion.siret,
            adhesion.chorus_service_code,
            adhesion.engagement_number,
        ]


def _answer_text(form, question, value) -> str:
    """An answer as people read it: a table (the member EPCI) a line per row, anything else as
    ``display`` gives it. The review page, the submit page and the acknowledgement show this."""
    if question.kind == "rows":
        return _rows_text(form, question.key, value)
    return form.display(question.key, value)


def _rows_text(form, key: str, rows) -> str:
    """A table of rows (the member EPCI) as lines of text: one row per line."""
    if not rows:
        return ""
    section = form.section_of[key]
    columns = section.columns.get(key, [])
    return "\n".join(
        " · ".join(
            f"{column.label} : {form_value(column, row.get(column.key))}"
            for column in columns
            if row.get(column.key) not in (None, "")
        )
        for row in rows
    )


def form_value(question, value):

    if question.kind == "integer" and isinstance(value, int):
        return format_number(value)
    return value


def fiche_comparison(fiche) -> dict:
    """Each section's answers next to last year's, with what changed marked."""
    from . import questionnaire

    form = questionnaire.for_campaign(fiche.campaign)
    sections = []
    changed_count = 0
    for section in form.sections:
        rows = []
        for question in section.questions:
            value, before = fiche.answers.get(question.key), fiche.baseline.get(question.key)
            changed = bool(fiche.baseline) and (value or None) != (before or None)
            changed_count += changed
            shown, shown_before = _answer_text(form, question, value), _answer_text(form, question, before)
            rows.append(
                {
                    "key": question.key,
                    "label": question.label,
                    "value": shown,
                    "before": shown_before,
                    "changed": changed,
                }
            )
        sections.append({"section": section, "rows": rows})
    return {"sections": sections, "changed_count": changed_count, "has_baseline": bool(fiche.baseline)}


def fiche_campaign_current(today=None):
    from .models import FicheCampaign

    today = today or timezone.localdate()
    return FicheCampaign.objects.filter(opens_on__lte=today).order_by("-year").first()


def fiche_export_sheets(queryset):
    """One sheet with one row per fiche and a column per question key (labels of the latest year
    asking it), then one sheet per table of rows (the member EPCI), one row per line."""
    from . import questionnaire

    fiches = list(
        queryset.select_related("territory", "campaign").order_by("campaign__year", "territory__name")
    )
    campaigns = sorted({f.campaign.pk: f.campaign for f in fiches}.values(), key=lambda c: -c.year)
    forms = {c.pk: questionnaire.for_campaign(c) for c in campaigns}
    labels: dict[str, str] = {}
    tables: dict[str, tuple[str, list]] = {}
    for campaign in campaigns:  # latest first: its wording wins
        form = forms[campaign.pk]
        for section in form.sections:
            for question in section.field_questions:
                labels.setdefault(question.key, question.label)
            for question in section.rows_questions:
                tables.setdefault(question.key, (question.label, section.columns.get(question.key, [])))
    names = list(labels)
    headers = ["Année", "Territoire", "Région", "Statut", *labels.values()]
    rows = [
        [f.campaign.year, f.territory.name, f.territory.get_region_display(), f.get_status_display()]
        + [_export_value(f.answers.get(name)) for name in names]
        for f in fiches
    ]
    sheets = [("Fiches", headers, rows)]
    return sheets + export_table_sheets(
        tables, ["Année", "Territoire"], [([f.campaign.year, f.territory.name], f.answers) for f in fiches]
    )


def export_table_sheets(tables: dict[str, tuple[str, list]], lead_headers: list, entries) -> list:
    """One sheet per table of rows (the member EPCI), one line per row: ``tables`` maps a rows
    question's key to its label and column questions, ``entries`` are (leading cells, answers) pairs,
    whose leading cells (year, territory) start each line. The fiche export and the survey results
    share it."""
    entries = list(entries)
    return [
        (
            "EPCI" if key == "epci" else label[:31],
            [*lead_headers, *[c.label for c in columns]],
            [
                [*lead, *[row.get(c.key) for c in columns]]
                for lead, answers in entries
                for row in answers.get(key) or []
            ],
        )
        for key, (label, columns) in tables.items()
    ]


def _export_value(value):
    return ", ".join(map(str, value)) if isinstance(value, list) else value


def territories_with_valid_adhesion(on=None):
    """Member territories on a date: a validated adhésion of the year, or of last year until this
    year's campaign closes (public bodies renew in spring; they do not lapse on 1 January)."""
    from .models import Adhesion, AdhesionCampaign

    on = on or timezone.localdate()
    # One query, however it is used: whether this year's campaign has closed is a subquery.
    closed = AdhesionCampaign.objects.filter(year=on.year, closes_on__lt=on)
    valid = Adhesion.objects.filter(status__in=Adhesion.MEMBER_STATUSES).filter(
        models.Q(campaign__year=on.year) | (models.Q(campaign__year=on.year - 1) & ~models.Exists(closed))
    )
    return Territory.objects.filter(pk__in=valid.values("territory_id"))


def member_definition(on=None) -> str:
    """The one sentence every page that counts territories as adhérents (or membres: the same rule)
    shows beside the figure, so that the staff home, the dashboard and the directory say what they
    count: :func:`territories_with_valid_adhesion` on ``on``. No query."""
    on = on or timezone.localdate()
    return _(
        "Territoire adhérent (ou membre) au %(day)s : adhésion %(year)s validée, ou adhésion %(last)s "
        "validée tant que la campagne %(year)s n'est pas close."
    ) % {"year": on.year, "last": on.year - 1, "day": format_date(on)}


def member_reference_day(year: int, today=None):
    """The day a year's figures count adhérents on: today for this year (and a campaign opened
    ahead), the last day of a past year."""
    import datetime

    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31))


def adhesion_first_year_in_progress(today=None) -> int:
    """The earliest campaign year staff still act on: this year's, and any campaign not closed yet.
    An adhésion of a campaign long closed (2018, in 2026) is history, not a to-do."""
    from .models import AdhesionCampaign

    today = today or timezone.localdate()
    open_years = AdhesionCampaign.objects.filter(closes_on__gte=today).values_list("year", flat=True)
    return min([today.year, *open_years])


def user_is_member(user, on=None) -> bool:
    """Does ``user`` act for a territory whose adhésion is valid? Two queries."""
    from .permissions import territories_for

    return territories_for(user).filter(pk__in=territories_with_valid_adhesion(on).values("pk")).exists()


def adhesions_unpaid_after(days: int, today=None):
    """Adhésions whose call for payment was issued more than ``days`` days ago and is still unpaid."""
    import datetime

    from .models import Adhesion

    today = today or timezone.localdate()
    limit = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time())
    )
    return Adhesion.objects.filter(status=Adhesion.Status.APPEL_EMIS, call_issued_at__lt=limit)


def survey_audience(survey, on=None) -> QuerySet[Territory]:
    """The territories expected to answer ``survey``. For the fiche: every territory with a référent
    (those its reminders go to). For an enquête: the territories chosen one by one, or the member
    territories (on ``on``, within the survey's dates; or, if staff chose adhésion statuses, those
    whose adhésion of the survey's year has one of them), of the chosen régions and kinds."""
    from .models import Adhesion, Role, Survey

    if survey.kind == Survey.Kind.FICHE:
        return Territory.objects.filter(
            pk__in=TerritoryMembership.objects.filter(role=Role.REFERENT).values("territory_id")
        )
    if survey.audience == Survey.Audience.CHOSEN:
        return Territory.objects.filter(chosen_surveys=survey)
    if survey.adhesion_statuses:
        territories = Territory.objects.filter(
            pk__in=Adhesion.objects.filter(
                campaign__year=survey.year, status__in=survey.adhesion_statuses
            ).values("territory_id")
        )
    else:
        on = min(max(on or timezone.localdate(), survey.opens_on), survey.closes_on)
        territories = territories_with_valid_adhesion(on)
    if survey.regions:
        territories = territories.filter(region__in=survey.regions)
    if survey.territory_kinds:
        territories = territories.filter(kind__in=survey.territory_kinds)
    return territories


def survey_responses_submitted(survey):
    from .models import SurveyResponse

    return SurveyResponse.objects.filter(campaign=survey, status=SurveyResponse.Status.SOUMISE)


def territories_missing_fiche(campaign):
    """Territories expected to answer (for the fiche: those with a référent, whom the reminders go
    to) whose response to ``campaign`` is not submitted: not started, or a draft."""
    return survey_audience(campaign).exclude(
        pk__in=survey_responses_submitted(campaign).values("territory_id")
    )


def surveys_open_for_territory(territory, today=None):
    """The enquêtes open today whose audience includes ``territory``, soonest deadline first."""
    from .models import Survey, SurveyResponse

    today = today or timezone.localdate()
    surveys = Survey.objects.filter(kind=Survey.Kind.ENQUETE, opens_on__lte=today, closes_on__gte=today)
    surveys = list(surveys.order_by("closes_on", "pk").prefetch_related("territories"))
    if not surveys:
        return []
    # survey_audience's rules for one territory, in a fixed number of queries whatever the number of
    # surveys: every survey here is open, so "a member on the day" is a member today.
    is_member = territories_with_valid_adhesion(today).filter(pk=territory.pk).exists()
    adhesion_statuses = set(territory.adhesions.values_list("campaign__year", "status"))

    def asked(survey) -> bool:
        if survey.audience == Survey.Audience.CHOSEN:
            return territory in survey.territories.all()
        if survey.adhesion_statuses:
            if not any((survey.year, status) in adhesion_statuses for status in survey.adhesion_statuses):
                return False
        elif not is_member:
            return False
        return (not survey.regions or territory.region in survey.regions) and (
            not survey.territory_kinds or territory.kind in survey.territory_kinds
        )

    found = [survey for survey in surveys if asked(survey)]
    # The territory's answer to each survey it answers as one (a person's answer is theirs only).
    status = (
        dict(
            SurveyResponse.objects.filter(
                territory=territory, person__isnull=True, campaign__in=[s.pk for s in found]
            ).values_list("campaign_id", "status")
        )
        if found
        else {}
    )
    for survey in found:
        survey.territory_status = status.get(survey.pk, "")
    return found


# --- A territory's year ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AdhesionBalance:
    """What a territory owes for one adhésion: the cotisation, what it paid (each payment), the rest."""

    due: Decimal
    paid: Decimal
    remaining: Decimal
    payments: list

    @property
    def partially_paid(self) -> bool:
        return self.paid > 0 and self.remaining > 0


def adhesion_balance(adhesion, appels=None) -> AdhesionBalance:
    """The balance of ``adhesion``, from its appel's balance (billing.selectors.with_balance, the one
    definition); pass ``adhesion.appels`` when loaded by billing.selectors.appels_prefetch. Before
    the appel is issued, the whole cotisation remains."""
    from billing.selectors import adhesion_appel

    due = adhesion.amount or Decimal("0")
    appel = (appels[0] if appels else None) if appels is not None else adhesion_appel(adhesion)
    if appel is None:
        return AdhesionBalance(due=due, paid=Decimal("0"), remaining=due, payments=[])
    return AdhesionBalance(
        due=appel.total, paid=appel.paid, remaining=appel.balance, payments=list(appel.payments.all())
    )


def adhesion_campaign_for_joining(today=None):
    """The campaign a territory joining now would adhere under: the open one, else the next, else the
    latest."""
    from .models import AdhesionCampaign

    today = today or timezone.localdate()
    campaigns = AdhesionCampaign.objects.prefetch_related("brackets", "flat_fees")
    return (
        campaigns.filter(opens_on__lte=today, closes_on__gte=today).order_by("-year").first()
        or campaigns.filter(opens_on__gt=today).order_by("opens_on").first()
        or campaigns.order_by("-year").first()
    )


def fee_schedule(campaign) -> dict:
    """The campaign's fee schedule as the public page shows it (its brackets and flat fees)."""
    if campaign is None:
        return {}
    return {"brackets": list(campaign.brackets.all()), "flat_fees": list(campaign.flat_fees.all())}


@dataclass(frozen=True)
class Document:
    """A stored document of the territory, as the "Documents" block lists it."""

    title: str
    year: int
    date: object
    url: str


def territory_documents(adhesions) -> list[Document]:
    """The calls for payment and attestations of ``adhesions``, latest first (invoices join later)."""
    from django.urls import reverse

    documents = []
    for adhesion in adhesions:
        kwargs = {"slug": adhesion.territory.slug, "year": adhesion.campaign.year}
        if adhesion.attestation_pdf and adhesion.status != adhesion.Status.ANNULEE:
            documents.append(
                Document(
                    f"Attestation d'adhésion {adhesion.campaign.year}",
                    adhesion.campaign.year,
                    None,
                    reverse("members:adhesion_attestation_pdf", kwargs=kwargs),
                )
            )
        if adhesion.call_pdf and adhesion.status != adhesion.Status.ANNULEE:
            documents.append(
                Document(
                    f"Appel de cotisation n° {adhesion.call_number}",
                    adhesion.campaign.year,
                    adhesion.call_issued_at,
                    reverse("members:adhesion_call_pdf", kwargs=kwargs),
                )
            )
    return documents


def _adhesion_next_action(adhesion, campaign, balance) -> str:
    from .models import Adhesion

    Status = Adhesion.Status
    if adhesion is None:
        if campaign is not None and campaign.is_open(timezone.localdate()):
            return _("Remplir et soumettre l'adhésion %(year)s.") % {"year": campaign.year}
        return ""
    from anpp_portal.formats import format_euros

    if adhesion.status == Status.APPEL_EMIS:
        return _("Régler l'appel n° %(number)s : reste à payer %(amount)s.") % {
            "number": adhesion.call_number,
            "amount": format_euros(balance.remaining if balance else adhesion.amount),
        }
    return {
        Status.BROUILLON: _("Compléter et soumettre l'adhésion."),
        Status.SOUMISE: _("Rien à faire : l'ANPP vérifie l'adhésion, puis émet l'appel de cotisation."),
        Status.VALIDEE: _("Rien à faire : l'appel de cotisation va être émis."),
        Status.PAYEE: _("Adhésion réglée : l'attestation est dans les documents."),
    }.get(adhesion.status, "")


def territory_year(territory: Territory) -> dict:
    """Everything the territory's year page shows, in a fixed number of queries."""
    from billing.selectors import appels_prefetch
    from events.models import Event, Participant, Registration

    from . import questionnaire
    from .models import Adhesion, AdhesionTransition, FicheRenseignements

    now = timezone.now()
    campaign = adhesion_campaign_current()
    adhesions = list(
        territory.adhesions.select_related("campaign", "territory")
        .prefetch_related(appels_prefetch())
        .order_by("-campaign__year", "-pk")
    )
    current = next(
        (
            a
            for a in adhesions
            if campaign and a.campaign_id == campaign.pk and a.status != Adhesion.Status.ANNULEE
        ),
        None,
    )
    balance = adhesion_balance(current, current.appels) if current else None
    returned = None
    if current is not None and current.status == Adhesion.Status.BROUILLON:
        returned = (
            AdhesionTransition.objects.filter(adhesion=current, to_status=Adhesion.Status.BROUILLON)
            .exclude(message="")
            .order_by("-at")
            .first()
        )

    fiche_campaign = fiche_campaign_current()
    fiche = (
        FicheRenseignements.objects.filter(territory=territory, campaign=fiche_campaign).first()
        if fiche_campaign
        else None
    )
    shape = questionnaire.for_campaign(fiche_campaign) if fiche_campaign else None
    sections = shape.sections if shape else []
    done = [shape.section_complete(s, fiche.answers) for s in sections] if fiche else []
    next_section = next((s for s, ok in zip(sections, done, strict=True) if not ok), None) if fiche else None

    registrations = list(
        Registration.objects.filter(territory=territory, event__days__date__gte=timezone.localdate(now))
        .distinct()
        .select_related("event")
        .prefetch_related("event__days")
        .annotate(
            confirmed=models.Count(
                "participants",
                filter=models.Q(participants__status=Participant.Status.CONFIRMED),
                distinct=True,
            ),
            waiting=models.Count(
                "participants",
                filter=models.Q(participants__status=Participant.Status.WAITING),
                distinct=True,
            ),
        )
        .order_by("event__registration_closes_at")
    )
    open_events = list(
        Event.objects.filter(
            status=Event.Status.PUBLISHED, registration_opens_at__lte=now, registration_closes_at__gt=now
        )
        .prefetch_related("days")
        .order_by("registration_closes_at")
    )
    return {
        "campaign": campaign,
        "adhesion": current,
        "balance": balance,
        "returned": returned,
        "next_action": _adhesion_next_action(current, campaign, balance),
        "adhesions": adhesions,
        "documents": territory_documents(adhesions),
        "fiche_campaign": fiche_campaign,
        "fiche": fiche,
        "fiche_done": sum(done),
        "fiche_total": len(sections),
        "fiche_next_section": next_section,
        "registrations": registrations,
        "open_events": open_events,
        "surveys": surveys_open_for_territory(territory),
    }


def pending_invitations_for_user(user) -> QuerySet[Invitation]:
    """Open invitations sent to one of ``user``'s verified addresses, for territories they do not act
    for yet: offered at any login, from any browser, without the link of the email."""
    from allauth.account.models import EmailAddress
    from django.db.models.functions import Lower

    if not (user and user.is_authenticated and user.is_active):
        return Invitation.objects.none()
    verified = (
        EmailAddress.objects.filter(user=user, verified=True).annotate(lower=Lower("email")).values("lower")
    )
    return (
        Invitation.objects.pending()
        .annotate(lower_email=Lower("email"))
        .filter(lower_email__in=verified)
        .exclude(territory__memberships__user=user)
        .select_related("territory", "invited_by")
        .order_by("-created_at")
    )


def territory_landing_url(user) -> str | None:
    """Where a person of territories lands after login: the year page of their only territory, the
    list of their territories when they have several, nothing (the default) when they have none."""
    from django.urls import reverse

    slugs = list(TerritoryMembership.objects.filter(user=user).values_list("territory__slug", flat=True)[:2])
    if len(slugs) == 1:
        return reverse("members:territory", kwargs={"slug": slugs[0]})
    if slugs:
        return reverse("members:space")
    return None


def fiche_recap(fiche) -> list[dict]:
    """The fiche's answers, section by section, as people read them (choices' labels, French numbers):
    shown before submitting and sent with the acknowledgement."""
    from . import questionnaire

    shape = questionnaire.for_campaign(fiche.campaign)
    recap = []
    for section in shape.sections:
        rows = [
            {"label": shape.field_label(q.key), "value": _answer_text(shape, q, fiche.answers.get(q.key))}
            for q in section.questions
            if questionnaire.is_filled(fiche.answers.get(q.key))
        ]
        recap.append({"title": str(section.title), "rows": rows})
    return recap


def join_requests_for_staff():
    """Join requests as staff see them: only those whose address was confirmed (an unconfirmed one
    carries text nobody vouched for), each with ``competitors`` (the other confirmed requests for
    its SIREN) and ``siren_registered`` (a territory of the portal has it)."""
    others = JoinRequest.objects.filter(siren=models.OuterRef("siren")).exclude(pk=models.OuterRef("pk"))
    others = others.exclude(status=JoinRequest.Status.UNCONFIRMED)
    return JoinRequest.objects.exclude(status=JoinRequest.Status.UNCONFIRMED).annotate(
        competitors=Coalesce(
            models.Subquery(
                others.order_by().values("siren").annotate(n=models.Count("pk")).values("n")[:1],
                output_field=models.IntegerField(),
            ),
            0,
        ),
        siren_registered=models.Exists(Territory.objects.filter(siren=models.OuterRef("siren"))),
    )


def join_requests_contested():
    """Waiting requests that staff must compare before accepting: another confirmed request names the
    same SIREN, or a territory of the portal already has it."""
    return (
        join_requests_for_staff()
        .filter(status=JoinRequest.Status.PENDING)
        .filter(models.Q(competitors__gt=0) | models.Q(siren_registered=True))
    )
