"""Every write of the registers (callers: `from xieshang.registers import services`)."""

from .recording import record_matter, record_matter_from, record_party_report, record_reply, record_visitor_group

__all__ = ["record_matter", "record_matter_from", "record_party_report", "record_reply", "record_visitor_group"]
