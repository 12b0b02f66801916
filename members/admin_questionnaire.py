"""The admin of the fiche's questionnaire: campaigns hold sections, sections hold questions, a
"repeated rows" question holds its columns. A questionnaire with answers is read-only; the next
campaign starts from a copy of it. Imported by members/admin.py."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from localflavor.fr.fr_region import REGION_2016_CHOICES

from anpp_portal import forms as portal_forms
from anpp_portal.admin_fields import IntegerListField as DayListField

from . import services
from .models import Adhesion, FicheCampaign, Question, QuestionnaireSection, Survey, Territory


class ChoicesField(forms.CharField):
    """The choices of a question, one per line: "libellé", or "clé | libellé" to keep a key stable
    while the label changes. Stored as a list of [key, label] pairs."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Un choix par ligne. Écrivez « clé | libellé » pour garder la clé d'une année sur l'autre."),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{key} | {label}" for key, label in value)
        return value

    def to_python(self, value):
        pairs = []
        for line in (value or "").splitlines():
            line = line.strip()
            if not line:
                continue
            key, sep, label = line.partition("|")
            key, label = (key.strip(), label.strip()) if sep else (slugify(line).replace("-", "_"), line)
            if not key or not label:
                raise forms.ValidationError(_("Ligne incomplète : « %(line)s ».") % {"line": line})
            if key in {k for k, _l in pairs}:
                raise forms.ValidationError(_("La clé « %(key)s » apparaît deux fois.") % {"key": key})
            pairs.append([key, label])
        return pairs

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class QuestionForm(portal_forms.ModelForm):
    choices = ChoicesField(label=_("choix proposés"))

    class Meta:
        model = Question
        fields = [
            "order",
            "key",
            "label",
            "kind",
            "required",
            "help_text",
            "choices",
            "min_value",
            "max_value",
        ]
        widgets = {"help_text": forms.Textarea(attrs={"rows": 2, "cols": 30})}


class FrozenMixin:
    """Nothing changes in a questionnaire once territories have answered it."""

    def _frozen(self, obj) -> bool:
        campaign = getattr(obj, "campaign", None) or getattr(getattr(obj, "section", None), "campaign", None)
        if isinstance(obj, Survey):
            campaign = obj
        return campaign is not None and services.questionnaire_is_frozen(campaign)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and self._frozen(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and self._frozen(obj))


class ChoicesShownMixin:
    """A frozen questionnaire is shown read-only: its choices one per line as staff typed them,
    not as the JSON they are stored in."""

    @admin.display(description=_("choix proposés"))
    def choices_shown(self, obj):
        return format_html_join(mark_safe("<br>"), "{} | {}", obj.choices or []) or "–"

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields = ["choices_shown" if name == "choices" else name for name in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_change_permission(request, obj):
            readonly.append("choices_shown")
        return readonly


class FrozenInlineMixin(FrozenMixin):
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and self._frozen(obj))


class ColumnInline(ChoicesShownMixin, FrozenInlineMixin, admin.TabularInline):
    model = Question
    fk_name = "parent"
    form = QuestionForm
    extra = 0
    verbose_name = _("colonne")
    verbose_name_plural = _("colonnes du tableau")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        section = obj.section if obj else None

        class WithSection(formset):
            def save_new(self, form, commit=True):
                form.instance.section = section
                return super().save_new(form, commit)

        return WithSection


class QuestionInline(ChoicesShownMixin, FrozenInlineMixin, admin.TabularInline):
    model = Question
    form = QuestionForm
    extra = 1
    fields = [*QuestionForm.Meta.fields, "columns_link"]
    readonly_fields = ["columns_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True)

    @admin.display(description=_("colonnes"))
    def columns_link(self, obj):
        if obj.pk and obj.kind == Question.Kind.ROWS:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:members_question_change", args=[obj.pk]),
                _("Modifier les colonnes"),
            )
        return ""


@admin.register(QuestionnaireSection)
class QuestionnaireSectionAdmin(FrozenMixin, admin.ModelAdmin):
    list_display = ["title", "campaign_year", "order", "slug"]
    list_filter = ["campaign__year"]
    search_fields = ["title", "slug", "questions__label", "questions__key"]
    list_select_related = ["campaign"]
    fields = ["campaign", "title", "slug", "intro", "order"]
    inlines = [QuestionInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "campaign":
            # Sections are added to a questionnaire nobody has answered yet (an enquête: not opened).
            kwargs["queryset"] = Survey.objects.filter(responses__isnull=True).exclude(
                kind=Survey.Kind.ENQUETE, opens_on__lte=timezone.localdate()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("campagne ou enquête"), ordering="campaign__year")
    def campaign_year(self, obj):
        return obj.campaign.year if obj.campaign.is_fiche else str(obj.campaign)


@admin.register(Question)
class QuestionAdmin(ChoicesShownMixin, FrozenMixin, admin.ModelAdmin):
    """A question on its own page: where the columns of a table of rows are edited."""

    form = QuestionForm
    list_display = ["label", "key", "kind", "required", "section", "campaign_year"]
    list_filter = ["section__campaign__year", "kind", "required"]
    search_fields = ["label", "key", "help_text"]
    list_select_related = ["section__campaign"]
    fields = ["section", *QuestionForm.Meta.fields]
    inlines = [ColumnInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True)

    def has_module_permission(self, request):
        return False  # edited from its section; listed there

    @admin.display(description=_("année"), ordering="section__campaign__year")
    def campaign_year(self, obj):
        return obj.section.campaign.year


class SectionInline(FrozenInlineMixin, admin.TabularInline):
    model = QuestionnaireSection
    extra = 0
    fields = ["order", "title", "slug", "questions_link"]
    readonly_fields = ["questions_link"]
    show_change_link = True

    @admin.display(description=_("questions"))
    def questions_link(self, obj):
        if not obj.pk:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:members_questionnairesection_change", args=[obj.pk]),
            _("Modifier les questions"),
        )


class FicheCampaignForm(portal_forms.ModelForm):
    reminder_days_not_started = DayListField(label=_("Relances si non commencée (jours après l'ouverture)"))
    reminder_days_not_submitted = DayListField(
        label=_("Relances si commencée mais non soumise (jours après l'ouverture)")
    )

    class Meta:
        model = FicheCampaign
        fields = [
            "year",
            "opens_on",
            "closes_on",
            "reminder_days_not_started",
            "reminder_days_not_submitted",
            "intro_text",
        ]


@admin.register(FicheCampaign)
class FicheCampaignAdmin(admin.ModelAdmin):
    form = FicheCampaignForm
    list_display = ["year", "opens_on", "closes_on", "preview_link", "results_link"]
    readonly_fields = ["results_link"]
    list_filter = [("opens_on", admin.DateFieldListFilter)]
    search_fields = ["year", "intro_text"]
    inlines = [SectionInline]

    @admin.display(description=_("questionnaire"))
    def preview_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("members:questionnaire_preview", args=[obj.year]), _("Aperçu")
        )

    @admin.display(description=_("résultats"))
    def results_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("members:survey_results", args=[obj.pk]), _("Voir les résultats")
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.questionnaire_ensure(campaign=obj)
            messages.info(
                request,
                _(
                    "Le questionnaire %(year)s reprend celui de l'année précédente : modifiez-le avant l'ouverture."
                )
                % {"year": obj.year},
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and services.questionnaire_is_frozen(obj):
            context["subtitle"] = _(
                "Des territoires ont commencé à répondre : le questionnaire est figé. Créez la campagne "
                "suivante pour en préparer une copie modifiable."
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


# --- Enquêtes --------------------------------------------------------------------------------------


class SurveyForm(portal_forms.ModelForm):
    """An enquête: its title, dates, audience, answers per territory or per person, prefill; on
    creation, the questions it starts from."""

    start_from = forms.ChoiceField(
        label=_("Questions de départ"),
        required=False,
        help_text=_(
            "Partir d'un questionnaire vide, du modèle de la fiche de renseignements ou d'une copie."
        ),
    )
    regions = forms.MultipleChoiceField(
        label=_("Régions (toutes si aucune)"),
        choices=REGION_2016_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    territory_kinds = forms.MultipleChoiceField(
        label=_("Natures juridiques (toutes si aucune)"),
        choices=Territory.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adhesion_statuses = forms.MultipleChoiceField(
        label=_("Statuts de l'adhésion de l'année (adhérents si aucun)"),
        choices=Adhesion.Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reminder_days_not_started = DayListField(label=_("Relances si non commencée (jours après l'ouverture)"))
    reminder_days_not_submitted = DayListField(
        label=_("Relances si commencée mais non soumise (jours après l'ouverture)")
    )

    class Meta:
        model = Survey
        fields = [
            "title",
            "intro_text",
            "opens_on",
            "closes_on",
            "audience",
            "regions",
            "territory_kinds",
            "adhesion_statuses",
            "territories",
            "one_per_person",
            "prefill",
            "prefill_from",
            "reminder_days_not_started",
            "reminder_days_not_submitted",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        earlier = Survey.objects.exclude(pk=self.instance.pk).order_by("-year", "-pk")
        self.fields["start_from"].choices = [
            ("", _("Questionnaire vide")),
            (services.TEMPLATE_FICHE, _("Modèle : questionnaire de la fiche de renseignements")),
            *((str(s.pk), _("Copie de « %(survey)s »") % {"survey": s}) for s in earlier),
        ]
        if "prefill_from" in self.fields:
            self.fields["prefill_from"].queryset = earlier
        if self.instance.pk:
            del self.fields["start_from"]

    def clean(self):
        data = super().clean()
        if data.get("audience") == Survey.Audience.CHOSEN and not data.get("territories"):
            self.add_error("territories", _("Choisissez au moins un territoire."))
        return data


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    """Enquêtes only: the fiche's campaigns have their own page (FicheCampaignAdmin)."""

    form = SurveyForm
    list_display = ["title", "opens_on", "closes_on", "one_per_person", "staff_link"]
    list_filter = [("opens_on", admin.DateFieldListFilter), "one_per_person"]
    search_fields = ["title", "intro_text"]
    filter_horizontal = ["territories"]
    inlines = [SectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=Survey.Kind.ENQUETE)

    def get_fields(self, request, obj=None):
        # The questions to start from are chosen once, on creation: first there, absent afterwards.
        fields = [name for name in super().get_fields(request, obj) if name != "start_from"]
        return ["start_from", *fields] if obj is None else fields

    @admin.display(description=_("suivi"))
    def staff_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("members:survey_staff", args=[obj.pk]), _("Réponses et ouverture")
        )

    def save_model(self, request, obj, form, change):
        obj.kind = Survey.Kind.ENQUETE
        super().save_model(request, obj, form, change)
        if not change:
            services.survey_questionnaire_start(
                survey=obj, start_from=form.cleaned_data.get("start_from") or ""
            )

    def response_add(self, request, obj, post_url_continue=None):
        messages.info(
            request,
            _(
                "Préparez les sections et les questions, regardez l'aperçu, puis ouvrez l'enquête depuis son suivi."
            ),
        )
        return super().response_add(request, obj, post_url_continue)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and services.questionnaire_is_frozen(obj):
            context["subtitle"] = _("L'enquête est ouverte : ses questions sont figées.")
        return super().render_change_form(request, context, add, change, form_url, obj)
