from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from anpp_portal.pagecache import public_page
from members.permissions import Action, territories_for
from members.security_events import log_access_denied

from . import pdf, selectors, services
from .forms import ParticipantChangeForm, RegistrationForm, participant_formset
from .ics import event_ics, ics_filename
from .models import Event, Participant, Registration


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
    event = _event_or_404(request, slug)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "programme": selectors.programme(event),
            "seats_left": _seats_left(event),
            "registration_open": event.registration_is_open(),
            "has_ended": event.has_ended(),
        },
    )


@public_page("events")
def event_calendar(request, slug):
    event = _event_or_404(request, slug)
    response = HttpResponse(event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics_filename(event)}"'
    return response


@never_cache
@login_required
def register(request, slug):
    event = _event_or_404(request, slug)
    days = list(event.days.all())
    ateliers = [s for s in event.sessions.all() if s.is_atelier]
    territories = territories_for(request.user, Action.ACT)
    form = RegistrationForm(request.POST or None, territories=territories)
    data = None
    extra = 0
    if request.method == "POST":
        data = request.POST.copy()
        if "add" in request.POST or "remove" in request.POST:
            # Add or remove a row without losing what was typed (no JavaScript needed).
            key = "participants-TOTAL_FORMS"
            try:
                total = int(data.get(key, "1"))
            except ValueError:
                total = 1
            total = total + 1 if "add" in request.POST else total - 1
            data[key] = str(min(max(total, 1), services.max_delegation_size()))
            formset = participant_formset(event=event, days=days, ateliers=ateliers, data=data)
            return _render_register(request, event, form, formset, adding=True)
    initial = [
        {
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
            "email": request.user.email,
        }
    ]
    formset = participant_formset(
        event=event, days=days, ateliers=ateliers, data=data, initial=None if data else initial, extra=extra
    )
    if not event.registration_is_open() and request.method == "POST":
        messages.error(request, _("Les inscriptions à cet événement ne sont pas ouvertes."))
        return _render_register(request, event, form, formset)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            outcome = services.registration_create(
                event=event,
                by=request.user,
                territory=form.cleaned_data["territory"],
                participants=[f.to_data() for f in formset.forms],
            )
        except services.EventsError as exc:
            form.add_error(None, str(exc))
        else:
            if outcome.confirmed:
                messages.success(
                    request,
                    _("Inscription enregistrée : %(n)s participant(s) confirmé(s).")
                    % {"n": len(outcome.confirmed)},
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
    return _render_register(request, event, form, formset)


def _render_register(request, event, form, formset, adding=False):
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "form": form,
            "formset": formset,
            # After "add a participant", the rows are shown as typed, without errors yet.
            "hide_errors": adding,
            "registration_open": event.registration_is_open(),
            "max_size": services.max_delegation_size(),
        },
    )


@never_cache
@login_required
def my_registrations(request):
    return render(
        request,
        "events/my_registrations.html",
        {"registrations": selectors.registrations_of_user(request.user)},
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


@login_required
def participant_cancel(request, pk, participant_pk):
    registration = _registration_or_404(request, pk)
    participant = _participant_of(request, registration, participant_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
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
def staff_participants(request, slug):
    event = _staff_event(slug)
    return render(
        request,
        "events/staff/participants.html",
        {"event": event, "participants": selectors.participants_for_staff(event)},
    )


@never_cache
@staff_member_required
def checkin(request, slug):
    event = _staff_event(slug)
    query = request.GET.get("q", "").strip()[:100]
    results = selectors.checkin_search(event, query) if query else []
    return render(request, "events/staff/checkin.html", {"event": event, "query": query, "results": results})


@staff_member_required
def checkin_mark(request, slug, participant_pk):
    event = _staff_event(slug)
    participant = get_object_or_404(Participant, event=event, pk=participant_pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    present = request.POST.get("present", "1") == "1"
    try:
        services.participant_check_in(participant=participant, by=request.user, present=present)
    except services.EventsError as exc:
        messages.error(request, str(exc))
    else:
        if present:
            messages.success(request, _("%(name)s est pointé·e présent·e.") % {"name": participant.full_name})
        else:
            messages.info(request, _("Pointage de %(name)s annulé.") % {"name": participant.full_name})
    query = request.POST.get("q", "")
    url = redirect("events:checkin", slug=event.slug).url
    return redirect(f"{url}?q={query}" if query else url)


@staff_member_required
def statistics(request, slug):
    event = _staff_event(slug)
    stats = selectors.event_statistics(event)
    return render(request, "events/staff/statistics.html", {"event": event, "stats": stats})


@staff_member_required
def badges_pdf(request, slug):
    event = _staff_event(slug)
    return _pdf_response(pdf.badges(event), f"badges-{event.slug}.pdf")


@staff_member_required
def signin_sheet_pdf(request, slug):
    event = _staff_event(slug)
    return _pdf_response(pdf.signin_sheets(event), f"emargement-{event.slug}.pdf")


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
