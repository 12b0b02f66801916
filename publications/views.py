"""Reading the magazine, searching it, downloading its PDF, and the newsletter. Thin views."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from anpp_portal import ratelimit
from anpp_portal.bodylimits import small_body
from anpp_portal.pagecache import public_page

from . import selectors, services
from .access import can_read_full, reader_kind
from .forms import SearchForm, SubscribeForm
from .models import IssuePDF
from .rendering import body_with_quotes


@public_page("publications")
def archive(request):
    # The issues are the same for every reader: the template keeps them as shared fragments, and
    # these run only when it renders them.
    years = SimpleLazyObject(selectors.archive_by_year)
    latest = SimpleLazyObject(lambda: next((issue for issues in years.values() for issue in issues), None))
    return render(
        request,
        "publications/archive.html",
        {"years": years, "latest": latest, "subscribe_form": SubscribeForm()},
    )


@public_page("publications")
def issue_detail(request, number):
    issue = selectors.issue_for_reader(user=request.user, number=number)
    return render(
        request,
        "publications/issue.html",
        {
            "issue": issue,
            "articles": issue.articles.all(),
            "can_read": can_read_full(request.user, issue),
            "neighbours": selectors.issue_neighbours(issue),
        },
    )


@public_page("publications")
def article_detail(request, number, slug):
    # The page is the same for every reader of the same kind (see publications.access): the
    # template keeps it as shared fragments keyed by ``reader``, and the article is read (or a 404
    # raised) only when they are rendered.
    found = SimpleLazyObject(
        lambda: selectors.article_for_reader(user=request.user, number=number, slug=slug)
    )
    article = SimpleLazyObject(lambda: found[0])
    return render(
        request,
        "publications/article.html",
        {
            "number": number,
            "slug": slug,
            "reader": reader_kind(request.user),
            "article": article,
            "body": SimpleLazyObject(lambda: body_with_quotes(article.body_html, article.quotes)),
            "issue": SimpleLazyObject(lambda: article.issue),
            "can_read": SimpleLazyObject(lambda: can_read_full(request.user, article.issue)),
            "neighbours": SimpleLazyObject(lambda: found[1]),
        },
    )


@public_page("publications")
def rubrique_detail(request, slug):
    rubrique, articles = selectors.rubrique_articles(slug=slug)
    return render(request, "publications/rubrique.html", {"rubrique": rubrique, "articles": articles})


@public_page("publications", params=("q", "annee", "rubrique", "page"))
def search(request):
    form = SearchForm(request.GET or None)
    page = None
    if form.is_valid() and form.cleaned_data["q"]:
        page = selectors.search_articles(
            q=form.cleaned_data["q"],
            year=form.cleaned_data["annee"],
            rubrique=form.cleaned_data["rubrique"],
            page=request.GET.get("page", 1),
            user=request.user,
        )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "publications/search.html",
        {"form": form, "page": page, "query_string": query_string.urlencode()},
    )


def issue_pdf(request, number):
    """The stored PDF of the issue; when not yet rendered, start the job and show a page that
    reloads itself until the file is ready."""
    issue = selectors.issue_for_reader(user=request.user, number=number)
    if not can_read_full(request.user, issue):
        return render(request, "publications/members_only.html", {"issue": issue}, status=403)
    archival = request.GET.get("variante") == IssuePDF.Variant.ARCHIVAL
    variant = IssuePDF.Variant.ARCHIVAL if archival else IssuePDF.Variant.STANDARD
    record = services.pdf_request(issue=issue, variant=variant, retry="reessayer" in request.GET)
    if record.status == IssuePDF.Status.READY:
        suffix = "-pdfa" if archival else ""
        response = FileResponse(
            default_storage.open(record.file.name, "rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"territoires-de-projets-{issue.number:02d}{suffix}.pdf",
        )
        response["Cache-Control"] = "private, max-age=3600"
        return response
    return render(
        request,
        "publications/pdf_progress.html",
        {"issue": issue, "failed": record.status == IssuePDF.Status.FAILED, "archival": archival},
        status=202,
    )


# The form is on the public archive page, which the page cache serves to every anonymous visitor:
# it carries no CSRF token. A forged request only asks for a confirmation email (double opt-in).
@csrf_exempt
@small_body
@require_http_methods(["GET", "POST"])
def newsletter_subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not ratelimit.consume_request(request, action="newsletter_subscribe", key=email):
            form.add_error(
                "email",
                _(
                    "Trop de demandes d'abonnement depuis votre connexion ou pour cette adresse : réessayez plus tard."
                ),
            )
        else:
            services.subscriber_subscribe(email=email)
            return render(request, "publications/newsletter/pending.html", {"email": email})
    return render(request, "publications/newsletter/subscribe.html", {"form": form})


@require_http_methods(["GET", "POST"])
def newsletter_confirm(request, token):
    """GET shows a button, POST confirms: mail scanners that follow links confirm nothing."""
    if request.method == "POST":
        try:
            services.subscriber_confirm(token=token)
        except services.PublicationError as exc:
            return render(request, "publications/newsletter/invalid.html", {"reason": str(exc)}, status=404)
        messages.success(request, _("Votre inscription à la lettre d'information est confirmée."))
        return redirect("publications:archive")
    return render(request, "publications/newsletter/confirm.html")


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a CSRF token; the token is the credential
@small_body
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request, token):
    if request.method == "POST":
        subscriber = services.subscriber_unsubscribe(token=token)
        if subscriber is None:
            raise Http404
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(_("Désinscription enregistrée."), content_type="text/plain; charset=utf-8")
        return render(request, "publications/newsletter/unsubscribed.html")
    return render(request, "publications/newsletter/unsubscribe.html")
