"""大会发言: an invited member submits a written speech (credited as a written speech); staff select speeches for
oral delivery; a selected speech, once delivered at the meeting, earns the oral speech's points too."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record

from ..models import Session, Speech
from ._base import lock, must_be_open, now, refresh, require, started, text_error
from .credit import credit_speech_delivered, credit_speech_submitted

SPEECH_MAX = 5000
Status = Speech.Status


def speech_submit(*, actor: Any, session: Session, title: str, text: str) -> Speech:
    require(actor, "assemblies.submit_speech", session, _("只有受邀出席本次会议的委员可以提交大会发言。"))
    must_be_open(session, _("提交大会发言"))
    errors: dict[str, str] = {}
    if message := text_error(title, 120, _("发言题目")):
        errors["title"] = message
    if message := text_error(text, SPEECH_MAX, _("发言稿")):
        errors["text"] = message
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # A repeated post (a double click, a resent form) is the same speech, not a second one.
        lock(session)
        same = session.speeches.filter(member=actor, title=title.strip(), text=text.strip()).first()
        if same is not None:
            return same
        speech = Speech.objects.create(
            session=session,
            organization_id=session.organization_id,
            member=actor,
            title=title.strip(),
            text=text.strip(),
        )
        credit_speech_submitted(speech, actor=actor)
        audit_record(actor=actor, action="assemblies.speech_submit", obj=session, detail={"speech": speech.pk})
    return speech


def speech_select(*, actor: Any, speech: Speech, selected: bool) -> Speech:
    """Select a written speech for oral delivery, or take it back off the list (before it is delivered)."""
    require(actor, "assemblies.select_speech", speech)
    must_be_open(speech.session, _("遴选发言"))
    with transaction.atomic():
        locked = lock(speech)
        if locked.status == Status.DELIVERED:
            raise ValidationError(_("该发言已口头发言，不能再更改遴选。"))
        target = Status.SELECTED if selected else Status.SUBMITTED
        if locked.status != target:
            locked.status = target
            locked.selected_by = actor if selected else None
            locked.selected_at = now() if selected else None
            locked.save(update_fields=["status", "selected_by", "selected_at"])
            audit_record(
                actor=actor,
                action="assemblies.speech_select",
                obj=speech.session,
                detail={"speech": speech.pk, "selected": selected},
            )
        refresh(speech, locked)
    return speech


def speech_deliver(*, actor: Any, speech: Speech) -> Speech:
    """Record that a selected speech was delivered at the meeting (after the opening); credited once."""
    require(actor, "assemblies.deliver_speech", speech)
    session = speech.session
    must_be_open(session, _("登记口头发言"))
    if not started(session):
        raise ValidationError(_("会议尚未开幕，不能登记口头发言。"))
    with transaction.atomic():
        locked = lock(speech)
        if locked.status == Status.DELIVERED:
            return refresh(speech, locked)
        if locked.status != Status.SELECTED:
            raise ValidationError(_("只有安排口头发言的发言可以登记为已发言。"))
        locked.status = Status.DELIVERED
        locked.delivered_at = now()
        locked.save(update_fields=["status", "delivered_at"])
        refresh(speech, locked)
        credit_speech_delivered(speech, actor=actor)
        audit_record(actor=actor, action="assemblies.speech_deliver", obj=session, detail={"speech": speech.pk})
    return speech
