"""SMS both ways: a notice that asks for an answer carries a short reply code ("回复 3471 报名，回复 3472 请假"); the
person's reply comes back through the gateway's inbound address (views.sms_inbound_view) and is handled by the action
a domain app registered for it (e.g. activities: sign up or ask for leave). Every reply is recorded (InboundSms) with
what was made of it, and answered by SMS once: a delivery the provider repeats (same provider id) acts once.

The base knows no domain: apps register their actions in their wiring (register()). A handler takes (user, object
id, option) and returns the answer text, or raises ValidationError whose message is sent back; it runs the app's own
service, so its rules, permissions and audit apply as on the page."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import SmsMessage, SmsPrompt

Handler = Callable[[Any, int, str], str]  # (user, object id, option) -> the answer's text


@dataclass(frozen=True)
class Action:
    handler: Handler
    options: dict[str, Callable[[], object]]  # option digit -> its label, rendered in the recipient's language


_actions: dict[str, Action] = {}


def register(key: str, handler: Handler, options: dict[str, Callable[[], object]]) -> None:
    _actions[key] = Action(handler=handler, options=options)


@dataclass(frozen=True)
class Reply:
    """What a notice asks to be answered by SMS: the registered action, its object and how long the question stands."""

    action: str
    object_id: int
    expires_at: datetime | None = None
    options: list[str] = field(default_factory=list)  # a subset of the action's options; all of them by default


def normalize_phone(phone: str) -> str:
    """Digits only, without China's country code: "+86 138-1234-5678" and "13812345678" are the same sender."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def _free_code(phone: str) -> str:
    """Three digits no open question to this phone uses (a reply is the code followed by the option's digit)."""
    taken = set(
        SmsPrompt.objects.filter(phone=phone, answered_at__isnull=True, expires_at__gt=timezone.now()).values_list(
            "code", flat=True
        )
    )
    rng = random.SystemRandom()
    for _attempt in range(50):
        code = str(rng.randint(100, 999))
        if code not in taken:
            return code
    return str(rng.randint(1000, 9999))


def instructions(reply: Reply, code: str) -> str:
    """The sentence appended to the SMS, in the active language: "回复3471报名，回复3472请假"."""
    action = _actions[reply.action]
    digits = reply.options or list(action.options)
    parts = [
        _("回复%(code)s%(digit)s%(label)s") % {"code": code, "digit": d, "label": action.options[d]()} for d in digits
    ]
    comma = "，" if (translation.get_language() or "zh").startswith("zh") else ", "
    return comma.join(parts) + _("（回复码 %(code)s）") % {"code": code}


def attach(*, user: Any, phone: str, organization_id: int | None, reply: Reply, message_text: str) -> tuple[str, dict]:
    """The SMS text with its reply instructions and the prompt's fields (written by the caller with the message)."""
    phone = normalize_phone(phone)
    code = _free_code(phone)
    text = f"{message_text} {instructions(reply, code)}"
    action = _actions[reply.action]
    fields = {
        "phone": phone,
        "user": user,
        "organization_id": organization_id,
        "code": code,
        "action": reply.action,
        "object_id": reply.object_id,
        "options": reply.options or list(action.options),
        "expires_at": reply.expires_at or timezone.now() + timedelta(days=7),
    }
    return text, fields


def prompt_create(message: SmsMessage, fields: dict) -> SmsPrompt:
    return SmsPrompt.objects.create(message=message, **fields)


def actions() -> dict[str, Action]:
    return _actions
