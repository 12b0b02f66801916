"""The legal questions of a territory, their threads, and staff's queue. Thin views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from anpp_portal.staffpolicy import staff_permission_required
from anpp_portal.storage import private_file_response
from members.permissions import Action, territories_for, territory_view
from members.selectors import territories_with_valid_adhesion

from . import selectors, services
from .access import is_legal_staff, may_ask_for
from .forms import AskForm, MessageForm, PublishForm
from .models import Question


@login_required
@require_http_methods(["GET"])
def question_list(request):
    # Every territory listed is one the person acts for: whether it may ask is whether it is a member.
    members = set(territories_with_valid_adhesion().values_list("pk", flat=True))
    territories = [
        (territory, territory.pk in members) for territory in territories_for(request.user, Action.ACT)
    ]
    return render(
        request,
        "legal/question_list.html",
        {
            "questions": selectors.questions_of(request.user),
            "territories": territories,
            "staff_queue": is_legal_staff(request.user),
        },
    )


@territory_view(Action.ACT)
@require_http_methods(["GET", "POST"])
def question_ask(request, territory):
    if not may_ask_for(request.user, territory):
        return render(request, "legal/not_member.html", {"territory": territory}, status=403)
    form = AskForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question = services.question_ask(
            territory=territory,
            user=request.user,
            subject=data["subject"],
            text=data["text"],
            files=data["files"],
        )
        messages.success(
            request, _("Votre question est envoyée à l'ANPP. Vous serez prévenu par courriel de sa réponse.")
        )
        return redirect(question)
    return render(request, "legal/ask.html", {"form": form, "territory": territory})


@login_required
@require_http_methods(["GET", "POST"])
def question_detail(request, pk):
    question = selectors.question_for(user=request.user, pk=pk)
    staff = is_legal_staff(request.user, "legal.change_question")
    staff_view = is_legal_staff(request.user)
    if request.method == "POST":
        try:  # checked before the form: someone who may not write is told so, whatever they sent
            services.message_write_check(question=question, author=request.user, from_staff=staff)
        except services.LegalNotAllowed as error:
            raise PermissionDenied from error
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_add(
                question=question,
                author=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                from_staff=staff,
            )
        except services.LegalError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Votre message est envoyé."))
        return redirect(question)
    return render(
        request,
        "legal/question.html",
        {"question": question, "form": form, "staff": staff, "staff_view": staff_view},
    )


@login_required
def attachment(request, pk, attachment_pk):
    # The question is checked before the method: another territory's file is a 404 whatever is asked.
    found = selectors.attachment_for(user=request.user, question_pk=pk, pk=attachment_pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return private_file_response(found.file, filename=found.name, content_type=found.content_type)


# --- ANPP staff ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
@staff_permission_required("legal.view_question", not_staff=PermissionDenied)
def staff_queue(request):
    show = request.GET.get("afficher", "")
    return render(
        request,
        "legal/staff_queue.html",
        {
            "questions": selectors.staff_queue(show=show),
            "show": show,
            "counts": selectors.queue_counts(),
            "waiting_days": selectors.WAITING_DAYS,
            "nav_section": "staff",
        },
    )


@login_required
@require_POST
@staff_permission_required("legal.change_question", not_staff=PermissionDenied)
def staff_assign(request, pk):
    question = get_object_or_404(Question, pk=pk)
    services.question_assign(question=question, staff_user=request.user)
    messages.success(request, _("La question vous est attribuée."))
    return redirect(question)


@login_required
@require_POST
@staff_permission_required("legal.change_question", not_staff=PermissionDenied)
def staff_close(request, pk):
    question = get_object_or_404(Question, pk=pk)
    services.question_close(question=question)
    messages.success(request, _("La question est close."))
    return redirect(question)


@login_required
@require_http_methods(["GET", "POST"])
@staff_permission_required("resources.add_qaentry", not_staff=PermissionDenied)
def staff_publish(request, pk):
    question = get_object_or_404(Question.objects.select_related("territory", "published_entry"), pk=pk)
    entry = question.published_entry
    initial = (
        {
            "title": entry.title,
            "question_text": entry.question,
            "answer": entry.answer,
            "signature": entry.signature,
        }
        if entry
        else {"title": question.subject}
    )
    form = PublishForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.question_publish(
                question=question,
                title=data["title"],
                question_text=data["question_text"],
                answer=data["answer"],
                signature=data["signature"],
                themes=data["themes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La question-réponse est publiée dans la base des adhérents."))
            return redirect(entry)
    return render(
        request, "legal/staff_publish.html", {"question": question, "form": form, "nav_section": "staff"}
    )
