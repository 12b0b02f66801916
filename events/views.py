from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from anpp_portal import pagecache
from anpp_portal.formats import format_date, format_number, format_time
from anpp_portal.pagecache import public_page
from anpp_portal.staffpolicy import acts_as_staff, staff_permission_required
from members.permissions import Action, territories_for
from members.security_events import log_access_denied

from . import pdf, qr, selectors, services
from .forms import ParticipantChangeForm, RegistrationForm, participant_formset
from .ics import event_ics, ics_filename
from .models import Event, EventDay, Participant, Registration


@public_page("events")
def event_list(request):
    upcoming, past = selectors.public_events()
    return render(request, "events/list.html", {"upcoming": upcoming, "past": past})


def _event_or_404(request, slug) -> Event:
    try:
        return selectors.event_for_page(slug=slug, user=request.user)
    except Event.DoesNotExist:
        raise Http404 from None


def _seats_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - event.confirmed_count, 0)


@public_page("events")
def event_detail(request, slug):
    # The page is the same for every visitor but ANPP staff (drafts, their tools): it is kept as a
    # fragment until the events change (a registration, a cancellation: the seat counts are
    # exact), so a logged-in visitor costs what the rest of the page costs. The staff links lead to
    # staff-only pages: only staff with the permission get them.
    user = request.user
    sees_drafts = selectors.sees_drafts(user)
    staff_tools = acts_as_staff(user, "events.view_participant")
    page = pagecache.cached_fragment(
        "event-page",
        vary=f"{slug}:{int(sees_drafts)}:{int(staff_tools)}",
        sections=("events",),
        render=lambda: _event_page(request, slug, staff_tools),
    )
    return render(
        request,
        "events/detail.html",
        {"title": page["title"], "content_html": mark_safe(page["html"])},  # noqa: S308 (rendered escaped)
    )


def _event_page(request, slug, staff_tools) -> dict:
    event = _event_or_404(request, slug)
    html = render_to_string(
        "events/_detail.html",
        {
            "event": event,
            "programme": selectors.programme(event),
            "seats_left": _seats_left(event),
            "day_seats": selectors.day_seats(event),
            "registration_open": event.registration_is_open(),
            "has_ended": event.has_ended(),
            "staff_tools": staff_tools,
        },
        request=request,
    )
    return {"title": event.title, "html": str(html)}


@public_page("events")
def event_calendar(request, slug):
    event = _event_or_404(request, slug)
    response = HttpResponse(event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(event)}"'
    return response


def _draft_key(slug: str) -> str:
    return f"events:registration-draft:{slug}"


def _keep_draft(request, slug, data, *, show_errors: bool, message: str = ""):
    """POST/redirect/GET: what was typed waits in the session and the browser gets a redirect, so
    that no page of its history is the answer to a POST (Back would show ERR_CACHE_MISS: logged-in
    pages are no-store)."""
    request.session[_draft_key(slug)] = {
        "data": {key: data.getlist(key) for key in data if key != "csrfmiddlewaretoken"},
        "show_errors": show_errors,
        "message": message,
    }
    return redirect("events:register", slug=slug)


@never_cache
@login_required
def register(request, slug):
    territories = territories_for(request.user, Action.ACT)
    draft = request.session.get(_draft_key(slug)) if request.method == "GET" else None
    if request.method == "GET" and not draft:
        return _register_get(request, slug, RegistrationForm(territories=territories))
    if draft:
        data = QueryDict(mutable=True)
        for key, values in draft["data"].items():
            data.setlist(key, values)
    else:
        data = request.POST.copy()
    form = RegistrationForm(data, territories=territories)
    try:
        event = selectors.event_for_registration(slug=slug, user=request.user)
    except Event.DoesNotExist:
        raise Http404 from None
    days = list(event.days.all())
    ateliers = list(event.sessions.all())
    formset = participant_formset(event=event, days=days, ateliers=ateliers, data=data)
    if draft:
        # The typed rows back, with their errors if the last POST was refused.
        if draft["show_errors"]:
            form.is_valid()
            formset.is_valid()
            if draft["message"]:
                form.add_error(None, draft["message"])
        return _render_register(request, event, form, formset, adding=not draft["show_errors"])
    if "add" in request.POST or "remove" in request.POST:
        # Add or remove a row without losing what was typed (no JavaScript needed).
        key = "participants-TOTAL_FORMS"
        try:
            total = int(data.get(key, "1"))
        except ValueError:
            total = 1
        total = total + 1 if "add" in request.POST else total - 1
        data[key] = str(min(max(total, 1), services.max_delegation_size()))
        return _keep_draft(request, slug, data, show_errors=False)
    if not event.registration_is_open():
        messages.error(request, _("Les inscriptions à cet événement ne sont pas ouvertes."))
        return _keep_draft(request, slug, data, show_errors=False)
    if not (form.is_valid() and formset.is_valid()):
        return _keep_draft(request, slug, data, show_errors=True)
    try:
        outcome = services.registration_create(
            event=event,
            by=request.user,
            territory=form.cleaned_data["territory"],
            participants=[f.to_data() for f in formset.forms],
        )
    except services.EventsError as exc:
        return _keep_draft(request, slug, data, show_errors=True, message=str(exc))
    request.session.pop(_draft_key(slug), None)
    if form.cleaned_data["territory"] is not None:
        # The same answer whoever was named, registered before or not: an address already
        # registered is not skipped visibly (its owner is told by email instead).
        named = len(formset.forms)
        messages.success(
            request,
            _(
                "Inscription enregistrée pour %(n)s personne(s). Chacune reçoit par email sa "
                "confirmation (ou sa place en liste d'attente) et un lien pour se désister ; "
                "un récapitulatif vous est envoyé."
            )
            % {"n": named},
        )
        return redirect(outcome.registration)
    if outcome.confirmed:
        messages.success(
            request,
            _("Inscription enregistrée : %(n)s participant(s) confirmé(s).") % {"n": len(outcome.confirmed)},
        )
    if outcome.waiting:
        messages.warning(
            request,
            _("L'événement est complet : %(n)s participant(s) sur la liste d'attente.")
            % {"n": len(outcome.waiting)},
        )
    for note in outcome.notes:
        messages.warning(request, note)
    return redirect(outcome.registration)


def _render_register(request, event, form, formset, adding=False, participants_html=None):
    context = {
        "event": event,
        "form": form,
        "formset": formset,
        # After "add a participant", the rows are shown as typed, without errors yet.
        "hide_errors": adding,
        "registration_open": event.registration_is_open(),
        "max_size": services.max_delegation_size(),
    }
    if participants_html is None:
        participants_html = render_to_string("events/_register_participants.html", context, request=request)
    return render(
        request,
        "events/register.html",
        {**context, "participants_html": mark_safe(participants_html)},  # noqa: S308 (rendered escaped)
    )


# Where the empty form's first participant has the person's own name and email: the rows are the
# same for every person (the event's days, ateliers, questions), kept per event; each request puts
# its person's values in (escaped).
_PERSON_MARKERS = {
    "first_name": "fragment-person-first-name-2d7c",
    "last_name": "fragment-person-last-name-2d7c",
    "email": "fragment-person-email-2d7c",
}


def _register_get(request, slug, form):
    """The empty registration form: the event and its participant rows are kept per event (until the
    events change), the person's territories and own name and email are theirs, on each request."""

    def render_event_part():
        try:
            event = selectors.event_for_registration(slug=slug, user=request.user)
        except Event.DoesNotExist:
            raise Http404 from None
        formset = participant_formset(
            event=event,
            days=list(event.days.all()),
            ateliers=list(event.sessions.all()),
            initial=[dict(_PERSON_MARKERS)],
            extra=0,
        )
        html = render_to_string(
            "events/_register_participants.html", {"formset": formset, "hide_errors": False}, request=request
        )
        return {
            "event": {"title": event.title, "get_absolute_url": event.get_absolute_url()},
            "registration_open": event.registration_is_open(),
            "html": html,
        }

    max_size = services.max_delegation_size()
    part = pagecache.cached_fragment(
        "registration-form",
        vary=f"{slug}:{int(selectors.sees_drafts(request.user))}:{max_size}",
        sections=("events",),
        render=render_event_part,
    )
    html = part["html"]
    for name, marker in _PERSON_MARKERS.items():
        value = getattr(request.user, name)
        if value:
            html = html.replace(marker, conditional_escape(value))
        else:  # as Django renders an empty initial value: no value attribute
            html = html.replace(f' value="{marker}"', "").replace(marker, "")
    return render(
        request,
        "events/register.html",
        {
            "event": part["event"],
            "form": form,
            "formset": None,
            "hide_errors": False,
            "registration_open": part["registration_open"],
            "max_size": max_size,
            "participants_html": mark_safe(html),  # noqa: S308 (rendered escaped, the person's values escaped)
            # The person's territories to register for: theirs only, kept until memberships change.
            "territory_html": mark_safe(  # noqa: S308 (rendered escaped)
                pagecache.cached_fragment(
                    "registration-territory",
                    vary=str(request.user.pk),
                    sections=("members", "territories"),
                    render=lambda: render_to_string(
                        "events/_field.html",
                        {"field": form["territory"], "hide_errors": False},
                        request=request,
                    ),
                )
            ),
        },
    )


@never_cache
@login_required
def my_registrations(request):
    # The list is the person's own: kept for them only, until the events or their territories change.
    registrations_html = pagecache.cached_fragment(
        "my-registrations",
        vary=str(request.user.pk),
        sections=("events", "territories"),
        render=lambda: render_to_string(
            "events/_my_registrations.html",
            {"registrations": selectors.registrations_of_user(request.user)},
            request=request,
        ),
    )
    return render(
        request,
        "events/my_registrations.html",
        {"registrations_html": mark_safe(registrations_html)},  # noqa: S308 (rendered escaped)
    )


def _registration_or_404(request, pk):
    try:
        return selectors.registration_of_user(request.user, pk)
    except Registration.DoesNotExist:
        log_access_denied(request, status=404, reason="registration_not_of_user")
        raise Http404 from None


@never_cache
@login_required
def registration_detail(request, pk):
    registration = _registration_or_404(request, pk)
    participants = list(registration.participants.all())
    active = [p for p in participants if p.status == Participant.Status.CONFIRMED]
    return render(
        request,
        "events/registration.html",
        {
            "registration": registration,
            "event": registration.event,
            "participants": participants,
            "total": sum((p.price for p in active), start=0),
            "may_change": timezone.now() < registration.event.cancellation_deadline,
        },
    )


def _participant_of(request, registration, participant_pk) -> Participant:
    for participant in registration.participants.all():
        if participant.pk == participant_pk:
            return participant
    log_access_denied(request, status=404, reason="participant_not_of_registration")
    raise Http404


@never_cache
@login_required
def participant_change(request, pk, participant_pk):
    registration = _registration_or_404(request, pk)
    participant = _participant_of(request, registration, participant_pk)
    if participant.status == Participant.Status.CANCELLED:
        raise Http404
    event = registration.event
    days = list(event.days.all())
    ateliers = list(event.sessions.all())
    chosen = {c.session_id for c in participant.session_choices.all()}
    initial = {
        "days": [str(d.pk) for d in participant.days.all()],
        "meal_days": [str(d.pk) for d in participant.meal_days.all()],
        "dietary_needs": participant.dietary_needs,
        "accessibility_needs": participant.accessibility_needs,
    }
    for day in days:
        initial[f"ateliers_{day.pk}"] = [str(s.pk) for s in ateliers if s.day_id == day.pk and s.pk in chosen]
    form = ParticipantChangeForm(
        request.POST or None, initial=initial, event=event, days=days, ateliers=ateliers
    )
    if request.method == "POST" and form.is_valid():
        try:
            notes = services.participant_update(
                participant=participant,
                by=request.user,
                days=form.cleaned_data["days"],
                sessions=form.chosen_sessions(),
                meal_days=form.cleaned_data.get("meal_days") or [],
                dietary_needs=form.cleaned_data.get("dietary_needs", ""),
                accessibility_needs=form.cleaned_data.get("accessibility_needs", ""),
            )
        except services.EventsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Participation de %(name)s modifiée.") % {"name": participant.full_name}
            )
            for note in notes:
                messages.warning(request, note)
            return redirect(registration)
    return render(
        request,
        "events/participant_change.html",
        {"registration": registration, "participant": participant, "event": event, "form": form},
    )


@never_cache
@login_required
def participant_cancel(request, pk, participant_pk):
    registration = _registration_or_404(request, pk)
    participant = _participant_of(request, registration, participant_pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method != "POST":
        # Cancelling frees the seat for the next person waiting: it is confirmed on its own page.
        if participant.status == Participant.Status.CANCELLED:
            return redirect(registration)
        return render(
            request,
            "events/participant_cancel.html",
            {"registration": registration, "participant": participant, "event": registration.event},
        )
    try:
        services.participant_cancel(participant=participant, by=request.user)
    except services.EventsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Participation de %(name)s annulée.") % {"name": participant.full_name})
    return redirect(registration)


# --- ANPP staff ------------------------------------------------------------------------------


def _staff_event(slug) -> Event:
    return get_object_or_404(Event.objects.prefetch_related("days", "sites"), slug=slug)


@staff_member_required
@staff_permission_required("events.view_participant")
def staff_participants(request, slug):
    event = _staff_event(slug)
    return render(
        request,
        "events/staff/participants.html",
        {"event": event, "participants": selectors.participants_for_staff(event)},
    )


def _clean_query(value: str) -> str:
    """A search typed at the door: no NUL or control characters, at most 100 characters."""
    return "".join(c for c in value if c.isprintable()).strip()[:100]


@never_cache
@staff_member_required
@staff_permission_required("events.view_participant")
def checkin(request, slug):
    """The days of the event, each with its check-in page; today's opens at once."""
    event = _staff_event(slug)
    days = list(event.days.all())
    today = timezone.localdate()
    for day in days:
        if day.date == today:
            return redirect("events:checkin_day", slug=event.slug, day_pk=day.pk)
    return render(request, "events/staff/checkin_days.html", {"event": event, "days": days})


def _staff_day(event: Event, day_pk: int) -> EventDay:
    for day in event.days.all():
        if day.pk == day_pk:
            return day
    raise Http404


# The camera is allowed on the check-in page only (everywhere else the policy says camera=()).
CHECKIN_PERMISSIONS = "camera=(self), microphone=(), geolocation=(), payment=()"


@never_cache
@staff_member_required
@staff_permission_required("events.view_participant")
def checkin_day(request, slug, day_pk):
    event = _staff_event(slug)
    day = _staff_day(event, day_pk)
    query = _clean_query(request.GET.get("q", ""))
    results = selectors.checkin_search(event, day, query) if query else []
    response = render(
        request,
        "events/staff/checkin.html",
        {
            "event": event,
            "day": day,
            "days": list(event.days.all()),
            "query": query,
            "results": results,
            "count_label": checkin_count_label(selectors.checkin_day_counts(day)),
        },
    )
    response["Permissions-Policy"] = CHECKIN_PERMISSIONS
    return response


SCAN_ANSWERS = {
    "present": gettext_lazy("Présent·e"),
    "already": gettext_lazy("Déjà pointé·e"),
    "not_today": gettext_lazy("Pas inscrit·e ce jour"),
    "cancelled": gettext_lazy("Inscription annulée"),
    "waiting": gettext_lazy("En liste d'attente"),
    "unknown": gettext_lazy("Code inconnu"),
}


def _scan_answer(result: services.ScanResult, day: EventDay) -> dict:
    participant = result.participant
    detail = ""
    if result.state == "already":
        detail = _("Déjà pointé·e à %(time)s.") % {"time": format_time(result.checked_in_at)}
    elif result.state == "not_today":
        days = ", ".join(format_date(d.date, "l j F") for d in participant.days.order_by("date"))
        detail = _("Inscrit·e : %(days)s.") % {"days": days}
    elif result.state == "cancelled":
        detail = _("Ce code n'est plus valable : la participation est annulée.")
    elif result.state == "waiting":
        detail = _("Pas de place confirmée : orientez la personne vers l'accueil.")
    elif result.state == "unknown":
        detail = _("Ce code n'est pas celui d'un participant de cet événement.")
    elif result.state == "present":
        detail = _("Pointé·e à %(time)s.") % {"time": format_time(result.checked_in_at)}
    territory = participant.registration.territory if participant else None
    return {
        "state": result.state,
        "title": str(SCAN_ANSWERS[result.state]),
        "name": participant.full_name if participant else "",
        "territory": territory.name if territory else "",
        "detail": str(detail),
    }


def checkin_count_label(counts: dict) -> str:
    """ "1 présent sur 1 inscrit", "12 présents sur 40 inscrits". Zero is singular in French: the
    form is chosen for max(n, 1), whatever plural rule the catalogue in use has."""

    def counted(singular, plural, n):
        return ngettext(singular, plural, max(n, 1)) % {"n": format_number(n)}

    return _("%(present)s sur %(expected)s") % {
        "present": counted("%(n)s présent", "%(n)s présents", counts["present"]),
        "expected": counted("%(n)s inscrit", "%(n)s inscrits", counts["expected"]),
    }


@never_cache
@staff_member_required
@staff_permission_required("events.change_participant")
@require_POST
def checkin_scan(request, slug, day_pk):
    """A QR code read by the check-in page's camera: the answer, as JSON, to show at a glance."""
    event = _staff_event(slug)
    day = _staff_day(event, day_pk)
    code = _clean_query(request.POST.get("code", "")[:300])
    result = services.checkin_scan(event=event, day=day, code=code, by=request.user)
    counts = selectors.checkin_day_counts(day)
    answer = _scan_answer(result, day)
    answer["count"] = checkin_count_label(counts)
    return JsonResponse(answer)


@staff_member_required
@staff_permission_required("events.change_participant")
def checkin_mark(request, slug, day_pk, participant_pk):
    event = _staff_event(slug)
    day = _staff_day(event, day_pk)
    participant = get_object_or_404(Participant, event=event, pk=participant_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    present = request.POST.get("present", "1") == "1"
    try:
        services.participant_check_in(participant=participant, day=day, by=request.user, present=present)
    except services.EventsError as exc:
        messages.error(request, str(exc))
    else:
        if present:
            messages.success(request, _("%(name)s est pointé·e présent·e.") % {"name": participant.full_name})
        else:
            messages.info(request, _("Pointage de %(name)s annulé.") % {"name": participant.full_name})
    query = _clean_query(request.POST.get("q", ""))
    url = redirect("events:checkin_day", slug=event.slug, day_pk=day.pk).url
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


# --- Declining a registration made by someone else ------------------------------------------------


@never_cache
def decline(request, token):
    """The link of the email sent to a person registered by someone else: the token is the
    credential (signed, revoked with the participation), so no login is needed."""
    content = qr.read_decline_token(token)
    participant = (
        Participant.objects.select_related("event", "registration__territory", "registration__created_by")
        .filter(pk=content.participant_id)
        .first()
        if content
        else None
    )
    if participant is None or not qr.secrets_match(participant, content):
        return render(request, "events/decline.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            services.participant_decline(participant=participant)
        except services.EventsError as exc:
            return render(
                request, "events/decline.html", {"participant": participant, "error": str(exc)}, status=400
            )
        return render(request, "events/decline.html", {"participant": participant, "done": True})
    return render(request, "events/decline.html", {"participant": participant, "event": participant.event})


@staff_member_required
@staff_permission_required("events.view_participant")
def statistics(request, slug):
    event = _staff_event(slug)
    stats = selectors.event_statistics(event)
    return render(request, "events/staff/statistics.html", {"event": event, "stats": stats})


@staff_member_required
@staff_permission_required("events.view_participant")
def badges_pdf(request, slug):
    event = _staff_event(slug)
    return _pdf_response(pdf.badges(event), f"badges-{event.slug}.pdf")


@staff_member_required
@staff_permission_required("events.view_participant")
def signin_sheet_pdf(request, slug):
    event = _staff_event(slug)
    return _pdf_response(pdf.signin_sheets(event), f"emargement-{event.slug}.pdf")


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
