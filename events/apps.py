from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Événements"

    def ready(self):
        from .services import invoicing

        invoicing.register()  # what billing calls back: a registration's invoice, who reads it
