"""Probes of the services the portal depends on, used by /sante/."""

import logging

from django.db import connection

from .celery import app as celery_app

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Health check: database unreachable", exc_info=True)
        return "error"
    return "ok"


def broker_status() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            # Declaring the default queue proves the broker accepts commands, not only a socket.
            conn.default_channel.queue_declare(celery_app.conf.task_default_queue, passive=False)
    except Exception:
        logger.warning("Health check: broker unreachable", exc_info=True)
        return "error"
    return "ok"


def portal_status() -> dict[str, str]:
    return {"database": database_status(), "broker": broker_status()}
