"""The Celery application. Configuration comes from Django settings under the CELERY_ prefix."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anpp_portal.settings")

app = Celery("anpp_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_broker_folders(sender, **kwargs):
    """kombu's filesystem transport (the default without REDIS_URL) needs its folders to exist."""
    options = sender.conf.broker_transport_options or {}
    folders = [
        options.get(name)
        for name in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
    ]
    backend = sender.conf.result_backend or ""
    if backend.startswith("file://"):
        folders.append(backend.removeprefix("file://"))
    for folder in filter(None, folders):
        Path(folder).mkdir(parents=True, exist_ok=True)
