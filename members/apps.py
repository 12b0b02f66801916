from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Membres"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from . import invoicing
        from .security_events import log_login_failed

        user_login_failed.connect(log_login_failed, dispatch_uid="anpp-security-login-failed")
        invoicing.register()  # what billing calls back: an appel's adhésion, who reads a document
