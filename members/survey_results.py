"""The results of a survey (today: a campaign of fiches de renseignements): who answered, what each
question's answers add up to, as tables, server-side SVG charts and spreadsheets. Pure reads.

The functions below work on plain inputs (territories, responses, a questionnaire as
``members.questionnaire.build`` makes it), so that they read the same once the fiche is one kind of
survey. Two functions only know where a campaign's territories and responses come from:
:func:`expected_territories` and :func:`campaign_responses`. ``results`` puts everything together in
a fixed number of queries, whatever the number of territories.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from anpp_portal.formats import format_date, format_euros, format_number

from . import questionnaire
from .dashboard import Bar, Chart, horizontal

ANSWERED = "answered"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"

CHOICE_KINDS = ("choice", "multiple", "yes_no")
NUMBER_KINDS = ("integer", "decimal", "amount")


# --- Where a campaign's territories and responses come from ------------------------------------------


def expected_territories(campaign):
    """The territories expected to answer ``campaign``: its audience
    (:func:`members.selectors.survey_audience`), and any territory that has a response already (it
    stays counted if it left the audience, e.g. its référent left). One queryset, ordered by name."""
    from .models import SurveyResponse, Territory
    from .selectors import survey_audience

    responded = SurveyResponse.objects.filter(campaign=campaign).values("territory_id")
    return Territory.objects.filter(
        Q(pk__in=survey_audience(campaign).values("pk")) | Q(pk__in=responded)
    ).order_by("name", "pk")


def campaign_responses(campaign):
    """Every response (draft or submitted) to ``campaign``, a fiche's or an enquête's."""
    from .models import SurveyResponse

    return SurveyResponse.objects.filter(campaign=campaign)


def campaign_questionnaire(campaign) -> questionnaire.Questionnaire:
    """The campaign's questionnaire, read only (``questionnaire.for_campaign`` would write a copy of
    last year's for a campaign that has none yet)."""
    cached = getattr(campaign, "_questionnaire", None)
    if cached is not None:
        return cached
    from .models import Question

    questions = list(Question.objects.filter(section__campaign=campaign).select_related("section"))
    return questionnaire.build(campaign, questions)


def is_submitted(response) -> bool:
    return response.status == type(response).Status.SOUMISE


# --- French numbers -------------------------------------------------------------------------------


def percent_text(part: int, whole: int) -> str:
    """``percent_text(1, 3)`` → ``"33,3 %"``; a whole number loses its ``,0``: ``"50 %"``."""
    share = Decimal(100 * part) / Decimal(whole) if whole else Decimal(0)
    text = format_number(share.quantize(Decimal("0.1")), 1)
    return f"{text.removesuffix(',0')}\u00a0%"


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not questionnaire.is_filled(value):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number_text(value: Decimal | None, question) -> str:
    """A sum, a mean or a median the French way: euros for an amount, a year as written."""
    if value is None:
        return ""
    if question.kind == "amount":
        return format_euros(value)
    rounded = value.quantize(Decimal("0.01"))
    # "6,5", not "6,50"; "12 000", not "12 000,00" (normalize alone would write 1.2E+4).
    rounded = (
        rounded.quantize(Decimal("1")) if rounded == rounded.to_integral_value() else rounded.normalize()
    )
    if questionnaire.is_year(question):
        return str(rounded).replace(".", ",")
    return format_number(rounded)


# --- Completion -----------------------------------------------------------------------------------


@dataclass
class CompletionRow:
    territory: object
    state: str
    label: str
    response: object = None  # the response, when one exists

    @property
    def submitted_at(self):
        return self.response.submitted_at if self.state == ANSWERED else None

    @property
    def submitted_text(self) -> str:
        return format_date(self.submitted_at)


@dataclass
class Completion:
    rows: list[CompletionRow]
    answered: int
    in_progress: int
    not_started: int

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def summary(self) -> str:
        return _("%(answered)s sur %(total)s ont répondu") % {
            "answered": format_number(self.answered),
            "total": format_number(self.total),
        }

    @property
    def share(self) -> str:
        return percent_text(self.answered, self.total)


STATE_LABELS = {
    ANSWERED: gettext_lazy("Répondu"),
    IN_PROGRESS: gettext_lazy("En cours"),
    NOT_STARTED: gettext_lazy("Pas commencé"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS[state])


def campaign_completion(campaign) -> Completion:
    """Who answered ``campaign``: the count and the rows the survey's staff page and its results
    page both show (« N sur M »), in two queries."""
    territories = list(expected_territories(campaign))
    return completion(territories, campaign_responses(campaign).order_by("pk"))


def completion(territories, responses) -> Completion:
    """One row per territory, in the given order: answered (submitted), in progress (a draft with
    at least one section saved by the territory), not started (nothing, or a draft only prefilled
    from last year's answers)."""

    def progress(response) -> int:
        return 2 if is_submitted(response) else 1 if response.saved_sections else 0

    # One response per person in some enquêtes: the territory's state is its most advanced one's.
    by_territory = {}
    for response in responses:
        kept = by_territory.get(response.territory_id)
        if kept is None or progress(response) > progress(kept):
            by_territory[response.territory_id] = response
    rows = []
    for territory in territories:
        response = by_territory.get(territory.pk)
        if response is not None and is_submitted(response):
            state = ANSWERED
        elif response is not None and response.saved_sections:
            state = IN_PROGRESS
        else:
            state = NOT_STARTED
        rows.append(CompletionRow(territory, state, state_label(state), response))
    count = {state: sum(1 for row in rows if row.state == state) for state in STATE_LABELS}
    return Completion(rows, count[ANSWERED], count[IN_PROGRESS], count[NOT_STARTED])


# --- Per-question summaries -----------------------------------------------------------------------


@dataclass
class Summary:
    """What the answers to one top-level question add up to. ``kind`` says which fields are set:
    "choices" (``options``, ``chart``), "numbers" (``figures``), "text" (``answers``), "rows"
    (``row_count``, ``column_sums``)."""

    question: object
    section: object
    kind: str
    answering: int  # submitted responses considered
    empty: int  # of which left this question empty: « sans réponse »
    options: list[dict] = field(default_factory=list)
    chart: Chart | None = None
    figures: list[dict] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)
    row_count: int = 0
    column_sums: list[dict] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def answered(self) -> int:
        return self.answering - self.empty

    @property
    def empty_share(self) -> str:
        return percent_text(self.empty, self.answering)


def _choice_options(question) -> list[tuple[str, str]]:
    if question.kind == "yes_no":
        return [(questionnaire.YES, _("Oui")), (questionnaire.NO, _("Non"))]
    return [(str(value), str(label)) for value, label in question.choices]


def _choices_summary(summary: Summary, values: list) -> None:
    question = summary.question
    for value, label in _choice_options(question):
        if question.kind == "multiple":
            count = sum(1 for v in values if isinstance(v, list) and value in v)
        else:
            count = sum(1 for v in values if v == value)
        summary.options.append(
            {
                "value": value,
                "label": label,
                "count": count,
                "share": _share(count, summary.answering),
                "share_text": percent_text(count, summary.answering),
            }
        )
    summary.options.append(
        {
            "value": "",
            "label": _("Sans réponse"),
            "count": summary.empty,
            "share": _share(summary.empty, summary.answering),
            "share_text": percent_text(summary.empty, summary.answering),
        }
    )
    summary.chart = horizontal(
        Chart(str(question.label), [Bar(o["label"], o["share"], o["share_text"]) for o in summary.options])
    )


def _numbers_figures(question, numbers: list[Decimal]) -> list[dict]:
    figures = []
    if not questionnaire.is_year(question):
        total = sum(numbers, Decimal(0)) if numbers else None
        figures.append({"label": _("Somme"), "text": number_text(total, question)})
    mean = sum(numbers, Decimal(0)) / len(numbers) if numbers else None
    median = Decimal(statistics.median(numbers)) if numbers else None
    figures.append({"label": _("Moyenne"), "text": number_text(mean, question)})
    figures.append({"label": _("Médiane"), "text": number_text(median, question)})
    return figures


def question_summaries(questions: questionnaire.Questionnaire, responses) -> list[Summary]:
    """A summary of every top-level question of ``questions`` (a questionnaire as
    ``members.questionnaire.build`` makes it, with its tables' columns), over the submitted
    ``responses`` (drafts are not results). Percentages are of the answering territories."""
    submitted = [r for r in responses if is_submitted(r)]
    answering = len(submitted)
    summaries = []
    for section in questions.sections:
        for question in section.questions:
            values = [r.answers.get(question.key) for r in submitted]
            if question.kind in NUMBER_KINDS:
                numbers = [n for n in map(_number, values) if n is not None]
                empty = answering - len(numbers)
            else:
                empty = sum(1 for v in values if not questionnaire.is_filled(v))
            summary = Summary(question, section, "", answering, empty)
            if question.kind in CHOICE_KINDS:
                summary.kind = "choices"
                _choices_summary(summary, values)
            elif question.kind in NUMBER_KINDS:
                summary.kind = "numbers"
                summary.figures = _numbers_figures(question, numbers)
            elif question.kind == "rows":
                summary.kind = "rows"
                rows = [row for v in values if isinstance(v, list) for row in v if isinstance(row, dict)]
                summary.row_count = len(rows)
                for column in section.columns.get(question.key, []):
                    if column.kind in NUMBER_KINDS:
                        cells = [n for n in (_number(row.get(column.key)) for row in rows) if n is not None]
                        summary.column_sums.append(
                            {"label": column.label, "text": number_text(sum(cells, Decimal(0)), column)}
                        )
            else:
                summary.kind = "text"
                summary.answers = [
                    {
                        "territory": r.territory,
                        "text": str(questions.display(question.key, r.answers.get(question.key))),
                    }
                    for r in submitted
                    if questionnaire.is_filled(r.answers.get(question.key))
                ]
            summaries.append(summary)
    return summaries


# --- Filters --------------------------------------------------------------------------------------


def filter_territories(territories, *, region: str = "", kind: str = ""):
    """The territories (a queryset) of a région and of a kind; an empty filter keeps them all."""
    if region:
        territories = territories.filter(region=region)
    if kind:
        territories = territories.filter(kind=kind)
    return territories


def filters_text(*, region: str = "", kind: str = "") -> str:
    """The filters in words, for the printed results: "Nouvelle-Aquitaine, PETR (…)"."""
    from localflavor.fr.fr_region import REGION_2016_CHOICES

    from .models import Territory

    words = []
    if region:
        words.append(str(dict(REGION_2016_CHOICES).get(region, region)))
    if kind:
        words.append(str(dict(Territory.Kind.choices).get(kind, kind)))
    return ", ".join(words)


# --- Exports --------------------------------------------------------------------------------------


def _export_cell(question, value, questions):
    """A value as a spreadsheet should hold it: numbers as numbers (a decimal comma in the CSV),
    a date as a date, a choice by its label, a table as a line per row."""
    if not questionnaire.is_filled(value):
        return None
    if question.kind in NUMBER_KINDS:
        number = _number(value)
        if number is None:
            return str(value)
        return int(number) if question.kind == "integer" and number == number.to_integral_value() else number
    if question.kind == "date":
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if question.kind in CHOICE_KINDS:  # "Oui" is a lazy translation: a spreadsheet wants text
        return str(questions.display(question.key, value))
    if question.kind == "rows":
        from .selectors import _rows_text

        return _rows_text(questions, question.key, value)
    return value


def _per_person(questions) -> bool:
    return bool(getattr(questions.campaign, "one_per_person", False))


def export_headers(questions) -> list[str]:
    return [
        _("Territoire"),
        *([_("Personne")] if _per_person(questions) else []),
        _("Région"),
        _("Nature"),
        _("Statut"),
        _("Soumise le"),
        *[q.key for section in questions.sections for q in section.questions],
    ]


def export_rows(questions, territories, responses) -> list[list]:
    """One row per territory (every one of ``territories``, in order): its state, then a column per
    top-level question key; a territory that did not submit has empty answer cells (a draft is not
    an answer). In a survey asked of every person, one row per submitted answer, naming its person
    (a territory with none keeps its one row, with its state)."""
    top = [q for section in questions.sections for q in section.questions]
    per_person = _per_person(questions)
    submitted: dict[int, list] = {}
    for response in responses:
        if is_submitted(response):
            submitted.setdefault(response.territory_id, []).append(response)
    rows = []
    for row in completion(territories, responses).rows:
        answered = sorted(submitted.get(row.territory.pk, []), key=lambda r: (r.submitted_at, r.pk))
        for response in (answered if per_person else [row.response] if answered else []) or [None]:
            answers = response.answers if response is not None else {}
            person = response.person.get_full_name() if response is not None and response.person else ""
            rows.append(
                [
                    row.territory.name,
                    *([person] if per_person else []),
                    row.territory.get_region_display(),
                    row.territory.get_kind_display(),
                    row.label,
                    response.submitted_at.date() if response is not None else None,
                    *[_export_cell(q, answers.get(q.key), questions) for q in top],
                ]
            )
    return rows


def export_sheets(questions, territories, responses) -> list:
    """The XLSX's sheets: « Réponses » (as the CSV), one sheet per table of rows (one line per row,
    as the fiche export gives them), and « Questions » (each key's wording)."""
    from .selectors import export_table_sheets

    submitted = [r for r in responses if is_submitted(r)]
    names = {t.pk: t.name for t in territories}
    tables = {
        q.key: (q.label, section.columns.get(q.key, []))
        for section in questions.sections
        for q in section.rows_questions
    }
    sheets = [(_("Réponses"), export_headers(questions), export_rows(questions, territories, responses))]
    sheets += export_table_sheets(
        tables,
        [_("Territoire")],
        [([names[r.territory_id]], r.answers) for r in submitted if r.territory_id in names],
    )
    sheets.append(
        (
            _("Questions"),
            [_("Clé"), _("Question"), _("Section")],
            [[q.key, q.label, section.title] for section in questions.sections for q in section.questions],
        )
    )
    return sheets


# --- Everything the results page shows ------------------------------------------------------------


def results(campaign, *, region: str = "", kind: str = "") -> dict:
    """The results of ``campaign`` for the territories of ``region`` and ``kind``, in 3 queries."""
    territories = list(filter_territories(expected_territories(campaign), region=region, kind=kind))
    by_pk = {t.pk: t for t in territories}
    # Every response of the campaign in one query (no list of ids in the SQL), kept for the
    # territories shown, each given its territory already loaded (not one query per response).
    responses = [
        r
        for r in campaign_responses(campaign).select_related("person").order_by("pk")
        if r.territory_id in by_pk
    ]
    for response in responses:
        response.territory = by_pk[response.territory_id]
    questions = campaign_questionnaire(campaign)
    done = completion(territories, responses)
    summaries = question_summaries(questions, responses)
    return {
        "campaign": campaign,
        "questions": questions,
        "territories": territories,
        "responses": responses,
        "completion": done,
        "summaries": summaries,
        "charts": [s for s in summaries if s.chart is not None],
        "filtered": bool(region or kind),
        "filters_text": filters_text(region=region, kind=kind),
        "opens_text": format_date(campaign.opens_on),
        "closes_text": format_date(campaign.closes_on),
        "answered_text": ngettext(
            "%(count)s territoire a répondu", "%(count)s territoires ont répondu", done.answered
        )
        % {"count": format_number(done.answered)},
    }
