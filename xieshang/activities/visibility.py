"""Who sees an activity: the organization's committee staff (who organize them) all of them; an invited member the
activities they are invited to, once published (an activity still being planned has sent no notice yet).

The relations are written once (accounts.relations): ORGANIZER is both an audience of ACTIVITY and the permission
to run an activity and its participations (rules.py); PARTICIPANT is a member's own participation."""

from __future__ import annotations

from xieshang.accounts.models import Role
from xieshang.accounts.relations import Relation
from xieshang.accounts.visibility import FieldIs, OrgRoles, RelatedUsers, UserField, Visibility

from .models import Activity, Participation


def _activity(obj):
    """The activity a permission is asked about: the object itself, or the activity of a participation."""
    return getattr(obj, "activity", obj)


ORGANIZER = Relation("organizer", OrgRoles(Role.COMMITTEE_STAFF), subject=_activity)
PARTICIPANT = Relation("participant", UserField("member_id"))  # object: a participation

ACTIVITY = Visibility(
    *ORGANIZER.audiences,
    RelatedUsers(Participation, "activity", user_field="member_id", unless=FieldIs("state", Activity.State.PLANNED)),
)
