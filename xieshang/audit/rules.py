import rules

from xieshang.accounts.rules import is_audit_admin

# Only the audit administrator reads the trail; the system and security administrators cannot (三员分立).
rules.add_perm("audit.view_auditentry", is_audit_admin)
