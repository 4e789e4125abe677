"""What the activity pages share."""

from __future__ import annotations

from typing import Any

from django.http import Http404


def organization_of(request: Any) -> Any:
    """The organization the page works in; 404 without one."""
    if request.organization is None:
        raise Http404
    return request.organization
