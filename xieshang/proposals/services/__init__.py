"""Every write on proposals and micro-proposals, by topic (the Zulip actions layout): drafting, cosign, review,
assignment, handling, replies, rating, publishing; _base holds the private helpers. Callers write
`from xieshang.proposals import services` or `from xieshang.proposals.services import proposal_create`.

Each service checks the actor's right, validates (ValidationError with field keys, Chinese messages, so forms show
them beside the field), writes inside one transaction with the proposal's row locked, and moves the proposal through
the workflow engine where the state changes. The engine writes the event, the audit row and schedules the
notifications; services write an audit row for their own writes that are not transitions.

Refusals:
- ValidationError: bad input (body too long, missing grade, return without a reason, a second rating …);
- PermissionDenied: the actor may not do this at all;
- xieshang.workflow.exceptions.TransitionError (InvalidEdge, NotAllowed, ConditionFailed, Conflict …): the action is
  not possible in the proposal's current state, with the reason. Nothing is written in any of these cases."""

from xieshang.workflow.exceptions import TransitionError

from ._base import MEMBER_ROLES
from .assignment import (
    assignment_approve,
    assignment_plan,
    assignment_propose,
    assignment_receive,
    assignment_reject,
    assignment_return,
    bulk_assign,
    micro_accept,
    proposal_assign,
    return_reassign,
    return_refuse,
)
from .contacts import contact_record, contact_respond
from .cosign import (
    cosign_decline,
    cosign_invite,
    cosign_sign,
    cosign_withdraw,
    workflow_deadline_days,
)
from .drafting import (
    attachment_add,
    attachment_remove,
    proposal_create,
    proposal_submit,
    proposal_update,
)
from .handling import (
    cohandler_opinion,
    handling_extend,
)
from .key import (
    key_candidate_propose,
    key_instruction_record,
    key_meeting_publish,
    key_meeting_record,
    key_milestone_add,
    key_progress_report,
    key_supervisor_add,
)
from .key_supervision import (
    key_assessment_record,
    key_consultation_create,
    key_meeting_invitees,
    key_summary_finalize,
)
from .publishing import (
    COMMENT_MAX_CHARS,
    comment_add,
    excellent_select,
    proposal_archive,
    reply_publish,
)
from .rating import (
    proposal_close,
    proposal_confirm,
    rating_submit,
)
from .replies import (
    contact_required,
    rehandle_contact,
    reply_approve,
    reply_countersign,
    reply_send_back,
    reply_submit,
    signed_letter_add,
)
from .review import (
    mark_key,
    proposal_classify,
    proposal_number,
    proposal_review,
    proposal_transition,
    set_fast_track,
)

__all__ = [
    "COMMENT_MAX_CHARS",
    "MEMBER_ROLES",
    "TransitionError",
    "assignment_approve",
    "assignment_plan",
    "assignment_propose",
    "assignment_receive",
    "assignment_reject",
    "assignment_return",
    "attachment_add",
    "attachment_remove",
    "bulk_assign",
    "cohandler_opinion",
    "comment_add",
    "cosign_decline",
    "cosign_invite",
    "cosign_sign",
    "cosign_withdraw",
    "excellent_select",
    "handling_extend",
    "key_candidate_propose",
    "key_instruction_record",
    "key_meeting_publish",
    "key_meeting_record",
    "key_milestone_add",
    "key_progress_report",
    "key_supervisor_add",
    "key_assessment_record",
    "key_consultation_create",
    "key_meeting_invitees",
    "key_summary_finalize",
    "mark_key",
    "micro_accept",
    "proposal_archive",
    "proposal_assign",
    "proposal_classify",
    "proposal_close",
    "proposal_confirm",
    "proposal_create",
    "proposal_number",
    "proposal_review",
    "proposal_submit",
    "proposal_transition",
    "proposal_update",
    "rating_submit",
    "rehandle_contact",
    "contact_record",
    "contact_respond",
    "contact_required",
    "signed_letter_add",
    "reply_approve",
    "reply_countersign",
    "reply_publish",
    "reply_send_back",
    "reply_submit",
    "return_reassign",
    "return_refuse",
    "set_fast_track",
    "workflow_deadline_days",
]
