from datetime import datetime

from ninja import Query, Router, Schema

from xieshang.core.api import Paging
from xieshang.notifications.selectors import inbox, unread_count
from xieshang.notifications.services import mark_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class InboxOut(Schema):
    unread: int
    items: list[NotificationOut]


class InboxFilters(Paging):
    unread_only: bool = False


class MarkReadIn(Schema):
    ids: list[int] | None = None


@router.get("/", response=InboxOut)
def list_notifications(request, filters: Query[InboxFilters]):
    items = list(filters.page(inbox(request.user, unread_only=filters.unread_only)))
    return InboxOut(unread=unread_count(request.user), items=items)


@router.post("/read", response=dict)
def read(request, payload: MarkReadIn):
    return {"marked": mark_read(user=request.user, notification_ids=payload.ids)}
