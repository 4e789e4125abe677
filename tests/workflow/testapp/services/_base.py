"""The template domain's private service helpers, built on core.services: nothing here is imported from outside."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from xieshang.core.services import lock, refresh, require, text_error
from xieshang.workflow.services import lock as lock_in_workflow

__all__ = ["check_text", "lock", "lock_in_workflow", "refresh", "require"]


def check_text(value: str | None, limit: int, label: str) -> str:
    """The stripped text, or ValidationError with the message a form shows."""
    message = text_error(value, limit, label)
    if message:
        raise ValidationError(message)
    return (value or "").strip()
