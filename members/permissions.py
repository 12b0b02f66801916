"""The one place that answers "may this person do X on this territory?".

Every view that touches a territory's data goes through ``get_territory_for`` (or ``can``): a
territory the person does not act for is a 404, never a 403, so its existence does not leak.
"""

import copy
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404

from anpp_portal.staffpolicy import acts_as_staff

from .models import Role, Territory, TerritoryMembership
from .security_events import log_access_denied


class Action(StrEnum):
    VIEW = "view"  # see the territory's space, its people and its documents
    ACT = "act"  # fill forms on the territory's behalf (adhésion, fiche, registrations)
    MANAGE_PEOPLE = "manage_people"  # invite colleagues, change roles, remove people
    MANAGE_DIRECTORY = "manage_directory"  # choose what the public directory shows of the territory


_ROLES_ALLOWED = {
    Action.VIEW: {Role.REFERENT, Role.MEMBRE},
    Action.ACT: {Role.REFERENT, Role.MEMBRE},
    Action.MANAGE_PEOPLE: {Role.REFERENT},
    Action.MANAGE_DIRECTORY: {Role.REFERENT},
}


# What a staff account needs to do ``action`` on any territory (staff act without being members).
_STAFF_PERMISSIONS = {
    Action.VIEW: "members.view_territory",
    Action.ACT: "members.change_territory",
    Action.MANAGE_PEOPLE: "members.add_invitation",
    Action.MANAGE_DIRECTORY: "members.change_directoryprofile",
}


def staff_may(user, action: Action) -> bool:
    """May this staff account do ``action`` on every territory? Being staff is not enough: the
    permission comes from the group « Équipe ANPP » (members/staff.py)."""
    return acts_as_staff(user, _STAFF_PERMISSIONS[action])


def _is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can(user, action: Action, territory: Territory) -> bool:
    if not _is_active(user):
        return False
    if staff_may(user, action):
        return True
    # The answer is kept for the person until a membership (or anything of a territory) changes.
    return _kept_for(
        user,
        f"can:{action}:{territory.pk}",
        lambda: TerritoryMembership.objects.filter(
            user=user, territory=territory, role__in=_ROLES_ALLOWED[action]
        ).exists(),
    )


def _kept_for(user, what: str, answer):
    """``answer()``, kept for ``user`` until the members or a territory's data change (the page
    cache's generations, anpp_portal/pagecache.py): a membership given, changed or removed, a
    person deactivated, moves them."""
    from anpp_portal import pagecache

    return pagecache.cached_fragment(
        "permission", vary=f"{user.pk}:{what}", sections=("members", "territories"), render=answer
    )


def territories_for(user, action: Action = Action.VIEW) -> QuerySet[Territory]:
    """The territories on which ``user`` may do ``action`` as a member (staff rights not included)."""
    if not _is_active(user):
        return Territory.objects.none()
    return Territory.objects.filter(
        memberships__user=user, memberships__role__in=_ROLES_ALLOWED[action]
    ).distinct()


def get_territory_for(user, slug: str, action: Action = Action.VIEW) -> Territory:
    """The territory named by ``slug`` if ``user`` may do ``action`` on it; otherwise 404."""
    if not _is_active(user):
        raise Http404
    if staff_may(user, action):
        territory = Territory.objects.filter(slug=slug).first()
    else:
        # Kept for the person until a membership or a territory changes; a copy each time, as a
        # view may change the instance it gets.
        territory = copy.deepcopy(
            _kept_for(
                user,
                f"territory:{action}:{slug}",
                lambda: territories_for(user, action).filter(slug=slug).first(),
            )
        )
    if territory is None:
        raise Http404
    return territory


def territory_view(action: Action = Action.VIEW):
    """Decorate a view taking ``slug``: logs in, resolves the territory for ``action`` (404 otherwise)
    and passes it as ``territory``. It runs before any method check, so another territory's URL is a
    404 whatever the method."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, slug, **kwargs):
            try:
                territory = get_territory_for(request.user, slug, action)
            except Http404:
                log_access_denied(request, status=404, reason=f"territory:{action}")
                raise
            return view(request, territory=territory, **kwargs)

        return wrapped

    return decorator
