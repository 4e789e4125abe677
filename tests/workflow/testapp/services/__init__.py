"""Every write of the template domain, split by topic; callers import from here:
`from tests.workflow.testapp import services` then `services.create_ticket(...)`."""

from .drafting import create_ticket, edit_ticket
from .review import add_note, answer_invitation, assign_unit, invite_reviewer

__all__ = ["add_note", "answer_invitation", "assign_unit", "create_ticket", "edit_ticket", "invite_reviewer"]
