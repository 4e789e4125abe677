"""A session's notice by SMS can be answered: 1 asks for leave, through the page's service (before the opening);
after the opening the rule's refusal is the answer and nothing changes."""

import datetime

from xieshang.assemblies.models import Attendance
from xieshang.notifications import inbound
from xieshang.notifications.models import InboundSms, SmsMessage, SmsPrompt

from .conftest import shift


def test_replying_1_asks_for_leave_and_the_answer_says_it_waits(published, member):
    prompt = SmsPrompt.objects.get(user=member, action="assemblies.notice")
    assert f"{prompt.code}1请假" in SmsMessage.objects.get(pk=prompt.message_id).text
    assert prompt.expires_at == published.starts_at
    row = inbound.receive(provider_id="a-1", phone=member.phone, text=f"{prompt.code}1")
    assert row.result == InboundSms.Result.DONE and "待会务组审批" in row.detail
    attendance = Attendance.objects.get(session=published, member=member)
    assert attendance.status == Attendance.Status.LEAVE_REQUESTED and attendance.leave_reason == "短信回复请假"


def test_after_the_opening_the_refusal_is_the_answer(published, member):
    prompt = SmsPrompt.objects.get(user=member, action="assemblies.notice")
    shift(published, -datetime.timedelta(minutes=10))
    SmsPrompt.objects.filter(pk=prompt.pk).update(expires_at=published.starts_at + datetime.timedelta(days=1))
    row = inbound.receive(provider_id="a-2", phone=member.phone, text=f"{prompt.code}1")
    assert row.result == InboundSms.Result.REFUSED and "不能再请假" in row.detail
    assert Attendance.objects.get(session=published, member=member).status == Attendance.Status.INVITED
