"""What the outside world receives during a fault test: every SMS the gateway is asked to send and every e-mail
handed to the mail server, one line each, appended to files in $FAULTS_OUT (O_APPEND: lines of several processes
never mix). A real provider delivers one message per idempotency key; the test counts both the sends and the keys."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


def _append(name: str, line: str) -> None:
    out = Path(os.environ["FAULTS_OUT"])
    fd = os.open(out / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line.replace("\n", " ") + "\n").encode())
    finally:
        os.close(fd)


def _network() -> None:
    """A provider answers in a few milliseconds: long enough for a kill to land between the send and the commit."""
    time.sleep(random.uniform(0, float(os.environ.get("FAULTS_SEND_DELAY", "0.01"))))  # noqa: S311


class RecordingGateway:
    def send(self, phone: str, text: str, key: str = "") -> None:
        _network()
        _append("sms.log", f"{key}\t{phone}")


class RecordingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            _network()
            _append("email.log", f"{message.extra_headers.get('Message-ID', '')}\t{','.join(message.to)}")
        return len(email_messages)


def lines(name: str) -> list[list[str]]:
    path = Path(os.environ["FAULTS_OUT"]) / name
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text().splitlines() if line]
