from datetime import datetime

from ninja import Router, Schema

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


class MarkReadIn(Schema):
    ids: list[int] | None = None


@router.get("/", response=InboxOut)
def list_notifications(request, unread_only: bool = False, limit: int = 50):
    items = list(inbox(request.user, unread_only=unread_only)[: max(1, min(limit, 200))])
    return InboxOut(unread=unread_count(request.user), items=items)


@router.post("/read", response=dict)
def read(request, payload: MarkReadIn):
    return {"marked": mark_read(user=request.user, notification_ids=payload.ids)}
