import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anpp_portal.fields import BoundedTextField
from anpp_portal.history import HistoricalRecords
from members.models import Territory


def default_reminder_offsets() -> list[int]:
    return [7, 1]


def validate_reminder_offsets(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, int) and 0 <= v <= 60 for v in value):
        raise ValidationError(_("Indiquez une liste de nombres de jours entre 0 et 60, par exemple [7, 1]."))


class Event(models.Model):
    """An ANPP gathering (EGPP, CNPP, RTPP…) people register to."""

    class Kind(models.TextChoices):
        EGPP = "egpp", _("EGPP – États Généraux des Pôles territoriaux et des Pays")
        CNPP = "cnpp", _("CNPP – Conférence Nationale des Pôles territoriaux et des Pays")
        RTPP = "rtpp", _("RTPP – Rencontres Techniques des Pôles territoriaux et des Pays")
        AUTRE = "autre", _("Autre")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        FULL = "full", _("Complet")
        CLOSED = "closed", _("Clos")
        CANCELLED = "cancelled", _("Annulé")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    edition = models.PositiveSmallIntegerField(
        _("édition (année)"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    description = BoundedTextField(_("description"), max_length=20000, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"))
    registration_closes_at = models.DateTimeField(_("clôture des inscriptions"))
    cancellation_deadline = models.DateTimeField(_("date limite de modification et d'annulation"))
    members_only = models.BooleanField(
        _("réservé aux territoires adhérents"),
        default=False,
        help_text=_("Seules les personnes rattachées à un territoire peuvent s'inscrire."),
    )
    price_member = models.DecimalField(
        _("tarif territoire adhérent"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    price_non_member = models.DecimalField(
        _("tarif non adhérent"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    price_partner = models.DecimalField(
        _("tarif partenaire"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    ask_dietary = models.BooleanField(_("demander le régime alimentaire"), default=True)
    ask_accessibility = models.BooleanField(_("demander les besoins d'accessibilité"), default=True)
    ask_meals = models.BooleanField(_("demander les repas par jour"), default=True)
    reminder_offsets = models.JSONField(
        _("rappels (jours avant le début)"),
        default=default_reminder_offsets,
        blank=True,
        validators=[validate_reminder_offsets],
    )
    practical_info = BoundedTextField(_("informations pratiques"), max_length=10000, blank=True)
    invoices_issue_on = models.DateField(
        _("émettre les factures le"),
        null=True,
        blank=True,
        help_text=_(
            "Ce jour-là, une facture est émise pour chaque inscription ayant des participants confirmés "
            "payants et pas encore de facture. Vide : émission à la main ou sur demande."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-edition", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="event_registration_window_ordered",
                violation_error_message=_("La clôture des inscriptions doit suivre leur ouverture."),
            ),
            models.CheckConstraint(
                condition=models.Q(price_member__gte=0)
                & models.Q(price_non_member__gte=0)
                & models.Q(price_partner__gte=0),
                name="event_prices_not_negative",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def day_list(self) -> list:
        """The days in date order, from the prefetch cache when there is one."""
        return sorted(self.days.all(), key=lambda d: d.date)

    def starts_at(self) -> datetime.datetime | None:
        """Start of the first day, in the portal's time zone (uses prefetched days when present)."""
        days = sorted(self.days.all(), key=lambda d: d.date)
        return days[0].starts_at_datetime() if days else None

    def ends_at(self) -> datetime.datetime | None:
        days = sorted(self.days.all(), key=lambda d: d.date)
        return days[-1].ends_at_datetime() if days else None

    @property
    def kind_code(self) -> str:
        """ "EGPP", "CNPP", "RTPP" (empty for another kind): what people call the gathering."""
        return "" if self.kind == self.Kind.AUTRE else self.kind.upper()

    @property
    def is_free(self) -> bool:
        return not (self.price_member or self.price_non_member or self.price_partner)

    def has_ended(self, now=None) -> bool:
        """True once its last day is over (an event without days has not ended)."""
        ends = self.ends_at()
        return ends is not None and ends <= (now or timezone.now())

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status in (self.Status.PUBLISHED, self.Status.FULL)
            and self.registration_opens_at <= now < self.registration_closes_at
        )


class Site(models.Model):
    """A place where (part of) an event is held."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sites", verbose_name=_("événement")
    )
    name = models.CharField(_("nom du lieu"), max_length=200)
    address = BoundedTextField(_("adresse"), max_length=1000)
    city = models.CharField(_("commune"), max_length=100)

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} ({self.city})"


class EventDay(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="days", verbose_name=_("événement")
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("début"), default=datetime.time(9, 0))
    ends_at = models.TimeField(_("fin"), default=datetime.time(17, 30))
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="days",
        verbose_name=_("lieu principal"),
    )
    capacity = models.PositiveIntegerField(
        _("places ce jour"),
        null=True,
        blank=True,
        help_text=_(
            "Vide : la capacité de l'événement s'applique. Sinon, la salle de ce jour (sa liste d'attente est propre)."
        ),
    )

    class Meta:
        verbose_name = _("journée")
        verbose_name_plural = _("journées")
        ordering = ["date"]
        constraints = [models.UniqueConstraint("event", "date", name="eventday_one_per_date")]

    def __str__(self):
        from anpp_portal.formats import format_date

        return format_date(self.date, "l j F Y")

    def starts_at_datetime(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.starts_at))

    def ends_at_datetime(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.ends_at))


class Session(models.Model):
    """A slot of the programme: a plenary or an atelier (which participants choose)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("événement")
    )
    day = models.ForeignKey(
        EventDay, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("journée")
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("lieu"))
    starts_at = models.TimeField(_("début"))
    ends_at = models.TimeField(_("fin"))
    title = models.CharField(_("titre"), max_length=250)
    speakers = BoundedTextField(_("intervenants"), max_length=2000, blank=True)
    # A slot of the programme is a plenary unless staff say participants choose it.
    is_atelier = models.BooleanField(_("atelier au choix"), default=False)
    capacity = models.PositiveIntegerField(
        _("places de l'atelier"), null=True, blank=True, help_text=_("Vide : sans limite propre.")
    )

    class Meta:
        verbose_name = _("session ou atelier")
        verbose_name_plural = _("sessions et ateliers")
        ordering = ["day__date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.day_id and self.event_id and self.day.event_id != self.event_id:
            raise ValidationError({"day": _("Cette journée appartient à un autre événement.")})
        if self.site_id and self.event_id and self.site.event_id != self.event_id:
            raise ValidationError({"site": _("Ce lieu appartient à un autre événement.")})


class Function(models.TextChoices):
    ELU = "elu", _("Élu·e")
    TECHNICIEN = "technicien", _("Technicien·ne")
    PARTENAIRE = "partenaire", _("Partenaire")
    AUTRE = "autre", _("Autre")


class Registration(models.Model):
    """A booking made by one person, for themselves or for a delegation of their territory."""

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("événement")
    )
    # Kept when the person deletes their account (the participants stay, for the event's figures).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("inscrit par"),
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("territoire"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)

    # Audit trail (django-simple-history, as for adhésions and fiches): who changed what, and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.event} – {self.territory or self.created_by}"

    def get_absolute_url(self):
        return reverse("events:registration", kwargs={"pk": self.pk})


class Participant(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmé")
        WAITING = "waiting", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulé")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="participants", verbose_name=_("inscription")
    )
    # Denormalised from the registration so that the database can enforce one seat per email.
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="participants", verbose_name=_("événement")
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse email"))
    function = models.CharField(_("fonction"), max_length=12, choices=Function.choices)
    days = models.ManyToManyField(EventDay, related_name="participants", verbose_name=_("journées"))
    meal_days = models.ManyToManyField(
        EventDay, related_name="meal_participants", blank=True, verbose_name=_("repas")
    )
    dietary_needs = models.CharField(_("régime alimentaire"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("besoins d'accessibilité"), max_length=300, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices)
    waiting_position = models.PositiveIntegerField(
        _("rang d'arrivée en liste d'attente"), null=True, blank=True
    )
    price = models.DecimalField(_("montant dû"), max_digits=8, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    promoted_at = models.DateTimeField(_("passé de l'attente à confirmé le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    # The secret of the personal QR code (and of the link to decline): random, cleared on cancellation
    # so that the code and the link stop working. The code itself is signed (events/qr.py).
    qr_secret = models.CharField(_("secret du code QR"), max_length=32, blank=True, editable=False)

    # Audit trail: every status change (registration, cancellation, promotion from the waiting list)
    # with who made it. Its rows hold the person's name too: participant_anonymise redacts them.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~models.Q(status="cancelled"),
                name="participant_one_active_per_event_email",
                violation_error_message=_("Cette personne est déjà inscrite à cet événement."),
            ),
            models.CheckConstraint(
                condition=(models.Q(status="waiting") & models.Q(waiting_position__isnull=False))
                | (~models.Q(status="waiting") & models.Q(waiting_position__isnull=True)),
                name="participant_waiting_has_position",
            ),
            models.UniqueConstraint(
                "event",
                "waiting_position",
                condition=models.Q(status="waiting"),
                name="participant_waiting_position_unique",
            ),
            models.UniqueConstraint(
                fields=["qr_secret"], condition=~models.Q(qr_secret=""), name="participant_qr_secret_unique"
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="participant_event_status")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SessionChoice(models.Model):
    """A participant's seat (or place in the queue) in an atelier."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmé")
        WAITING = "waiting", _("Liste d'attente")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="session_choices", verbose_name=_("participant")
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="choices", verbose_name=_("atelier")
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("choisi le"), default=timezone.now)

    class Meta:
        verbose_name = _("choix d'atelier")
        verbose_name_plural = _("choix d'ateliers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint("participant", "session", name="sessionchoice_once_per_participant")
        ]

    def __str__(self):
        return f"{self.participant} → {self.session}"


class Attendance(models.Model):
    """A participant checked in at the door on one day of the event."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("participant")
    )
    day = models.ForeignKey(
        EventDay, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("journée")
    )
    checked_in_at = models.DateTimeField(_("pointé le"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pointé par"),
    )

    # Audit trail: a check-in and its undoing (deleting the row), with who did it.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["day__date", "checked_in_at"]
        constraints = [models.UniqueConstraint("participant", "day", name="attendance_once_per_day")]

    def __str__(self):
        return f"{self.participant} – {self.day}"
