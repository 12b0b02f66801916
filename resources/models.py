"""The notes library and the members-only Q&A base: what a territory's cotisation brings all year.

Themes are data (staff edit them in the admin). A note goes draft → scheduled → published like an
issue of the magazine; a members-only note shows its summary to everyone and its body and files only
to members (resources/access.py). A Q&A entry is an edited, anonymised copy of a legal question and
its answer (the private thread stays in the legal app, which points here).
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField
from anpp_portal.storage import UnguessableName, private_storage


def validate_pdf(file) -> None:
    """A note's file is a PDF of at most 20 MB (its first bytes say so, not its name)."""
    from django.core.exceptions import ValidationError

    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(5)
    file.seek(position)
    if head != b"%PDF-":
        raise ValidationError(_("Le fichier joint doit être un PDF."), code="not_pdf")
    if file.size > 20 * 1024 * 1024:
        raise ValidationError(_("Le fichier joint ne doit pas dépasser 20 Mo."), code="too_big")


class Theme(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class Note(models.Model):
    class Kind(models.TextChoices):
        NEWS = "actualite", _("Note d'actualité et d'information")
        ANALYSIS = "analyse", _("Note d'analyse")
        SYNTHESIS = "synthese", _("Note de synthèse")
        DECODING = "decryptage", _("Décryptage d'un texte")
        METHOD = "methodologique", _("Note méthodologique")

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SCHEDULED = "scheduled", _("programmée")
        PUBLISHED = "published", _("publiée")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("publique")
        MEMBERS = "members", _("réservée aux adhérents")

    kind = models.CharField(_("type de note"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=300)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    date = models.DateField(_("date"))
    summary = BoundedTextField(_("résumé"), max_length=2000)
    body = BoundedTextField(_("texte (Markdown)"), max_length=200000, blank=True)
    body_html = models.TextField(_("texte rendu"), blank=True, editable=False)
    themes = models.ManyToManyField(Theme, blank=True, related_name="notes", verbose_name=_("thèmes"))
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("publication programmée le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, editable=False)
    # Set once the followers of its themes were told (resources.services.note_announce).
    announced_at = models.DateTimeField(_("annoncée le"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(publish_at__isnull=False),
                name="resources_note_scheduled_has_date",
                violation_error_message=_("Une note programmée doit avoir une date de publication."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:note", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def members_only(self) -> bool:
        return self.visibility == self.Visibility.MEMBERS


class NoteAttachment(models.Model):
    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("note")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    file = models.FileField(
        _("fichier PDF"),
        storage=private_storage,
        upload_to=UnguessableName("ressources/notes"),
        max_length=300,
        validators=[validate_pdf],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("fichier joint")
        verbose_name_plural = _("fichiers joints")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class QAEntry(models.Model):
    """A published question and answer of the members-only Q&A base: an edited copy, written so that
    the territory that asked cannot be recognised."""

    title = models.CharField(_("question"), max_length=300)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    date = models.DateField(_("date"))
    question = BoundedTextField(_("précisions de la question"), max_length=20000, blank=True)
    answer = BoundedTextField(_("réponse (Markdown)"), max_length=100000)
    answer_html = models.TextField(_("réponse rendue"), blank=True, editable=False)
    signature = models.CharField(_("signature"), max_length=300, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="qa_entries", verbose_name=_("thèmes"))
    is_published = models.BooleanField(_("publiée"), default=True)

    class Meta:
        verbose_name = _("question-réponse publiée")
        verbose_name_plural = _("base de questions-réponses")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("resources:qa_entry", kwargs={"slug": self.slug})


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ThemeFollow(models.Model):
    """A person follows a theme: each new note of it reaches them once by email."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="theme_follows",
        verbose_name=_("personne"),
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="follows", verbose_name=_("thème")
    )
    # The credential of the one-click unsubscribe link of this theme, in every email about it.
    unsubscribe_token = models.CharField(
        _("jeton de désinscription"), max_length=64, unique=True, editable=False, default=new_token
    )
    created_at = models.DateTimeField(_("suivi depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("thème suivi")
        verbose_name_plural = _("thèmes suivis")
        constraints = [
            models.UniqueConstraint(fields=["user", "theme"], name="resources_themefollow_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.theme}"


class NotesVisit(models.Model):
    """When a person last opened the notes library: their territory's year page lists the notes
    published since."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notes_visit",
        verbose_name=_("personne"),
    )
    seen_at = models.DateTimeField(_("dernière visite des notes le"))

    class Meta:
        verbose_name = _("dernière visite des notes")
        verbose_name_plural = _("dernières visites des notes")

    def __str__(self):
        return f"{self.user} : {self.seen_at:%d/%m/%Y}"
