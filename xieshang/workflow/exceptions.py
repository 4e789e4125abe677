"""Why a workflow write was refused. Every message is meant to be shown to the person who tried."""

from __future__ import annotations

from xieshang.core.services import Refusal


class TransitionError(Refusal):
    code = "transition_error"
    audit_result = "failure"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


class NotAllowed(TransitionError):
    """The actor holds none of the roles the transition (or extension) requires."""

    code = "not_allowed"
    audit_result = "denied"


class InvalidEdge(TransitionError):
    """No such active transition out of the object's current state."""

    code = "invalid_edge"


class ConditionFailed(TransitionError):
    """A registered condition is not met; the message is the condition's own reason."""

    code = "condition_failed"


class Conflict(TransitionError):
    """The object moved on since the caller looked at it (another person acted first)."""

    code = "conflict"


class ReasonRequired(TransitionError):
    code = "reason_required"


class InvalidPayload(TransitionError):
    code = "invalid_payload"


class DeadlineError(TransitionError):
    """A deadline change the state's rules do not permit (no deadline, beyond the maximum, ...)."""

    code = "deadline_error"
