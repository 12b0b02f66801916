"""Join requests: a territory not in the portal asks to join. The requester first confirms their
address by the emailed link; only then does the request reach staff, who approve it (the territory is
created and the requester invited as référent) or refuse it (with a message).

What the public form answers is the same whatever the SIREN (known, unknown, already requested):
nothing is learnt from it. No email repeats what the requester typed before they confirmed their
address: the confirmation email carries a link and fixed text only, so the form cannot be used to
send someone else ANPP-signed text. Several requests for one SIREN may wait at once (the first one
must not block the real territory): staff see them side by side, with a warning, before accepting.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anpp_portal.outbox import email_enqueue
from anpp_portal.slugs import unique_slug
from anpp_portal.staffpolicy import acts_as_staff

from ..models import Department, JoinRequest, Role, Territory, User
from .people import MembersError, NotAllowed, invitation_create

__all__ = [
    "JoinLinkInvalid",
    "JoinRequestError",
    "TerritoryAlreadyRegistered",
    "join_request_approve",
    "join_request_competitors",
    "join_request_confirm",
    "join_request_confirm_url",
    "join_request_create",
    "join_request_refuse",
    "join_requests_unconfirmed_purge",
]

# Why a request for a SIREN already in the portal cannot be accepted (staff see it; the public form
# answers the same for every SIREN). It names no one and shows nothing of the territory.
ALREADY_REGISTERED = (
    "Ce territoire est déjà inscrit : demandez une invitation à son référent ou écrivez à l'ANPP."
)
_CONFIRM_SALT = "members.join-request.confirm"


class JoinRequestError(MembersError):
    pass


class TerritoryAlreadyRegistered(JoinRequestError):
    def __init__(self):
        super().__init__(ALREADY_REGISTERED)


class JoinLinkInvalid(JoinRequestError):
    def __init__(self):
        super().__init__(
            "Ce lien de confirmation n'est pas valable ou a expiré : refaites la demande d'adhésion."
        )


def _require_staff(user: User) -> None:
    if not acts_as_staff(user, "members.change_joinrequest"):
        raise NotAllowed("Réservé à l'équipe de l'ANPP.")


def _confirm_days() -> int:
    return getattr(settings, "ANPP_JOIN_CONFIRM_DAYS", 7)


def join_request_confirm_url(join_request: JoinRequest) -> str:
    token = signing.TimestampSigner(salt=_CONFIRM_SALT).sign(str(join_request.pk))
    return settings.SITE_URL + reverse("members:join_request_confirm", kwargs={"token": token})


def join_request_create(
    *,
    territory_name: str,
    kind: str,
    siren: str,
    departments: list[Department],
    population: int,
    first_name: str,
    last_name: str,
    function: str,
    email: str,
) -> JoinRequest:
    """Record the request as unconfirmed and email the requester a confirmation link. Whether the
    SIREN is known or already requested changes nothing here (see the module's docstring)."""
    request = JoinRequest(
        territory_name=territory_name.strip(),
        kind=kind,
        siren=siren,
        population=population,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        function=function.strip(),
        email=email.strip().lower(),
        status=JoinRequest.Status.UNCONFIRMED,
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        request.departments.set(departments)
        # Fixed text and a link: nothing the requester typed (their name, the territory's) is in it.
        email_enqueue(
            key=f"join-request:{request.pk}:confirm",
            to=request.email,
            template="members/email/join_confirm",
            context={"confirm_url": join_request_confirm_url(request), "days": _confirm_days()},
            sensitive=True,
        )
    return request


def join_request_confirm(*, token: str) -> JoinRequest:
    """The requester followed the emailed link: the request now reaches staff, and its receipt
    (which may name the territory: the address is the requester's own) is emailed. Safe to repeat."""
    try:
        pk = signing.TimestampSigner(salt=_CONFIRM_SALT).unsign(
            token, max_age=timedelta(days=_confirm_days())
        )
    except signing.BadSignature:
        raise JoinLinkInvalid from None
    with transaction.atomic():
        join_request = JoinRequest.objects.select_for_update().filter(pk=pk).first()
        if join_request is None:
            raise JoinLinkInvalid
        if join_request.status != JoinRequest.Status.UNCONFIRMED:
            return join_request
        join_request.status = JoinRequest.Status.PENDING
        join_request.confirmed_at = timezone.now()
        join_request.save(update_fields=["status", "confirmed_at"])
        email_enqueue(
            key=f"join-request:{join_request.pk}:received",
            to=join_request.email,
            template="members/email/join_received",
            context={"join": join_request},
        )
    return join_request


def join_requests_unconfirmed_purge(*, now=None) -> int:
    """Delete the requests whose confirmation link has expired (beat, daily): they hold the name and
    address of people who may never have asked for anything. Returns how many were deleted."""
    before = (now or timezone.now()) - timedelta(days=_confirm_days())
    _total, per_model = JoinRequest.objects.filter(
        status=JoinRequest.Status.UNCONFIRMED, created_at__lt=before
    ).delete()
    return per_model.get(JoinRequest._meta.label, 0)  # not counting their départements' link rows


def join_request_competitors(join_request: JoinRequest):
    """The other confirmed requests for the same SIREN (waiting or decided), oldest first."""
    return (
        JoinRequest.objects.filter(siren=join_request.siren)
        .exclude(pk=join_request.pk)
        .exclude(status=JoinRequest.Status.UNCONFIRMED)
        .order_by("created_at", "pk")
    )


def _pending(join_request: JoinRequest) -> JoinRequest:
    locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if locked.status != JoinRequest.Status.PENDING:
        raise JoinRequestError(f"Cette demande est déjà {locked.get_status_display().lower()}.")
    return locked


def join_request_approve(*, join_request: JoinRequest, by: User) -> Territory:
    """Create the territory and invite the requester as its référent (the invitation email says so)."""
    _require_staff(by)
    with transaction.atomic():
        join_request = _pending(join_request)
        if Territory.objects.filter(siren=join_request.siren).exists():
            raise TerritoryAlreadyRegistered
        departments = list(join_request.departments.order_by("code"))
        if not departments:
            raise JoinRequestError(
                "La demande ne nomme aucun département : impossible d'en déduire la région."
            )
        territory = Territory(
            name=join_request.territory_name,
            slug=unique_slug(Territory.objects.all(), join_request.territory_name, fallback="territoire"),
            kind=join_request.kind,
            siren=join_request.siren,
            region=departments[0].region,
            population=join_request.population,
            population_year=timezone.localdate().year,
        )
        territory.full_clean()
        territory.save()
        territory.departments.set(departments)
        invitation_create(
            territory=territory,
            email=join_request.email,
            role=Role.REFERENT,
            invited_by=by,
            template="members/email/join_approved",
            context={"join": join_request},
        )
        join_request.status = JoinRequest.Status.APPROVED
        join_request.territory = territory
        join_request.decided_by = by
        join_request.decided_at = timezone.now()
        join_request.save()
    return territory


def join_request_refuse(*, join_request: JoinRequest, by: User, message: str) -> JoinRequest:
    _require_staff(by)
    if not message.strip():
        raise JoinRequestError("Expliquez au demandeur pourquoi sa demande est refusée.")
    with transaction.atomic():
        join_request = _pending(join_request)
        join_request.status = JoinRequest.Status.REFUSED
        join_request.decision_message = message.strip()
        join_request.decided_by = by
        join_request.decided_at = timezone.now()
        join_request.save()
        email_enqueue(
            key=f"join-request:{join_request.pk}:refused",
            to=join_request.email,
            template="members/email/join_refused",
            context={"join": join_request},
        )
    return join_request
