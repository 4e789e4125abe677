"""Announcement pages with the test client: the form keeps what was typed, publish and remind as posted actions,
opening marks read, who may open what, the workbench section and menu entries, and the list pages' query counts."""

import pytest

from tests.accounts.test_isolation import _verified_login
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.announcements import services
from xieshang.announcements.models import Announcement, Recipient

from .conftest import draft

pytestmark = pytest.mark.django_db


def test_create_form_keeps_what_was_typed_then_publish(client, staff, organization, world):
    _verified_login(client, staff)
    data = {"title": "", "body": "请于周五前报送。", "audience": "residents", "committee": world["committee"].pk}
    response = client.post("/announcements/new/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写标题" in body and "只有发给委员的通知可以按专委会选择" in body and "请于周五前报送。" in body
    assert not Announcement.objects.exists()
    data.update(title="关于报送年度履职材料的通知", audience="members")
    response = client.post("/announcements/new/", data)
    announcement = Announcement.objects.get()
    assert response.status_code == 302 and response["Location"] == announcement.get_absolute_url()
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert 'data-testid="preview">2<' in page
    client.post(f"/announcements/{announcement.pk}/publish/")
    client.post(f"/announcements/{announcement.pk}/publish/")  # a double click
    assert Recipient.objects.filter(announcement=announcement).count() == 2
    page = client.get(announcement.get_absolute_url()).content.decode()
    assert 'data-testid="unread-count">2<' in page
    response = client.get(f"/announcements/{announcement.pk}/edit/", follow=True)
    assert "通知已发布，不能再修改" in response.content.decode()


def test_members_cannot_write_and_outsiders_cannot_open(client, staff, organization, world, member, member_b):
    client.force_login(member)
    assert client.get("/announcements/new/").status_code == 403
    assert client.get("/announcements/").status_code == 403
    announcement = draft(staff, organization, sector=world["sector"])
    assert client.get(announcement.get_absolute_url()).status_code == 404  # a draft is nobody's yet
    services.publish_announcement(actor=staff, announcement=announcement)
    assert client.post(f"/announcements/{announcement.pk}/remind/").status_code == 403
    assert client.get(announcement.get_absolute_url()).status_code == 200
    client.force_login(member_b)  # not in the sector
    assert client.get(announcement.get_absolute_url()).status_code == 404


def test_opening_marks_read_and_the_workbench_shows_unread(client, staff, organization, world, member):
    announcement = draft(staff, organization)
    services.publish_announcement(actor=staff, announcement=announcement)
    client.force_login(member)
    workbench = client.get("/workbench/").content.decode()
    assert 'data-section="announcements_unread"' in workbench and announcement.title in workbench
    assert "/announcements/mine/" in workbench
    client.get(announcement.get_absolute_url())
    assert Recipient.objects.get(user=member).read_at is not None
    workbench = client.get("/workbench/").content.decode()
    assert announcement.title not in workbench.split('data-section="announcements_unread"')[1].split("</section>")[0]


def test_staff_menu_and_remind(client, staff, organization, world, member):
    announcement = draft(staff, organization)
    services.publish_announcement(actor=staff, announcement=announcement)
    services.mark_announcement_read(actor=member, announcement=announcement)
    _verified_login(client, staff)
    assert 'href="/announcements/"' in client.get("/workbench/").content.decode()
    response = client.post(f"/announcements/{announcement.pk}/remind/", follow=True)
    assert "已提醒 2 位未读人员" in response.content.decode()
    response = client.post(f"/announcements/{announcement.pk}/remind/", follow=True)
    assert "分钟后再提醒" in response.content.decode()


def test_list_pages_queries_do_not_grow(client, staff, organization, world, member, django_assert_num_queries):
    """The staff list (with read counts) and a recipient's list each take a fixed number of queries, whatever the
    number of announcements and recipients."""

    def publish(n):
        for i in range(n):
            services.publish_announcement(actor=staff, announcement=draft(staff, organization, title=f"通知{i}"))

    publish(1)
    for rows in (1, 6):
        if rows > 1:
            publish(5)
            draft(staff, organization, title="草稿")
        _verified_login(client, staff)
        client.get("/announcements/")  # the session's first page loads what later pages find cached
        with django_assert_num_queries(STAFF_LIST_QUERIES):
            assert client.get("/announcements/").status_code == 200
        client.force_login(member)
        client.get("/announcements/mine/")
        with django_assert_num_queries(MINE_QUERIES):
            page = client.get("/announcements/mine/")
        assert page.content.decode().count('data-testid="mine-') == rows


STAFF_LIST_QUERIES = 3  # the user and his device are kept (decision 0045)
MINE_QUERIES = 3


def test_unit_officer_receives(client, staff, organization, world):
    announcement = draft(staff, organization, audience="units", title="关于提案办理工作的通知")
    services.publish_announcement(actor=staff, announcement=announcement)
    _verified_login(client, world["officer"])
    assert "关于提案办理工作的通知" in client.get("/announcements/mine/").content.decode()
    assert 'href="/announcements/mine/"' in client.get("/workbench/").content.decode()
    leader = make_user(Role.LEADER, organization)
    _verified_login(client, leader)  # neither writes nor receives
    assert "/announcements/" not in client.get("/workbench/").content.decode()


def test_a_draft_is_edited_with_what_it_holds(client, staff, organization, world):
    announcement = draft(staff, organization, committee=world["committee"])
    _verified_login(client, staff)
    page = client.get(f"/announcements/{announcement.pk}/edit/").content.decode()
    assert 'value="关于召开年度履职培训会的通知"' in page
    data = {"title": "改期通知", "body": "培训会改到下周。", "audience": "members", "committee": ""}
    response = client.post(f"/announcements/{announcement.pk}/edit/", data)
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert announcement.title == "改期通知" and announcement.committee is None
