"""An email backend for the fault tests: each delivered message becomes one file, durably.

A real worker process (started by the test) sends through it; the test process reads the files, so
what was "delivered" survives a SIGKILL of the worker and is visible across processes. Configured by
environment variables, since the worker is a separate process:

- ``ANPP_TEST_MAIL_DIR``: where delivered messages are written, one JSON file each.
- ``ANPP_TEST_MAIL_DELAY``: seconds each message takes (the SMTP round trip), default 0.
- ``ANPP_TEST_MAIL_HANG``: ``before:N`` or ``after:N``: the N-th message of this process hangs for
  good, before it is delivered (the worker dies mid-SMTP conversation) or after it is delivered but
  before ``send_messages`` returns (the server accepted it, the worker dies before marking it sent).
  The backend then writes ``hung.json`` (the recipient) so the test knows when to kill the worker.
"""

import json
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

_sent_by_this_process = 0


def _write_durably(path: Path, data: dict) -> None:
    """Write ``path`` atomically (temporary file, fsync, rename, fsync of the folder)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def delivered(folder: Path) -> list[dict]:
    """The messages delivered so far into ``folder`` (read by the test process)."""
    messages = []
    for path in sorted(folder.glob("*.json")):
        if path.name != "hung.json":
            messages.append(json.loads(path.read_text(encoding="utf-8")))
    return messages


class RecordingEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.folder = Path(os.environ["ANPP_TEST_MAIL_DIR"])
        self.delay = float(os.environ.get("ANPP_TEST_MAIL_DELAY") or 0)
        when, _, nth = (os.environ.get("ANPP_TEST_MAIL_HANG") or "").partition(":")
        self.hang_when, self.hang_at = when, int(nth or 0)

    def _hang(self, message) -> None:
        _write_durably(self.folder / "hung.json", {"to": message.to, "when": self.hang_when})
        while True:  # until the test kills this process
            time.sleep(60)

    def send_messages(self, email_messages):
        global _sent_by_this_process
        count = 0
        for message in email_messages:
            _sent_by_this_process += 1
            hang = _sent_by_this_process == self.hang_at
            if hang and self.hang_when == "before":
                self._hang(message)
            if self.delay:
                time.sleep(self.delay)
            _write_durably(
                self.folder / f"{time.time_ns()}-{uuid.uuid4().hex}.json",
                {"to": message.to, "subject": message.subject, "pid": os.getpid()},
            )
            count += 1
            if hang and self.hang_when == "after":
                self._hang(message)
        return count
