"""The notes library, its search and feeds, the Q&A base and following themes. Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from anpp_portal.bodylimits import small_body
from anpp_portal.storage import private_file_response

from . import selectors, services
from .access import can_read_note, is_member
from .forms import FollowForm, NoteFilterForm, NoteSearchForm, QASearchForm
from .models import ThemeFollow


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_http_methods(["GET"])
def note_list(request):
    years = selectors.note_years()
    form = NoteFilterForm(request.GET or None, years=years)
    filters = selectors.note_filters(params=form.cleaned_data if form.is_valid() else {})
    page = selectors.note_list(filters=filters, page=request.GET.get("page", 1))
    services.notes_visit_record(user=request.user)
    return render(
        request,
        "resources/note_list.html",
        {
            "form": form,
            "page": page,
            "query_string": _query_string(request),
            "member": is_member(request.user),
        },
    )


@require_http_methods(["GET"])
def note_detail(request, slug):
    note = selectors.note_for_reader(user=request.user, slug=slug)
    return render(
        request, "resources/note_detail.html", {"note": note, "can_read": can_read_note(request.user, note)}
    )


@require_http_methods(["GET"])
def note_attachment(request, slug, pk):
    attachment = selectors.attachment_for_reader(user=request.user, slug=slug, pk=pk)
    return private_file_response(attachment.file, filename=attachment.filename)


@require_http_methods(["GET"])
def search(request):
    form = NoteSearchForm(request.GET or None, years=selectors.note_years())
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        page = selectors.search_notes(
            q=data["q"],
            user=request.user,
            kind=data["type"],
            theme=data["theme"],
            year=data["annee"],
            page=request.GET.get("page", 1),
        )
    return render(
        request,
        "resources/search.html",
        {
            "form": form,
            "page": page,
            "query_string": _query_string(request),
            "member": is_member(request.user),
        },
    )


@require_http_methods(["GET"])
def qa_list(request):
    form = QASearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {"q": "", "theme": ""}
    page = selectors.qa_entries(
        user=request.user, q=data["q"], theme=data["theme"], page=request.GET.get("page", 1)
    )
    return render(
        request,
        "resources/qa_list.html",
        {
            "form": form,
            "page": page,
            "query_string": _query_string(request),
            "member": is_member(request.user),
        },
    )


@require_http_methods(["GET"])
def qa_entry(request, slug):
    entry = selectors.qa_entry_for_reader(user=request.user, slug=slug)
    return render(request, "resources/qa_entry.html", {"entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def follow(request):
    """The themes a person follows. Only people of member territories are told of new notes."""
    current = ThemeFollow.objects.filter(user=request.user).values_list("theme_id", flat=True)
    form = FollowForm(request.POST if request.method == "POST" else None, initial={"themes": list(current)})
    if request.method == "POST" and form.is_valid():
        services.themes_follow_set(user=request.user, themes=list(form.cleaned_data["themes"]))
        messages.success(request, _("Vos thèmes suivis sont enregistrés."))
        return redirect("resources:follow")
    return render(request, "resources/follow.html", {"form": form, "member": is_member(request.user)})


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the token is the credential
@small_body
@require_http_methods(["GET", "POST"])
def unfollow(request, token):
    if request.method == "POST":
        follow = services.theme_unfollow(token=token)
        if follow is None:
            raise Http404
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Désinscription enregistrée."), content_type="text/plain; charset=utf-8")
        return render(request, "resources/unfollowed.html", {"theme": follow.theme})
    follow = ThemeFollow.objects.select_related("theme").filter(unsubscribe_token=token).first()
    if follow is None:
        raise Http404
    return render(request, "resources/unfollow.html", {"theme": follow.theme})
