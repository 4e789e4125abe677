"""Replies that come back by SMS (notifications.replies asks the questions): each is recorded, matched to its
question by the sender's number and reply code, handled by the registered action and answered once."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import InboundSms, SmsPrompt
from .replies import actions, normalize_phone
from .services import sms_send

# The code (3 or 4 digits) and the option's digit, together ("3471") or apart ("347 1", "347-1"); or a lone digit.
_REPLY = re.compile(r"^\s*(?:(\d{3,4})\s*[-\s.]?\s*)?(\d)\s*$")


def _parse(text: str) -> tuple[str, str] | None:
    """(code, option) from "3471", "347 1", "３４７１" or a lone "1" (code ""); None for anything else."""
    match = _REPLY.match(unicodedata.normalize("NFKC", text or ""))
    if match is None:
        return None
    return match.group(1) or "", match.group(2)


def receive(*, provider_id: str, phone: str, text: str) -> InboundSms:
    """Record and handle one reply. A provider id seen before returns the first record: nothing acts twice."""
    from xieshang.core import limits

    seen = InboundSms.objects.filter(provider_id=provider_id[:120]).first()
    if seen is not None:
        return seen
    phone = normalize_phone(phone)
    text = (text or "").strip()[:500]
    if limits.hit("sms_inbound", phone=phone):
        # a flood from one number is recorded but neither handled nor answered (no SMS loop with a machine)
        return _record(provider_id, phone, text, InboundSms.Result.LIMITED, None, "", answer=False)
    parsed = _parse(text)
    if parsed is None:
        return _record(provider_id, phone, text, InboundSms.Result.UNKNOWN, None, _unknown_text(phone))
    code, option = parsed
    prompt, problem = _prompt_for(phone, code)
    if prompt is None:
        return _record(provider_id, phone, text, *problem)
    return _handle(provider_id, phone, text, prompt, option)


def _prompt_for(phone: str, code: str) -> tuple[SmsPrompt | None, tuple]:
    now = timezone.now()
    asked = SmsPrompt.objects.filter(phone=phone).select_related("user")
    if code:
        prompt = asked.filter(code=code).order_by("-created_at").first()
        if prompt is None:
            return None, (InboundSms.Result.UNKNOWN, None, _unknown_text(phone))
        if prompt.expires_at <= now:
            with translation.override(_language(prompt.user)):
                return None, (
                    InboundSms.Result.EXPIRED,
                    prompt,
                    _("回复码 %(code)s 已过期，请登录平台办理。") % {"code": code},
                )
        return prompt, ()
    open_ones = list(asked.filter(answered_at__isnull=True, expires_at__gt=now)[:2])
    if len(open_ones) == 1:
        return open_ones[0], ()
    return None, (InboundSms.Result.UNKNOWN, None, _unknown_text(phone))


def _handle(provider_id: str, phone: str, text: str, prompt: SmsPrompt, option: str) -> InboundSms:
    user = prompt.user
    with translation.override(_language(user)):
        if option not in prompt.options:
            offered = "、".join(prompt.options)
            detail = _("回复码 %(code)s 只能接 %(digits)s。") % {"code": prompt.code, "digits": offered}
            return _record(provider_id, phone, text, InboundSms.Result.UNKNOWN, prompt, detail)
        if prompt.answered_at is not None:
            detail = _("您已回复过（%(answer)s），如需更改请登录平台办理。") % {"answer": prompt.answer}
            return _record(provider_id, phone, text, InboundSms.Result.ANSWERED, prompt, detail)
        action = actions().get(prompt.action)
        if action is None or not user.is_active:
            return _record(provider_id, phone, text, InboundSms.Result.REFUSED, prompt, _("该事项已不能通过短信办理。"))
        try:
            with transaction.atomic():
                answer = action.handler(user, prompt.object_id, option)
                updated = SmsPrompt.objects.filter(pk=prompt.pk, answered_at__isnull=True).update(
                    answered_at=timezone.now(), answer=option
                )
                if not updated:  # a concurrent reply to the same question won
                    raise _AlreadyAnswered
        except _AlreadyAnswered:
            detail = _("您已回复过，如需更改请登录平台办理。")
            return _record(provider_id, phone, text, InboundSms.Result.ANSWERED, prompt, detail)
        except ValidationError as exc:
            return _record(provider_id, phone, text, InboundSms.Result.REFUSED, prompt, " ".join(_messages(exc)))
        return _record(provider_id, phone, text, InboundSms.Result.DONE, prompt, str(answer))


class _AlreadyAnswered(Exception):
    pass


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def _language(user: Any) -> str:
    return (getattr(user, "language", "") if user is not None else "") or settings.LANGUAGE_CODE


def _unknown_text(phone: str) -> str:
    user = get_user_model().objects.filter(phone=phone).first()
    with translation.override(_language(user)):
        return _("未能识别您的回复。请按短信提示回复代码和数字，例如 3471；其他事项请登录平台办理。")


def _record(
    provider_id: str,
    phone: str,
    text: str,
    result: str,
    prompt: SmsPrompt | None,
    detail: str,
    *,
    answer: bool = True,
) -> InboundSms:
    try:
        with transaction.atomic():
            row = InboundSms.objects.create(
                provider_id=provider_id[:120],
                organization_id=prompt.organization_id if prompt is not None else _last_asked_by(phone),
                phone=phone,
                text=text,
                prompt=prompt,
                result=result,
                detail=detail[:300],
            )
            if answer and detail and phone:
                # keyed by the provider's id: the answer goes out once even if this runs again
                row.answer = sms_send(
                    phone=phone, text=detail, key=f"sms-answer:{provider_id}"[:120], organization_id=row.organization_id
                )
                row.save(update_fields=["answer"])
    except IntegrityError:  # the same delivery recorded concurrently
        return InboundSms.objects.get(provider_id=provider_id[:120])
    return row


def _last_asked_by(phone: str) -> int | None:
    """A reply that answers no question belongs to the organization that last asked this number one (its staff see
    it in their log); None when nobody did."""
    return (
        SmsPrompt.objects.filter(phone=phone).order_by("-created_at").values_list("organization_id", flat=True).first()
    )
