"""Request facts (IP address) that services record in the audit trail without being handed the request."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("xieshang_audit_ip", default=None)

# Refusals and failures recorded inside a transaction during this request: if that transaction rolls back (the
# service that was refused raised through its caller's atomic block), the row is gone with it, so the middleware
# writes it again once the request is over. None outside a request.
pending_refusals: ContextVar[list | None] = ContextVar("xieshang_audit_pending_refusals", default=None)

# Whether a service has recorded a refusal or failure during this request (then the middleware adds no row of its own
# for the 403 the refusal becomes).
refusal_recorded: ContextVar[bool] = ContextVar("xieshang_audit_refusal_recorded", default=False)
