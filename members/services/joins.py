"""Join requests: a territory not in the portal asks to join; staff approve (the territory is created
and the requester invited as référent) or refuse (with a message). Every step emails the requester."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from anpp_portal.outbox import email_enqueue
from anpp_portal.staffpolicy import acts_as_staff

from ..models import Department, JoinRequest, Role, Territory, User
from .people import MembersError, NotAllowed, invitation_create

__all__ = [
    "JoinRequestError",
    "JoinRequestPending",
    "TerritoryAlreadyRegistered",
    "join_request_approve",
    "join_request_create",
    "join_request_refuse",
]

# The exact answer for a SIREN already in the portal: it names no one and shows nothing of the territory.
ALREADY_REGISTERED = (
    "Ce territoire est déjà inscrit : demandez une invitation à son référent ou écrivez à l'ANPP."
)


class JoinRequestError(MembersError):
    pass


class TerritoryAlreadyRegistered(JoinRequestError):
    def __init__(self):
        super().__init__(ALREADY_REGISTERED)


class JoinRequestPending(JoinRequestError):
    def __init__(self):
        super().__init__(
            "Une demande d'adhésion pour ce SIREN est déjà en cours d'examen par l'ANPP : "
            "vous recevrez sa réponse par email."
        )


def _require_staff(user: User) -> None:
    if not acts_as_staff(user, "members.change_joinrequest"):
        raise NotAllowed("Réservé à l'équipe de l'ANPP.")


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
    if Territory.objects.filter(siren=siren).exists():
        raise TerritoryAlreadyRegistered
    request = JoinRequest(
        territory_name=territory_name.strip(),
        kind=kind,
        siren=siren,
        population=population,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        function=function.strip(),
        email=email.strip().lower(),
    )
    request.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            request.save()
            request.departments.set(departments)
            email_enqueue(
                key=f"join-request:{request.pk}:received",
                to=request.email,
                template="members/email/join_received",
                context={"join": request},
            )
    except IntegrityError:
        raise JoinRequestPending from None
    return request


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "territoire"
    slug, n = base, 2
    while Territory.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


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
            slug=_unique_slug(join_request.territory_name),
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
