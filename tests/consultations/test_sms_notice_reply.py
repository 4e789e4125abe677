"""A consultation's notice by SMS can be answered: 1 registers to attend in person, 2 online, through the page's own
service; someone not invited gets a clear answer and nothing changes."""

from tests.consultations.conftest import advance
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services
from xieshang.consultations.models import Dispatch, Invitation
from xieshang.notifications import inbound
from xieshang.notifications.models import InboundSms, SmsMessage, SmsPrompt


def _noticed(consultation, staff, people):
    services.invite(actor=staff, consultation=consultation, users=people)
    c = advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")
    notice = Dispatch.objects.get(consultation=c, kind="notice")
    assert services.send_due_dispatches(notice.due_on) == 1
    return c


def test_replying_2_registers_online_and_the_answer_says_so(consultation, staff, member):
    c = _noticed(consultation, staff, [member])
    prompt = SmsPrompt.objects.get(user=member, action="consultations.notice")
    assert f"{prompt.code}1现场参加" in SmsMessage.objects.get(pk=prompt.message_id).text
    row = inbound.receive(provider_id="c-1", phone=member.phone, text=f"{prompt.code}2")
    assert row.result == InboundSms.Result.DONE and "线上参加" in row.detail and c.title in row.detail
    invitation = Invitation.objects.get(consultation=c, user=member)
    assert invitation.mode == Invitation.Mode.ONLINE and invitation.registered_at is not None


def test_a_reply_from_someone_no_longer_invited_changes_nothing(consultation, staff, member, organization):
    other = make_user(Role.MEMBER, organization, username="other", phone="13800000009")
    c = _noticed(consultation, staff, [member, other])
    prompt = SmsPrompt.objects.get(user=other, action="consultations.notice")
    Invitation.objects.filter(consultation=c, user=other).delete()
    row = inbound.receive(provider_id="c-2", phone=other.phone, text=f"{prompt.code}1")
    assert row.result == InboundSms.Result.REFUSED and "未被邀请" in row.detail
    assert prompt.__class__.objects.get(pk=prompt.pk).answered_at is None
