"""The legal questions service: a person acting for a member territory asks, ANPP staff answer in a
private thread, and may publish an edited, anonymised copy to the Q&A base (resources.QAEntry)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField
from anpp_portal.storage import UnguessableName, private_storage


class Question(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("nouvelle")
        IN_PROGRESS = "in_progress", _("en cours")
        ANSWERED = "answered", _("répondue")
        CLOSED = "closed", _("close")

    territory = models.ForeignKey(
        "members.Territory",
        on_delete=models.CASCADE,
        related_name="legal_questions",
        verbose_name=_("territoire"),
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="legal_questions",
        verbose_name=_("posée par"),
    )
    subject = models.CharField(_("objet"), max_length=200)
    status = models.CharField(_("statut"), max_length=12, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_legal_questions",
        verbose_name=_("suivie par"),
    )
    created_at = models.DateTimeField(_("posée le"), auto_now_add=True)
    # The last message from the territory that staff have not answered yet: what the queue waits on.
    waiting_since = models.DateTimeField(_("en attente depuis le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("clôturée le"), null=True, blank=True)
    published_entry = models.OneToOneField(
        "resources.QAEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_question",
        verbose_name=_("copie publiée"),
    )

    class Meta:
        verbose_name = _("question juridique")
        verbose_name_plural = _("questions juridiques")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("legal:question", kwargs={"pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Message(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="messages", verbose_name=_("question")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    from_staff = models.BooleanField(_("de l'équipe de l'ANPP"), default=False)
    text = BoundedTextField(_("message"), max_length=20000)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.question} — {self.created_at:%d/%m/%Y}"


class MessageAttachment(models.Model):
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(
        _("fichier"),
        storage=private_storage,
        upload_to=UnguessableName("questions-juridiques"),
        max_length=300,
    )
    name = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100, default="application/pdf")

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["pk"]

    def __str__(self):
        return self.name
