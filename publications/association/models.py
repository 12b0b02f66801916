"""News, partners and the page about the ANPP, edited by ANPP staff in the admin."""

import uuid

from django.core.validators import URLValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField

from ..covers import ALLOWED_FORMATS, detect_format, validate_cover

# A partner's link, the ANPP's website: web addresses only (no ftp, no javascript:).
http_url = URLValidator(
    schemes=["http", "https"], message=_("Saisissez une adresse web en http:// ou https://.")
)


def news_image_upload_to(instance, filename: str) -> str:
    """A server-generated name whose extension comes from the detected format (see covers.py)."""
    return f"publications/actualites/{uuid.uuid4().hex}.{ALLOWED_FORMATS[detect_format(instance.image.file)]}"


def partner_logo_upload_to(instance, filename: str) -> str:
    return f"publications/partenaires/{uuid.uuid4().hex}.{ALLOWED_FORMATS[detect_format(instance.logo.file)]}"


class News(models.Model):
    """An item of « Actualités »: short news of the association, with its own feed."""

    title = models.CharField(_("titre"), max_length=300)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    date = models.DateField(_("date"))
    body = BoundedTextField(_("texte (Markdown)"), max_length=100_000)
    body_html = models.TextField(_("texte rendu"), blank=True, editable=False)
    image = models.ImageField(
        _("image"),
        upload_to=news_image_upload_to,
        validators=[validate_cover],
        blank=True,
        help_text=_("Facultative. JPEG, PNG ou WebP ; le fichier est renommé à l'enregistrement."),
    )
    image_alt = models.CharField(
        _("texte alternatif de l'image"),
        max_length=300,
        blank=True,
        help_text=_("Ce que montre l'image, pour qui ne la voit pas. Laisser vide si elle est décorative."),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple « Territoires de Projets, Hiver 2018 / n°01, rubrique Actu ANPP »."),
    )
    is_published = models.BooleanField(_("publiée"), default=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("association:news_detail", kwargs={"slug": self.slug})


class Partner(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    description = BoundedTextField(_("description"), max_length=2000, blank=True)
    link = models.URLField(_("lien"), max_length=500, blank=True, validators=[http_url])
    logo = models.ImageField(
        _("logo"),
        upload_to=partner_logo_upload_to,
        validators=[validate_cover],
        blank=True,
        help_text=_("Facultatif. JPEG, PNG ou WebP."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=100, help_text=_("Les plus petits d'abord."))

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class AssociationPage(models.Model):
    """The page about the ANPP (/anpp/): there is one."""

    id = models.PositiveSmallIntegerField(_("identifiant"), primary_key=True, default=1, editable=False)
    title = models.CharField(_("titre"), max_length=200, default="L'ANPP")
    intro = BoundedTextField(_("présentation (Markdown)"), max_length=50_000, blank=True)
    missions = BoundedTextField(_("missions (Markdown)"), max_length=50_000, blank=True)
    governance = BoundedTextField(_("gouvernance (Markdown)"), max_length=50_000, blank=True)
    contact_address = BoundedTextField(_("adresse"), max_length=1000, blank=True)
    website = models.URLField(_("site internet"), blank=True, validators=[http_url])
    intro_html = models.TextField(_("introduction rendue"), blank=True, editable=False)
    missions_html = models.TextField(_("missions rendues"), blank=True, editable=False)
    governance_html = models.TextField(_("gouvernance rendue"), blank=True, editable=False)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("page « L'ANPP »")
        verbose_name_plural = _("page « L'ANPP »")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="publications_association_page_single")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("association:association")
