"""Each recipient of a proposal's notification gets the message written for his role (issue #11, item 6): the
member is asked to read and rate a reply, the handling unit is not; a unit is asked to sign for an assignment, the
member is not; staff hear that a proposal went to rehandling without being asked to phone the member."""

import pytest
from django.utils import translation

from tests.proposals.factories import advance, make_proposal
from xieshang.notifications.models import Notification
from xieshang.proposals import notices, services
from xieshang.proposals.workflows import MICRO_PROPOSAL_WORKFLOW, PROPOSAL_WORKFLOW

pytestmark = pytest.mark.django_db

RATE = "已收到答复，请查看并评价"
SIGN_FOR = "请在期限内签收"


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the block's after-commit notifications, then return the titles each recipient got from it."""

    class Capture:
        def __enter__(self):
            self.before = set(Notification.objects.values_list("pk", flat=True))
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return self

        def __exit__(self, *exc):
            self.capture.__exit__(*exc)
            self.titles = {}
            for n in Notification.objects.exclude(pk__in=self.before).select_related("recipient"):
                self.titles.setdefault(n.recipient.username, []).append(n.title)

        def of(self, user):
            return " | ".join(self.titles.get(user.username, []))

    return Capture


def test_reply_approved_asks_the_signers_to_rate_and_tells_the_unit_it_reached_them(world, sent):
    w = world
    p = advance(w, make_proposal(w), "supervisor_review")
    with sent() as s:
        services.reply_approve(actor=w.supervisor, proposal=p)
    assert RATE in s.of(w.lead)
    unit = s.of(w.officers[0])
    assert unit and RATE not in unit and "您的提案" not in unit and "送达提案人" in unit


def test_assignment_asks_the_unit_to_sign_for_it_and_tells_the_member_it_was_assigned(world, sent):
    w = world
    p = advance(w, make_proposal(w), "assignment_approved")
    with sent() as s:
        services.proposal_assign(actor=w.staff, proposal=p)
    assert SIGN_FOR in s.of(w.officers[0]) and SIGN_FOR in s.of(w.officers[1])
    member = s.of(w.lead)
    assert member and SIGN_FOR not in member and "已交承办单位办理" in member


def test_rehandling_asks_the_unit_to_contact_the_member_and_tells_staff(world, sent):
    w = world
    p = advance(w, make_proposal(w), "replied")
    with sent() as s:  # the last signer's rating moves it to rehandling
        services.rating_submit(actor=w.lead, proposal=p, satisfaction="dissatisfied", comment="未解决")
    p.refresh_from_db()
    assert p.state.key == "rehandling"
    assert "请再次联系提案人" in s.of(w.officers[0])
    staff = s.of(w.staff)
    assert "已转入重办" in staff and "联系提案人" not in staff


def test_micro_accept_tells_the_unit_and_the_member_each_his_part(world, sent):
    w = world
    p = services.proposal_create(
        actor=w.lead, organization=w.org, title="背街小巷路灯", body="路灯坏了" * 10, kind="micro"
    )
    services.proposal_submit(actor=w.lead, proposal=p)
    with sent() as s:
        services.micro_accept(actor=w.staff, proposal=p, unit=w.units[1])
    assert "请按期答复" in s.of(w.officers[1]) and "您的微提案" not in s.of(w.officers[1])
    assert "已受理" in s.of(w.lead) and "请按期答复" not in s.of(w.lead)


@pytest.mark.parametrize("definition", [PROPOSAL_WORKFLOW, MICRO_PROPOSAL_WORKFLOW], ids=lambda d: d["key"])
def test_every_role_a_default_transition_notifies_has_its_own_message(definition):
    """Recipient × text over the whole table: no role of a default workflow falls back to another's text, and no
    two roles of one transition share a message."""
    for transition in definition["transitions"]:
        roles = transition.get("notify") or []
        texts = [notices.MESSAGES.get(transition["key"], {}).get(role) for role in roles]
        assert None not in texts, (transition["key"], roles)
        assert len({str(t) for t in texts}) == len(texts), transition["key"]


def test_role_messages_in_english():
    with translation.override("en"):
        assert "reply" in notices.message_for("approve_reply", "signer").lower()
        unit = notices.message_for("approve_reply", "lead_unit")
        assert unit.startswith("The reply to proposal %(number)s") and "please" not in unit.lower()
        # A role the transition's message table does not know gets the neutral text, never another role's.
        assert notices.message_for("approve_reply", "supervisor") == "Proposal “%(title)s”: %(action)s"
