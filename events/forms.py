"""Input validation of the events app; the services do the saving."""

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from anpp_portal import forms as portal_forms
from anpp_portal.formats import format_date, format_time
from anpp_portal.formfields import PersonNameField

from .models import Event, EventDay, Function, Session
from .services import ParticipantData, max_delegation_size


class ObjectsChoiceField(forms.MultipleChoiceField):
    """Checkboxes over objects already loaded: no query per form of a formset."""

    def __init__(self, *, objects, label_of, **kwargs):
        self.objects = {str(obj.pk): obj for obj in objects}
        super().__init__(
            choices=[(key, label_of(obj)) for key, obj in self.objects.items()],
            widget=forms.CheckboxSelectMultiple,
            **kwargs,
        )

    def clean(self, value):
        return [self.objects[key] for key in super().clean(value)]


def day_label(day) -> str:
    return format_date(day.date, "l j F Y").capitalize()


def atelier_label(session) -> str:
    return f"{format_time(session.starts_at)} – {format_time(session.ends_at)} · {session.title} ({session.site.name})"


def first_clash(sessions):
    """The first two sessions of ``sessions`` that overlap in time, or None."""
    ordered = sorted(sessions, key=lambda s: (s.day_id, s.starts_at))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.day_id == b.day_id and a.starts_at < b.ends_at and b.starts_at < a.ends_at:
                return a, b
    return None


class ChoicesMixin:
    """Days, meals, one atelier field per day and the answers the event asks for."""

    def add_choice_fields(self, event: Event, days: list[EventDay], ateliers: list[Session]):
        self.event = event
        self.event_days = days
        self.fields["days"] = ObjectsChoiceField(
            label=_("Journées"),
            objects=days,
            label_of=day_label,
            error_messages={"required": _("Choisissez au moins une journée.")},
        )
        self.atelier_fields = []
        for day in days:
            of_day = [s for s in ateliers if s.day_id == day.pk]
            if not of_day:
                continue
            name = f"ateliers_{day.pk}"
            self.fields[name] = ObjectsChoiceField(
                label=_("Ateliers du %(day)s") % {"day": format_date(day.date, "l j F")},
                objects=of_day,
                label_of=atelier_label,
                required=False,
            )
            self.atelier_fields.append(name)
        if event.ask_meals:
            self.fields["meal_days"] = ObjectsChoiceField(
                label=_("Repas (déjeuner) pris sur place"), objects=days, label_of=day_label, required=False
            )
        if event.ask_dietary:
            self.fields["dietary_needs"] = forms.CharField(
                label=_("Régime alimentaire"), max_length=300, required=False
            )
        if event.ask_accessibility:
            self.fields["accessibility_needs"] = forms.CharField(
                label=_("Besoins d'accessibilité"), max_length=300, required=False
            )

    def clean(self):
        cleaned = super().clean()
        days = cleaned.get("days") or []
        day_ids = {d.pk for d in days}
        for name in self.atelier_fields:
            chosen = cleaned.get(name) or []
            for session in chosen:
                if days and session.day_id not in day_ids:
                    self.add_error(
                        name,
                        _("L'atelier « %(title)s » a lieu un jour non choisi.") % {"title": session.title},
                    )
            clash = first_clash(chosen)
            if clash:
                first, second = clash
                self.add_error(
                    name,
                    _(
                        "« %(first)s » (%(first_start)s – %(first_end)s) et « %(second)s » "
                        "(%(second_start)s – %(second_end)s) ont lieu en même temps : choisissez l'un des deux."
                    )
                    % {
                        "first": first.title,
                        "first_start": format_time(first.starts_at),
                        "first_end": format_time(first.ends_at),
                        "second": second.title,
                        "second_start": format_time(second.starts_at),
                        "second_end": format_time(second.ends_at),
                    },
                )
        meals = cleaned.get("meal_days") or []
        if days and any(d.pk not in day_ids for d in meals):
            self.add_error("meal_days", _("Les repas ne peuvent être pris que les jours de présence."))
        return cleaned

    def chosen_sessions(self) -> list[Session]:
        return [s for name in self.atelier_fields for s in self.cleaned_data.get(name) or []]


class ParticipantForm(ChoicesMixin, portal_forms.Form):
    first_name = PersonNameField(label=_("Prénom"))
    last_name = PersonNameField(label=_("Nom"))
    email = forms.EmailField(label=_("Adresse email"), max_length=254)  # as the model
    # No function chosen in advance: "Élu·e" first in the list used to be everyone's by default.
    function = forms.ChoiceField(
        label=_("Fonction"),
        choices=[("", _("Choisissez…")), *Function.choices],
        error_messages={"required": _("Choisissez la fonction de ce participant.")},
    )

    def __init__(self, *args, event, days, ateliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_choice_fields(event, days, ateliers)

    def to_data(self) -> ParticipantData:
        data = self.cleaned_data
        return ParticipantData(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            function=data["function"],
            days=list(data["days"]),
            sessions=self.chosen_sessions(),
            meal_days=list(data.get("meal_days") or []),
            dietary_needs=data.get("dietary_needs", ""),
            accessibility_needs=data.get("accessibility_needs", ""),
        )


class BaseParticipantFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            email = (form.cleaned_data.get("email") or "").lower()
            if email in seen:
                form.add_error("email", _("Cette adresse figure déjà plus haut dans la délégation."))
            seen.add(email)


def participant_formset(*, event, days, ateliers, data=None, initial=None, extra=0):
    size = max_delegation_size()
    formset_class = formset_factory(
        ParticipantForm,
        formset=BaseParticipantFormSet,
        extra=extra,
        min_num=1,
        max_num=size,
        absolute_max=size,
        validate_min=True,
        validate_max=True,
    )
    return formset_class(
        data=data,
        initial=initial,
        prefix="participants",
        form_kwargs={"event": event, "days": days, "ateliers": ateliers},
        error_messages={
            "too_few_forms": _("Indiquez au moins un participant."),
            "too_many_forms": _("Une inscription compte au plus %(num)d participants.") % {"num": size},
        },
    )


class RegistrationForm(portal_forms.Form):
    territory = forms.ModelChoiceField(
        label=_("Inscrire au titre de"),
        queryset=None,
        required=False,
        empty_label=_("À titre personnel"),
    )

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories


class ParticipantChangeForm(ChoicesMixin, portal_forms.Form):
    def __init__(self, *args, event, days, ateliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_choice_fields(event, days, ateliers)


class MessageForm(portal_forms.Form):
    """Staff writing to an event's participants from the admin."""

    statuses = forms.MultipleChoiceField(
        label=_("Destinataires"),
        choices=[("confirmed", _("Participants confirmés")), ("waiting", _("Liste d'attente"))],
        widget=forms.CheckboxSelectMultiple,
        initial=["confirmed"],
    )
    subject = forms.CharField(label=_("Objet"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}), max_length=10000)
