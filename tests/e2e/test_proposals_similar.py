"""While a member writes a proposal, the similar-proposals panel finds what the reviewer's merge list finds (issue
#11, item 12), in Chinese and in English: pasting (not typing) the text of an earlier proposal of his own shows it,
named, with its score; the near-duplicate another member submitted is reported without its title."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_user
from tests.proposals.factories import advance, make_proposal
from xieshang.accounts.models import Role
from xieshang.search import similar

ELEVATOR = "老旧小区没有电梯，老年人上下楼十分困难。建议政府加大补贴力度，简化审批流程，加快老旧小区加装电梯工作。"
PARKS = "城市公园绿地分布不均，新区居民缺少休闲场所。建议利用边角地建设口袋公园，增加健身设施和绿化面积。"


@pytest.fixture(autouse=True)
def _defaults(db):
    """live_server tests flush the database between tests, data migrations included: install the proposal
    workflows again; the process's similarity indexes are dropped with the rows they were built from."""
    from xieshang.proposals.workflows import MICRO_PROPOSAL_WORKFLOW, PROPOSAL_WORKFLOW
    from xieshang.workflow.definitions import install_workflow

    for definition in (PROPOSAL_WORKFLOW, MICRO_PROPOSAL_WORKFLOW):
        install_workflow(definition, overwrite=False)
    similar.forget()
    yield
    similar.forget()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_writing_panel_shows_the_near_duplicates(page, organization, lang):
    english = lang == "en"
    lead = make_user(Role.MEMBER, organization, username="lead", name="领衔委员", language=lang)
    other = make_user(Role.MEMBER, organization, username="other", name="其他委员")
    staff = make_user(Role.PROPOSALS_STAFF, organization, username="pstaff")
    w = SimpleNamespace(org=organization, lead=lead, staff=staff)
    own = advance(w, make_proposal(w, title="关于多建口袋公园的建议", body=PARKS), "submitted")
    advance(w, make_proposal(w, actor=other, title="关于加快老旧小区加装电梯的建议", body=ELEVATOR), "under_review")

    login(page, "lead", PASSWORD)
    page.goto("/proposals/")
    page.get_by_role("link", name="Write proposal" if english else "撰写提案").first.click()
    panel = page.locator("#similar-proposals")
    # fill() sets the value at once, as a paste does: no key is pressed, the panel must still ask.
    page.get_by_label("Subject" if english else "案由").fill("关于建设口袋公园的建议")
    page.get_by_label("Text" if english else "正文").fill(PARKS)
    item = panel.get_by_test_id("similar-item")
    expect(item).to_contain_text(own.title)
    expect(item).to_contain_text(re.compile(r"(similarity|相似度) (0\.[5-9]\d|1\.00)"))
    expect(panel.get_by_role("heading")).to_have_text("Similar existing proposals" if english else "内容相近的已有提案")

    # Another member's near-duplicate under review: reported, never named.
    page.get_by_label("Subject" if english else "案由").fill("关于加快老旧小区加装电梯的建议")
    page.get_by_label("Text" if english else "正文").fill(ELEVATOR)
    hidden = panel.get_by_test_id("similar-hidden")
    expect(hidden).to_contain_text(
        "1 proposal with almost the same content" if english else "已有 1 件内容几乎相同的提案由其他提案人提交"
    )
    expect(panel).not_to_contain_text("关于加快老旧小区加装电梯的建议")
    expect(panel.get_by_test_id("similar-item")).to_have_count(0)
