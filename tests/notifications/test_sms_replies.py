"""SMS both ways: an activity notice by SMS carries reply codes; the member's reply through the provider's inbound
address signs him up or asks for leave, once, with an answer by SMS; bad replies get a clear answer and change
nothing."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.activities.conftest import make_activity, shift
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.activities import services
from xieshang.activities.models import ActivityKind, Participation
from xieshang.notifications import inbound
from xieshang.notifications.models import InboundSms, SmsMessage, SmsPrompt
from xieshang.notifications.replies import normalize_phone

URL = "/notifications/sms/inbound/"
AUTH = {"HTTP_AUTHORIZATION": "Bearer test-inbound-token"}


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作")


@pytest.fixture
def people(organization):
    a = make_user(Role.MEMBER, organization, username="m1", name="孙委员", phone="13800000001")
    b = make_user(Role.MEMBER, organization, username="m2", name="李委员", phone="13800000002", language="en")
    return a, b


@pytest.fixture
def activity(staff, organization, people):
    kind = ActivityKind.objects.get(organization=None, key="research")
    act = make_activity(staff, organization, kind, signup_limit=1)
    services.activity_invite(actor=staff, activity=act, members=list(people))
    return services.activity_publish(actor=staff, activity=act)


def _prompt(user) -> SmsPrompt:
    return SmsPrompt.objects.get(user=user)


def _post(client, *messages):
    body = {"messages": [{"id": i, "phone": p, "text": t} for i, p, t in messages]}
    return client.post(URL, data=json.dumps(body), content_type="application/json", **AUTH)


def test_the_notice_sms_carries_reply_codes_in_the_members_language(activity, people):
    zh, en = people
    zh_prompt, en_prompt = _prompt(zh), _prompt(en)
    zh_sms = SmsMessage.objects.get(pk=zh_prompt.message_id)
    en_sms = SmsMessage.objects.get(pk=en_prompt.message_id)
    assert f"回复{zh_prompt.code}1报名" in zh_sms.text and f"回复{zh_prompt.code}2请假" in zh_sms.text
    assert f"{en_prompt.code}1" in en_sms.text and "reply" in en_sms.text and "Register" in en_sms.text
    assert zh_prompt.expires_at == activity.starts_at and zh_sms.organization_id == activity.organization_id


def test_a_reply_signs_up_once_and_is_answered_once(client, activity, people):
    zh, _en = people
    prompt = _prompt(zh)
    response = _post(client, ("p-1", "+86 138-0000-0001", f"{prompt.code}1"))
    assert response.status_code == 200 and response.json()["received"] == [{"id": "p-1", "result": "done"}]
    part = Participation.objects.get(activity=activity, member=zh)
    assert part.status == Participation.Status.SIGNED_UP
    row = InboundSms.objects.get(provider_id="p-1")
    assert row.answer is not None and "已为您报名" in row.answer.text
    # the provider delivers the same reply again: nothing acts twice, no second answer
    _post(client, ("p-1", "13800000001", f"{prompt.code}1"))
    assert InboundSms.objects.filter(phone="13800000001").count() == 1
    assert SmsMessage.objects.filter(phone="13800000001", key__startswith="sms-answer:").count() == 1
    # a second reply to the same question is told it was answered, and changes nothing
    _post(client, ("p-2", "13800000001", f"{prompt.code} 2"))
    assert InboundSms.objects.get(provider_id="p-2").result == InboundSms.Result.ANSWERED
    part.refresh_from_db()
    assert part.status == Participation.Status.SIGNED_UP


def test_a_lone_digit_answers_the_only_open_question_and_leave_waits_for_approval(client, activity, people):
    zh, _en = people
    _post(client, ("p-3", "13800000001", "２"))  # full-width, as phones often send
    part = Participation.objects.get(activity=activity, member=zh)
    assert part.status == Participation.Status.LEAVE_REQUESTED and part.leave_reason == "短信回复请假"


def test_a_refusal_by_the_rules_is_the_answer_and_changes_nothing(client, activity, people):
    zh, en = people
    _post(client, ("p-4", "13800000001", f"{_prompt(zh).code}1"))  # takes the only place (limit 1)
    _post(client, ("p-5", "13800000002", f"{_prompt(en).code}1"))
    row = InboundSms.objects.get(provider_id="p-5")
    assert row.result == InboundSms.Result.REFUSED and "limit" in row.detail.lower()  # in his language (en)
    assert Participation.objects.get(activity=activity, member=en).status == Participation.Status.INVITED
    assert _prompt(en).answered_at is None  # he may still answer 2 (leave)


def test_unknown_codes_expired_questions_and_bad_options(client, activity, people):
    zh, _en = people
    prompt = _prompt(zh)
    _post(client, ("p-6", "13800000001", "你好，请问在哪里开会"))
    _post(client, ("p-7", "13800000001", "9991"))
    _post(client, ("p-8", "13800000001", f"{prompt.code}7"))
    results = dict(InboundSms.objects.values_list("provider_id", "result"))
    assert results == {"p-6": "unknown", "p-7": "unknown", "p-8": "unknown"}
    assert "只能接 1、2" in InboundSms.objects.get(provider_id="p-8").detail
    shift(activity, -datetime.timedelta(hours=1))
    SmsPrompt.objects.filter(pk=prompt.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    _post(client, ("p-9", "13800000001", f"{prompt.code}1"))
    assert InboundSms.objects.get(provider_id="p-9").result == InboundSms.Result.EXPIRED
    assert Participation.objects.get(activity=activity, member=zh).status == Participation.Status.INVITED


def test_a_flood_from_one_number_is_recorded_but_neither_handled_nor_answered(client, activity, people, settings):
    settings.XIESHANG_ABUSE_LIMITS = {"sms_inbound": {"phone": [(3, 3600)]}}
    for i in range(5):
        _post(client, (f"f-{i}", "13800000001", "hello"))
    rows = list(InboundSms.objects.order_by("id").values_list("result", flat=True))
    assert rows == ["unknown", "unknown", "unknown", "limited", "limited"]
    assert SmsMessage.objects.filter(key__startswith="sms-answer:f-").count() == 3


def test_the_inbound_address_needs_the_providers_token_and_a_clear_body(client, activity):
    body = json.dumps({"id": "x", "phone": "13800000001", "text": "1"})
    assert client.post(URL, data=body, content_type="application/json").status_code == 401
    wrong = {"HTTP_AUTHORIZATION": "Bearer nope"}
    assert client.post(URL, data=body, content_type="application/json", **wrong).status_code == 401
    bad = client.post(URL, data=json.dumps({"phone": "1"}), content_type="application/json", **AUTH)
    assert bad.status_code == 400 and InboundSms.objects.count() == 0
    form = client.post(URL, data={"id": "form-1", "phone": "13800000001", "text": "1"}, **AUTH)
    assert form.status_code == 200 and InboundSms.objects.filter(provider_id="form-1").exists()


def test_phone_numbers_are_compared_without_country_code_or_punctuation():
    assert normalize_phone("+86 138-0000-0001") == normalize_phone("13800000001") == "13800000001"
    assert normalize_phone("８６１３８０００００００１") == "13800000001"


def test_receive_is_idempotent_in_the_service_too(activity, people):
    zh, _en = people
    first = inbound.receive(provider_id="s-1", phone="13800000001", text=f"{_prompt(zh).code}1")
    again = inbound.receive(provider_id="s-1", phone="13800000001", text=f"{_prompt(zh).code}1")
    assert first.pk == again.pk and InboundSms.objects.count() == 1


def test_the_sms_log_shows_both_directions_to_staff_only(client, activity, people, staff, organization):
    from tests.workflow.conftest import verified_login

    zh, _en = people
    _post(client, ("log-1", "13800000001", f"{_prompt(zh).code}1"))
    verified_login(client, staff)
    page = client.get("/notifications/sms/").content.decode()
    assert "138****0001" in page and "13800000001" not in page and _prompt(zh).code in page
    replies_page = client.get("/notifications/sms/?direction=in").content.decode()
    assert "已办理" in replies_page and "已为您报名" in replies_page
    client.force_login(zh)
    assert client.get("/notifications/sms/").status_code == 403
