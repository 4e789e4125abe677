"""A refused action keeps what was typed: the generic transition endpoint redirects back to the object's page (so a
reload does not post again), and the values of the refused form travel in the session to the next rendering of
workflow/_actions.html, which shows them in the same form with the reason beside it. Read once, then gone."""

from __future__ import annotations

from typing import Any

RETRY_SESSION_KEY = "workflow_retry"


def take_retry(request: Any, content_type_id: int, object_id: int) -> dict[str, Any] | None:
    """The refused form of this object, if the previous request left one; removed from the session when read."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    retry = session.get(RETRY_SESSION_KEY)
    if not retry or retry.get("ct") != content_type_id or retry.get("pk") != object_id:
        return None
    del session[RETRY_SESSION_KEY]
    return dict(retry)
