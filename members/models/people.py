import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from localflavor.fr.fr_region import REGION_2016_CHOICES
from localflavor.fr.models import FRSIRENField

from anpp_portal.fields import BoundedTextField
from anpp_portal.formats import limit
from anpp_portal.validators import validate_siren


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person with an account. The email address is the identifier; there is no username."""

    username = None
    email = models.EmailField(_("adresse email"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class Department(models.Model):
    """A French département (the official list, loaded by a data migration)."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.CharField(_("région"), max_length=2, choices=REGION_2016_CHOICES)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"


class Territory(models.Model):
    """A territoire de projets: a Pays, a PETR, a pôle territorial or a conseil de développement."""

    class Kind(models.TextChoices):
        PETR = "petr", _("PETR (pôle d'équilibre territorial et rural)")
        PAYS_ASSOCIATIF = "pays_association", _("Pays associatif")
        PAYS_SYNDICAT_MIXTE = "pays_syndicat_mixte", _("Pays syndicat mixte")
        POLE_TERRITORIAL = "pole_territorial", _("Pôle territorial")
        POLE_METROPOLITAIN = "pole_metropolitain", _("Pôle métropolitain")
        CONSEIL_DEVELOPPEMENT = "conseil_developpement", _("Conseil de développement")
        AUTRE = "autre", _("Autre")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    kind = models.CharField(_("nature juridique"), max_length=30, choices=Kind.choices)
    siren = FRSIRENField(_("SIREN"), blank=True, validators=[validate_siren])
    region = models.CharField(_("région"), max_length=2, choices=REGION_2016_CHOICES)
    departments = models.ManyToManyField(
        Department, verbose_name=_("départements"), related_name="territories", blank=True
    )
    address = BoundedTextField(_("adresse postale"), max_length=1000, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    website = models.URLField(_("site internet"), blank=True)
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, validators=[MaxValueValidator(limit(15_000_000))]
    )
    population_year = models.PositiveSmallIntegerField(
        _("année de référence de la population"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    communes_count = models.PositiveSmallIntegerField(
        _("nombre de communes"), null=True, blank=True, validators=[MaxValueValidator(limit(5000))]
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "siren", condition=~models.Q(siren=""), name="territory_siren_unique_when_set"
            ),
            models.CheckConstraint(
                condition=models.Q(population__isnull=True) | models.Q(population_year__isnull=False),
                name="territory_population_has_year",
                violation_error_message=_("Indiquez l'année de référence de la population."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:territory", kwargs={"slug": self.slug})

    @property
    def fiches(self):
        """The territory's fiches de renseignements (its responses to the other surveys are
        ``survey_responses``)."""
        from .fiches import FicheRenseignements

        return FicheRenseignements.objects.filter(territory=self)


class Role(models.TextChoices):
    REFERENT = "referent", _("Référent")
    MEMBRE = "membre", _("Membre")


class TerritoryMembership(models.Model):
    """A person acting for a territory, with a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("personne"),
    )
    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("territoire")
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBRE)
    function = models.CharField(
        _("fonction"), max_length=150, blank=True, help_text=_("Ex. : directrice, chargé de mission")
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rattachement à un territoire")
        verbose_name_plural = _("rattachements aux territoires")
        ordering = ["territory__name", "user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint("user", "territory", name="membership_user_territory_unique")]

    def __str__(self):
        return f"{self.user} – {self.territory} ({self.get_role_display()})"

    @property
    def is_referent(self) -> bool:
        return self.role == Role.REFERENT


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An invitation, sent by a référent, to act for a territory. Its link works once and expires."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("territoire")
    )
    email = models.EmailField(_("adresse email"))
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBRE)
    # Only a hash of the link's key is stored: the database alone cannot be used to accept it.
    key_hash = models.CharField(_("empreinte de la clé"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "territory",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.territory}"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
