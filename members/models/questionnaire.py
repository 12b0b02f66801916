"""The questionnaire of a fiche de renseignements campaign, as data staff edit in the admin.

Each campaign has its own sections and questions. A question's ``key`` names its answer in
``FicheRenseignements.answers`` and stays the same from one year to the next, whatever its wording:
that is how last year's answers prefill this year's fiche and how the panorama and the exports find
them. A "repeated rows" question (the member EPCI) holds its columns as child questions.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField

from .surveys import Survey

key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$",
    _(
        "Lettres minuscules sans accent, chiffres et « _ », en commençant par une lettre (ex. : budget_total)."
    ),
)


class QuestionnaireSection(models.Model):
    campaign = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="sections", verbose_name=_("campagne")
    )
    slug = models.SlugField(
        _("identifiant d'URL"),
        max_length=50,
        help_text=_("Partie de l'adresse de la section, par exemple « budget »."),
    )
    title = models.CharField(_("titre"), max_length=200)
    intro = BoundedTextField(_("texte d'introduction"), max_length=4000, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("section du questionnaire")
        verbose_name_plural = _("sections du questionnaire")
        ordering = ["campaign", "order", "pk"]
        constraints = [
            models.UniqueConstraint("campaign", "slug", name="questionnaire_section_slug_unique"),
        ]

    def __str__(self):
        if self.campaign.kind == "fiche":
            return f"{self.campaign.year} – {self.title}"
        return f"{self.campaign} – {self.title}"


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Texte court")
        LONG_TEXT = "long_text", _("Texte long")
        INTEGER = "integer", _("Nombre entier")
        DECIMAL = "decimal", _("Nombre décimal")
        AMOUNT = "amount", _("Montant (€)")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choix unique")
        MULTIPLE = "multiple", _("Choix multiple")
        YES_NO = "yes_no", _("Oui / non")
        ROWS = "rows", _("Lignes répétées (tableau)")
        EMAIL = "email", _("Adresse email")
        URL = "url", _("Adresse web")
        PHONE = "phone", _("Téléphone")
        SIREN = "siren", _("SIREN")

    WITH_CHOICES = (Kind.CHOICE, Kind.MULTIPLE)
    NUMERIC = (Kind.INTEGER, Kind.DECIMAL, Kind.AMOUNT)

    section = models.ForeignKey(
        QuestionnaireSection, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="columns",
        verbose_name=_("colonne du tableau"),
        help_text=_("Pour une colonne d'un tableau à lignes répétées : le tableau auquel elle appartient."),
    )
    key = models.CharField(
        _("clé"),
        max_length=60,
        validators=[key_validator],
        help_text=_(
            "Nom stable de la réponse : gardez-le d'une année sur l'autre pour préremplir la réponse "
            "de l'an passé, même si le libellé change."
        ),
    )
    label = models.CharField(_("libellé"), max_length=300)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    kind = models.CharField(_("type de réponse"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("obligatoire à la soumission"), default=False)
    choices = models.JSONField(_("choix proposés"), default=list, blank=True)
    min_value = models.IntegerField(_("valeur minimale"), null=True, blank=True)
    max_value = models.BigIntegerField(_("valeur maximale"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                "section",
                "key",
                condition=models.Q(parent__isnull=True),
                name="question_key_unique_in_section",
                violation_error_message=_("Cette clé est déjà celle d'une autre question."),
            ),
            models.UniqueConstraint(
                "parent",
                "key",
                condition=models.Q(parent__isnull=False),
                name="question_column_key_unique",
                violation_error_message=_("Cette clé est déjà celle d'une autre colonne du tableau."),
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        errors = {}
        if self.kind in self.WITH_CHOICES and not self.choices:
            errors["choices"] = _("Indiquez au moins un choix.")
        if self.parent_id is not None:
            if self.parent.kind != self.Kind.ROWS:
                errors["parent"] = _("Seule une question « lignes répétées » peut avoir des colonnes.")
            elif self.kind == self.Kind.ROWS:
                errors["kind"] = _("Une colonne ne peut pas être elle-même un tableau.")
        if self.section_id and self.parent_id is None:
            # Keys are unique in the whole questionnaire, not only in a section: answers are one dict.
            clash = Question.objects.filter(
                section__campaign_id=self.section.campaign_id, parent__isnull=True, key=self.key
            ).exclude(pk=self.pk)
            if clash.exists():
                errors["key"] = _("Cette clé est déjà celle d'une autre question de ce questionnaire.")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["max_value"] = _("La valeur maximale doit dépasser la valeur minimale.")
        if errors:
            raise ValidationError(errors)
