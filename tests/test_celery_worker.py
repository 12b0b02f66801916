"""End-to-end Celery wiring: a real worker process takes a task from a real broker and answers it.

The in-process tests run tasks eagerly; these start `celery worker` as a separate process, once on
the embedded filesystem broker (`make run`'s default) and once on Redis (production, CI).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCER = "import django; django.setup(); from anpp_portal.tasks import ping; print(ping.apply_async(ignore_result=False).get(timeout=60))"


def _round_trip(env: dict) -> str:
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "anpp_portal", "worker", "--pool=solo", "--loglevel=WARNING"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        producer = subprocess.run(
            [sys.executable, "-c", PRODUCER],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert producer.returncode == 0, producer.stderr + "\n--- worker ---\n" + output
    return producer.stdout.strip()


def _base_env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}}
    env["DJANGO_SETTINGS_MODULE"] = "anpp_portal.settings"
    env.update(overrides)
    return env


def test_a_real_worker_answers_a_task_through_the_embedded_filesystem_broker(tmp_path):
    assert _round_trip(_base_env(ANPP_VAR_DIR=str(tmp_path))) == "pong"


@pytest.mark.redis
def test_a_real_worker_answers_a_task_through_redis(tmp_path):
    assert _round_trip(_base_env(REDIS_URL=settings.REDIS_URL, ANPP_VAR_DIR=str(tmp_path))) == "pong"
