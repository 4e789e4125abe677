"""What every router shares and the base may import (the faces' xieshang.api is above it): the error body, the
error answers documented for every operation, and validated paging.

Paging: a negative offset, a zero or too large limit, or an offset past MAX_OFFSET is answered 422 with the reason
(never a database error). Write `paging: Query[Paging]` (or a Schema that inherits Paging) in a list endpoint."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str | dict[str, Any] | list[Any]
    code: str = ""


# The error answers every operation may give, for the OpenAPI schema (a router may also write {200: X, **ERRORS}).
ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
DESCRIPTIONS = {
    400: "Unreadable request (a body that is not JSON, a query that searches nothing)",
    401: "Not signed in, or the bearer token is unknown, expired, revoked or its account inactive",
    403: "Not allowed for this user (workflow NotAllowed or PermissionDenied), or the token lacks the scope",
    404: "No such object, or not visible to this user",
    409: "Refused in the object's current state (invalid transition, conflict, failed condition)",
    422: "Invalid input: the reason per field (request schema, ValidationError, missing reason or payload)",
    429: "Too many requests with this token (see Retry-After)",
}


DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 100_000


class Paging(Schema):
    """Validated limit and offset of a list endpoint."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"rows per page (1–{MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"rows to skip (0–{MAX_OFFSET})")

    def page(self, rows: Any) -> Any:
        """The requested slice of a queryset or list."""
        return rows[self.offset : self.offset + self.limit]
