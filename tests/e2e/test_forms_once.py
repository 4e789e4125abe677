"""Issue #11 items 9 and 10 in the browser, in Chinese and in English.

A member writes a proposal from the workbench's menu, saves it, and the same form is posted again (the browser's
resubmit, re-posted from the page with the form's own fields): one proposal, and the second post lands on it with
the message. A member reads the timeline of a replied proposal: the category and the reply grade by name, no raw
ids or booleans."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, HandlingUnitFactory, make_user
from tests.proposals.factories import advance, make_proposal
from xieshang.accounts.models import Role, RoleGrant
from xieshang.proposals.models import Proposal
from xieshang.proposals.selectors import categories_for

LANGUAGES = [
    ("zh-hans", "这份表单已经提交过", "办理记录"),
    ("en", "This form was already submitted", "Handling history"),
]

# The form's fields as the browser would post them, kept across the navigation of the first submit.
KEEP_FORM = """() => {
  const form = document.querySelector('[data-testid=proposal-form]');
  const fields = [...new FormData(form).entries()].filter(([k, v]) => typeof v === 'string');
  fields.push(['save', '1']);
  sessionStorage.setItem('posted', JSON.stringify({action: form.action || location.href, fields}));
}"""
POST_AGAIN = """async () => {
  const {action, fields} = JSON.parse(sessionStorage.getItem('posted'));
  const body = new FormData();
  for (const [k, v] of fields) body.append(k, v);
  const response = await fetch(action, {method: 'POST', body, credentials: 'same-origin'});
  return {url: response.url, html: await response.text()};
}"""


def _in_language(page, language):
    if language == "en":
        page.get_by_test_id("language").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize(("language", "again", "_history"), LANGUAGES)
def test_a_proposal_form_posted_twice_creates_one_proposal(page, organization, language, again, _history):
    make_user(Role.MEMBER, organization, username="lead", name="领衔委员")
    login(page, "lead", PASSWORD)
    _in_language(page, language)
    page.goto("/proposals/")  # the menu's 提案 hub
    page.locator("main a[href='/proposals/new/']").first.click()
    page.locator("#id_title").fill("关于加快老旧小区加装电梯的建议")
    page.locator("#id_body").fill("老旧小区居民上下楼困难。" * 10)
    page.evaluate(KEEP_FORM)
    page.locator("[data-testid=proposal-form] button[name=save]").click()
    expect(page).to_have_url(re.compile(r"/proposals/\d+/$"))
    proposal = Proposal.objects.get()
    result = page.evaluate(POST_AGAIN)
    assert result["url"].endswith(proposal.get_absolute_url())
    assert again in result["html"]
    assert Proposal.objects.count() == 1


@pytest.fixture
def world(organization):
    units = [HandlingUnitFactory(organization=organization, name=n, short_name=n) for n in ("市住房局", "市城管局")]
    w = SimpleNamespace(
        org=organization,
        units=units,
        lead=make_user(Role.MEMBER, organization, username="lead", name="领衔委员"),
        staff=make_user(Role.PROPOSALS_STAFF, organization, username="pstaff", name="提案工作人员"),
        leader=make_user(Role.LEADER, organization, username="leader", name="分管领导"),
        supervisor=make_user(Role.SUPERVISOR, organization, username="supervisor", name="督办人员"),
        officers=[],
    )
    for i, unit in enumerate(units):
        officer = make_user(None, None, username=f"officer{i}", name=f"{unit.name}经办人")
        RoleGrant.objects.create(user=officer, organization=organization, role=Role.UNIT_OFFICER, handling_unit=unit)
        w.officers.append(officer)
    return w


@pytest.mark.parametrize(("language", "_again", "history"), LANGUAGES)
def test_the_proposal_timeline_reads_as_text(page, world, axe, language, _again, history):
    p = advance(world, make_proposal(world), "replied")
    category = categories_for(world.org).first()
    login(page, "lead", PASSWORD)
    _in_language(page, language)
    page.goto(p.get_absolute_url())
    timeline = page.locator("ol.wf-timeline")
    expect(timeline).to_be_visible()
    expect(timeline).to_have_attribute("aria-label", history)
    payload = timeline.locator("dl.wf-payload")
    expect(payload.first).to_be_visible()
    text = " | ".join(payload.all_inner_texts())
    from django.utils import translation

    from xieshang.core.names import named

    with translation.override(language):
        assert named(category.name) in text  # a default category reads in the page's language
    assert ("B类（所提问题正在解决或列入计划解决）" if language == "zh-hans" else "B (being solved or planned)") in text
    values = timeline.locator("dl.wf-payload dd").all_inner_texts()
    assert not [v for v in values if re.fullmatch(r"\s*(\d+|True|False|None)?\s*", v)], values
    assert axe(page) == []
