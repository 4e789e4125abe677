"""Who sees a session: the organization's committee staff (who run the meetings) and leaders all of them; an invited
member the sessions they are invited to, once the notice went out (a session still being planned has told no one)."""

from __future__ import annotations

from xieshang.accounts.models import Role
from xieshang.accounts.visibility import FieldIs, OrgRoles, RelatedUsers, Visibility

from .models import Attendance, Session

SESSION = Visibility(
    OrgRoles(Role.COMMITTEE_STAFF, Role.LEADER),
    RelatedUsers(Attendance, "session", user_field="member_id", unless=FieldIs("state", Session.State.PLANNED)),
)
