"""The notifications' personal-data sources (decision 0032): his inbox and the SMS to his number are exported,
nobody else's; erasure removes the inbox, cancels what is queued, blanks his number in the SMS log (which keeps its
rows); a second run changes nothing; a cancelled SMS is never sent."""

from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.accounts.personal_data import erase
from xieshang.core import personal_data
from xieshang.notifications.models import Notification, SmsMessage
from xieshang.notifications.tasks import deliver_sms


def _source(key):
    return next(s for s in personal_data.sources() if s.key == key)


def _setting(organization):
    resident = make_user(Role.CITIZEN, organization, name="钱多多", phone="13911112222")
    neighbour = make_user(Role.CITIZEN, organization, name="孙邻居", phone="13933334444")
    Notification.objects.create(recipient=resident, kind="topic", title="您的议题已受理", body="钱多多您好")
    Notification.objects.create(recipient=neighbour, kind="topic", title="新议题")
    SmsMessage.objects.create(phone="13911112222", text="钱多多您好，议题已受理。", gateway="log", status="sent")
    SmsMessage.objects.create(phone="13911112222", text="议事会明天召开。", gateway="log", status="queued")
    SmsMessage.objects.create(phone="13933334444", text="新议题。", gateway="log", status="queued")
    return resident, neighbour


def test_export_holds_his_messages_only(organization):
    resident, neighbour = _setting(organization)
    assert [n["title"] for n in _source("notifications").export(resident)] == ["您的议题已受理"]
    assert sorted(m["text"] for m in _source("sms").export(resident)) == [
        "议事会明天召开。",
        "钱多多您好，议题已受理。",
    ]
    assert [m["text"] for m in _source("sms").export(neighbour)] == ["新议题。"]


def test_erasure_cancels_queued_blanks_number_and_is_idempotent(organization):
    resident, neighbour = _setting(organization)
    changes = erase(resident)
    assert changes["notifications"] == 1 and changes["sms"] == 2
    assert not Notification.objects.filter(recipient=resident).exists()
    assert Notification.objects.filter(recipient=neighbour).count() == 1
    assert SmsMessage.objects.count() == 3
    assert not SmsMessage.objects.filter(phone="13911112222").exists()
    assert not SmsMessage.objects.filter(text__contains="钱多多").exists()
    assert set(SmsMessage.objects.filter(phone="").values_list("status", flat=True)) == {"sent", "cancelled"}
    assert SmsMessage.objects.get(phone="13933334444").status == "queued"
    cancelled = SmsMessage.objects.get(status="cancelled")
    deliver_sms.call(cancelled.pk)
    cancelled.refresh_from_db()
    assert cancelled.status == "cancelled"
    again = erase(resident)
    assert again["notifications"] == 0 and again["sms"] == 0


def test_his_sms_replies_are_exported_and_erased(organization):
    from xieshang.notifications.models import InboundSms, SmsPrompt

    resident, neighbour = _setting(organization)
    message = SmsMessage.objects.get(text="议事会明天召开。")
    SmsPrompt.objects.create(
        phone="13911112222", user=resident, message=message, code="345", action="x", object_id=1,
        options=["1"], expires_at=message.created_at.replace(year=message.created_at.year + 1),
    )  # fmt: skip
    InboundSms.objects.create(provider_id="r1", phone="13911112222", text="3451 钱多多", result="unknown")
    InboundSms.objects.create(provider_id="r2", phone="13933334444", text="1", result="unknown")
    rows = _source("sms").export(resident)
    assert [r["text"] for r in rows if r["direction"] == "in"] == ["3451 钱多多"]
    erase(resident)
    assert not InboundSms.objects.filter(phone="13911112222").exists()
    assert not InboundSms.objects.filter(text__contains="钱多多").exists()
    assert InboundSms.objects.get(provider_id="r2").phone == "13933334444"
    prompt = SmsPrompt.objects.get(code="345")
    assert prompt.phone == "" and prompt.expires_at <= timezone.now()
