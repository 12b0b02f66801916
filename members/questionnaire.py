"""The fiche de renseignements of a campaign: its sections and questions, read from the database
(``QuestionnaireSection``, ``Question``, edited by staff in the admin) and turned into Django forms.

Answers are stored as JSON on ``FicheRenseignements.answers``, one entry per question key (a list of
dicts for a "repeated rows" question such as the member EPCI), so sections, completion, exports, the
changes since last year and the panorama are computed from the campaign's questions, not written once
per question. Every field is optional while the fiche is a draft; a question marked required is
demanded at submission.

``for_campaign(campaign)`` is the entry point; it loads the whole questionnaire in two queries.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

from anpp_portal import forms as portal_forms
from anpp_portal.formats import (
    FrenchDecimalField,
    FrenchIntegerField,
    format_date,
    format_euros,
    format_number,
    limit,
)
from anpp_portal.validators import validate_siren

YES = "oui"
NO = "non"
YES_NO = [("", "—"), (YES, _("Oui")), (NO, _("Non"))]
# The keys of the programmes of the first questionnaire (used by demo and benchmark data).
PROGRAMMES = [
    ("contrat_ruralite", _("Contrat de ruralité / CRTE")),
    ("leader", _("LEADER")),
    ("scot", _("SCoT")),
    ("pcaet", _("PCAET")),
    ("tepcv", _("TEPCV")),
    ("cls", _("Contrat local de santé")),
    ("reciprocite", _("Contrat de réciprocité")),
    ("contrat_regional", _("Contrat régional")),
    ("autre_contrat", _("Autre contrat")),
]

NOT_NEGATIVE = _("Ce nombre ne peut pas être négatif.")
phone_validator = RegexValidator(
    r"^[0-9 +().-]{6,20}$", _("Saisissez un numéro de téléphone, par exemple 05 45 31 00 00.")
)


def to_json(value):
    """Form values to JSON: decimals as strings (no float rounding), dates as ISO strings."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def is_filled(value) -> bool:
    return value not in (None, "", [])


def perimetre_error(population, epci_rows: list[dict]) -> str | None:
    """A territory cannot have fewer inhabitants than its member EPCI together."""
    total = sum(int(row.get("population") or 0) for row in epci_rows)
    if population is not None and epci_rows and total > population:
        return _(
            "La population (%(population)s) est inférieure à la somme de celle des EPCI membres (%(total)s)."
        ) % {"population": format_number(population), "total": format_number(total)}
    return None


# --- From a question to a form field ---------------------------------------------------------------


def _no_spaces(value: str) -> str:
    return "".join((value or "").split())


class SirenField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=11, validators=[validate_siren], **kwargs)

    def to_python(self, value):
        return _no_spaces(super().to_python(value))


def is_year(question) -> bool:
    """A year (« Année de la population », « Année de création ») is an integer read as written,
    "2015", never grouped like a count ("2 015")."""
    return question.kind == "integer" and question.key.startswith("annee")


class YearField(FrenchIntegerField):
    widget = forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"})
    default_error_messages = {"invalid": _("Saisissez une année, par exemple 2015.")}

    def prepare_value(self, value):
        return str(value) if isinstance(value, int) else value


def form_field(question) -> forms.Field:
    """The form field that asks ``question`` (a ``Question`` row)."""
    Kind = type(question).Kind
    common = {"label": question.label, "help_text": question.help_text, "required": False}
    bounds = []
    # A quantity's limits read the French way ("5 000"); a year's stay a year ("2015").
    bound = (lambda value: value) if question.key.startswith("annee") else limit
    if question.min_value is not None:
        bounds.append(MinValueValidator(bound(question.min_value)))
    if question.max_value is not None:
        bounds.append(MaxValueValidator(bound(question.max_value)))
    kind = question.kind
    if kind == Kind.LONG_TEXT:
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == Kind.INTEGER and is_year(question):
        return YearField(validators=bounds, **common)
    if kind == Kind.INTEGER:
        return FrenchIntegerField(
            validators=bounds,
            error_messages={"min_value": NOT_NEGATIVE} if question.min_value == 0 else {},
            **common,
        )
    if kind in (Kind.DECIMAL, Kind.AMOUNT):
        return FrenchDecimalField(
            max_digits=14,
            decimal_places=2,
            validators=bounds or [MinValueValidator(0)],
            error_messages={
                "min_value": _("Ce montant ne peut pas être négatif.")
                if kind == Kind.AMOUNT
                else NOT_NEGATIVE,
                "max_decimal_places": _("Deux décimales au plus."),
            },
            **common,
        )
    if kind == Kind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            error_messages={"invalid": _("Saisissez une date, par exemple 15/03/2018.")},
            **common,
        )
    if kind == Kind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *map(tuple, question.choices)], **common)
    if kind == Kind.MULTIPLE:
        return forms.MultipleChoiceField(
            choices=list(map(tuple, question.choices)), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == Kind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, **common)
    if kind == Kind.EMAIL:
        return forms.EmailField(
            error_messages={"invalid": _("Saisissez une adresse email valide.")}, **common
        )
    if kind == Kind.URL:
        return forms.URLField(
            assume_scheme="https",
            error_messages={
                "invalid": _("Saisissez une adresse web complète, par exemple https://www.pays.fr.")
            },
            **common,
        )
    if kind == Kind.PHONE:
        return forms.CharField(max_length=20, validators=[phone_validator], **common)
    if kind == Kind.SIREN:
        return SirenField(**common)
    return forms.CharField(max_length=200, **common)


class BaseRowsFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        first = self.columns[0].key if self.columns else None
        return [
            {key: to_json(value) for key, value in form.cleaned_data.items() if key != "DELETE"}
            for form in self.forms
            if form.cleaned_data and form.cleaned_data.get(first) and not form.cleaned_data.get("DELETE")
        ]


def _rows_formset(question, columns) -> type[BaseRowsFormSet]:
    first = columns[0].key if columns else None

    def clean(self):
        data = forms.Form.clean(self)
        others = [c.key for c in columns[1:]]
        if any(is_filled(data.get(name)) for name in others) and not is_filled(data.get(first)):
            self.add_error(first, _("Indiquez « %(label)s » pour cette ligne.") % {"label": columns[0].label})
        return data

    row_form = type(
        f"{question.key}_row",
        (portal_forms.Form,),
        {**{column.key: form_field(column) for column in columns}, "clean": clean},
    )
    formset = forms.formset_factory(row_form, formset=BaseRowsFormSet, extra=1, can_delete=True, max_num=200)
    formset.columns = columns
    formset.question = question
    return formset


# --- A questionnaire -------------------------------------------------------------------------------


@dataclass
class Section:
    slug: str
    title: str
    intro: str
    questions: list  # top-level Question rows, in order
    columns: dict = field(default_factory=dict)  # rows question key -> its column Questions

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(q.key for q in self.questions if q.required)

    @property
    def field_questions(self) -> list:
        return [q for q in self.questions if q.kind != "rows"]

    @property
    def rows_questions(self) -> list:
        return [q for q in self.questions if q.kind == "rows"]

    @cached_property
    def form_class(self) -> type[forms.Form]:
        return type(
            f"{self.slug}_form", (portal_forms.Form,), {q.key: form_field(q) for q in self.field_questions}
        )

    @cached_property
    def formset_classes(self) -> list[type[BaseRowsFormSet]]:
        return [_rows_formset(q, self.columns.get(q.key, [])) for q in self.rows_questions]

    def formsets(self, data, answers: dict) -> list[BaseRowsFormSet]:
        return [
            formset_class(
                data, prefix=formset_class.question.key, initial=answers.get(formset_class.question.key) or []
            )
            for formset_class in self.formset_classes
        ]


class Questionnaire:
    def __init__(self, campaign, sections: list[Section]):
        self.campaign = campaign
        self.sections = sections
        self.by_slug = {section.slug: section for section in sections}
        self.questions = {q.key: q for section in sections for q in section.questions}
        self.section_of = {q.key: section for section in sections for q in section.questions}

    def section(self, slug: str) -> Section | None:
        return self.by_slug.get(slug)

    def keys(self) -> list[str]:
        return list(self.questions)

    def field_label(self, key: str) -> str:
        return self.questions[key].label

    def all_field_names(self) -> list[str]:
        """The keys of every question that is not a table of rows, in order (the export's columns)."""
        return [q.key for section in self.sections for q in section.field_questions]

    def missing_fields(self, answers: dict) -> list[tuple[Section, str]]:
        return [
            (section, key)
            for section in self.sections
            for key in section.required
            if not is_filled(answers.get(key))
        ]

    def section_complete(self, section: Section, answers: dict) -> bool:
        return all(is_filled(answers.get(key)) for key in section.required)

    def display(self, key: str, value):
        """An answer as people read it: the label of a choice, French numbers, "oui"/"non"."""
        question = self.questions.get(key)
        if question is None or value in (None, ""):
            return value
        choices = dict(map(tuple, question.choices)) | (
            {YES: _("Oui"), NO: _("Non")} if question.kind == "yes_no" else {}
        )
        if isinstance(value, list) and question.kind == "multiple":
            return ", ".join(str(choices.get(item, item)) for item in value)
        if question.kind == "date":  # stored "2026-03-12": read "12 mars 2026"
            try:
                return format_date(date.fromisoformat(str(value)))
            except ValueError:
                return value
        if question.kind == "amount":
            try:
                return format_euros(Decimal(str(value)))
            except ArithmeticError:
                return value
        if question.kind == "integer" and isinstance(value, int) and not is_year(question):
            return format_number(value)
        if question.kind == "decimal":  # stored as "4.5": read "4,5"
            try:
                return format_number(Decimal(str(value)))
            except ArithmeticError:
                return value
        return choices.get(value, value)

    def choice_counts(self, answers_list: list[dict]) -> list[dict]:
        """For each choice, multiple-choice and yes/no question: how many fiches gave each choice."""
        figures = []
        for section in self.sections:
            for question in section.field_questions:
                if question.kind not in ("choice", "multiple", "yes_no"):
                    continue
                options = (
                    [(YES, _("Oui")), (NO, _("Non"))]
                    if question.kind == "yes_no"
                    else list(map(tuple, question.choices))
                )
                counts = []
                for value, label in options:
                    if question.kind == "multiple":
                        n = sum(1 for a in answers_list if value in (a.get(question.key) or []))
                    else:
                        n = sum(1 for a in answers_list if a.get(question.key) == value)
                    counts.append({"value": value, "label": str(label), "count": n})
                figures.append({"question": question, "section": section, "counts": counts})
        return figures


def build(campaign, questions) -> Questionnaire:
    """A questionnaire from the campaign's questions (each with its ``section`` loaded), in order."""
    sections: dict[int, Section] = {}
    for question in questions:
        section = question.section
        if section.pk not in sections:
            sections[section.pk] = Section(section.slug, section.title, section.intro, [])
    ordered = sorted({q.section.pk: q.section for q in questions}.values(), key=lambda s: (s.order, s.pk))
    by_pk = {s.pk: sections[s.pk] for s in ordered}
    top = {q.pk: q for q in questions if q.parent_id is None}
    for question in sorted(questions, key=lambda q: (q.order, q.pk)):
        if question.parent_id is None:
            by_pk[question.section_id].questions.append(question)
        elif question.parent_id in top:
            by_pk[question.section_id].columns.setdefault(top[question.parent_id].key, []).append(question)
    return Questionnaire(campaign, list(by_pk.values()))


# Questionnaires built in this process, by campaign: (the "questionnaire" generation it was built
# at, the questionnaire). Building one reads and makes ~150 questions and their form classes; a
# change of a campaign, a section or a question moves the generation on (anpp_portal.pagecache).
_BUILT: dict[int, tuple[str, "Questionnaire"]] = {}


def for_campaign(campaign) -> Questionnaire:
    """The campaign's questionnaire; a campaign that has none yet gets a copy of the previous one.
    Kept on the campaign instance, so a request builds it once, and in the process until the
    questionnaire changes."""
    cached = getattr(campaign, "_questionnaire", None)
    if cached is not None:
        return cached
    from anpp_portal import pagecache

    token = pagecache.generation("questionnaire") if settings.ANPP_PAGE_CACHE_SECONDS > 0 else None
    built = _BUILT.get(campaign.pk)
    if token is not None and built is not None and built[0] == token:
        campaign._questionnaire = built[1]
        return built[1]
    from .models import Question

    def load():
        return list(
            Question.objects.filter(section__campaign_id=campaign.pk).select_related("section").order_by()
        )

    questions = load()
    if not questions:
        from .services.questionnaire import questionnaire_ensure

        questionnaire_ensure(campaign=campaign)
        questions = load()
    campaign._questionnaire = build(campaign, questions)
    if token is not None and campaign.pk is not None:
        _BUILT[campaign.pk] = (token, campaign._questionnaire)
    return campaign._questionnaire
