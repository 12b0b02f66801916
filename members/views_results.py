"""Staff read a survey's results (today: a campaign of fiches de renseignements): completion,
per-question summaries and charts, filtered by région and kind, as a page, CSV, XLSX and PDF."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anpp_portal.exports import csv_response, xlsx_response
from anpp_portal.staffpolicy import staff_permission_required

from . import pdf, survey_results
from .forms import SurveyResultsFilterForm
from .models import Survey

# Who may read a survey's results: whoever may read the fiches (the panorama asks the same).
RESULTS_PERMISSION = "members.view_ficherenseignements"


def _filename(campaign) -> str:
    if campaign.kind == Survey.Kind.FICHE:
        return f"resultats-fiches-{campaign.year}"
    return f"resultats-enquete-{campaign.pk}-{slugify(campaign.title)[:60]}"


def _csv(campaign, figures, form):
    questions = figures["questions"]
    return csv_response(
        _filename(campaign),
        survey_results.export_headers(questions),
        survey_results.export_rows(questions, figures["territories"], figures["responses"]),
    )


def _xlsx(campaign, figures, form):
    sheets = survey_results.export_sheets(figures["questions"], figures["territories"], figures["responses"])
    return xlsx_response(_filename(campaign), sheets=sheets)


def _pdf(campaign, figures, form):
    response = HttpResponse(pdf.survey_results_pdf(figures, form), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(campaign)}.pdf"'
    return response


EXPORTS = {"csv": _csv, "xlsx": _xlsx, "pdf": _pdf}


@never_cache
@login_required
@require_http_methods(["GET"])
@staff_permission_required(RESULTS_PERMISSION, not_staff=PermissionDenied)
def results(request, pk, export=None):
    """The results page, or (``export``: csv, xlsx, pdf) the same figures as a file. A file asked
    with a filter that does not exist gets the page instead, with the French message at the field
    (status 400), rather than a file silently holding every territory."""
    campaign = get_object_or_404(Survey, pk=pk)
    form = SurveyResultsFilterForm(request.GET or None)
    figures = survey_results.results(campaign, **form.filters())
    if export is None or form.errors:
        status = 400 if export and form.errors else 200
        return render(request, "members/survey_results.html", {**figures, "form": form}, status=status)
    return EXPORTS[export](campaign, figures, form)
