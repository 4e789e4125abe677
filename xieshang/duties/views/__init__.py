"""The duty pages: a member's file (member), the staff's ranking, shortfalls and rules (staff), the standing
members' annual reports (reports)."""

from .member import file_export_view, member_file_view, my_record_view
from .reports import report_action_view, report_document_view, report_view, reports_view
from .roster import roster_view
from .staff import ranking_view, rule_edit_view, rules_view, shortfalls_view

__all__ = [
    "file_export_view",
    "member_file_view",
    "my_record_view",
    "ranking_view",
    "report_action_view",
    "report_document_view",
    "report_view",
    "reports_view",
    "roster_view",
    "rule_edit_view",
    "rules_view",
    "shortfalls_view",
]
