"""gunicorn settings for production: `gunicorn anpp_portal.wsgi` reads this file from the project folder."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle a worker now and then (a guard against slow memory growth), not every few seconds: at
# 2,000 cached pages a second, 2,000 requests meant a restart per worker every 3 s under load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Refuse to serve production traffic with DEBUG on: it would show tracebacks to visitors."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anpp_portal.settings")
    import django
    from django.conf import settings

    django.setup()
    if settings.DEBUG and os.environ.get("GUNICORN_ALLOW_DEBUG") != "1":
        raise SystemExit(
            "gunicorn refuses to start with DEBUG on: set DEBUG=0 (and SECRET_KEY) for production."
        )


# Load the portal once in the master and fork warm workers: a worker started by max_requests (or
# after a crash) serves at once instead of spending its first request (~0.8 s) importing views.
# Nothing opens a database or cache connection at import, so no connection is shared by the forks.
preload_app = True


def when_ready(server):
    """Import every view (the URLconf pulls in the admin, allauth and the apps) and load the
    translation catalogues in the master, before the workers are forked."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 (resolving it imports every view module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Accueil")
