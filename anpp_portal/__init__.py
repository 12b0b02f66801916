"""The ANPP portal project: settings, URLs, the Celery app and cross-cutting pieces (outbox, health)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
