"""Every write of the opinions domain, by topic:

- collection.py: collecting reports (收稿), also from a proposal converted to a suggestion;
- review.py: editing the text and the transitions without records (start editing, approve, send back, archive,
  close);
- bulletins.py: bulletin issues (create, fill, number and publish);
- sending.py: sending up (报送), forwarding to bureaus (转办) and their replies, leaders' instructions (批示);
- adoption.py: adoptions (采用) and the authors' duty credit.

Each service checks permission, validates, writes inside one transaction (including the workflow transition and
the duty credit) and leaves notifications and search indexing to after the commit. Refusals are ValidationErrors
keyed by form field, so pages show them beside the field that caused them."""

from ._base import AUTHOR_MEMBER_ROLES, WORKFLOW_KEY
from .adoption import RECORDABLE_TAG, adoption_record
from .bulletins import issue_add_reports, issue_create, issue_publish, issue_remove_report
from .collection import report_from_proposal, report_submit
from .review import SIMPLE_TRANSITIONS, report_edit, report_transition
from .sending import (
    forward_reply,
    instruction_record,
    issue_send,
    recipients_ensure_defaults,
    report_forward,
    report_send,
)

__all__ = [
    "AUTHOR_MEMBER_ROLES",
    "RECORDABLE_TAG",
    "SIMPLE_TRANSITIONS",
    "WORKFLOW_KEY",
    "adoption_record",
    "forward_reply",
    "instruction_record",
    "issue_add_reports",
    "issue_create",
    "issue_publish",
    "issue_remove_report",
    "issue_send",
    "recipients_ensure_defaults",
    "report_edit",
    "report_forward",
    "report_from_proposal",
    "report_send",
    "report_submit",
    "report_transition",
]
