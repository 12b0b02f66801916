"""A big file is read and imported by a real Celery worker process, not by the web request."""

import os
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anpp_portal.celery import app as celery_app
from members.imports import services
from members.models import ImportBatch, Territory

from ..factories import StaffFactory, load_departments
from ..processes import BASE_DIR, database_url
from .test_imports import TERRITORY_HEADER, csv_bytes, territory_line


def _wait_for(batch, status, worker, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status == status:
            return batch
        assert worker.poll() is None, worker.communicate()[0][-4000:]
        time.sleep(0.2)
    raise AssertionError(f"still {batch.status} after {seconds} s")


@pytest.mark.postgres
@pytest.mark.redis
def test_a_worker_previews_then_imports_a_file_of_three_hundred_territories(transactional_db, tmp_path):
    load_departments()
    staff = StaffFactory()
    env = {k: v for k, v in os.environ.items() if k != "CELERY_TASK_ALWAYS_EAGER"}
    env.update(
        DJANGO_SETTINGS_MODULE="anpp_portal.settings",
        DATABASE_URL=database_url(),
        ANPP_VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="WARNING",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "anpp_portal", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    celery_app.conf.task_always_eager = False
    try:
        content = csv_bytes(TERRITORY_HEADER, [territory_line(n) for n in range(1, 301)])
        batch = services.import_batch_create(
            kind="territoires", upload=SimpleUploadedFile("gros.csv", content), by=staff
        )
        batch = _wait_for(batch, ImportBatch.Status.PREVIEWED, worker)
        assert batch.report["new"] == 300 and not Territory.objects.exists()
        assert services.import_batch_progress(batch) == {"done": 300, "total": 300}

        services.import_batch_confirm(batch=batch, by=staff)
        batch = _wait_for(batch, ImportBatch.Status.IMPORTED, worker)
        assert Territory.objects.count() == 300
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        try:
            worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()
