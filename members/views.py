from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .adapters import PENDING_INVITATION_SESSION_KEY
from .forms import InvitationForm, RoleForm
from .permissions import Action, can, territory_view


@never_cache
@login_required
def space(request):
    memberships = selectors.territories_of_user_with_people(request.user)
    return render(request, "members/space.html", {"memberships": memberships})


@never_cache
@territory_view(Action.VIEW)
@require_http_methods(["GET", "POST"])
def territory_detail(request, territory):
    may_manage = can(request.user, Action.MANAGE_PEOPLE, territory)
    form = InvitationForm()
    if request.method == "POST":
        if not may_manage:
            raise Http404
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    territory=territory,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except services.MembersError as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email})
                return redirect(territory)
    return render(
        request,
        "members/territory.html",
        {
            "territory": territory,
            "memberships": selectors.memberships_of_territory(territory),
            "invitations": selectors.pending_invitations_of_territory(territory),
            "may_manage": may_manage,
            "form": form,
            "role_form": RoleForm(),
        },
    )


# The territory's object is looked up before the method is checked: another territory's
# object is a 404 whatever the method.


@territory_view(Action.MANAGE_PEOPLE)
def invitation_revoke(request, territory, invitation_pk):
    invitation = get_object_or_404(territory.invitations.pending(), pk=invitation_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation de %(email)s annulée.") % {"email": invitation.email})
    return redirect(territory)


@territory_view(Action.MANAGE_PEOPLE)
def membership_role(request, territory, membership_pk):
    membership = get_object_or_404(territory.memberships.select_related("user"), pk=membership_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle dans la liste."))
        return redirect(territory)
    try:
        services.membership_set_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
    except services.MembersError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Rôle de %(person)s modifié.") % {"person": membership.user})
    return redirect(territory)


@territory_view(Action.MANAGE_PEOPLE)
def membership_remove(request, territory, membership_pk):
    membership = get_object_or_404(territory.memberships.select_related("user"), pk=membership_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.membership_remove(membership=membership, by=request.user)
    except services.MembersError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(person)s ne fait plus partie du territoire.") % {"person": membership.user}
        )
    return redirect(territory)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, key):
    """The link of an invitation email. Its key is the credential: it names no territory of the URL."""
    invitation = services.invitation_find(key)
    if invitation is None:
        raise Http404
    if not invitation.is_usable():
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        return render(request, "members/invitation_unusable.html", {"invitation": invitation}, status=410)
    if not request.user.is_authenticated:
        request.session[PENDING_INVITATION_SESSION_KEY] = key
        return render(request, "members/invitation.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except services.InvitationUnusable as exc:
            request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
            messages.error(request, str(exc))
            return redirect("members:space")
        except services.InvitationForSomeoneElse as exc:
            messages.error(request, str(exc))
            return render(request, "members/invitation.html", {"invitation": invitation}, status=403)
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        messages.success(
            request, _("Vous agissez désormais pour %(territory)s.") % {"territory": membership.territory}
        )
        return redirect(membership.territory)
    return render(request, "members/invitation.html", {"invitation": invitation})
