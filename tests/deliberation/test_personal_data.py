"""The opinion maps' personal-data sources (decision 0032): his statements and votes exported, nobody else's;
erasure unlinks his participant, keeps texts and vote counts, drops his name; a second run changes nothing."""

from tests.deliberation.factories import ConversationFactory, StatementFactory
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.accounts.personal_data import erase
from xieshang.core import personal_data
from xieshang.deliberation.models import Participant, Statement, Vote
from xieshang.deliberation.services import participant_for


def _source(key):
    return next(s for s in personal_data.sources() if s.key == key)


def _setting(organization):
    resident = make_user(Role.CITIZEN, organization, name="钱多多", phone="13911112222")
    neighbour = make_user(Role.CITIZEN, organization, name="孙邻居")
    conversation = ConversationFactory(organization=organization)
    mine, theirs = (
        participant_for(conversation=conversation, user=resident),
        participant_for(conversation=conversation, user=neighbour),
    )
    own = StatementFactory(conversation=conversation, author=mine, text="我是钱多多，电梯应该加装。")
    other = StatementFactory(conversation=conversation, author=theirs, text="费用要分摊清楚。")
    Vote.objects.create(conversation=conversation, statement=other, participant=mine, value=1)
    Vote.objects.create(conversation=conversation, statement=own, participant=theirs, value=-1)
    return resident, neighbour, own, other


def test_export_holds_his_statements_and_votes_only(organization):
    resident, neighbour, own, other = _setting(organization)
    assert [s["text"] for s in _source("opinion_map_statements").export(resident)] == [own.text]
    votes = _source("opinion_map_votes").export(resident)
    assert [(v["statement"], v["value"]) for v in votes] == [(other.number, "赞同")]
    assert [s["text"] for s in _source("opinion_map_statements").export(neighbour)] == [other.text]


def test_erasure_unlinks_keeps_counts_and_is_idempotent(organization):
    resident, neighbour, own, other = _setting(organization)
    before = (Vote.objects.count(), Statement.objects.count(), Participant.objects.count())
    changes = erase(resident)
    assert changes["opinion_map_statements"] == 2  # the text naming him, and his participant unlinked
    assert (Vote.objects.count(), Statement.objects.count(), Participant.objects.count()) == before
    own.refresh_from_db()
    assert own.text == "我是已注销用户，电梯应该加装。"
    assert own.author.user_id is None
    assert not Participant.objects.filter(user=resident).exists()
    assert Participant.objects.filter(user=neighbour).count() == 1
    assert _source("opinion_map_votes").export(resident) == []
    assert erase(resident)["opinion_map_statements"] == 0
