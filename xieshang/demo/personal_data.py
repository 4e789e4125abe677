"""The demo's personal-data requests (decision 0032): one resident, who raised topics and answered calls, has asked
for his data to be erased; the security administrator (`secadmin`) finds the request in the queue on his workbench
and may carry it out. Made through the accounts' service, as the resident would, with his password."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from xieshang.accounts import personal_data
from xieshang.accounts.models import DataRequest

from .registry import DEMO_PASSWORD, DemoContext, history


def build(ctx: DemoContext) -> None:
    residents = [r for r in ctx.data["residents"] if r.username != "resident"]
    # The one with the most to erase: a resident whose topics and entries the consultations builder wrote.
    person = max(residents, key=lambda r: (r.raised_topics.count() + r.call_entries.count(), -r.pk))
    with history():
        request = personal_data.deletion_request(actor=person, password=DEMO_PASSWORD)
    # Asked four days ago: the queue shows it due in eleven days.
    asked = timezone.now() - timedelta(days=4)
    DataRequest.objects.filter(pk=request.pk).update(
        requested_at=asked, due_at=asked + timedelta(days=personal_data.DELETION_DUE_DAYS)
    )
    ctx.data["data_request"] = request
    ctx.accounts.append(("群众", person.username, "已申请删除个人信息，等待安全管理员（secadmin）办理"))
    ctx.say(f"  personal data: {person.username} asked for deletion")
