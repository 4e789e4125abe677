"""Request facts (IP address) that services record in the audit trail without being handed the request."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("xieshang_audit_ip", default=None)
