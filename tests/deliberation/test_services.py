import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from tests.deliberation.factories import ConversationFactory, StatementFactory
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.audit.models import AuditEntry
from xieshang.deliberation import maps, selectors, services
from xieshang.deliberation.models import Conversation, Participant, Statement, Vote


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization)


@pytest.fixture
def resident(organization):
    return make_user(Role.CITIZEN, organization)


@pytest.fixture
def conversation(organization, staff):
    return services.conversation_create(
        actor=staff,
        organization=organization,
        title="老旧小区加装电梯",
        seed_statements=["加装电梯前应充分征求全体住户意见。", "低层住户应得到合理补偿。"],
    )


def test_create_records_audit_and_seeds_shown(conversation, staff):
    assert [s.number for s in conversation.statements.all()] == [0, 1]
    assert all(s.status == Statement.Status.APPROVED and s.is_seed for s in conversation.statements.all())
    assert AuditEntry.objects.filter(action="deliberation.conversation_create", object_id=str(conversation.pk)).exists()


def test_member_cannot_create(organization, member):
    with pytest.raises(PermissionDenied):
        services.conversation_create(actor=member, organization=organization, title="x")


def test_second_vote_replaces_first(conversation, resident):
    statement = conversation.statements.first()
    services.vote_cast(actor=resident, statement=statement, value=1)
    services.vote_cast(actor=resident, statement=statement, value=-1)
    assert list(Vote.objects.filter(statement=statement).values_list("value", flat=True)) == [-1]
    assert Participant.objects.filter(conversation=conversation, user=resident).count() == 1


def test_vote_on_closed_conversation_is_refused_with_message(conversation, staff, resident):
    services.conversation_set_open(actor=staff, conversation=conversation, is_open=False)
    with pytest.raises(ValidationError) as exc:
        services.vote_cast(actor=resident, statement=conversation.statements.first(), value=1)
    assert "已结束" in exc.value.messages[0]
    assert not Vote.objects.exists()


def test_statement_on_closed_conversation_is_refused(conversation, staff, resident):
    services.conversation_set_open(actor=staff, conversation=conversation, is_open=False)
    with pytest.raises(ValidationError, match="已结束"):
        services.statement_submit(actor=resident, conversation=conversation, text="增加停车位")


def test_invalid_vote_value(conversation, resident):
    with pytest.raises(ValidationError):
        services.vote_cast(actor=resident, statement=conversation.statements.first(), value=2)


def test_pre_moderation_hides_until_approved(conversation, staff, resident):
    services.conversation_update(actor=staff, conversation=conversation, moderation=Conversation.Moderation.PRE)
    statement = services.statement_submit(actor=resident, conversation=conversation, text="电梯维保费用按户分摊。")
    assert statement.status == Statement.Status.PENDING
    assert statement not in selectors.visible_statements(conversation)
    with pytest.raises(ValidationError, match="审核"):
        services.vote_cast(actor=resident, statement=statement, value=1)
    services.statement_moderate(actor=staff, statement=statement, approve=True)
    assert statement in selectors.visible_statements(conversation)
    services.vote_cast(actor=resident, statement=statement, value=1)


def test_post_moderation_shows_at_once_and_staff_can_remove(conversation, staff, resident):
    statement = services.statement_submit(actor=resident, conversation=conversation, text="电梯维保费用按户分摊。")
    assert statement in selectors.visible_statements(conversation)
    assert statement in selectors.statements_awaiting_moderation(conversation)
    services.statement_moderate(actor=staff, statement=statement, approve=False)
    assert statement not in selectors.visible_statements(conversation)
    assert statement.number in maps.moderated_out_numbers(conversation)


def test_only_staff_moderate(conversation, resident):
    statement = conversation.statements.first()
    with pytest.raises(PermissionDenied):
        services.statement_moderate(actor=resident, statement=statement, approve=False)


def test_statement_length_limit_and_duplicates(conversation, resident):
    with pytest.raises(ValidationError, match="最多 140"):
        services.statement_submit(actor=resident, conversation=conversation, text="长" * 141)
    services.statement_submit(actor=resident, conversation=conversation, text="长" * 140)
    with pytest.raises(ValidationError, match="同样的观点"):
        services.statement_submit(actor=resident, conversation=conversation, text="长" * 140)


def test_anonymous_identity_is_a_token_without_personal_data(conversation, staff):
    services.conversation_update(actor=staff, conversation=conversation, allow_anonymous=True)
    statement = conversation.statements.first()
    anonymous = AnonymousUser()
    services.vote_cast(actor=anonymous, statement=statement, value=1, anonymous_token="browser-a")
    services.vote_cast(actor=anonymous, statement=statement, value=0, anonymous_token="browser-a")
    services.vote_cast(actor=anonymous, statement=statement, value=-1, anonymous_token="browser-b")
    participants = Participant.objects.filter(conversation=conversation)
    assert participants.count() == 2
    assert all(p.user_id is None for p in participants)
    assert sorted(Vote.objects.values_list("value", flat=True)) == [-1, 0]


def test_anonymous_refused_unless_allowed(conversation):
    statement = conversation.statements.first()
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=AnonymousUser(), statement=statement, value=1, anonymous_token="browser-a")
    assert not Participant.objects.exists()


def test_anonymous_needs_a_token(conversation, staff):
    services.conversation_update(actor=staff, conversation=conversation, allow_anonymous=True)
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=AnonymousUser(), statement=conversation.statements.first(), value=1)


def test_other_organization_member_cannot_vote(conversation, other_organization):
    outsider = make_user(Role.MEMBER, other_organization)
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=outsider, statement=conversation.statements.first(), value=1)


def test_next_statement_skips_voted_and_hidden(conversation, resident):
    first, second = conversation.statements.order_by("number")
    hidden = StatementFactory(conversation=conversation, number=5, status=Statement.Status.REJECTED)
    participant = services.participant_for(conversation=conversation, user=resident)
    assert selectors.next_statement(conversation, participant) == first
    services.vote_cast(actor=resident, statement=first, value=1)
    assert selectors.next_statement(conversation, participant) == second
    services.vote_cast(actor=resident, statement=second, value=0)
    assert selectors.next_statement(conversation, participant) is None
    assert hidden.number == 5


def test_conversation_owner_is_generic(organization, staff):
    conversation = services.conversation_create(
        actor=staff, organization=organization, title="议事室议题", owner=organization
    )
    conversation.refresh_from_db()
    assert conversation.owner == organization


def test_numbers_are_per_conversation(organization, staff):
    a = ConversationFactory(organization=organization)
    b = ConversationFactory(organization=organization)
    sa = services.statement_submit(actor=staff, conversation=a, text="甲")
    sb = services.statement_submit(actor=staff, conversation=b, text="乙")
    assert sa.number == sb.number == 0
