"""What a member territory shows of itself in the public directory (/annuaire/).

Its name, kind, region and départements are always shown; the rest only when its référent chose to
(members/directory.py builds the public entries from these choices and nothing else).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .people import Territory


class DirectoryProfile(models.Model):
    territory = models.OneToOneField(
        Territory, on_delete=models.CASCADE, related_name="directory_profile", verbose_name=_("territoire")
    )
    show_population = models.BooleanField(_("population publique"), default=False)
    show_communes = models.BooleanField(_("nombre de communes public"), default=False)
    show_epci = models.BooleanField(
        _("EPCI membres publics"),
        default=False,
        help_text=_("Les EPCI de la dernière fiche de renseignements soumise."),
    )
    show_website = models.BooleanField(_("site internet public"), default=False)
    show_contact = models.BooleanField(
        _("adresse de contact publique"),
        default=False,
        help_text=_("L'adresse postale du territoire et, si elle est indiquée, l'adresse email publique."),
    )
    contact_email = models.EmailField(
        _("adresse email de contact publique"),
        blank=True,
        help_text=_("Une adresse générique (contact@…), publiée seulement si l'adresse de contact l'est."),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modifié par"),
    )

    class Meta:
        verbose_name = _("visibilité dans l'annuaire")
        verbose_name_plural = _("visibilités dans l'annuaire")

    def __str__(self):
        return str(self.territory)
