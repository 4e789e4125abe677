"""One notification service: inbox, email and SMS by the user's choice, delivery in tasks, retried on failure."""

import pytest
from django.core import mail
from django.test import override_settings

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.notifications.models import Notification, SmsMessage
from xieshang.notifications.selectors import unread_count
from xieshang.notifications.services import mark_read, notify, set_channels
from xieshang.notifications.sms import HttpGateway, SmsGatewayError


@pytest.fixture
def person(organization):
    return make_user(Role.MEMBER, organization, email="a@example.org", phone="13900000001")


def test_default_is_inbox_and_sms(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person], kind="proposal.filed", title="您的提案已立案", body="第0123号", url="/p/1/")
    assert unread_count(person) == 1
    assert SmsMessage.objects.get(phone="13900000001").status == "sent"
    assert mail.outbox == []


def test_user_chooses_email_not_sms(person, django_capture_on_commit_callbacks):
    set_channels(user=person, email=True, sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person], kind="proposal.filed", title="您的提案已立案", url="/p/1/")
    assert [m.subject for m in mail.outbox] == ["您的提案已立案"]
    assert "/p/1/" in mail.outbox[0].body
    assert not SmsMessage.objects.exists()
    assert Notification.objects.get().email_sent_at is not None


def test_per_kind_choice_overrides_the_default(person, django_capture_on_commit_callbacks):
    set_channels(user=person, email=False, sms=False)
    set_channels(user=person, kind="deadline.warning", email=False, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[person], kind="proposal.filed", title="甲")
        notify(recipients=[person], kind="deadline.warning", title="乙")
    assert list(SmsMessage.objects.values_list("text", flat=True)) == ["乙"]


def test_nothing_is_sent_when_the_transaction_rolls_back(person, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(recipients=[person], kind="x", title="回滚")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and not Notification.objects.exists()


def test_mark_read(person):
    notify(recipients=[person], kind="x", title="一")
    notify(recipients=[person], kind="x", title="二")
    assert mark_read(user=person) == 2 and unread_count(person) == 0


class FlakyGateway:
    calls = 0

    def send(self, phone, text, key=""):
        FlakyGateway.calls += 1
        if FlakyGateway.calls < 3:
            raise SmsGatewayError("provider down")


@override_settings(SMS_GATEWAY="tests.notifications.test_services.FlakyGateway")
def test_failed_sms_is_retried_until_it_goes_through(person, django_capture_on_commit_callbacks):
    FlakyGateway.calls = 0
    from xieshang.notifications.services import sms_send

    with django_capture_on_commit_callbacks(execute=True):
        message = sms_send(phone="13900000001", text="催办")
    # The immediate backend runs each retry at once; the worker would wait 60 s, 120 s, ...
    message.refresh_from_db()
    assert FlakyGateway.calls == 3 and message.status == "sent" and message.attempts == 3


@override_settings(SMS_HTTP_URL="")
def test_http_gateway_without_url_fails_clearly():
    with pytest.raises(SmsGatewayError, match="SMS_HTTP_URL"):
        HttpGateway().send("13900000001", "x")


def test_inbox_page_and_preferences(client, person):
    notify(recipients=[person], kind="x", title="请答复")
    client.force_login(person)
    body = client.get("/notifications/").content.decode()
    assert "请答复" in body
    response = client.post("/notifications/preferences/", {"email": "on"})
    assert response.status_code == 302
    from xieshang.notifications.services import channels_for

    assert channels_for(person, "anything") == (True, False)


def test_http_gateway_posts_to_the_provider(settings):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = []

    class Provider(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(
                (self.headers["Authorization"], json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            )
            self.send_response(200 if len(received) == 1 else 503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.SMS_HTTP_TOKEN = "t0ken"
        HttpGateway().send("13900000001", "您的提案已立案", key="k-1")
        assert received == [
            ("Bearer t0ken", {"phone": "13900000001", "text": "您的提案已立案", "sign": "【协商】", "id": "k-1"})
        ]
        with pytest.raises(SmsGatewayError):
            HttpGateway().send("13900000001", "第二条")
    finally:
        server.shutdown()
