"""Proposals in the search index: the index follows proposal writes through the workflow hook and signals, and
visibility follows the proposal's own (signers, overseers, assigned units; everyone once a reply is published)."""

import pytest

from tests.factories import OrganizationFactory, make_user
from tests.proposals import conftest as proposals_conftest
from tests.proposals.factories import advance, make_proposal, reply
from xieshang.accounts.models import Role
from xieshang.proposals import services
from xieshang.search.models import SearchDocument
from xieshang.search.services import search

pytestmark = pytest.mark.django_db

# The proposals tests' organization with members, staff and units (a fixture of tests/proposals/conftest.py).
world = proposals_conftest.world
_fresh_calendar = proposals_conftest._fresh_calendar


@pytest.fixture
def indexing(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (the index tasks) of everything done inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def ids(results):
    return sorted(h.object_id for h in results.hits)


def test_created_proposal_is_searchable_by_its_signers_only(world, indexing):
    w = world
    with indexing():
        p = make_proposal(
            w, title="关于整治共享单车乱停放的建议", body="地铁口共享单车堆放严重，建议划定停放区域。" * 3
        )
    row = SearchDocument.objects.get(doc_type="proposal", object_id=p.pk)
    assert row.state == "draft"
    assert ids(search(w.lead, "共享单车")) == [p.pk]
    # A draft is the member's own: not even staff find it yet, nor another member.
    assert search(w.staff, "共享单车").total == 0
    assert search(w.outsider, "共享单车").total == 0
    other_org = OrganizationFactory(name="开封市政协", short_name="开封", code="kf")
    stranger = make_user(Role.PROPOSALS_STAFF, other_org, username="kfstaff")
    assert search(stranger, "共享单车").total == 0

    with indexing():
        advance(w, p, "submitted")
    assert SearchDocument.objects.get(doc_type="proposal", object_id=p.pk).state == "submitted"
    assert ids(search(w.staff, "共享单车")) == [p.pk]
    assert search(w.outsider, "共享单车").total == 0
    assert search(stranger, "共享单车").total == 0


def test_edit_reindexes(world, indexing):
    w = world
    with indexing():
        p = make_proposal(w, title="关于增设公交线路的建议", body="新区公交线路少，建议增设。" * 3)
    with indexing():
        services.proposal_update(
            actor=w.lead, proposal=p, title="关于建设口袋公园的建议", body="建议利用边角地建口袋公园。" * 3
        )
    assert ids(search(w.lead, "口袋公园")) == [p.pk]
    assert search(w.lead, "公交线路").total == 0


def test_units_and_published_replies(world, indexing):
    w = world
    with indexing():
        p = make_proposal(w, title="关于校园周边交通安全的建议", body="学校门口上下学时段拥堵，建议设置护学岗。" * 3)
        advance(w, p, "assigned")
    # The assigned lead unit's officer finds it; the third unit's does not.
    assert ids(search(w.officers[0], "护学岗")) == [p.pk]
    assert search(w.officers[2], "护学岗").total == 0
    with indexing():
        advance(w, p, "replied")
    replies = SearchDocument.objects.filter(doc_type="proposal_reply")
    assert replies.count() == 1 and replies.get().visibility == "restricted"
    assert search(w.outsider, "列入年度计划").total == 0
    assert search(w.lead, "列入年度计划").total == 1
    with indexing():
        services.reply_publish(actor=w.staff, reply=p.replies.get())
    assert SearchDocument.objects.get(doc_type="proposal", object_id=p.pk).visibility == "public"
    assert {h.doc_type for h in search(w.outsider, "护学岗").hits} == {"proposal"}
    assert search(w.outsider, "列入年度计划").total == 1


__all__ = ["reply"]
