"""Serve the portal for development: web server, Celery worker and Celery beat, stopped together."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server with a Celery worker and beat beside it; Ctrl-C stops all three."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        python = sys.executable
        commands = {
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "anpp_portal",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            # One beat only: schedules live in the database (django-celery-beat).
            "beat": [python, "-m", "celery", "-A", "anpp_portal", "beat", "--loglevel=INFO"],
            "web": [python, "manage.py", "runserver", addrport, "--noreload"],
        }
        processes = {}
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        broker = "Redis" if settings.REDIS_URL else "filesystem broker (no server)"
        self.stdout.write(f"Starting web server on http://{addrport}/, Celery worker and beat ({broker}).")
        try:
            for name, command in commands.items():
                # Each child leads its own process group, so stopping it reaches its own children
                # (the worker's pool processes) too. Fixed argument lists: no user input here.
                processes[name] = subprocess.Popen(  # noqa: S603
                    command, cwd=settings.BASE_DIR, env=os.environ.copy(), start_new_session=True
                )
            while not stopping:
                exited = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
                if exited:
                    self.stderr.write(f"Stopping: {', '.join(exited)} exited ({exited}).")
                    break
                time.sleep(0.5)
        finally:
            self._stop_all(processes)
        self.stdout.write("Web server, worker and beat stopped.")

    def _stop_all(self, processes):
        for process in processes.values():
            if process.poll() is None:
                self._signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal_group(process, signal.SIGKILL)
                process.wait()

    @staticmethod
    def _signal_group(process, signum):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
