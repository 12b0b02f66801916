from django.apps import AppConfig


class AnppPortalConfig(AppConfig):
    name = "anpp_portal"
    verbose_name = "Portail ANPP"

    def ready(self):
        from . import pagecache, text

        pagecache.connect_signals()
        text.guard_model_text_fields()
