"""Journeys of the public and of the administrators: a resident raises a topic in his community's room; an
anonymous visitor goes from the home page to the public portal, the public proposals and a room; the system
administrator reaches the workflow settings and the working calendar, the security administrator the accounts and
the security policy, the auditor the audit log and filters it: each from his workbench, by links."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CommunityFactory, make_user
from tests.workflow.testapp.workflows import TICKET_WORKFLOW
from xieshang.accounts.models import Role
from xieshang.consultations import services as consultations
from xieshang.consultations.models import Topic
from xieshang.workflow.models import Workflow

from .test_members import _menu


@pytest.fixture
def room(organization, consultation_defaults):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    convener = make_user(Role.CITIZEN, organization, username="convener", name="刘召集人")
    community = CommunityFactory(organization=organization, name="黄河路社区")
    return consultations.room_create(actor=staff, community=community, convener=convener)


def test_resident_raises_a_topic(walk, organization, room):
    resident = make_user(Role.CITIZEN, organization, username="resident", name="陈居民")
    title = "小区南门夜间照明不足"
    guard = walk(resident, data={room.name, "黄河路社区", "金水区", "刘召集人", title, "南门到公交站的路灯坏了"})
    page, _ = guard.page, guard._
    _menu(guard, _("协商议事室"))
    guard.check("rooms")
    page.get_by_role("link", name=room.name).first.click()
    guard.check("room")
    form = page.get_by_test_id("raise-form")
    form.get_by_label(_("议题标题")).fill(title)
    form.get_by_label(_("具体情况")).fill("南门到公交站的路灯坏了")
    form.get_by_role("button", name=_("提出议题")).click()
    expect(page.get_by_test_id("state")).to_have_text(guard.name("征集中"))
    guard.check("topic")
    assert Topic.objects.get().title == title


def test_anonymous_visitor_reads_the_public_pages(walk, organization, room):
    guard = walk(None, data={room.name, "黄河路社区", "金水区", organization.name, organization.short_name})
    page, _ = guard.page, guard._
    guard.check("home")
    links = page.get_by_test_id("home-public-links")
    links.get_by_role("link", name=_("《郑在协商》协商公开平台")).click()
    guard.check("portal")
    page.go_back()
    links.get_by_role("link", name=_("公开的提案和答复")).click()
    guard.check("public proposals")
    page.go_back()
    page.get_by_test_id("landing-rooms").get_by_role("link", name=room.name).click()
    guard.check("public room")


ADMIN_DUTIES = {
    Role.SYSTEM_ADMIN: ["流程配置", "工作日历"],
    Role.SECURITY_ADMIN: ["账户", "安全策略"],
    Role.AUDIT_ADMIN: ["审计日志"],
}


@pytest.mark.parametrize("role", list(ADMIN_DUTIES), ids=[r.value for r in ADMIN_DUTIES])
def test_administrator_reaches_his_duties(walk, organization, role):
    admin = make_user(role, organization, username="admin1", name="管理员", is_staff=role != Role.AUDIT_ADMIN)
    guard = walk(admin)
    page, _ = guard.page, guard._
    # The workflow list shows each workflow's key, the calendar its source (codes and a package's name).
    keys = Workflow.objects.values_list("key", flat=True)
    guard.allowed_latin |= {"chinese-calendar"}
    # Django's user tools show the username (admin1) in capitals.
    guard.allowed_latin |= {"ADMIN"}
    # The test-only workflow app (tests/settings.py) has a workflow of its own, named in Chinese only.
    guard.data |= {TICKET_WORKFLOW["name"]}
    guard.allowed_latin |= {part for key in keys for part in re.split(r"[_\W]+", key)}
    workbench = page.url
    for label in ADMIN_DUTIES[role]:
        if page.url != workbench:
            page.go_back()
            expect(page).to_have_url(workbench)
        page.get_by_role("link", name=_(label), exact=True).first.click()
        expect(page.locator("body")).not_to_contain_text(_("你没有查看或编辑的权限"))
        guard.check(label)
    if role == Role.AUDIT_ADMIN:
        page.get_by_label(_("操作人")).fill("admin1")
        page.get_by_role("button", name=_("筛选")).click()
        guard.check("filtered audit log")
