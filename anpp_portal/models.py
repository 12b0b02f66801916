from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One email the portal must send, written in the same transaction as the change that causes it.

    The unique ``key`` names what the email is about (``invitation:42``, ``adhesion-reminder:7:open:1``):
    enqueueing the same key twice is a no-op, so a retried task, a restarted worker or a second beat
    never sends it twice. A worker delivers it; a beat task relays whatever is still pending (broker
    down when it was queued, SMTP failure waiting for its next attempt).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")

    key = models.CharField(_("clé"), max_length=200, unique=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    to = models.EmailField(_("destinataire"))
    from_email = models.CharField(_("expéditeur"), max_length=200)
    subject = models.CharField(_("objet"), max_length=300)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    # [{"filename": ..., "mimetype": ..., "content_base64": ...}], e.g. an event's .ics file.
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    # An email rendered by the worker just before sending (so that the request that caused it does
    # not wait for templates and attachments): the dotted path of a function returning
    # (RenderedEmail, [Attachment]) from these keyword arguments. Empty: the row holds the email.
    render_with = models.CharField(_("rendu par"), max_length=200, blank=True)
    render_args = models.JSONField(_("arguments du rendu"), default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    # A worker that claims the email holds it until then; past it, another may take it over.
    claimed_until = models.DateTimeField(_("réservé jusqu'à"), null=True, blank=True)
    # Bodies holding a credential (password reset, email verification, invitation link) are
    # erased once sent, so neither the admin nor a database backup keeps a working link.
    sensitive = models.BooleanField(_("contenu sensible"), default=False)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("email sortant")
        verbose_name_plural = _("emails sortants")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.subject} → {self.to}"
