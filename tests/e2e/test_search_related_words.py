"""A search that finds nothing offers related words (相近词) that are real words occurring with the query's words,
never pieces of the query (issue #19), in Chinese and in English: from the workbench through the search form."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_user
from tests.proposals.factories import advance, make_proposal
from xieshang.accounts.models import Role
from xieshang.search import similar

ELEVATOR = "老旧小区没有电梯，老年人上下楼十分困难。建议财政补贴，简化审批流程，加快老旧小区加装电梯工作。"


@pytest.fixture(autouse=True)
def _defaults(db):
    from xieshang.proposals.workflows import MICRO_PROPOSAL_WORKFLOW, PROPOSAL_WORKFLOW
    from xieshang.workflow.definitions import install_workflow

    for definition in (PROPOSAL_WORKFLOW, MICRO_PROPOSAL_WORKFLOW):
        install_workflow(definition, overwrite=False)
    similar.forget()
    yield
    similar.forget()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_an_empty_search_suggests_co_occurring_words(page, organization, lang):
    english = lang == "en"
    lead = make_user(Role.MEMBER, organization, username="lead", name="领衔委员", language=lang)
    w = SimpleNamespace(org=organization, lead=lead)
    advance(w, make_proposal(w, title="关于加快老旧小区加装电梯的建议", body=ELEVATOR), "submitted")

    login(page, "lead", PASSWORD)
    page.goto("/")
    page.get_by_role("link", name="Search" if english else "检索").first.click()
    page.get_by_label("Search terms" if english else "检索词").fill("加装电梯 火箭")
    page.get_by_role("button", name="Search" if english else "检索").click()
    box = page.locator(".search-suggestions")
    expect(box).to_be_visible()
    words = [t.strip() for t in box.get_by_role("link").all_inner_texts()]
    assert words[0] == "加装电梯"  # the query without 火箭 finds the proposal
    related = words[1:]
    assert related, words
    # Words of the proposal that holds 加装电梯 (the only document): they occur with the query's word.
    assert all(word in ELEVATOR for word in related), related
    for word in related:
        assert word not in "加装电梯火箭" and "加装电梯" not in word, word
