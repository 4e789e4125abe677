"""Who may configure point rules and read others' records. A member always reads their own (views filter by user)."""

import rules

from xieshang.accounts.rules import is_system_admin

for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"duties.{action}_dutyrule", is_system_admin)
rules.add_perm("duties.view_dutyentry", is_system_admin)
