"""Who configures workflows and the calendar (the system administrator, 三员分立) and who reads their records."""

import rules

from xieshang.accounts.rules import is_audit_admin, is_system_admin

for model in ("workflow", "state", "transition", "calendarday"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"workflow.{action}_{model}", is_system_admin)
# Events and reminders are records, not configuration: readable, never editable (the admin refuses changes too).
rules.add_perm("workflow.view_workflowevent", is_system_admin | is_audit_admin)
rules.add_perm("workflow.view_reminder", is_system_admin | is_audit_admin)
