"""The magazine "Territoires de Projets": issues, articles, rubriques, stored PDFs and the newsletter."""

import secrets

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField

from .covers import cover_upload_to, validate_cover
from .links import is_safe_link, validate_links
from .rendering import validate_markdown_nesting


class Rubrique(models.Model):
    """A section of the magazine (Édito, Interview, Dossier…): data, not code."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publications:rubrique", kwargs={"slug": self.slug})


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SCHEDULED = "scheduled", _("programmé")
        PUBLISHED = "published", _("publié")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        MEMBERS = "members", _("réservé aux adhérents")

    number = models.PositiveIntegerField(_("numéro"), unique=True)
    season = models.CharField(_("saison"), max_length=60, help_text=_("Par exemple « Hiver 2018 »."))
    date = models.DateField(_("date de parution"))
    title = models.CharField(_("titre"), max_length=200, default="Territoires de Projets")
    cover = models.ImageField(
        _("couverture"),
        upload_to=cover_upload_to,
        validators=[validate_cover],
        blank=True,
        help_text=_("JPEG, PNG ou WebP ; le fichier est renommé à l'enregistrement."),
    )
    publisher = models.CharField(_("éditeur"), max_length=300, blank=True)
    publisher_address = models.CharField(_("adresse de l'éditeur"), max_length=300, blank=True)
    director = models.CharField(_("directeur de la publication"), max_length=200, blank=True)
    editor = models.CharField(_("directeur de la rédaction"), max_length=200, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(_("publication programmée le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, editable=False)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    class Meta:
        verbose_name = _("numéro")
        verbose_name_plural = _("numéros")
        ordering = ["-date", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="scheduled") | models.Q(publish_at__isnull=False),
                name="publications_issue_scheduled_has_date",
                violation_error_message=_("Un numéro programmé doit avoir une date de publication."),
            ),
        ]

    def __str__(self):
        return f"{self.title} — {self.label}"

    def get_absolute_url(self):
        return reverse("publications:issue", kwargs={"number": self.number})

    @property
    def label(self) -> str:
        """ "Hiver 2018 / n°01", as printed on the magazine."""
        return f"{self.season} / n°{self.number:02d}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def members_only(self) -> bool:
        return self.visibility == self.Visibility.MEMBERS


class Article(models.Model):
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="articles", verbose_name=_("numéro")
    )
    rubrique = models.ForeignKey(
        Rubrique, on_delete=models.PROTECT, related_name="articles", verbose_name=_("rubrique")
    )
    order = models.PositiveSmallIntegerField(_("ordre"))
    slug = models.SlugField(_("identifiant d'URL"), max_length=120)
    title = models.CharField(_("titre"), max_length=300)
    chapeau = BoundedTextField(_("chapeau"), max_length=2000, blank=True)
    body = BoundedTextField(
        _("texte (Markdown)"), max_length=200000, blank=True, validators=[validate_markdown_nesting]
    )
    body_html = models.TextField(_("texte rendu"), blank=True, editable=False)
    authors = models.JSONField(
        _("auteurs"), default=list, blank=True, help_text=_('Liste de {"name": …, "role": …}.')
    )
    quotes = models.JSONField(_("citations mises en exergue"), default=list, blank=True)
    links = models.JSONField(
        _("liens"),
        default=list,
        blank=True,
        validators=[validate_links],
        help_text=_('Liste d\'adresses http, https ou mailto, par exemple ["https://www.anpp.fr"].'),
    )
    territories = models.ManyToManyField(
        "members.Territory", blank=True, related_name="articles", verbose_name=_("territoires cités")
    )
    # Maintained by services.article_save / services.search_vectors_update (PostgreSQL only); its GIN
    # index is created by migration 0002 on PostgreSQL only (SQLite has neither GIN nor tsvector).
    search_vector = SearchVectorField(_("index de recherche"), null=True, editable=False)
    # Title (A) and chapeau (B) only: results are ranked on this small vector, so ranking thousands
    # of matches stays fast; a match in the body alone ranks below any title or chapeau match.
    search_head = SearchVectorField(_("index de recherche (titre et chapeau)"), null=True, editable=False)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["issue", "order"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "slug"], name="publications_article_unique_slug"),
            models.UniqueConstraint(fields=["issue", "order"], name="publications_article_unique_order"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:article", kwargs={"number": self.issue.number, "slug": self.slug})

    @property
    def safe_links(self) -> list[str]:
        """The links to print: rows saved before links were validated may hold anything."""
        return [link for link in self.links if is_safe_link(link)]

    @property
    def authors_display(self) -> str:
        return ", ".join(a.get("name", "") for a in self.authors if a.get("name"))


class IssuePDF(models.Model):
    """One rendering of an issue, keyed by the hash of its HTML and stylesheet: an unchanged issue
    is never rendered twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        READY = "ready", _("prêt")
        FAILED = "failed", _("échec")

    class Variant(models.TextChoices):
        STANDARD = "standard", _("standard")
        ARCHIVAL = "pdfa", _("archivage (PDF/A-3b)")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="pdfs", verbose_name=_("numéro"))
    variant = models.CharField(
        _("variante"), max_length=10, choices=Variant.choices, default=Variant.STANDARD
    )
    content_hash = models.CharField(_("empreinte"), max_length=64, unique=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("fichier"), upload_to="publications/pdf/", blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendu le"), null=True, blank=True)
    render_seconds = models.FloatField(_("durée du rendu (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("PDF d'un numéro")
        verbose_name_plural = _("PDF des numéros")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.issue} ({self.content_hash[:12]})"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    """A reader of the newsletter; double opt-in, one-click unsubscribe."""

    email = models.EmailField(_("courriel"), unique=True)
    # Two credentials: the confirmation link's (double opt-in) and the unsubscribe link's, which is in
    # every email and its List-Unsubscribe header; the second must never confirm a subscription.
    token = models.CharField(_("jeton de confirmation"), max_length=64, unique=True, editable=False)
    unsubscribe_token = models.CharField(
        _("jeton de désinscription"), max_length=64, unique=True, editable=False, default=new_token
    )
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonné à la lettre")
        verbose_name_plural = _("abonnés à la lettre")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Announcement(models.Model):
    """The announcement of a published issue to the confirmed subscribers, sent in batches.

    ``last_subscriber_id`` is the resume point: a retried or restarted job starts after it, and the
    outbox key ``issue-announcement:<issue>:<subscriber>`` makes a repeated batch send nothing twice.
    """

    issue = models.OneToOneField(
        Issue, on_delete=models.CASCADE, related_name="announcement", verbose_name=_("numéro")
    )
    started_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    # Moves on with every batch: an unfinished announcement that stops moving is resumed by beat.
    progressed_at = models.DateTimeField(_("dernier lot le"), auto_now=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    total = models.PositiveIntegerField(_("destinataires"), default=0)
    queued = models.PositiveIntegerField(_("courriels mis en file"), default=0)
    last_subscriber_id = models.PositiveBigIntegerField(_("dernier abonné servi"), default=0, editable=False)

    class Meta:
        verbose_name = _("annonce d'un numéro")
        verbose_name_plural = _("annonces des numéros")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.issue} : {self.queued}/{self.total}"


# News, partners and the page about the ANPP live in their own module (publications/association/).
from .association.models import AssociationPage, News, Partner  # noqa: E402, F401
