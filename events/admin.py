import contextlib
import datetime

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from anpp_portal import forms as portal_forms
from anpp_portal.admin_fields import IntegerListField
from anpp_portal.exports import csv_response, xlsx_response
from anpp_portal.formats import format_date, format_time

from . import exports, services
from .forms import MessageForm
from .models import Attendance, Event, EventDay, Participant, Registration, Session, SessionChoice, Site


class SiteInline(admin.StackedInline):
    model = Site
    extra = 0


class EventDayInline(admin.TabularInline):
    model = EventDay
    extra = 0
    fields = ["date", "starts_at", "ends_at", "site", "capacity"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A day's main site is one of this event's own sites (none yet on a new event).
        if db_field.name == "site":
            kwargs["queryset"] = Site.objects.filter(event_id=_event_id(request)).order_by("name", "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _event_id(request):
    object_id = request.resolver_match.kwargs.get("object_id")
    return int(object_id) if object_id and str(object_id).isdigit() else None


def _posted(data, prefix: str, field: str) -> list[str]:
    """The values typed in one column of another inline of the same page (rows not deleted)."""
    values = []
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    except ValueError:
        return values
    for index in range(min(total, 1000)):
        if data.get(f"{prefix}-{index}-DELETE"):
            continue
        value = (data.get(f"{prefix}-{index}-{field}") or "").strip()
        if value:
            values.append(value)
    return values


class SessionForm(portal_forms.ModelForm):
    """A session names its day by date and its site by name, so that it can be added in the same
    save as the days and sites it uses; both are checked against the event's days and sites, saved
    or typed on the same page."""

    day_date = forms.DateField(
        label=_("journée"),
        help_text=_("Date de l'une des journées de l'événement, par exemple 15/03/2019."),
        widget=forms.DateInput(attrs={"size": 10}),
    )
    site_name = forms.CharField(
        label=_("lieu"),
        required=False,
        max_length=200,
        help_text=_("Nom de l'un des lieux de l'événement ; vide s'il n'y en a qu'un."),
        widget=forms.TextInput(attrs={"size": 18}),
    )

    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "title", "speakers", "is_atelier", "capacity"]
        widgets = {"speakers": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["day_date"].initial = self.instance.day.date
            self.fields["site_name"].initial = self.instance.site.name


class SessionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        event = self.instance
        day_field = forms.DateField()
        dates = set(event.days.values_list("date", flat=True)) if event.pk else set()
        for typed in _posted(self.data, "days", "date"):
            with contextlib.suppress(forms.ValidationError):  # the days inline reports it
                dates.add(day_field.clean(typed))
        sites = {name.lower() for name in event.sites.values_list("name", flat=True)} if event.pk else set()
        sites |= {name.lower() for name in _posted(self.data, "sites", "name")}
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            day = form.cleaned_data.get("day_date")
            if day and day not in dates:
                form.add_error("day_date", _("Ajoutez d'abord cette date aux journées de l'événement."))
            site = (form.cleaned_data.get("site_name") or "").lower()
            if site and site not in sites:
                form.add_error("site_name", _("Ce lieu n'est pas l'un des lieux de l'événement."))
            if not site and len(sites) != 1:
                form.add_error("site_name", _("Indiquez le lieu : l'événement en a plusieurs (ou aucun)."))


class SessionInline(admin.TabularInline):
    model = Session
    form = SessionForm
    formset = SessionFormSet
    extra = 0
    fields = ["day_date", "site_name", "starts_at", "ends_at", "title", "speakers", "is_atelier", "capacity"]


class EventForm(portal_forms.ModelForm):
    reminder_offsets = IntegerListField(
        label=_("rappels (jours avant le début)"),
        max_value=60,
        help_text=_(
            "Jours avant le début, séparés par des virgules, par exemple « 7, 1 ». Vide : aucun rappel."
        ),
    )

    class Meta:
        model = Event
        fields = "__all__"  # the admin shows every field of an event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventForm
    list_display = ["title", "kind", "edition", "status", "capacity", "staff_links"]
    list_filter = ["kind", "status", "edition"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    # In this order: sites and days are saved before the sessions that name them.
    inlines = [SiteInline, EventDayInline, SessionInline]
    actions = ["write_to_participants", "issue_invoices"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        event = form.instance
        sessions = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        changed = {id(s) for s in sessions}
        sites = list(event.sites.all())
        for session_form in formset.forms:
            data = getattr(session_form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            session = session_form.instance
            day = event.days.get(date=data["day_date"])
            name = (data.get("site_name") or "").lower()
            site = next((s for s in sites if s.name.lower() == name), sites[0] if len(sites) == 1 else None)
            if id(session) in changed or session.day_id != day.pk or session.site_id != site.pk:
                session.event, session.day, session.site = event, day, site
                session.save()
        return None

    @admin.display(description=_("Gestion"))
    def staff_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("events:checkin", kwargs={"slug": obj.slug}),
            _("pointage"),
            reverse("events:statistics", kwargs={"slug": obj.slug}),
            _("statistiques"),
            reverse("events:badges", kwargs={"slug": obj.slug}),
            _("badges"),
            reverse("events:signin_sheets", kwargs={"slug": obj.slug}),
            _("émargement"),
        )

    def save_model(self, request, obj, form, change):
        # A capacity change goes through the service, which promotes waiting participants.
        if change and "capacity" in form.changed_data:
            new_capacity = obj.capacity
            obj.capacity = Event.objects.get(pk=obj.pk).capacity
            super().save_model(request, obj, form, change)
            try:
                promoted = services.event_capacity_change(event=obj, capacity=new_capacity, by=request.user)
            except services.EventsError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                obj.capacity = new_capacity
                if promoted:
                    self.message_user(
                        request,
                        _("%(n)s participant(s) de la liste d'attente confirmé(s) et prévenu(s).")
                        % {"n": len(promoted)},
                    )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Émettre les factures des inscriptions"), permissions=["change"])
    def issue_invoices(self, request, queryset):
        from billing.admin import issue_event_invoices

        issue_event_invoices(self, request, queryset)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            return
        # Capacities of days and ateliers edited inline: the free seats go to the first ones waiting,
        # who are told by email (services.event_seats_refresh), as for the event's capacity.
        promoted, choices = services.event_seats_refresh(event=form.instance, by=request.user)
        if promoted or choices:
            self.message_user(
                request,
                _(
                    "%(n)s participant(s) et %(m)s place(s) d'atelier attribuée(s) depuis les listes d'attente."
                )
                % {"n": len(promoted), "m": len(choices)},
            )

    @admin.action(description=_("Écrire aux participants"), permissions=["change"])
    def write_to_participants(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choisissez un seul événement."), messages.ERROR)
            return None
        event = queryset.get()
        form = MessageForm(request.POST if "send" in request.POST else None)
        if "send" in request.POST and form.is_valid():
            # One key per message: sending the same form twice (double click) sends nothing twice.
            key = f"{event.pk}:{request.POST.get('message_key')}"
            count = services.event_message_send(
                event=event,
                statuses=form.cleaned_data["statuses"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                key=key,
                by=request.user,
            )
            self.message_user(request, _("Message mis en file pour %(n)s participant(s).") % {"n": count})
            return None
        return render(
            request,
            "events/admin/message.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Écrire aux participants"),
                "event": event,
                "form": form,
                "message_key": request.POST.get("message_key") or timezone.now().strftime("%Y%m%d%H%M%S%f"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ["day", "checked_in_at", "checked_in_by"]
    readonly_fields = ["day", "checked_in_at", "checked_in_by"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # check-in goes through the check-in page (services.participant_check_in)


class SessionChoiceInline(admin.TabularInline):
    model = SessionChoice
    extra = 0
    raw_id_fields = ["session"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    verbose_name = _("participant")
    verbose_name_plural = _("participants")
    fields = [
        "first_name",
        "last_name",
        "email",
        "function",
        "status",
        "waiting_position",
        "price",
        "programme",
    ]
    readonly_fields = ["status", "waiting_position", "programme"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("days", queryset=EventDay.objects.order_by("date")),
                Prefetch(
                    "session_choices",
                    queryset=SessionChoice.objects.select_related("session__day").order_by(
                        "session__day__date", "session__starts_at"
                    ),
                ),
            )
        )

    @admin.display(description=_("journées et ateliers"))
    def programme(self, obj):
        """What the person comes to: each day, then each atelier with its time (and a waiting place)."""
        if not obj.pk:
            return "–"
        days = [(format_date(day.date, "l j F"),) for day in obj.days.all()]
        ateliers = [
            (
                choice.session.title,
                format_date(choice.session.day.date, "j F"),
                format_time(choice.session.starts_at),
                _(" – liste d'attente") if choice.status == "waiting" else "",
            )
            for choice in obj.session_choices.all()
        ]
        return (
            format_html(
                "{}{}",
                format_html_join(mark_safe("<br>"), "{}", days),
                format_html_join(mark_safe(""), '<br><span class="muted">{} ({}, {}){}</span>', ateliers),
            )
            or "–"
        )


class RecentFilter(admin.SimpleListFilter):
    title = _("inscrites depuis")
    parameter_name = "depuis"

    def lookups(self, request, model_admin):
        return [("1", _("24 heures")), ("7", _("7 jours")), ("30", _("30 jours"))]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(created_at__gte=timezone.now() - datetime.timedelta(days=int(self.value())))


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    # The registration's page on the site is its territory's people's page (another person gets 404,
    # staff included): staff work on registrations here, so no "Voir sur le site" link to a 404.
    view_on_site = False
    list_display = ["event", "territory", "created_by", "created_at"]
    list_filter = ["event", RecentFilter]
    search_fields = ["territory__name", "created_by__email", "participants__email", "participants__last_name"]
    list_select_related = ["event", "territory", "created_by"]
    autocomplete_fields = ["created_by", "territory"]
    inlines = [ParticipantInline]


class DayFilter(admin.SimpleListFilter):
    title = _("journée")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return [(d.pk, f"{d.event.title} – {d}") for d in EventDay.objects.select_related("event")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(days__pk=self.value())
        return queryset


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = [
        "last_name",
        "first_name",
        "email",
        "function",
        "territory",
        "event",
        "status",
        "waiting_position",
    ]
    list_filter = [
        "event",
        "status",
        "function",
        ("registration__territory", admin.RelatedOnlyFieldListFilter),
        DayFilter,
    ]
    search_fields = ["last_name", "first_name", "email", "registration__territory__name"]
    list_select_related = ["event", "registration__territory"]
    readonly_fields = [
        "status",
        "waiting_position",
        "promoted_at",
        "cancelled_at",
        "event",
        "registration",
    ]
    inlines = [SessionChoiceInline, AttendanceInline]
    # The "History" page: who changed the participation, when, and its status at each step.
    history_list_display = ["status", "waiting_position"]
    actions = ["export_csv", "export_xlsx", "cancel_participants", "anonymise"]

    @admin.action(
        description=_("Anonymiser (nom, email et besoins effacés, statistiques gardées)"),
        permissions=["change"],
    )
    def anonymise(self, request, queryset):
        for participant in queryset:
            services.participant_anonymise(participant=participant)
        self.message_user(request, _("%(count)d participant(s) anonymisé(s).") % {"count": queryset.count()})

    @admin.display(description=_("territoire"), ordering="registration__territory__name")
    def territory(self, obj):
        return obj.registration.territory

    def _export_queryset(self, queryset):
        return queryset.select_related("event", "registration__territory").prefetch_related(
            "days",
            "meal_days",
            Prefetch("attendances", queryset=Attendance.objects.select_related("day")),
            Prefetch("session_choices", queryset=SessionChoice.objects.select_related("session")),
        )

    @admin.action(description=_("Exporter en CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return csv_response("participants", exports.HEADERS, exports.rows(self._export_queryset(queryset)))

    @admin.action(description=_("Exporter en XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return xlsx_response("participants", exports.HEADERS, exports.rows(self._export_queryset(queryset)))

    @admin.action(description=_("Annuler (et promouvoir la liste d'attente)"), permissions=["change"])
    def cancel_participants(self, request, queryset):
        done = 0
        for participant in queryset.exclude(status=Participant.Status.CANCELLED):
            services.participant_cancel(participant=participant, by=request.user)
            done += 1
        self.message_user(request, _("%(n)s participation(s) annulée(s).") % {"n": done})
