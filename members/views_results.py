"""Staff read a survey's results (today: a campaign of fiches de renseignements): completion,
per-question summaries and charts, filtered by région and kind, as a page, CSV, XLSX and PDF."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anpp_portal.exports import csv_response, xlsx_response
from anpp_portal.staffpolicy import staff_permission_required

from . import pdf, survey_results
from .forms import SurveyResultsFilterForm
from .models import Survey

# Who may read a survey's results: whoever may read the fiches (the panorama asks the same).
RESULTS_PERMISSION = "members.view_ficherenseignements"


def _results(request, pk):
    campaign = get_object_or_404(Survey, pk=pk)
    form = SurveyResultsFilterForm(request.GET or None)
    figures = survey_results.results(campaign, **form.filters())
    return form, figures


def _filename(campaign) -> str:
    return f"resultats-fiches-{campaign.year}"


def _bad_filters(request, form, figures):
    """An export asked with a filter that does not exist: the page, with the French message at
    the field, rather than a file silently holding every territory."""
    return render(request, "members/survey_results.html", {**figures, "form": form}, status=400)


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required(RESULTS_PERMISSION, not_staff=PermissionDenied)
def survey_results_page(request, pk):
    form, figures = _results(request, pk)
    return render(request, "members/survey_results.html", {**figures, "form": form})


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required(RESULTS_PERMISSION, not_staff=PermissionDenied)
def survey_results_csv(request, pk):
    form, figures = _results(request, pk)
    if form.errors:
        return _bad_filters(request, form, figures)
    questions = figures["questions"]
    return csv_response(
        _filename(figures["campaign"]),
        survey_results.export_headers(questions),
        survey_results.export_rows(questions, figures["territories"], figures["responses"]),
    )


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required(RESULTS_PERMISSION, not_staff=PermissionDenied)
def survey_results_xlsx(request, pk):
    form, figures = _results(request, pk)
    if form.errors:
        return _bad_filters(request, form, figures)
    sheets = survey_results.export_sheets(figures["questions"], figures["territories"], figures["responses"])
    return xlsx_response(_filename(figures["campaign"]), sheets=sheets)


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required(RESULTS_PERMISSION, not_staff=PermissionDenied)
def survey_results_pdf(request, pk):
    form, figures = _results(request, pk)
    if form.errors:
        return _bad_filters(request, form, figures)
    response = HttpResponse(pdf.survey_results_pdf(figures, form), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(figures["campaign"])}.pdf"'
    return response
