"""Who may open a report (社情民意信息), written once and read three ways (accounts.visibility): the list filter
(selectors.visible_reports), the permission "opinions.view_report" (rules.py) and the search readers
(search_wiring.report_document).

- its authors (the submitter and every co-author);
- the information staff and leaders of its organization;
- the readers of an inbox it was sent to: the recipient's named accounts, and the information staff and leaders of
  a conference it was sent up to (RecipientReaders, a small audience of this domain);
- the officers of a unit it was forwarded to;
- the proposals staff, for a report that is a proposal converted to a suggestion (转为意见建议)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from xieshang.accounts.models import Role
from xieshang.accounts.relations import Relation
from xieshang.accounts.selectors import roles_by_organization
from xieshang.accounts.visibility import (
    Audience,
    Condition,
    OrgRoles,
    Readers,
    RelatedUnits,
    RelatedUsers,
    UserField,
    Visibility,
)

from .models import Dispatch, Forward, Recipient, ReportAuthor

# Who reads a conference's inbox of reports sent up to it.
INBOX_ROLES = frozenset({Role.INFORMATION_STAFF, Role.LEADER})
# Roles of the report's own organization that open every report of it.
READERS = (Role.INFORMATION_STAFF, Role.LEADER)


def inbox_organization_ids(user) -> set[int]:
    """Conferences whose inbox the user reads (as their information staff or leader)."""
    return {org_id for org_id, roles in roles_by_organization(user).items() if roles & INBOX_ROLES}


def recipient_reader_q(user, prefix: str = "recipient__") -> Q:
    """Recipients (seen from `prefix`) whose inbox the user reads: named on it, or reading the conference it is."""
    return Q(**{f"{prefix}users": user}) | Q(**{f"{prefix}target_organization_id__in": inbox_organization_ids(user)})


class RecipientReaders(Audience):
    """Readers of the inboxes a report was sent to (rows of Dispatch)."""

    def _rows(self, user, **filters):
        return Dispatch.objects.filter(**filters).filter(recipient_reader_q(user))

    def q(self, user, org_id):
        return Q(Exists(self._rows(user, report_id=OuterRef("pk"))))

    def holds(self, user, obj):
        return self._rows(user, report_id=obj.pk).exists()

    def readers(self, obj):
        found = Readers()
        for recipient in Recipient.objects.filter(pk__in=Dispatch.objects.filter(report_id=obj.pk).values("recipient")):
            found.user_ids |= {u.pk for u in recipient.users.all()}
            if recipient.target_organization_id:
                found.org_roles |= {(recipient.target_organization_id, str(role)) for role in INBOX_ROLES}
        return found


def _from_a_proposal(report) -> bool:
    if not report.source_content_type_id:
        return False
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_id(report.source_content_type_id)
    return (content_type.app_label, content_type.model) == ("proposals", "proposal")


FROM_A_PROPOSAL = Condition(
    q=lambda: Q(source_content_type__app_label="proposals", source_content_type__model="proposal"),
    test=_from_a_proposal,
)

# Relations the report workflow names as roles (roles.py registers them): each is also an audience of REPORT.
AUTHOR = Relation(
    "author",
    UserField("submitter_id"),
    RelatedUsers(ReportAuthor, "report"),
    label=gettext_lazy("作者"),
    # whom the engine tells: the authors in their order
    members=lambda report: [link.user for link in report.author_links.select_related("user")],
)
FORWARDED_UNIT = Relation("forwarded_unit", RelatedUnits(Forward, "report"), label=gettext_lazy("转办承办单位"))

REPORT = Visibility(
    *AUTHOR.audiences,
    OrgRoles(*READERS),
    RecipientReaders(),
    *FORWARDED_UNIT.audiences,
    OrgRoles(Role.PROPOSALS_STAFF, when=FROM_A_PROPOSAL),
)
