"""The admin as ANPP staff work in it: models grouped by what staff do, in that order, and the
technical models (schedules, authenticators, départements, outbound emails, PDF cache, groups) in a
group of their own that only superusers see on the index and in the sidebar.

Models are named by their label, so this module imports no app; a model it does not name stays in
its app's group, after the named groups.
"""

import json

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

GROUPS = [
    (
        "territoires",
        _("Territoires et personnes"),
        [
            "members.territory",
            "members.territorymembership",
            "members.invitation",
            "members.directoryprofile",
            "members.user",
            "members.importbatch",
            "members.importedperson",
        ],
    ),
    ("adhesions", _("Adhésions et cotisations"), ["members.adhesioncampaign", "members.adhesion"]),
    (
        "fiches",
        _("Fiches de renseignements et enquêtes"),
        [
            "members.fichecampaign",
            "members.questionnairesection",
            "members.ficherenseignements",
            "members.survey",
            "members.surveyresponse",
        ],
    ),
    ("facturation", _("Facturation"), ["billing.invoice", "billing.billingidentity"]),
    ("evenements", _("Événements"), ["events.event", "events.registration", "events.participant"]),
    (
        "publications",
        _("Publications"),
        [
            "publications.issue",
            "publications.article",
            "publications.rubrique",
            "publications.subscriber",
            "publications.announcement",
            "publications.news",
            "publications.partner",
            "publications.associationpage",
        ],
    ),
]
TECHNICAL_APPS = {"django_celery_beat", "mfa", "account", "auth", "simple_history"}
TECHNICAL_MODELS = {"members.department", "anpp_portal.outboundemail", "publications.issuepdf"}
TECHNICAL_GROUP = ("technique", _("Technique (réservé aux superutilisateurs)"))
# Third-party models whose name has no French translation (allauth's Authenticator has no
# verbose_name at all); the names that are translated wrongly are corrected in locale/fr.
MODEL_NAMES = {"mfa.authenticator": _("Authentificateurs (double authentification)")}


def is_technical(app_label: str, model_label: str) -> bool:
    return app_label in TECHNICAL_APPS or model_label in TECHNICAL_MODELS


class AnppAdminSite(admin.AdminSite):
    site_header = _("Administration du portail ANPP")
    site_title = _("Portail ANPP")
    index_title = _("Gestion de l'association")

    def get_app_list(self, request, app_label=None):
        apps = self._build_app_dict(request, app_label)
        if app_label is not None:
            apps = {app_label: apps} if apps else {}
        placed: dict[str, dict] = {}
        for app in apps.values():
            for model in app["models"]:
                label = f"{app['app_label']}.{model['object_name'].lower()}"
                placed[label] = {**model, "_app": app}
                if label in MODEL_NAMES:
                    placed[label]["name"] = MODEL_NAMES[label]
        groups = []
        for slug, name, labels in GROUPS:
            models = [placed.pop(label) for label in labels if label in placed]
            if models:
                groups.append(self._group(slug, name, models))
        technical = [m for label, m in placed.items() if is_technical(m["_app"]["app_label"], label)]
        rest: dict[str, list] = {}
        for label, model in placed.items():
            if not is_technical(model["_app"]["app_label"], label):
                rest.setdefault(model["_app"]["app_label"], []).append(model)
        for models in rest.values():
            app = models[0]["_app"]
            groups.append(self._group(app["app_label"], app["name"], models, app_url=app["app_url"]))
        if technical and request.user.is_superuser:
            groups.append(self._group(*TECHNICAL_GROUP, sorted(technical, key=lambda m: str(m["name"]))))
        return groups

    @staticmethod
    def _group(slug, name, models, app_url=""):
        first = models[0]["_app"]
        return {
            "name": name,
            "app_label": slug,  # the CSS class of the group: app-<slug>
            "app_url": app_url or first["app_url"],
            "has_module_perms": True,
            "models": [{k: v for k, v in m.items() if k != "_app"} for m in models],
        }


class AnppAdminConfig(AdminConfig):
    """Django's admin with the portal's own site (in INSTALLED_APPS instead of django.contrib.admin)."""

    default_site = "anpp_portal.admin_site.AnppAdminSite"

    def ready(self):
        from .admin_formats import install

        install()  # before the ModelAdmins are registered: they copy the form field defaults
        super().ready()
        from django_celery_beat.models import CrontabSchedule

        # A property without a label reads "Human readable" in its admin.
        CrontabSchedule.human_readable.fget.short_description = _("en clair")
        _french_task_name()


def _french_task_name():
    """celery-beat names its task field 'Task Name', untranslatable: its filter and its form field
    are named here (and its JSON arguments typed as lines) (the model is left alone: a changed verbose_name would be a migration of theirs)."""
    from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm

    label = _("nom de la tâche")

    class TaskFilter(admin.AllValuesFieldListFilter):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = label

    PeriodicTaskAdmin.list_filter = [
        ("task", TaskFilter) if name == "task" else name for name in PeriodicTaskAdmin.list_filter
    ]
    if "task" in PeriodicTaskForm.base_fields:
        PeriodicTaskForm.base_fields["task"].label = label
    # The arguments are stored as JSON; staff type and read them as lines.
    # (declared_fields: the admin builds its form as a subclass, which takes them from there.)
    for name, field in (
        ("args", ArgumentLinesField(label=_("arguments positionnels"))),
        ("kwargs", KeywordLinesField(label=_("arguments nommés"))),
    ):
        PeriodicTaskForm.declared_fields[name] = PeriodicTaskForm.base_fields[name] = field


def _scalar(text: str):
    """A typed argument: a whole number as a number, anything else as text."""
    return int(text) if text.lstrip("-").isdigit() else text


class ArgumentLinesField(forms.CharField):
    """A JSON list typed one value a line ("30", "rappel") and shown the same way."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Une valeur par ligne ; vide : aucun argument."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        try:
            items = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return value  # typed input sent back with its error
        if isinstance(items, list):
            return "\n".join(str(item) for item in items)
        return value

    def to_python(self, value):
        lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
        return json.dumps([_scalar(line) for line in lines], ensure_ascii=False)


class KeywordLinesField(ArgumentLinesField):
    """A JSON object typed one « nom : valeur » a line."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Un argument par ligne, « nom : valeur » ; vide : aucun."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        try:
            items = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            return value
        if isinstance(items, dict):
            return "\n".join(f"{name} : {item}" for name, item in items.items())
        return value

    def to_python(self, value):
        pairs = {}
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            name, sep, item = line.partition(":")
            if not sep or not name.strip():
                raise forms.ValidationError(
                    _("Ligne sans « nom : valeur » : « %(line)s ».") % {"line": line.strip()}
                )
            pairs[name.strip()] = _scalar(item.strip())
        return json.dumps(pairs, ensure_ascii=False)
