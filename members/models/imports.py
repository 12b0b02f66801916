"""Imports of the ANPP's spreadsheets (members/imports/): each uploaded file, and the people it brought."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .people import Invitation, Role, Territory


class ImportBatch(models.Model):
    """One uploaded file: previewed first (nothing written), imported in one transaction once confirmed."""

    class Kind(models.TextChoices):
        TERRITORIES = "territoires", _("Territoires")
        PEOPLE = "personnes", _("Personnes")
        ADHESIONS = "adhesions", _("Adhésions passées")

    class Status(models.TextChoices):
        PREVIEWING = "analyse", _("Analyse en cours")
        PREVIEWED = "apercu", _("Aperçu prêt")
        IMPORTING = "import", _("Import en cours")
        IMPORTED = "importe", _("Importé")
        REFUSED = "refuse", _("Refusé")

    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices)
    file_name = models.CharField(_("fichier"), max_length=200)
    content = models.BinaryField(_("contenu du fichier"))
    status = models.CharField(_("statut"), max_length=8, choices=Status.choices, default=Status.PREVIEWING)
    # What the preview found, then what the import did: counts, rejected rows, changed rows.
    report = models.JSONField(_("compte rendu"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposé par"),
    )
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    imported_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import de fichier")
        verbose_name_plural = _("imports de fichiers")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.file_name}"


class ImportedPerson(models.Model):
    """A person listed in the ANPP's spreadsheets, before (or after) they accept an invitation."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="imported_people", verbose_name=_("territoire")
    )
    email = models.EmailField(_("adresse email"))
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    function = models.CharField(_("fonction"), max_length=150, blank=True)
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBRE)
    # Set, under a lock, when the bulk invitation sends one: a person is invited once by it.
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_person",
        verbose_name=_("invitation"),
    )
    created_at = models.DateTimeField(_("importée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("personne importée")
        verbose_name_plural = _("personnes importées")
        ordering = ["territory__name", "last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="imported_person_email_ci_unique")]

    def __str__(self):
        full = f"{self.first_name} {self.last_name}".strip()
        return f"{full} <{self.email}>" if full else self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)
