"""Who sees an activity: the organization's committee staff (who organize them) all of them; an invited member the
activities they are invited to, once published (an activity still being planned has sent no notice yet)."""

from __future__ import annotations

from django.db.models import Q

from xieshang.accounts.models import Role
from xieshang.accounts.visibility import Condition, FieldIs, OrgRoles, RelatedUsers, Visibility

from .models import Activity, Participation

# An audience without a condition gives an empty Q(), which Django drops when it is OR-ed with another audience's
# condition (Q() | q == q), so staff would see only what the other audiences allow. "Any row" as an explicit
# condition keeps the OR whole.
ANY_ROW = Condition(q=lambda: Q(pk__isnull=False), test=lambda obj: True)

ACTIVITY = Visibility(
    OrgRoles(Role.COMMITTEE_STAFF, when=ANY_ROW),
    RelatedUsers(Participation, "activity", user_field="member_id", unless=FieldIs("state", Activity.State.PLANNED)),
)
