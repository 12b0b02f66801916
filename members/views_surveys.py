"""Enquêtes as the territories answer them, on the fiche's pages (members/views.py: the same forms,
progress, recap and templates), and the staff's page of a survey (completion, opening, reminders)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anpp_portal.staffpolicy import acts_as_staff, staff_permission_required

from . import questionnaire, selectors, services, survey_results
from .models import Survey, SurveyResponse
from .permissions import Action, territory_view
from .views import (
    _fiche_section_forms,
    _fiche_section_html,
    _section_redisplay,
    _section_save,
    _sections_progress,
    _submit_page,
    answer_urls,
    response_editable,
)


def _survey_for(request, territory, pk):
    """The enquête and the territory's (or the person's) response: a 404 for a survey that is not
    open yet (staff preview it), or not meant for this territory; a closed survey with no response
    says so (services.FicheError)."""
    survey = get_object_or_404(Survey, pk=pk, kind=Survey.Kind.ENQUETE)
    if survey.opens_on > timezone.localdate():
        raise Http404
    person = request.user if survey.one_per_person else None
    if person is None and not selectors.survey_audience(survey).filter(pk=territory.pk).exists():
        raise Http404
    response = (
        SurveyResponse.objects.filter(territory=territory, campaign=survey, person=person)
        .select_related("updated_by")
        .first()
    )
    if response is None:
        try:
            response = services.survey_response_open(territory=territory, survey=survey, by=request.user)
        except services.SurveyNotForTerritory:
            raise Http404 from None
    return survey, response


def _closed(request, territory, exc):
    return render(
        request,
        "members/survey_closed.html",
        {"territory": territory, "reason": str(exc)},
    )


@never_cache
@territory_view(Action.ACT)
def survey(request, territory, pk):
    """The first section left to fill. A survey not asked of the territory is a 404 whatever the
    method (checked before the method)."""
    try:
        survey, response = _survey_for(request, territory, pk)
    except services.FicheError as exc:
        return _closed(request, territory, exc)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    urls = answer_urls(territory, survey)
    if response.status == SurveyResponse.Status.SOUMISE:
        return redirect(urls["submit"])
    sections = questionnaire.for_campaign(survey).sections
    if not sections:
        raise Http404
    first_incomplete = next(
        (item["section"] for item in _sections_progress(response) if not item["complete"]), sections[0]
    )
    return redirect(f"{urls['base']}{first_incomplete.slug}/")


def _typed_key(territory, survey, slug) -> str:
    return f"members:survey-typed:{territory.pk}:{survey.pk}:{slug}"


def _page(request, survey, title, html):
    from django.utils.safestring import mark_safe

    from anpp_portal import pagecache

    return render(
        request,
        "members/survey_section.html",
        {
            "survey": survey,
            "title": title,
            "content_html": mark_safe(pagecache.fill_csrf(html, request)),  # noqa: S308 (rendered escaped)
        },
    )


@never_cache
@territory_view(Action.ACT)
@require_http_methods(["GET", "POST"])
def survey_section(request, territory, pk, section):
    try:
        survey, response = _survey_for(request, territory, pk)
    except services.FicheError as exc:
        return _closed(request, territory, exc)
    shape = questionnaire.for_campaign(survey)
    current = shape.section(section)
    if current is None:
        raise Http404
    key = _typed_key(territory, survey, current.slug)
    if request.method == "POST":
        return _section_save(request, territory, survey, response, shape, current, key)
    typed = request.session.get(key)
    if typed is not None and typed.get("base") == response.version:
        html = _section_redisplay(request, territory, survey, response, current, typed)
    else:
        request.session.pop(key, None)
        form, formsets = _fiche_section_forms(
            current, response, None, editable=response_editable(survey, response)
        )
        html = _fiche_section_html(request, territory, survey, response, current, form, formsets)
    return _page(request, survey, current.title, html)


@never_cache
@territory_view(Action.ACT)
@require_http_methods(["GET", "POST"])
def survey_submit(request, territory, pk):
    try:
        survey, response = _survey_for(request, territory, pk)
    except services.FicheError as exc:
        return _closed(request, territory, exc)
    return _submit_page(
        request,
        territory,
        survey,
        response,
        error_key=f"members:survey-submit-error:{territory.pk}:{survey.pk}",
        submitted=_("Réponse à « %(title)s » soumise à l'ANPP. Merci !") % {"title": survey.title},
    )


# --- Staff ----------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required("members.view_survey", not_staff=Http404)
def survey_staff(request, pk):
    """A survey for staff: its dates, who answered (« 1 sur N »), its preview, opening, reminders."""
    survey = get_object_or_404(Survey, pk=pk, kind=Survey.Kind.ENQUETE)
    today = timezone.localdate()
    return render(
        request,
        "members/survey_staff.html",
        {
            "survey": survey,
            "completion": survey_results.campaign_completion(survey),
            "not_open_yet": survey.opens_on > today,
            "is_open": survey.is_open(today),
            "frozen": services.questionnaire_is_frozen(survey),
            "may_change": acts_as_staff(request.user, "members.change_survey"),
        },
    )


@never_cache
@login_required
@require_http_methods(["POST"])
@staff_permission_required("members.change_survey", not_staff=Http404)
def survey_open(request, pk):
    survey = get_object_or_404(Survey, pk=pk, kind=Survey.Kind.ENQUETE)
    try:
        services.survey_open_now(survey=survey, by=request.user)
    except services.MembersError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Enquête ouverte : ses questions ne peuvent plus changer."))
    return redirect("members:survey_staff", pk=survey.pk)


@never_cache
@login_required
@require_http_methods(["POST"])
@staff_permission_required("members.change_survey", not_staff=Http404)
def survey_remind(request, pk):
    """« Relancer les retardataires »: one click, through the same outbox path as the schedule."""
    survey = get_object_or_404(Survey, pk=pk, kind=Survey.Kind.ENQUETE)
    try:
        sent = services.survey_remind_late(survey=survey, by=request.user)
    except services.MembersError as exc:
        messages.error(request, str(exc))
    else:
        if sent:
            messages.success(request, _("%(n)s relance(s) envoyée(s).") % {"n": sent})
        else:
            messages.info(
                request, _("Aucune nouvelle relance : déjà relancés aujourd'hui, ou personne en retard.")
            )
    if request.POST.get("retour") == "equipe":  # the button of the staff home
        return redirect("backoffice:home")
    return redirect("members:survey_staff", pk=survey.pk)


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required("members.view_survey", not_staff=Http404)
def survey_preview(request, pk):
    """The survey as territories will see it, for staff preparing it (before and after opening)."""
    survey = get_object_or_404(Survey, pk=pk, kind=Survey.Kind.ENQUETE)
    shape = questionnaire.for_campaign(survey)
    sections = [
        {"section": section, "form": section.form_class(), "formsets": section.formsets(None, {})}
        for section in shape.sections
    ]
    return render(
        request,
        "members/fiche_preview.html",
        {"campaign": survey, "sections": sections, "frozen": services.questionnaire_is_frozen(survey)},
    )
