"""The deletion request's other ends (decision 0036): confirmed by an SMS code instead of the password, withdrawn by
the requester, refused with a reason by the security administrator (the requester told in-app and by SMS)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from xieshang.accounts import personal_data
from xieshang.accounts.models import DataRequest, ResidentProfile, Role, SmsCode
from xieshang.audit.models import AuditEntry
from xieshang.notifications.models import Notification, SmsMessage


@pytest.fixture
def resident(organization):
    user = make_user(Role.CITIZEN, organization, username="u13911112222", name="钱多多", phone="13911112222")
    ResidentProfile.objects.create(
        user=user, organization=organization, consent_version="2026-01", consent_at=user.date_joined
    )
    return user


@pytest.fixture
def secadmin(organization):
    return make_user(Role.SECURITY_ADMIN, organization, username="secadmin", is_staff=True)


def code_for(phone):
    return re.search(r"\d{6}", SmsMessage.objects.filter(phone=phone).order_by("-pk").first().text).group()


def test_a_resident_confirms_his_request_with_an_sms_code(client, resident):
    client.force_login(resident)
    url = reverse("accounts:deletion_request")
    response = client.post(url, {"action": "send", "confirm": "on"})
    assert "139****2222" in response.content.decode()
    assert "checked" in response.content.decode()  # the tick is kept
    # A wrong code: refused beside the field, nothing asked.
    response = client.post(url, {"code": "000000", "confirm": "on", "action": "request"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert not DataRequest.objects.exists()
    response = client.post(url, {"code": code_for(resident.phone), "confirm": "on", "action": "request"})
    assert response.status_code == 302
    assert DataRequest.objects.get().status == DataRequest.Status.PENDING
    entry = AuditEntry.objects.get(action="personal_data.deletion_requested")
    assert entry.detail == {"confirmed_by": "sms"}
    assert SmsCode.objects.get(phone=resident.phone, purpose="erase").used_at is not None


def test_neither_password_nor_code_asks_for_one(resident):
    with pytest.raises(ValidationError) as exc:
        personal_data.deletion_request(actor=resident)
    assert "password" in exc.value.message_dict


def test_a_code_for_another_purpose_does_not_confirm(resident):
    from xieshang.accounts.services import sms_code_send

    sms_code_send(phone=resident.phone, purpose="login")
    with pytest.raises(ValidationError):
        personal_data.deletion_request(actor=resident, code=code_for(resident.phone))
    assert not DataRequest.objects.exists()


def test_a_member_gets_no_deletion_code(member):
    with pytest.raises(PermissionDenied):
        personal_data.deletion_code_send(actor=member)
    assert not SmsCode.objects.exists()


def test_the_requester_withdraws_his_pending_request(client, resident):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    client.force_login(resident)
    assert client.post(reverse("accounts:deletion_withdraw")).status_code == 302
    request.refresh_from_db()
    assert request.status == DataRequest.Status.WITHDRAWN and request.done_by == resident
    assert AuditEntry.objects.filter(action="personal_data.deletion_withdrawn").count() == 1
    page = client.get(reverse("accounts:personal_data")).content.decode()
    assert 'data-testid="deletion-closed"' in page and 'data-testid="deletion-form"' in page
    # Withdrawing again changes nothing; a new request is possible.
    client.post(reverse("accounts:deletion_withdraw"))
    assert AuditEntry.objects.filter(action="personal_data.deletion_withdrawn").count() == 1
    again = personal_data.deletion_request(actor=resident, password=PASSWORD)
    assert again.pk != request.pk and again.status == DataRequest.Status.PENDING


def test_nobody_else_withdraws_it(resident, secadmin):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    with pytest.raises(PermissionDenied):
        personal_data.deletion_withdraw(actor=secadmin, request=request)
    request.refresh_from_db()
    assert request.status == DataRequest.Status.PENDING


def test_a_withdrawn_request_cannot_be_carried_out(resident, secadmin):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    personal_data.deletion_withdraw(actor=resident, request=request)
    personal_data.deletion_carry_out(actor=secadmin, request=request)
    resident.refresh_from_db()
    request.refresh_from_db()
    assert request.status == DataRequest.Status.WITHDRAWN and resident.erased_at is None and resident.is_active


def test_the_security_admin_declines_with_a_reason_and_the_requester_is_told(client, resident, secadmin):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    url = reverse("accounts:data_request", args=[request.pk])
    client.force_login(secadmin)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=secadmin, name="t", confirmed=True)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=secadmin).persistent_id
    session.save()
    response = client.post(url, {"action": "decline", "reason": "  "})
    assert "请写明不予办理的理由" in response.content.decode()
    assert DataRequest.objects.get().status == DataRequest.Status.PENDING
    response = client.post(url, {"action": "decline", "reason": "您反映的事项尚在办理中，办结后可再申请。"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == DataRequest.Status.REFUSED and request.done_by == secadmin
    assert request.reason == "您反映的事项尚在办理中，办结后可再申请。"
    note = Notification.objects.get(recipient=resident, kind="personal_data.declined")
    assert "尚在办理中" in note.body
    assert "尚在办理中" in SmsMessage.objects.filter(phone=resident.phone).order_by("-pk").first().text
    assert AuditEntry.objects.filter(action="personal_data.deletion_declined").get().detail["reason"]
    resident.refresh_from_db()
    assert resident.is_active and resident.erased_at is None
    # Declining again changes nothing and tells him nothing more.
    personal_data.deletion_decline(actor=secadmin, request=request, reason="再次")
    assert Notification.objects.filter(recipient=resident).count() == 1


def test_only_the_organizations_security_admin_declines(resident, organization):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    sysadmin = make_user(Role.SYSTEM_ADMIN, organization)
    with pytest.raises(PermissionDenied):
        personal_data.deletion_decline(actor=sysadmin, request=request, reason="不行")
    assert AuditEntry.objects.filter(action="personal_data.deletion_denied").count() == 1
    assert DataRequest.objects.get().status == DataRequest.Status.PENDING


def test_the_refusal_reason_shows_on_his_page_in_english(client, resident, secadmin):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    personal_data.deletion_decline(actor=secadmin, request=request, reason="Matter still open")
    client.force_login(resident)
    client.cookies["xieshang_language"] = "en"
    page = client.get(reverse("accounts:personal_data")).content.decode()
    assert "Matter still open" in page and 'data-testid="deletion-closed"' in page
