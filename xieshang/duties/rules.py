"""Who may do what with duty records. A member always reads his own file (views filter by user); the organization's
committee staff (who keep the members' files), leaders and the system administrator read every member's file and the
ranking; committee staff and the system administrator edit the rules and review the standing members' reports."""

import rules

from xieshang.accounts.rules import (
    is_committee_staff,
    is_conference_staff,
    is_leader,
    is_member,
    is_standing_member,
    is_system_admin,
)

can_read_files = is_committee_staff | is_leader | is_system_admin
can_manage = is_committee_staff | is_system_admin

for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"duties.{action}_dutyrule", is_system_admin)
rules.add_perm("duties.view_dutyentry", is_system_admin)

# Object: the organization.
rules.add_perm("duties.view_files", can_read_files)
rules.add_perm("duties.manage_rules", can_manage)
rules.add_perm("duties.review_report", can_manage)
rules.add_perm("duties.keep_file", is_member | is_standing_member)
# The member directory: members and staff read it; phone numbers are for staff only.
rules.add_perm("duties.view_roster", is_member | is_standing_member | is_conference_staff | is_leader | is_system_admin)
rules.add_perm("duties.view_phones", is_conference_staff | is_system_admin)


@rules.predicate
def is_report_author(user, report=None) -> bool:
    return report is not None and report.member_id == getattr(user, "pk", None)


@rules.predicate
def report_is_editable(user, report=None) -> bool:
    return report is not None and report.state in ("draft", "returned")


# Object: a report.
rules.add_perm("duties.draft_report", is_standing_member)
rules.add_perm("duties.edit_report", is_report_author & report_is_editable)
rules.add_perm("duties.view_report", is_report_author | can_read_files)
