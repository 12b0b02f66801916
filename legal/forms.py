from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from anpp_portal import forms as portal_forms
from resources.models import Theme

from .services import file_content_type

MAX_FILES = 5


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once (Django's documented pattern), each a PDF, PNG or JPEG of 10 MB at most."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_FILES:
            raise ValidationError(_("Joignez au plus %(n)s fichiers.") % {"n": MAX_FILES})
        cleaned = [super(MultipleFileField, self).clean(file, initial) for file in files]
        for file in cleaned:
            file_content_type(file)
        return cleaned


class AskForm(portal_forms.Form):
    subject = forms.CharField(
        label=_("Objet"),
        max_length=200,
        error_messages={"required": _("Indiquez l'objet de votre question.")},
    )
    text = forms.CharField(
        label=_("Votre question"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Écrivez votre question.")},
    )
    files = MultipleFileField(
        label=_("Fichiers joints (facultatif)"),
        required=False,
        help_text=_("PDF, PNG ou JPEG, 10 Mo au plus chacun, 5 fichiers au plus."),
    )


class MessageForm(portal_forms.Form):
    text = forms.CharField(
        label=_("Votre message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Écrivez votre message.")},
    )
    files = MultipleFileField(
        label=_("Fichiers joints (facultatif)"),
        required=False,
        help_text=_("PDF, PNG ou JPEG, 10 Mo au plus chacun, 5 fichiers au plus."),
    )


class PublishForm(portal_forms.Form):
    """The edited copy published to the Q&A base: staff rewrite it so that the territory cannot be
    recognised; nothing of the thread is copied without them (legal.services.question_publish refuses
    a copy that names the territory, next to the field that does)."""

    title = forms.CharField(label=_("Question publiée"), max_length=300)
    question_text = forms.CharField(
        label=_("Précisions de la question (facultatif)"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answer = forms.CharField(
        label=_("Réponse publiée (Markdown)"), max_length=100000, widget=forms.Textarea(attrs={"rows": 12})
    )
    signature = forms.CharField(label=_("Signature"), max_length=300, required=False)
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"), queryset=Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
