"""Who reads the work report's figures: the conference's staff and leaders (the drill-down lists records, so each
list still shows only what the reader's organization holds)."""

import rules

from xieshang.accounts.rules import is_conference_staff, is_leader

rules.add_perm("stats.view_report", is_conference_staff | is_leader)
rules.add_perm("stats.view_dashboard", is_leader | is_conference_staff)
