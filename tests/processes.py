"""Project code run in separate Python processes released at the same instant, as two beat processes
would run it: each its own interpreter, database connection and Celery app, which threads in the test
process do not give. The processes share the test database (so PostgreSQL: pytest-django's SQLite
test database lives in memory, out of their reach), run their tasks eagerly and deliver email through
tests/mail_recorder.py, so the test reads what was sent from files."""

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
TIMEOUT = 120

# Set up Django, announce readiness with a file, wait for the others, then call the function once.
SCRIPT = """
import importlib, json, os, sys, time

import django

django.setup()
from django.utils.dateparse import parse_date, parse_datetime

target, arguments, barrier, count = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4])
module, name = target.rsplit(".", 1)
function = getattr(importlib.import_module(module), name)
kwargs = {k: parse_date(v) if len(v) == 10 else parse_datetime(v) for k, v in arguments.items()}
open(os.path.join(barrier, str(os.getpid())), "w").close()
deadline = time.monotonic() + 60
while len(os.listdir(barrier)) < count:
    if time.monotonic() > deadline:
        sys.exit("the other processes never got ready")
    time.sleep(0.001)
print(json.dumps(function(**kwargs)))
"""


def database_url() -> str:
    """The URL of the test database this process uses."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def run_at_once(target: str, *, count: int, tmp_path: Path, **kwargs: date | datetime) -> list:
    """Call ``target`` ("module.function") with ``kwargs`` in ``count`` processes at the same instant;
    returns what each returned. Delivered emails are in ``tmp_path / "mail"``."""
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    (tmp_path / "mail").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PAGE_CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="anpp_portal.settings",
        DATABASE_URL=database_url(),
        ANPP_VAR_DIR=str(tmp_path / "var"),
        CELERY_TASK_ALWAYS_EAGER="1",
        EMAIL_BACKEND="tests.mail_recorder.RecordingEmailBackend",
        ANPP_TEST_MAIL_DIR=str(tmp_path / "mail"),
        LOG_LEVEL="WARNING",
    )
    arguments = json.dumps({key: value.isoformat() for key, value in kwargs.items()})
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, target, arguments, str(barrier), str(count)],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 0, err[-4000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results
