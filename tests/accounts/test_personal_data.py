"""我的个人信息 (decision 0032): the download of everything held about the signed-in person, the deletion request
confirmed with his password, and the erasure the security administrator carries out; who may do what, and the
audit rows each step leaves without the erased data."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, CommunityFactory, make_user
from xieshang.accounts import personal_data
from xieshang.accounts.models import DataRequest, ResidentProfile, Role, RoleGrant, User
from xieshang.audit.models import AuditEntry
from xieshang.core import workbench


@pytest.fixture
def resident(organization):
    user = make_user(Role.CITIZEN, organization, username="u13911112222", name="钱多多", phone="13911112222")
    ResidentProfile.objects.create(
        user=user,
        organization=organization,
        community=CommunityFactory(organization=organization, name="黄河路社区"),
        consent_version="2026-01",
        consent_at=user.date_joined,
    )
    return user


@pytest.fixture
def secadmin(organization):
    return make_user(Role.SECURITY_ADMIN, organization, username="secadmin", is_staff=True)


def _staff_login(client, user):
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def test_the_zip_holds_his_data_and_a_readme(client, resident, organization):
    make_user(Role.CITIZEN, organization, name="孙邻居", phone="13933334444")
    client.force_login(resident)
    response = client.get(reverse("accounts:personal_data_download"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"README.txt", "account.json", "resident_profile.json", "room_topics.json", "sms.json"} <= names
    account = json.loads(archive.read("account.json"))
    assert account == [pytest.approx(account[0])] and account[0]["phone"] == "13911112222"
    assert json.loads(archive.read("resident_profile.json"))[0]["community"].endswith("黄河路社区")
    everything = "".join(archive.read(n).decode() for n in names)
    assert "13933334444" not in everything and "孙邻居" not in everything
    assert "phone: 手机号码" in archive.read("README.txt").decode()
    row = AuditEntry.objects.get(action="personal_data.exported")
    assert row.actor_id == resident.pk and "13911112222" not in json.dumps(row.detail)


def test_the_page_lists_categories_and_needs_a_sign_in(client, resident):
    assert client.get(reverse("accounts:personal_data")).status_code == 302
    assert client.get(reverse("accounts:personal_data_download")).status_code == 302
    client.force_login(resident)
    page = client.get(reverse("accounts:personal_data")).content.decode()
    assert "13911112222" in page and "账户信息" in page and "我提出的议事议题" in page
    assert 'data-testid="deletion-form"' in page


def test_a_wrong_password_is_refused_and_recorded(client, resident):
    client.force_login(resident)
    response = client.post(reverse("accounts:deletion_request"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400 and "密码不正确" in response.content.decode()
    assert not DataRequest.objects.exists()
    row = AuditEntry.objects.get(action="personal_data.deletion_refused")
    assert row.result == AuditEntry.Result.FAILURE


def test_without_confirmation_nothing_is_asked(client, resident):
    client.force_login(resident)
    response = client.post(reverse("accounts:deletion_request"), {"password": PASSWORD})
    assert response.status_code == 400 and "请勾选确认" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_a_request_is_made_once(client, resident, organization):
    client.force_login(resident)
    for _ in range(2):
        response = client.post(reverse("accounts:deletion_request"), {"password": PASSWORD, "confirm": "on"})
        assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.organization == organization and request.status == DataRequest.Status.PENDING
    assert (request.due_at - request.requested_at).days == personal_data.DELETION_DUE_DAYS
    assert AuditEntry.objects.filter(action="personal_data.deletion_requested").count() == 1
    assert 'data-testid="deletion-pending"' in client.get(reverse("accounts:personal_data")).content.decode()


def test_members_do_not_ask_here(member):
    with pytest.raises(PermissionDenied):
        personal_data.deletion_request(actor=member, password=PASSWORD)
    assert AuditEntry.objects.get(action="personal_data.deletion_refused").result == AuditEntry.Result.DENIED


def test_only_the_security_admin_of_the_organization_carries_out(resident, organization, other_organization):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    neighbour = make_user(Role.CITIZEN, organization)
    for outsider in (
        resident,
        neighbour,
        make_user(Role.SYSTEM_ADMIN, organization),
        make_user(Role.AUDIT_ADMIN, organization),
        make_user(Role.COMMITTEE_STAFF, organization),
        make_user(Role.SECURITY_ADMIN, other_organization),
    ):
        with pytest.raises(PermissionDenied):
            personal_data.deletion_carry_out(actor=outsider, request=request)
    request.refresh_from_db()
    assert request.status == DataRequest.Status.PENDING
    resident.refresh_from_db()
    assert resident.is_active and resident.phone == "13911112222"
    assert AuditEntry.objects.filter(action="personal_data.deletion_denied", result="denied").count() == 6


def test_carrying_out_erases_the_account_once_and_audits_without_the_data(resident, secadmin, organization):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    changes = personal_data.deletion_carry_out(actor=secadmin, request=request)
    assert changes["account"] >= 1 and changes["roles"] == 1 and changes["resident_profile"] == 1
    resident.refresh_from_db()
    assert not resident.is_active and not resident.has_usable_password()
    assert resident.phone is None and resident.email == "" and resident.name == "已注销用户"
    assert "13911112222" not in resident.username and str(resident) == "已注销用户"
    assert resident.erased_at is not None
    assert ResidentProfile.objects.get(user=resident).community is None
    assert not RoleGrant.objects.filter(user=resident).exists()
    request.refresh_from_db()
    assert request.status == DataRequest.Status.DONE and request.done_by == secadmin
    done = AuditEntry.objects.get(action="personal_data.deletion_done")
    assert done.actor_id == secadmin.pk
    stored = json.dumps([done.object_repr, done.detail], ensure_ascii=False)
    assert "钱多多" not in stored and "13911112222" not in stored

    # Again: nothing more changes, no second completion row.
    username = resident.username
    assert personal_data.deletion_carry_out(actor=secadmin, request=request) == changes
    assert all(n == 0 for n in personal_data.erase(resident).values())
    resident.refresh_from_db()
    assert resident.username == username
    assert AuditEntry.objects.filter(action="personal_data.deletion_done").count() == 1
    assert User.objects.filter(phone="13911112222").count() == 0


def test_the_erased_person_can_no_longer_sign_in(client, resident, secadmin):
    personal_data.deletion_carry_out(
        actor=secadmin, request=personal_data.deletion_request(actor=resident, password=PASSWORD)
    )
    for identifier in ("u13911112222", "13911112222"):
        response = client.post(reverse("accounts:login"), {"username": identifier, "password": PASSWORD})
        assert response.status_code == 200  # the form again, refused
    assert "_auth_user_id" not in client.session


def test_his_session_ends(client, resident, secadmin):
    client.force_login(resident)
    assert client.get(reverse("accounts:personal_data")).status_code == 200
    personal_data.deletion_carry_out(
        actor=secadmin, request=personal_data.deletion_request(actor=resident, password=PASSWORD)
    )
    assert client.get(reverse("accounts:personal_data")).status_code == 302


def test_the_queue_is_on_the_security_admins_workbench(client, resident, secadmin, organization):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    keys = {s.key: s for s in workbench.sections_for(secadmin, organization)}
    assert keys["data_requests"].count == 1
    assert keys["data_requests"].items[0].url == reverse("accounts:data_request", args=[request.pk])
    sysadmin = make_user(Role.SYSTEM_ADMIN, organization)
    assert "data_requests" not in {s.key for s in workbench.sections_for(sysadmin, organization)}


def test_the_carry_out_page(client, resident, secadmin, organization):
    request = personal_data.deletion_request(actor=resident, password=PASSWORD)
    url = reverse("accounts:data_request", args=[request.pk])
    other = make_user(Role.SYSTEM_ADMIN, organization, is_staff=True)
    _staff_login(client, other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "on"}).status_code == 404
    client.logout()
    _staff_login(client, secadmin)
    page = client.get(url).content.decode()
    assert "钱多多" in page and 'data-testid="carry-out-form"' in page
    assert "13911112222" not in page  # counts per category, not his data
    response = client.post(url, {})
    assert response.status_code == 200 and "请勾选确认" in response.content.decode()
    assert DataRequest.objects.get().status == DataRequest.Status.PENDING
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert DataRequest.objects.get().status == DataRequest.Status.DONE
    assert client.post(url, {"confirm": "on"}).status_code == 200
    assert AuditEntry.objects.filter(action="personal_data.deletion_done").count() == 1


def test_a_member_sees_and_downloads_his_data_but_asks_the_security_admin(client, member):
    client.force_login(member)
    page = client.get(reverse("accounts:personal_data")).content.decode()
    assert "13800000001" in page and "委员档案" in page
    assert 'data-testid="deletion-form"' not in page and "由本组织的安全管理员办理注销" in page
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("accounts:personal_data_download")).content))
    assert json.loads(archive.read("member_profiles.json"))[0]["term"] == "第十五届"
    response = client.post(reverse("accounts:deletion_request"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 400 and not DataRequest.objects.exists()


def test_the_page_in_english(client, resident):
    resident.language = "en"
    resident.save()
    client.force_login(resident)
    client.cookies["xieshang_language"] = "en"
    page = client.get(reverse("accounts:personal_data"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My personal data" in page and "Ask for deletion" in page and "Topics I raised" in page
