"""Effects of the consultation, outcome and room-topic workflows' transitions: public `on_<transition>(obj, event,
payload)` functions that the engine calls inside the transition's transaction; register() hands them to it.

Besides the named transitions, every transition of the three workflows re-indexes its object for search and
remembers whether notifications were suppressed when it happened (the engine's notifier runs after the commit,
when notifications.services.suppressed() may be long over)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.services import text_error
from xieshang.duties.services import duty_credit
from xieshang.notifications.services import notify
from xieshang.registers import services as registers
from xieshang.workflow import registry
from xieshang.workflow.calendar import add_working_days

from . import following, search_wiring
from .models import Consultation, Dispatch
from .selectors import room_followers
from .services._base import settings_for
from .services.cross_region import member_org
from .workflows import CONSULTATION_WORKFLOW, HANDLING_WORKFLOW, OUTCOME_WORKFLOW, TOPIC_WORKFLOW

C_WF, O_WF, T_WF = CONSULTATION_WORKFLOW["key"], OUTCOME_WORKFLOW["key"], TOPIC_WORKFLOW["key"]
H_WF = HANDLING_WORKFLOW["key"]


def _payload_text(payload, name: str, model_field: str, label) -> str:
    """A typed value of a workflow form, refused (not cut short) when longer than the field that keeps it."""
    value = str(payload.get(name, "") or "").strip()
    # An empty value is left to the payload's required fields; only the length is checked here.
    error = text_error(value, Consultation._meta.get_field(model_field).max_length, label) if value else None
    if error:
        raise ValidationError({name: error})
    return value


# ---------------------------------------------------------------------------------------------------- consultation
def on_propose(consultation: Consultation, event, payload) -> None:
    """The chairs' meeting that proposed the topic, as staff typed it."""
    consultation.chairs_meeting = _payload_text(payload, "meeting", "chairs_meeting", _("主席会议"))
    consultation.save(update_fields=["chairs_meeting"])


def on_approve(consultation: Consultation, event, payload) -> None:
    """The party committee's approval as staff recorded it: body, document reference and date (validated by the
    transition's condition), kept on the consultation for the plan page and in the event's payload for the record.
    Then the notice and the materials fall due so many working days before the meeting."""
    consultation.approval_body = _payload_text(payload, "body", "approval_body", _("批准机关"))
    consultation.approval_document = _payload_text(payload, "document", "approval_document", _("批准文号"))
    consultation.approved_on = date.fromisoformat(str(payload["approved_on"]).strip())
    consultation.save(update_fields=["approval_body", "approval_document", "approved_on"])
    _schedule_dispatches(consultation)


def _schedule_dispatches(consultation: Consultation) -> None:
    conf = settings_for(consultation)
    for kind, days in (
        (Dispatch.Kind.NOTICE, conf["notice_working_days"]),
        (Dispatch.Kind.MATERIALS, conf["materials_working_days"]),
    ):
        due = add_working_days(consultation.planned_date, -int(days))
        Dispatch.objects.update_or_create(consultation=consultation, kind=kind, defaults={"due_on": due})


def on_schedule(consultation: Consultation, event, payload) -> None:
    """A 提案办理协商 starts scheduled: its notice and materials fall due as an approved consultation's do (at once
    when the meeting is nearer than the lead time)."""
    _schedule_dispatches(consultation)


def on_hold(consultation: Consultation, event, payload) -> None:
    """The members of a host who spoke on the agenda are credited a speech."""
    for segment in consultation.segments.filter(speaker__isnull=False).select_related("speaker"):
        org_id = member_org(segment.speaker, consultation)
        if org_id is not None:
            duty_credit(
                member=segment.speaker,
                organization=org_id,
                rule_key="consultation_speech",
                source=consultation,
                note=segment.get_kind_display(),
                occurred_on=consultation.planned_date,
                actor=event.actor,
            )


def on_report_minutes(consultation: Consultation, event, payload) -> None:
    consultation.minutes_sent_at = event.at
    consultation.save(update_fields=["minutes_sent_at"])


# ---------------------------------------------------------------------------------------------------- outcome
def on_instruct(outcome, event, payload) -> None:
    outcome.instruction = str(payload.get("instruction", ""))
    outcome.save(update_fields=["instruction"])


def on_reject(outcome, event, payload) -> None:
    outcome.not_adopted_reason = event.reason
    outcome.save(update_fields=["not_adopted_reason"])


def on_complete(outcome, event, payload) -> None:
    """Done: dated, and the room's followers are invited to rate a room outcome."""
    outcome.done_at = event.at
    outcome.save(update_fields=["done_at"])
    if outcome.topic_id:
        notify(
            recipients=room_followers(outcome.topic.room),
            kind="consultations.outcome_done",
            title=lambda: _("议事成果已办结：%(title)s") % {"title": outcome.title},
            body=lambda: _("欢迎对落实效果进行评价。"),
            url=outcome.get_absolute_url(),
            organization=outcome.organization_id,
        )


# ---------------------------------------------------------------------------------------------------- room topic
def on_topic_hold(topic, event, payload) -> None:
    """The members among the participants are credited a room activity."""
    for user in topic.participants.all():
        if has_role(user, Role.MEMBER, topic.organization_id):
            duty_credit(
                member=user,
                organization=topic.organization_id,
                rule_key="room_activity",
                source=topic,
                occurred_on=timezone.localdate(event.at),
                actor=event.actor,
            )


def on_topic_finish(topic, event, payload) -> None:
    """A topic carried out is a practical matter done for residents: it enters the registers' ledger (办实事台账)."""
    topic.done_at = event.at
    topic.save(update_fields=["done_at"])
    registers.record_matter_from(
        topic,
        organization_id=topic.organization_id,
        title=topic.title,
        done_on=timezone.localdate(event.at),
        source="room",
        place=topic.room.name,
    )


# ---------------------------------------------------------------------------------------------------- every transition
def on_consultation_any(consultation, event, payload) -> None:
    search_wiring.index_consultation(consultation.pk)
    following.moved(consultation, event)


def on_outcome_any(outcome, event, payload) -> None:
    search_wiring.index_outcome(outcome.pk)
    following.moved(outcome, event)


def on_topic_any(topic, event, payload) -> None:
    search_wiring.index_topic(topic.pk)
    following.moved(topic, event)


def notifier(obj, event):
    """The engine's notification of a transition: its `notify` roles, with the state reached and the reason."""
    from xieshang.core.names import named
    from xieshang.workflow.services import state_body, users_for_roles

    if event.transition_id is None:
        return []
    people = users_for_roles(obj, event.transition.notify or [])
    if not people:
        return []

    def title():  # rendered in each recipient's language (notifications.services.notify)
        return _("%(obj)s：%(action)s") % {"obj": str(obj)[:40], "action": named(event.transition_name)}

    return [(people, title, state_body(event), obj.get_absolute_url())]


def register() -> None:
    registry.register_hook(C_WF, "propose", on_propose)
    registry.register_hook(C_WF, "approve", on_approve)
    registry.register_hook(C_WF, "hold", on_hold)
    registry.register_hook(C_WF, "report_minutes", on_report_minutes)
    registry.register_hook(O_WF, "instruct", on_instruct)
    registry.register_hook(O_WF, "reject", on_reject)
    registry.register_hook(O_WF, "complete", on_complete)
    registry.register_hook(T_WF, "hold", on_topic_hold)
    registry.register_hook(T_WF, "finish", on_topic_finish)
    registry.register_hook(C_WF, registry.ANY, on_consultation_any)
    registry.register_hook(O_WF, registry.ANY, on_outcome_any)
    registry.register_hook(T_WF, registry.ANY, on_topic_any)
    registry.register_hook(H_WF, registry.START, on_schedule)
    registry.register_hook(H_WF, "hold", on_hold)
    registry.register_hook(H_WF, "report_minutes", on_report_minutes)
    registry.register_hook(H_WF, registry.ANY, on_consultation_any)
    for key in (C_WF, O_WF, T_WF, H_WF):
        registry.register_notifier(key, notifier)
