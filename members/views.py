from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anpp_portal import pagecache, privacy, ratelimit
from anpp_portal.errors import Refused
from anpp_portal.params import bounded_int
from anpp_portal.staffpolicy import acts_as_staff, staff_permission_required
from anpp_portal.storage import private_file_response

from . import dashboard as dashboard_figures
from . import panorama as panorama_figures
from . import privacy as members_privacy
from . import questionnaire, selectors, services
from .adapters import PENDING_INVITATION_SESSION_KEY
from .forms import AdhesionForm, DeleteAccountForm, InvitationForm, RoleForm
from .models import Adhesion, AdhesionCampaign, FicheCampaign, FicheRenseignements, SurveyResponse, Territory
from .permissions import Action, can, territories_for, territory_view


@never_cache
@login_required
def space(request):
    # The list of the person's territories is a fragment kept for this person only, until a
    # membership, an invitation, a territory or a person's name changes; its queries run only when
    # it is rendered.
    territories_html = pagecache.cached_fragment(
        "territory-space",
        vary=str(request.user.pk),
        sections=("members",),
        render=lambda: render_to_string(
            "members/_space_territories.html",
            {
                "memberships": selectors.territories_of_user_with_people(request.user),
                # ANPP staff act for no territory but may open any: they get the way to each, not
                # "your account belongs to no territory".
                "staff_territories": selectors.territories_for_staff_space(request.user),
            },
            request=request,
        ),
    )

    def own_invitations():
        invitations = list(selectors.pending_invitations_for_user(request.user))
        html = render_to_string(
            "members/_pending_invitations.html", {"invitations": invitations}, request=request
        )
        return {
            "html": pagecache.csrf_to_marker(html),
            # With an invitation waiting, "ask your référent to invite you" would be wrong: it is
            # not shown.
            "show_territories": not invitations or request.user.memberships.exists(),
        }

    # The invitations waiting for the person, kept for them like their territories.
    own = pagecache.cached_fragment(
        "territory-space-invitations",
        vary=str(request.user.pk),
        sections=("members",),
        render=own_invitations,
    )
    return render(
        request,
        "members/space.html",
        {
            "territories_html": mark_safe(territories_html) if own["show_territories"] else "",  # noqa: S308
            "invitations_html": mark_safe(pagecache.fill_csrf(own["html"], request)),  # noqa: S308
        },
    )


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
            except Refused as exc:
                form.add_error("email", str(exc))
            else:
                messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email})
                return redirect(territory)

    def people_html():
        people = {
            "territory": territory,
            "memberships": selectors.memberships_of_territory(territory),
            "invitations": selectors.pending_invitations_of_territory(territory),
            "may_manage": may_manage,
            "form": form,
            "role_form": RoleForm(),
        }
        return render_to_string("members/territory/_people.html", people, request=request)

    if request.method == "GET":
        # The same for every person of the territory with the same rights: kept until its people,
        # invitations or data change, with each request's own CSRF token in the forms.
        people = pagecache.cached_fragment(
            "territory-people",
            vary=f"{territory.pk}:{int(may_manage)}",
            sections=("members", "territories"),
            render=people_html,
        )
    else:  # the invitation form with what was typed and its errors
        people = people_html()
    return render(
        request,
        "members/territory.html",
        {
            "territory": territory,
            "people_html": mark_safe(pagecache.fill_csrf(people, request)),  # noqa: S308 (rendered escaped)
            # The year as every person of the territory sees it (adhésion, documents, fiche, the
            # delegations' seat counts, open events, invoices), kept until the territory's data or
            # the events change; its queries run only when it is rendered.
            "year_html": mark_safe(  # noqa: S308 (rendered by the template engine, escaped there)
                pagecache.cached_fragment(
                    "territory-year",
                    # The day too: a survey opens and closes with the date.
                    vary=f"{territory.pk}:{timezone.localdate().isoformat()}",
                    sections=("territories", "events"),
                    render=lambda: render_to_string(
                        "members/territory/_year.html",
                        {"territory": territory, **selectors.territory_year(territory)},
                        request=request,
                    ),
                )
            ),
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
    except Refused as exc:
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
    except Refused as exc:
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


@never_cache
@login_required
@require_http_methods(["GET"])
def pending_invitations(request):
    """Invitations waiting for one of the person's verified addresses, whatever browser opened the
    link (or none): accepted here without the email's link."""
    invitations = list(selectors.pending_invitations_for_user(request.user))
    return render(request, "members/pending_invitations.html", {"invitations": invitations})


@never_cache
@login_required
@require_http_methods(["POST"])
def pending_invitation_accept(request, pk):
    invitation = get_object_or_404(selectors.pending_invitations_for_user(request.user), pk=pk)
    try:
        membership = services.invitation_accept(invitation=invitation, user=request.user)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect("members:pending_invitations")
    request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
    messages.success(
        request, _("Vous agissez désormais pour %(territory)s.") % {"territory": membership.territory}
    )
    return redirect(membership.territory)


# POST/redirect/GET on the territory's forms. Logged-in pages are sent no-store (personal data), so
# Chromium cannot show again a page that answered a POST: Back to it shows its ERR_CACHE_MISS page.
# Every POST therefore answers with a redirect; when it is refused, what was typed waits in the
# session (with the errors that do not come back from validating it again) and the GET shows it
# again, with its errors, until it is saved or the record changes under it.


def _keep_typed(request, key, data, **extra):
    request.session[key] = {
        "data": {name: data.getlist(name) for name in data if name != "csrfmiddlewaretoken"},
        **extra,
    }


def _typed_data(typed) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in typed["data"].items():
        data.setlist(name, values)
    return data


def _error_dict(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}


def _adhesion_typed_key(territory, year) -> str:
    return f"members:adhesion-typed:{territory.pk}:{year}"


def _adhesion_stamp(adhesion) -> str:
    """What the adhésion is now: typed input waiting for it is dropped once it changes."""
    updated_at = Adhesion.objects.filter(pk=adhesion.pk).values_list("updated_at", flat=True).first()
    return f"{adhesion.pk}:{updated_at.isoformat() if updated_at else ''}"


@never_cache
@territory_view(Action.ACT)
@require_http_methods(["GET", "POST"])
def adhesion(request, territory, year):
    key = _adhesion_typed_key(territory, year)
    typed = request.session.get(key) if request.method == "GET" else None
    try:
        if request.method == "GET" and typed is None:
            # The same for every person of the territory: kept until its data changes, with each
            # request's own CSRF token in the form.
            html = pagecache.cached_fragment(
                "adhesion-page",
                vary=f"{territory.pk}:{year}",
                sections=("territories",),
                render=lambda: _adhesion_html(
                    request, territory, *_adhesion_of_year(request, territory, year)
                ),
            )
            return _adhesion_page(request, territory, year, html)
        campaign, existing = _adhesion_of_year(request, territory, year)
    except _AdhesionClosed as closed:
        return render(
            request,
            "members/adhesion_closed.html",
            {"territory": territory, "campaign": closed.campaign, "reason": closed.reason},
        )
    if typed is not None:
        if not existing.is_editable_by_territory or typed.get("stamp") != _adhesion_stamp(existing):
            # Submitted, or changed since (by someone else): what it holds now is shown.
            request.session.pop(key, None)
            return redirect("members:adhesion", slug=territory.slug, year=year)
        # The refused input back, with its errors.
        form = AdhesionForm(_typed_data(typed), instance=Adhesion.objects.get(pk=existing.pk))
        form.is_valid()
        if typed.get("errors"):
            form.add_error(None, ValidationError(typed["errors"]))
        return _adhesion_page(
            request, territory, year, _adhesion_html(request, territory, campaign, existing, form)
        )
    if not existing.is_editable_by_territory:
        messages.error(request, _("Cette adhésion a été soumise : elle ne peut plus être modifiée."))
        return redirect("members:adhesion", slug=territory.slug, year=year)
    form = AdhesionForm(request.POST, instance=Adhesion.objects.get(pk=existing.pk))
    valid = form.is_valid()
    # Nothing typed is lost: the fields that are valid are saved even when others are not (their
    # errors are shown next to them, with what was typed).
    valid_data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
    errors = {}
    try:
        existing = services.adhesion_save(adhesion=existing, data=valid_data, by=request.user)
    except ValidationError as exc:
        errors = _error_dict(exc)
        valid = False
    except Refused as exc:
        errors = {NON_FIELD_ERRORS: [str(exc)]}
        valid = False
    if valid and "submit" in request.POST:
        missing = services.adhesion_missing(existing)
        if not missing:
            request.session.pop(key, None)
            return redirect("members:adhesion_submit", slug=territory.slug, year=year)
        errors = {field: [str(message)] for field, message in missing.items()}
    elif valid:
        request.session.pop(key, None)
        messages.success(request, _("Brouillon enregistré."))
        return redirect("members:adhesion", slug=territory.slug, year=year)
    elif valid_data:
        messages.warning(
            request,
            _(
                "Brouillon enregistré, sauf les champs à corriger ci-dessous (ce que vous avez saisi y est gardé)."
            ),
        )
    _keep_typed(request, key, request.POST, errors=errors, stamp=_adhesion_stamp(existing))
    return redirect("members:adhesion", slug=territory.slug, year=year)


class _AdhesionClosed(Exception):
    def __init__(self, campaign, reason):
        self.campaign, self.reason = campaign, reason


def _adhesion_of_year(request, territory, year):
    """The campaign of ``year`` and the territory's adhésion of it, opened as a draft if it has none."""
    campaign = get_object_or_404(
        AdhesionCampaign.objects.prefetch_related("brackets", "flat_fees"), year=year
    )
    existing = territory.adhesions.active().filter(campaign=campaign).first()
    if existing is None:
        try:
            existing = services.adhesion_open(territory=territory, campaign=campaign, by=request.user)
        except services.CampaignClosed as exc:
            raise _AdhesionClosed(campaign, str(exc)) from None
    return campaign, existing


def _adhesion_html(request, territory, campaign, existing, form=None) -> str:
    adhesion, history = selectors.adhesion_with_history(existing)
    quote_error = ""
    if adhesion.amount is None:
        quote_error = _("Indiquez la population pour calculer la cotisation.")
    return render_to_string(
        "members/_adhesion_page.html",
        {
            "territory": territory,
            "campaign": campaign,
            "adhesion": adhesion,
            "history": history,
            "form": AdhesionForm(instance=existing) if form is None else form,
            "quote_error": quote_error,
        },
        request=request,
    )


def _adhesion_page(request, territory, year, html):
    return render(
        request,
        "members/adhesion.html",
        {
            "territory": territory,
            "year": year,
            "content_html": mark_safe(pagecache.fill_csrf(html, request)),  # noqa: S308 (rendered escaped)
        },
    )


@never_cache
@territory_view(Action.ACT)
@require_http_methods(["GET", "POST"])
def adhesion_submit(request, territory, year):
    """The confirmation step of submitting an adhésion: what was declared, and what will happen."""
    adhesion = get_object_or_404(
        territory.adhesions.active().select_related("campaign", "territory"), campaign__year=year
    )
    if adhesion.status != Adhesion.Status.BROUILLON:
        return redirect("members:adhesion", slug=territory.slug, year=year)
    missing = services.adhesion_missing(adhesion)
    if request.method == "POST":
        # Refused or not, the answer is a redirect (Back must never reach the answer to a POST):
        # what is missing is shown again by the GET.
        if missing:
            return redirect("members:adhesion_submit", slug=territory.slug, year=year)
        try:
            services.adhesion_submit(adhesion=adhesion, by=request.user)
        except Refused as exc:
            messages.error(request, str(exc))
            return redirect("members:adhesion_submit", slug=territory.slug, year=year)
        messages.success(
            request,
            _("Adhésion %(year)s soumise à l'ANPP. Un récapitulatif est envoyé par email. Merci !")
            % {"year": year},
        )
        return redirect("members:adhesion", slug=territory.slug, year=year)
    from .emails import adhesion_recipients

    return render(
        request,
        "members/adhesion_submit.html",
        {
            "territory": territory,
            "campaign": adhesion.campaign,
            "adhesion": adhesion,
            "summary": AdhesionForm(instance=adhesion),
            "missing": missing,
            "recipients": adhesion_recipients(adhesion),
        },
    )


@territory_view(Action.VIEW)
@require_http_methods(["GET"])
def adhesion_document(request, territory, year, document):
    adhesion = get_object_or_404(territory.adhesions.active().select_related("campaign"), campaign__year=year)
    acts_for_it = territories_for(request.user).filter(pk=territory.pk).exists()
    if not acts_for_it and not acts_as_staff(request.user, "members.view_adhesion"):
        raise Http404  # staff reach the territory, but its accounts need one more permission
    file = {"appel": adhesion.call_pdf, "attestation": adhesion.attestation_pdf}[document]
    return private_file_response(file, filename=f"{document}-{year}-{territory.slug}.pdf")


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required("members.view_adhesion", not_staff=PermissionDenied)
def dashboard(request):
    today = timezone.localdate()
    asked = request.GET.get("annee")

    def page():
        years = dashboard_figures.available_years(today)
        year = bounded_int(asked, default=years[0], low=2000, high=2100)
        context = {
            **dashboard_figures.dashboard(year, today),
            **dashboard_figures.late(year, today),
            "years": years,
        }
        return {"year": year, "html": render_to_string("members/_dashboard.html", context, request=request)}

    # The same for every staff member: kept until anything changes (or the day does), with each
    # request's own CSRF token in the reminder forms.
    kept = pagecache.cached_fragment(
        "staff-dashboard-page",
        vary=f"{bounded_int(asked, default=0, low=2000, high=2100)}:{today.isoformat()}",
        sections=("staff",),
        render=page,
    )
    return render(
        request,
        "members/dashboard.html",
        {"year": kept["year"], "content_html": mark_safe(pagecache.fill_csrf(kept["html"], request))},  # noqa: S308
    )


@never_cache
@login_required
@require_http_methods(["POST"])
@staff_permission_required("members.change_adhesion", not_staff=PermissionDenied)
def staff_remind(request):
    """One click on the dashboard's list of retardataires: a reminder now, through the same outbox
    path as the scheduled ones (at most one a day per territory and person)."""
    back = reverse("members:dashboard") + "#retardataires"
    try:
        if request.POST.get("adhesion"):
            adhesion = get_object_or_404(
                Adhesion.objects.select_related("territory", "campaign"), pk=request.POST["adhesion"]
            )
            sent = services.adhesion_remind_now(adhesion=adhesion, by=request.user)
            who = adhesion.territory.name
        else:
            territory = get_object_or_404(Territory, pk=request.POST.get("territory") or 0)
            campaign = get_object_or_404(FicheCampaign, year=request.POST.get("annee") or 0)
            sent = services.fiche_remind_now(territory=territory, campaign=campaign, by=request.user)
            who = territory.name
    except (ValueError, ValidationError):
        raise Http404 from None
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if sent:
        messages.success(
            request, _("Relance envoyée à %(who)s (%(n)s destinataire(s)).") % {"who": who, "n": sent}
        )
    else:
        messages.info(
            request,
            _("Aucune nouvelle relance pour %(who)s : déjà relancé aujourd'hui, ou aucun référent.")
            % {"who": who},
        )
    return redirect(back)


# --- Fiche de renseignements ----------------------------------------------------------------------


def _fiche_for(request, territory, year):
    campaign = get_object_or_404(FicheCampaign, year=year)
    fiche = (
        FicheRenseignements.objects.filter(territory=territory, campaign=campaign)
        .select_related("updated_by")
        .first()
    )
    if fiche is None:
        fiche = services.fiche_open(territory=territory, campaign=campaign, by=request.user)
    return campaign, fiche


def _sections_progress(fiche, current=None):
    form = questionnaire.for_campaign(fiche.campaign)
    return [
        {
            "section": section,
            # "complète" once someone of the territory saved it with its required answers: a draft
            # opened from last year's answers is there to be checked, not done.
            "complete": (
                section.slug in (fiche.saved_sections or [])
                or fiche.status != FicheRenseignements.Status.BROUILLON
            )
            and form.section_complete(section, fiche.answers),
            "current": current is not None and section.slug == current.slug,
        }
        for section in form.sections
    ]


@never_cache
@territory_view(Action.ACT)
@require_http_methods(["GET"])
def fiche(request, territory, year):
    try:
        campaign, fiche = _fiche_for(request, territory, year)
    except services.FicheError as exc:
        return render(
            request, "members/fiche_closed.html", {"territory": territory, "year": year, "reason": str(exc)}
        )
    if fiche.status == FicheRenseignements.Status.SOUMISE:
        return redirect("members:fiche_submit", slug=territory.slug, year=year)
    sections = questionnaire.for_campaign(campaign).sections
    first_incomplete = next(
        (item["section"] for item in _sections_progress(fiche) if not item["complete"]),
        sections[0],
    )
    return redirect("members:fiche_section", slug=territory.slug, year=year, section=first_incomplete.slug)


def _fiche_typed_key(territory, year, slug) -> str:
    return f"members:fiche-typed:{territory.pk}:{year}:{slug}"


def _fiche_version(fiche) -> int:
    return SurveyResponse.objects.values_list("version", flat=True).get(pk=fiche.pk)


def _fiche_section_answers(form, formsets) -> dict | None:
    """The section's answers, or None when the form or its tables refuse them (the checks across
    answers are the save service's: services.answers_errors)."""
    if not (form.is_valid() and all(formset.is_valid() for formset in formsets)):
        return None
    answers = dict(form.cleaned_data)
    for formset in formsets:
        answers[formset.question.key] = formset.rows()
    return answers


def _add_field_errors(form, errors: dict) -> None:
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


@never_cache
@territory_view(Action.ACT)
@require_http_methods(["GET", "POST"])
def fiche_section(request, territory, year, section):
    slug = section
    key = _fiche_typed_key(territory, year, slug)
    typed = request.session.get(key) if request.method == "GET" else None
    try:
        if request.method == "GET" and typed is None:
            # The section as the fiche stands is the same for every person of the territory: kept
            # until the territory's data changes (a save moves it on), with each request's own CSRF
            # token; the fiche is read (or opened, or a 404 raised) only when it is rendered.
            page = pagecache.cached_fragment(
                "fiche-section",
                vary=f"{territory.pk}:{year}:{slug}",
                sections=("territories",),
                render=lambda: _fiche_section_get(request, territory, year, slug),
            )
            return _fiche_section_page(request, page["year"], page["title"], page["html"])
        campaign, fiche = _fiche_for(request, territory, year)
    except services.FicheError as exc:
        return render(
            request, "members/fiche_closed.html", {"territory": territory, "year": year, "reason": str(exc)}
        )
    shape = questionnaire.for_campaign(campaign)
    section = shape.section(slug)
    if section is None:
        raise Http404
    if typed is not None:
        if typed.get("base") != fiche.version:
            # The fiche was saved since (by someone else): what it holds now is shown.
            request.session.pop(key, None)
            return redirect("members:fiche_section", slug=territory.slug, year=year, section=section.slug)
        html = _section_redisplay(request, territory, campaign, fiche, section, typed)
        return _fiche_section_page(request, campaign.year, section.title, html)
    return _section_save(request, territory, campaign, fiche, shape, section, key)


def _section_redisplay(request, territory, campaign, response, section, typed) -> str:
    """A section as its person left it when it was refused: what they typed (kept in the session by
    :func:`_section_save`), with its errors at their fields. A fiche's or an enquête's."""
    form, formsets = _fiche_section_forms(section, response, _typed_data(typed))
    _fiche_section_answers(form, formsets)
    _add_field_errors(form, typed.get("field_errors", {}))
    for error in typed.get("errors", []):
        form.add_error(None, error)
    return _fiche_section_html(
        request, territory, campaign, response, section, form, formsets, typed["version"]
    )


def _section_save(request, territory, campaign, response, shape, section, key):
    """A section's POST, a fiche's or an enquête's: saved (then the next section, or the recap, when
    asked) or refused, what was typed then kept under ``key`` for the GET to show. Always a redirect:
    Back never reaches the answer to a POST."""
    urls = answer_urls(territory, campaign)
    here = redirect(f"{urls['base']}{section.slug}/")
    form, formsets = _fiche_section_forms(section, response, request.POST)
    posted = request.POST.get("version") or ""
    version = int(posted) if posted.isdigit() else 0  # made up: a stale save, refused as such
    answers = _fiche_section_answers(form, formsets)
    errors, field_errors = [], {}
    if answers is not None:
        try:
            response = services.fiche_save_section(
                fiche=response, answers=answers, version=version, by=request.user, section=section.slug
            )
        except services.FicheAnswersRefused as exc:
            field_errors = {name: str(message) for name, message in exc.errors.items()}
        except services.FicheStale as exc:
            errors.append(str(exc))
            version = exc.fiche.version  # saving again now replaces their changes, knowingly
        except services.FicheLocked as exc:
            errors.append(str(exc))
        else:
            request.session.pop(key, None)
            messages.success(request, _("Section « %(section)s » enregistrée.") % {"section": section.title})
            if "next" in request.POST:
                following = shape.sections.index(section) + 1
                if following < len(shape.sections):
                    return redirect(f"{urls['base']}{shape.sections[following].slug}/")
                return redirect(urls["submit"])
            return here
    _keep_typed(
        request,
        key,
        request.POST,
        errors=errors,
        field_errors=field_errors,
        version=version,
        base=_fiche_version(response),
    )
    return here


def _fiche_section_get(request, territory, year, slug) -> dict:
    campaign, fiche = _fiche_for(request, territory, year)
    section = questionnaire.for_campaign(campaign).section(slug)
    if section is None:
        raise Http404
    html = _fiche_section_html(
        request, territory, campaign, fiche, section, *_fiche_section_forms(section, fiche, None)
    )
    return {"year": campaign.year, "title": str(section.title), "html": html}


def _fiche_section_forms(section, fiche, data, editable=None):
    initial = {name: fiche.answers.get(name) for name in section.form_class.base_fields}
    form = section.form_class(data, initial=initial)
    if editable is None:
        editable = fiche.status == FicheRenseignements.Status.BROUILLON
    if data is None and not editable:
        # Read-only view of a submitted fiche. After a refused POST the typed input stays visible instead.
        for field in form.fields.values():
            field.disabled = True
    return form, section.formsets(data, fiche.answers)


def _error_links(form, formsets) -> list[dict]:
    """Where the banner of a refused section points: each field, or table, holding an error."""
    links = [
        {"anchor": f"champ-{name}", "label": form.fields[name].label}
        for name in form.errors
        if name in form.fields
    ]
    for formset in formsets:
        if formset.total_error_count():
            links.append({"anchor": f"champ-{formset.question.key}", "label": formset.question.label})
    return links


def answer_urls(territory, campaign) -> dict:
    """Where a fiche's, or an enquête's, sections (``base`` + slug + "/") and recap live."""
    if campaign.is_fiche:
        kwargs = {"slug": territory.slug, "year": campaign.year}
        return {
            "base": reverse("members:fiche", kwargs=kwargs),
            "submit": reverse("members:fiche_submit", kwargs=kwargs),
        }
    kwargs = {"slug": territory.slug, "pk": campaign.pk}
    return {
        "base": reverse("members:survey", kwargs=kwargs),
        "submit": reverse("members:survey_submit", kwargs=kwargs),
    }


def response_editable(campaign, fiche) -> bool:
    """A draft is edited while its survey is open (a fiche's draft, at any time)."""
    return fiche.status == FicheRenseignements.Status.BROUILLON and (
        campaign.is_fiche or campaign.is_open(timezone.localdate())
    )


def _fiche_section_html(request, territory, campaign, fiche, section, form, formsets, version=None) -> str:
    bound = form.is_bound
    has_errors = bound and (bool(form.errors) or any(formset.total_error_count() for formset in formsets))
    return render_to_string(
        "members/_fiche_section.html",
        {
            "territory": territory,
            "campaign": campaign,
            "fiche": fiche,
            "section": section,
            "form": form,
            "formsets": formsets,
            "version": fiche.version if version is None else version,
            "editable": response_editable(campaign, fiche),
            "urls": answer_urls(territory, campaign),
            "required": section.required,
            "progress": _sections_progress(fiche, section),
            "has_errors": has_errors,
            "error_links": _error_links(form, formsets) if has_errors else [],
        },
        request=request,
    )


def _fiche_section_page(request, year, title, html):
    return render(
        request,
        "members/fiche_section.html",
        {
            "year": year,
            "title": title,
            "content_html": mark_safe(pagecache.fill_csrf(html, request)),  # noqa: S308 (rendered escaped)
        },
    )


@never_cache
@territory_view(Action.ACT)
@require_http_methods(["GET", "POST"])
def fiche_submit(request, territory, year):
    try:
        campaign, fiche = _fiche_for(request, territory, year)
    except services.FicheError as exc:
        return render(
            request, "members/fiche_closed.html", {"territory": territory, "year": year, "reason": str(exc)}
        )
    return _submit_page(
        request,
        territory,
        campaign,
        fiche,
        error_key=f"members:fiche-submit-error:{territory.pk}:{year}",
        submitted=_("Fiche de renseignements %(year)s soumise à l'ANPP. Merci !") % {"year": year},
    )


def _submit_page(request, territory, campaign, response, *, error_key, submitted):
    """The recap of a fiche or an enquête, and its submission. A refused submission redirects too
    (Back must never reach the answer to a POST): its error is shown once by the GET."""
    urls = answer_urls(territory, campaign)
    if request.method == "POST":
        try:
            services.fiche_submit(fiche=response, by=request.user)
        except services.FicheIncomplete:
            request.session[error_key] = _(
                "Il manque des réponses obligatoires : complétez-les avant de soumettre."
            )
        except services.FicheLocked as exc:
            request.session[error_key] = str(exc)
        else:
            messages.success(request, submitted)
        return redirect(urls["submit"])
    shape = questionnaire.for_campaign(campaign)
    missing = [
        {"section": section, "name": name, "label": shape.field_label(name)}
        for section, name in shape.missing_fields(response.answers)
    ]
    return render(
        request,
        "members/fiche_submit.html",
        {
            "territory": territory,
            "campaign": campaign,
            "fiche": response,
            "missing": missing,
            "error": request.session.pop(error_key, ""),
            "progress": _sections_progress(response),
            "recap": selectors.fiche_recap(response),
            "urls": urls,
            "closed": not response_editable(campaign, response),
        },
    )


@never_cache
@login_required
@staff_permission_required("members.view_ficherenseignements", not_staff=Http404)
def fiche_review(request, pk):
    """Staff read a response (a fiche's or an enquête's) with what changed since the answers it was
    prefilled from. Anyone else gets a 404, whatever the method."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    fiche = get_object_or_404(
        SurveyResponse.objects.select_related("territory", "campaign", "updated_by"), pk=pk
    )
    return render(request, "members/fiche_review.html", {"fiche": fiche, **selectors.fiche_comparison(fiche)})


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required("members.view_ficherenseignements", not_staff=PermissionDenied)
def panorama(request):
    years = list(FicheCampaign.objects.order_by("-year").values_list("year", flat=True)) or [
        timezone.localdate().year
    ]
    year = bounded_int(request.GET.get("annee"), default=years[0], low=2000, high=2100)
    return render(request, "members/panorama.html", {**panorama_figures.panorama(year), "years": years})


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required("members.view_ficherenseignements", not_staff=PermissionDenied)
def questionnaire_preview(request, year):
    """The questionnaire of a campaign as territories will see it, for staff preparing it."""
    campaign = get_object_or_404(FicheCampaign, year=year)
    form = questionnaire.for_campaign(campaign)
    sections = [
        {"section": section, "form": section.form_class(), "formsets": section.formsets(None, {})}
        for section in form.sections
    ]
    return render(
        request,
        "members/fiche_preview.html",
        {"campaign": campaign, "sections": sections, "frozen": services.questionnaire_is_frozen(campaign)},
    )


# --- Personal data (RGPD) -----------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET"])
def my_data(request):
    if request.GET.get("format") == "json":
        response = JsonResponse(
            privacy.personal_data_export(user=request.user),
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        response["Content-Disposition"] = 'attachment; filename="mes-donnees-portail-anpp.json"'
        return response
    return render(
        request, "members/my_data.html", {"blocking": members_privacy.blocking_reasons(request.user)}
    )


@never_cache
@login_required
@require_http_methods(["POST"])
def delete_account(request):
    allowed = ratelimit.consume_request(request, action="account_delete", key=f"user:{request.user.pk}")
    form = DeleteAccountForm(request.user, request.POST, rate_limited=not allowed)
    if form.is_valid():
        try:
            privacy.account_delete(user=request.user)
        except privacy.AccountDeletionBlocked as exc:
            for reason in exc.reasons:
                messages.error(request, reason)
            return redirect("members:my_data")
        logout(request)
        messages.success(request, _("Votre compte et vos données ont été supprimés."))
        return redirect("home")
    return render(
        request,
        "members/my_data.html",
        {"blocking": members_privacy.blocking_reasons(request.user), "delete_form": form},
        status=400,
    )
