"""Abuse limits (core.limits): per client address, account, phone, target and organization, counted in Redis when
configured and in the database otherwise."""

import pytest
from django.test import override_settings

from tests.factories import CommunityFactory, make_user
from xieshang.accounts.models import Role
from xieshang.audit.models import AuditEntry
from xieshang.core import limits
from xieshang.notifications.models import Notification, SmsMessage
from xieshang.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_twenty_phones_from_one_client_get_five_codes(client):
    answers = []
    for n in range(20):
        response = client.post("/accounts/register/code/", {"phone": f"1391234{n:04d}"}, REMOTE_ADDR="203.0.113.9")
        answers.append(response.content.decode())
    assert SmsMessage.objects.count() == 5
    assert "操作过于频繁" in answers[-1]
    # One audit row for the first refusal of the window, not one per attempt.
    assert AuditEntry.objects.filter(action="limits.exceeded", object_type="sms_code").count() == 1
    # Another client is not affected.
    client.post("/accounts/register/code/", {"phone": "13912349999"}, REMOTE_ADDR="203.0.113.10")
    assert SmsMessage.objects.count() == 6


def test_the_refusal_is_in_the_readers_language(client):
    for n in range(6):
        response = client.post(
            "/accounts/register/code/",
            {"phone": f"1381234{n:04d}"},
            REMOTE_ADDR="203.0.113.11",
            HTTP_ACCEPT_LANGUAGE="en",
            headers={"Cookie": "xieshang_language=en"},
        )
    assert "Too many attempts" in response.content.decode()


@override_settings(XIESHANG_ABUSE_LIMITS={"notification_sms": {"recipient": [(3, 86400)]}})
def test_a_follower_gets_at_most_n_sms_a_day_and_the_rest_in_app(organization):
    follower = make_user(Role.CITIZEN, organization, phone="13700000001")
    for n in range(7):
        notify(recipients=[follower], kind="consultations.topic_new", title=f"议题 {n}", organization=organization)
    assert Notification.objects.filter(recipient=follower).count() == 7
    assert SmsMessage.objects.filter(phone="13700000001").count() == 3


@override_settings(XIESHANG_ABUSE_LIMITS={"sms_budget": {"organization": [(4, 86400)]}})
def test_the_daily_sms_budget_alerts_once_and_keeps_the_rest_in_app(organization, caplog):
    admin = make_user(Role.SYSTEM_ADMIN, organization, phone="13700000099")
    people = [make_user(Role.CITIZEN, organization, phone=f"137000001{n:02d}") for n in range(8)]
    notify(recipients=people, kind="consultations.topic_new", title="议题", organization=organization)
    assert SmsMessage.objects.count() == 4
    assert Notification.objects.filter(kind="consultations.topic_new").count() == 8
    assert Notification.objects.filter(recipient=admin, kind="limits.sms_budget").count() == 1
    assert AuditEntry.objects.filter(action="limits.exceeded", organization_id=organization.pk).count() == 1
    assert any("SMS budget" in r.getMessage() for r in caplog.records)


@override_settings(XIESHANG_ABUSE_LIMITS={"resident_post": {"account": [(2, 3600)]}})
def test_resident_posts_are_limited_per_account(organization):
    from django.core.exceptions import ValidationError

    from xieshang.consultations.services.rooms import room_create, topic_raise

    resident = make_user(Role.CITIZEN, organization)
    staff = make_user(Role.COMMITTEE_STAFF, organization)
    convener = make_user(Role.CITIZEN, organization)
    room = room_create(actor=staff, community=CommunityFactory(organization=organization), convener=convener)
    topic_raise(actor=resident, room=room, title="路灯不亮")
    topic_raise(actor=resident, room=room, title="垃圾分类")
    with pytest.raises(ValidationError, match="操作过于频繁"):
        topic_raise(actor=resident, room=room, title="第三个")


def test_counts_are_shared_through_the_database_without_redis(settings):
    settings.REDIS_URL = ""
    from xieshang.core.models import RateCounter

    for _ in range(3):
        limits.hit("sms_code", phone="13900000000")
    assert limits.peek("sms_code", "phone", "13900000000") == 3
    assert RateCounter.objects.filter(key__contains="13900000000").get().count == 3
