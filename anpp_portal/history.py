"""django-simple-history's audit trail with French labels on its own columns (date, user, type,
reason), so that the history pages and the test of every label read French too."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords as BaseHistoricalRecords

LABELS = {
    "history_id": _("numéro de l'historique"),
    "history_date": _("date de la modification"),
    "history_change_reason": _("motif de la modification"),
    "history_type": _("type de modification"),
    "history_user": _("modifié par"),
}


class HistoricalRecords(BaseHistoricalRecords):
    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        for name, label in LABELS.items():
            if isinstance(extra.get(name), models.Field):
                extra[name].verbose_name = label
        return extra

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        if isinstance(fields.get("history_user"), models.Field):
            fields["history_user"].verbose_name = LABELS["history_user"]
        return fields
