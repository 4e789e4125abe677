"""Every write of consultations, outcomes and community rooms, split by topic. Each service checks permission,
validates, writes inside one transaction (workflow transition, duty credit, audit row) and leaves delivery to after
the commit; the effects of workflow transitions are in consultations/hooks.py.

Refusals are ValidationErrors keyed by form field, so pages show them beside the field that caused them and keep
what was typed; PermissionDenied means the person may not do this at all.

Callers write `from xieshang.consultations import services` and `services.<name>`: the public names are re-exported
here."""

from xieshang.workflow import services as workflow  # tests and the demo reach the engine as services.workflow

from ..origins import register as register_origin
from .calls import (
    DECISION_LABELS,
    ENTRY_MAX_CHARS,
    call_map_attach,
    call_open,
    call_summary_attach,
    deadline_refusal,
    entry_appeal,
    entry_moderate,
    entry_submit,
    entry_support,
)
from .invitations import invite, register
from .meeting import (
    CHECKIN_SALT,
    MATERIAL_MAX_MB,
    MATERIAL_TYPES,
    check_in,
    checkin_consultation,
    checkin_token,
    live_post,
    live_refusal,
    material_add,
    meeting_window,
    segment_add,
)
from .notices import MILESTONE_WARN_WORKING_DAYS, send_due_dispatches, send_milestone_reminders
from .outcomes import (
    minutes_save,
    outcome_rate,
    outcome_set_public,
    outcome_track,
    outcome_transition,
    progress_add,
    recommendation_add,
    topic_outcome_add,
)
from .planning import consultation_create, consultation_transition, plan_record_approval
from .portal_media import (
    PHOTO_FORMATS,
    PHOTO_MAX_PIXELS,
    PHOTO_MIN_SIDE,
    article_create,
    article_set_published,
    article_update,
    clean_photo,
    photo_add,
    photo_max_mb,
    photo_set_published,
)
from .rooms import (
    room_create,
    room_follow,
    topic_moderate,
    topic_open_conversation,
    topic_prepare,
    topic_raise,
    topic_support,
    topic_transition,
)

__all__ = [
    "DECISION_LABELS",
    "ENTRY_MAX_CHARS",
    "call_map_attach",
    "call_open",
    "call_summary_attach",
    "deadline_refusal",
    "entry_appeal",
    "entry_moderate",
    "entry_submit",
    "entry_support",
    "CHECKIN_SALT",
    "MATERIAL_MAX_MB",
    "MATERIAL_TYPES",
    "MILESTONE_WARN_WORKING_DAYS",
    "PHOTO_FORMATS",
    "PHOTO_MAX_PIXELS",
    "PHOTO_MIN_SIDE",
    "article_create",
    "article_set_published",
    "article_update",
    "check_in",
    "checkin_consultation",
    "checkin_token",
    "clean_photo",
    "consultation_create",
    "consultation_transition",
    "invite",
    "live_post",
    "live_refusal",
    "material_add",
    "meeting_window",
    "minutes_save",
    "outcome_rate",
    "outcome_set_public",
    "outcome_track",
    "register_origin",
    "outcome_transition",
    "photo_add",
    "photo_max_mb",
    "photo_set_published",
    "plan_record_approval",
    "progress_add",
    "recommendation_add",
    "register",
    "room_create",
    "room_follow",
    "segment_add",
    "send_due_dispatches",
    "send_milestone_reminders",
    "topic_open_conversation",
    "topic_outcome_add",
    "topic_prepare",
    "topic_moderate",
    "topic_raise",
    "topic_support",
    "topic_transition",
    "workflow",
]
