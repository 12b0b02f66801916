from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    """The ANPP staff's home: what needs action now, across members, events and the outbox."""

    name = "backoffice"
    verbose_name = "Espace équipe"
