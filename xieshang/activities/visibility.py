"""Who sees an activity: the organization's committee staff (who organize them) all of them; an invited member the
activities they are invited to, once published (an activity still being planned has sent no notice yet)."""

from __future__ import annotations

from xieshang.accounts.models import Role
from xieshang.accounts.visibility import FieldIs, OrgRoles, RelatedUsers, Visibility

from .models import Activity, Participation

ACTIVITY = Visibility(
    OrgRoles(Role.COMMITTEE_STAFF),
    RelatedUsers(Participation, "activity", user_field="member_id", unless=FieldIs("state", Activity.State.PLANNED)),
)
