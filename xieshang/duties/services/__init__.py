"""Writes of duty records (履职档案). Every source credits through `credit` (one act) or `credit_many` (a batch, e.g.
an Excel import of attendance); nothing else writes an entry. `duty_credit` is the former name of `credit`.
Staff edit the rules and tiers (rules_admin); standing members write their annual report (reports)."""

from ..models import DutyEntry
from .credit import Credit, PastAct, credit, credit_many, duty_credit, duty_history_load, tallies_rebuild
from .reports import report_accept, report_draft, report_return, report_save, report_submit
from .rules_admin import rule_create, rule_update, tiers_update

__all__ = [
    "Credit",
    "DutyEntry",
    "PastAct",
    "credit",
    "credit_many",
    "duty_credit",
    "duty_history_load",
    "report_accept",
    "report_draft",
    "report_return",
    "report_save",
    "report_submit",
    "rule_create",
    "rule_update",
    "tallies_rebuild",
    "tiers_update",
]
