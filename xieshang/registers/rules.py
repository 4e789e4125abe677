"""Permissions of the registers: the conference's staff record; staff and leaders read."""

import rules

from xieshang.accounts.rules import is_conference_staff, is_leader

# object: the organization
rules.add_perm("registers.record", is_conference_staff)
rules.add_perm("registers.view", is_conference_staff | is_leader)
