"""The default proposal (提案) and micro-proposal (微提案) workflows of shared/domain.md, as data.

Installed by migration 0002 and editable afterwards in the admin (or copied per organization). Names are Chinese source
text; the engine stores them as typed. Roles are organization roles (accounts.Role values) or the relational roles
registered in registry.py: submitter, entering_staff, cosigner, signer, assigned_unit, lead_unit, co_handler,
key_leader. Conditions are registered in registry.py too; they guard what only a domain service can prepare (a reply,
the units, the ratings), so that the generic transition endpoint can never move a proposal past missing data.

What each state allows is data too: "edit" (the submitter edits: the draft, also after a return for revision),
"cosign" (co-signing open: draft and submitted), "comment" (readers may remark: the live states from submission to
confirmation; remarks written stay visible), "rate" and "edit_reply".

Deadline amounts are data here: receipt 10 working days, handling 3 months extendable to 6 (both counted from the
assignment: the due policy in hooks.py and services.handling_extend), and so on. The "fast_track" setting
gives shorter amounts per state for time-sensitive proposals (registry.fast_track_due)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from .micro import MICRO_PROPOSAL_WORKFLOW
from .proposal import PROPOSAL_WORKFLOW, STAFF

__all__ = ["STAFF", "WORKFLOWS", "PROPOSAL_WORKFLOW", "MICRO_PROPOSAL_WORKFLOW", "register_requirements"]

PROPOSAL_STATE_TAGS = {
    "draft": ["draft"],
    "submitted": ["office"],
    "pre_accepted": ["office"],
    "under_review": ["office", "review"],
    "filed": ["office", "classify"],
    "classified": ["office", "classify"],
    "numbered": ["office", "planning", "to_plan", "assignment_queue"],
    "assignment_pending": ["approval"],
    "assignment_approved": ["office", "planning", "assignment_queue"],
    "assigned": ["unit", "receipt"],
    "returned": ["office", "unit", "returns", "assignment_queue"],
    "handling": ["unit", "handling"],
    "countersigning": ["unit", "countersigning"],
    "supervisor_review": ["supervision"],
    "replied": ["rating"],
    "rehandling": ["unit", "handling", "rehandling"],
    "rated": ["office"],
    "confirmed": ["office"],
    "closed": ["closed"],
    "merged": ["dropped"],
    "converted": ["dropped"],
    "not_filed": ["dropped"],
    "withdrawn": ["dropped"],
}
MICRO_STATE_TAGS = {
    "draft": ["draft"],
    "submitted": ["office", "review", "planning", "to_plan", "returns"],
    "handling": ["unit", "handling"],
    "replied": ["rating"],
    "closed": ["closed"],
    "not_filed": ["dropped"],
    "withdrawn": ["dropped"],
}


def _tagged(definition: dict, tags: dict) -> dict:
    return {**definition, "states": [{**s, "tags": list(tags.get(s["key"], ()))} for s in definition["states"]]}


PROPOSAL_WORKFLOW = _tagged(PROPOSAL_WORKFLOW, PROPOSAL_STATE_TAGS)
MICRO_PROPOSAL_WORKFLOW = _tagged(MICRO_PROPOSAL_WORKFLOW, MICRO_STATE_TAGS)
WORKFLOWS = (PROPOSAL_WORKFLOW, MICRO_PROPOSAL_WORKFLOW)


# The phase tags code asks of a proposal's state (workflow.selectors.state_has / state_tag; every tag of the tables
# above is asked somewhere), and what each means:
#   draft            the submitter's own until submitted (no overseer reads it; edit and withdraw signatures)
#   office           the proposals office acts (the staff queue's default)
#   review           the review decision is taken here (file / merge / convert / not file; micro: accept or not)
#   classify         filed, category and key-proposal marking open
#   planning         the assignment plan may be set; to_plan: no plan sent yet (routing suggestions)
#   assignment_queue the assignment queue's default (plans to make or send, returns to decide)
#   approval         the leader approves the assignment plan
#   unit             the assigned units have work (the unit inbox); receipt: units sign for it or return it
#   returns          a unit's return awaits the office's decision
#   handling         units handle and reply (rehandling included); rehandling: after a dissatisfied rating
#   countersigning   co-handlers countersign the lead unit's reply
#   supervision      the supervisor reviews the reply
#   rating           the signers rate the reply
#   closed           handled to the end, awaiting archiving (no fast track, no key-proposal follow-up)
#   dropped          ended without being handled (merged, converted, not filed, withdrawn): no merge target
PROPOSAL_TAGS = sorted({t for tags in PROPOSAL_STATE_TAGS.values() for t in tags})
MICRO_TAGS = sorted({t for tags in MICRO_STATE_TAGS.values() for t in tags})
# Transitions the services take by key (a service is the transition's only door, with its own validation).
PROPOSAL_TRANSITIONS = [
    *("submit", "file", "merge", "convert", "not_file", "classify", "number", "propose_assignment"),
    *("approve_assignment", "reject_assignment", "assign", "start_handling", "unit_return", "reassign"),
    *("refuse_return", "reply", "submit_for_review", "approve_reply", "send_back", "rehandle", "finish_rating"),
    *("confirm", "close", "archive"),
]
MICRO_TRANSITIONS = ["submit", "not_file", "accept", "unit_return", "reply", "rehandle", "finish_rating"]


def register_requirements() -> None:
    """Declare to the engine what proposals code names in these workflows (checked by workflow.E001). No state key
    is named: code asks the tags above. The flags are read by rules.py (edit, cosign, rate, comment)."""
    from xieshang.workflow import registry

    registry.register_requirements(
        "proposal",
        tags=PROPOSAL_TAGS,
        transitions=PROPOSAL_TRANSITIONS,
        flags=("edit", "cosign", "rate", "comment"),
    )
    registry.register_requirements(
        "micro_proposal", tags=MICRO_TAGS, transitions=MICRO_TRANSITIONS, flags=("edit", "rate", "comment")
    )


DEFAULT_CATEGORIES = [
    ("economy", gettext_noop("经济建设")),
    ("politics", gettext_noop("政治建设")),
    ("culture", gettext_noop("文化建设")),
    ("society", gettext_noop("社会建设")),
    ("ecology", gettext_noop("生态文明建设")),
]

DEFAULT_NOT_FILED_GROUNDS = [
    gettext_noop("不属于政协履职范围"),
    gettext_noop("涉及党和国家秘密"),
    gettext_noop("涉及民族宗教等敏感问题且不宜公开讨论"),
    gettext_noop("属于学术探讨或个人事务"),
    gettext_noop("一案多事或内容空泛、缺乏具体建议"),
    gettext_noop("所提问题已经解决或正在解决"),
    gettext_noop("属于司法机关正在审理或应通过诉讼、信访途径解决的事项"),
    gettext_noop("同一届内已提出并已答复，且无新情况、新建议"),
]
