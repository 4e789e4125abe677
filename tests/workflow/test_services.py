import pytest
from django.contrib.contenttypes.models import ContentType

from tests.workflow.conftest import make_org, new_ticket, walk
from tests.workflow.testapp.models import Ticket
from tests.workflow.testapp.workflows import TICKET_WORKFLOW
from xieshang.audit.models import AuditEntry
from xieshang.notifications.models import Notification
from xieshang.workflow import registry, services
from xieshang.workflow.definitions import install_workflow
from xieshang.workflow.models import AppendOnlyError, State, WorkflowEvent
from xieshang.workflow.selectors import available_transitions, events_for, state_allows, workflow_for

pytestmark = pytest.mark.django_db


def events(ticket):
    return list(events_for(ticket))


def snapshot(ticket):
    row = Ticket.objects.get(pk=ticket.pk)
    return (row.state_id, row.state_entered_at, row.due_on, row.overdue, row.deadline_extensions, row.number)


def test_start_puts_the_object_in_the_initial_state_with_an_event(ticket, people):
    assert ticket.state.key == "draft"
    assert ticket.workflow.key == "ticket"
    (event,) = events(ticket)
    assert (event.kind, event.from_state, event.to_state.key, event.actor) == (
        "start",
        None,
        "draft",
        people["submitter"],
    )
    assert state_allows(ticket, "edit") and state_allows(ticket, "cosign") and not state_allows(ticket, "comment")


def test_start_twice_is_a_conflict(ticket, people):
    with pytest.raises(services.Conflict):
        services.start(actor=people["submitter"], obj=ticket, workflow_key="ticket")
    assert len(events(ticket)) == 1


# (state the ticket is brought to, actor, transition, expected outcome)
STEPS_TO = {
    "draft": [],
    "submitted": [("submitter", "submit")],
    "handling": [("submitter", "submit"), ("staff", "accept")],
    "replied": [("submitter", "submit"), ("staff", "accept"), ("co1", "reply", {"grade": "A"})],
    "rejected": [("submitter", "submit"), ("staff", "reject")],
}
TABLE = [
    ("draft", "submitter", "submit", "ok"),
    ("draft", "member", "submit", services.NotAllowed),
    ("draft", "staff", "submit", services.NotAllowed),
    ("draft", "staff", "accept", services.InvalidEdge),
    ("submitted", "submitter", "withdraw", "ok"),
    ("submitted", "staff", "withdraw", services.NotAllowed),
    ("submitted", "staff", "accept", "ok"),
    ("submitted", "outsider", "accept", services.NotAllowed),  # proposals staff, but of another organization
    ("submitted", "submitter", "accept", services.NotAllowed),
    ("submitted", "supervisor", "accept", services.NotAllowed),
    ("submitted", "staff", "submit", services.InvalidEdge),
    ("submitted", "staff", "reject", "ok"),
    ("handling", "co1", "reply", "ok"),  # relational role
    ("handling", "officer", "reply", "ok"),  # organization role
    ("handling", "member", "reply", services.NotAllowed),
    ("handling", "staff", "close", services.InvalidEdge),
    ("replied", "staff", "close", services.ConditionFailed),  # nobody has countersigned
    ("replied", "submitter", "close", services.NotAllowed),  # rights are checked before conditions
    ("rejected", "supervisor", "reopen", "ok"),
    ("rejected", "outsider", "reopen", services.NotAllowed),
    ("rejected", "staff", "reopen", services.NotAllowed),
    ("rejected", "staff", "no_such_transition", services.InvalidEdge),
]


@pytest.mark.parametrize(("state", "actor", "key", "outcome"), TABLE)
def test_role_by_state_table(org, people, state, actor, key, outcome):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO[state])
    assert ticket.state.key == state
    before, count = snapshot(ticket), len(events(ticket))
    payload = {"grade": "B"} if key == "reply" else None
    if outcome == "ok":
        # The pages offer exactly what the service accepts.
        offered = {a.key: a for a in available_transitions(people[actor], ticket)}
        assert offered[key].allowed, offered[key].reason
        event = services.transition(actor=people[actor], obj=ticket, transition_key=key, payload=payload, reason="理由")
        assert Ticket.objects.get(pk=ticket.pk).state_id == event.to_state_id == ticket.state_id
        assert len(events(ticket)) == count + 1
    else:
        offered = {a.key: a for a in available_transitions(people[actor], ticket)}
        if outcome is services.InvalidEdge:
            assert key not in offered
        else:
            assert key in offered and not offered[key].allowed and offered[key].reason
        with pytest.raises(outcome) as excinfo:
            services.transition(actor=people[actor], obj=ticket, transition_key=key, payload=payload, reason="理由")
        assert excinfo.value.message
        # A refusal changes nothing and writes no event.
        assert snapshot(ticket) == before
        assert len(events(ticket)) == count
        assert ticket.state.key == state


def test_available_transitions_explain_themselves(org, people):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO["replied"])
    offered = {a.key: a for a in available_transitions(people["staff"], ticket)}
    assert offered["close"].permitted and not offered["close"].allowed
    assert offered["close"].reason == "还有 2 个协办人未会签。"
    member_view = {a.key: a for a in available_transitions(people["member"], ticket)}
    assert not member_view["close"].permitted
    assert "提案工作人员" in member_view["close"].reason


def test_condition_blocks_until_every_co_handler_has_signed(org, people):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO["replied"])
    ticket.signed_by.add(people["co1"])
    with pytest.raises(services.ConditionFailed, match="还有 1 个协办人未会签"):
        services.transition(actor=people["staff"], obj=ticket, transition_key="close")
    ticket.signed_by.add(people["co2"])
    services.transition(actor=people["staff"], obj=ticket, transition_key="close")
    assert ticket.state.key == "closed" and ticket.state.is_final


def test_unknown_condition_fails_closed(org, people):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO["submitted"])
    accept = ticket.workflow.transitions.get(key="accept")
    accept.conditions = ["no_such_condition"]
    accept.save()
    with pytest.raises(services.ConditionFailed, match="未知条件"):
        services.transition(actor=people["staff"], obj=ticket, transition_key="accept")


def test_reason_required(org, people):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO["submitted"])
    with pytest.raises(services.ReasonRequired):
        services.transition(actor=people["staff"], obj=ticket, transition_key="reject", reason="   ")
    assert ticket.state.key == "submitted"
    event = services.transition(actor=people["staff"], obj=ticket, transition_key="reject", reason="不属于提案范围")
    assert event.reason == "不属于提案范围"


def test_payload_is_checked_against_the_schema(org, people):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO["handling"])
    with pytest.raises(services.InvalidPayload, match="答复类别"):
        services.transition(actor=people["co1"], obj=ticket, transition_key="reply")
    with pytest.raises(services.InvalidPayload):
        services.transition(actor=people["co1"], obj=ticket, transition_key="reply", payload={"grade": "D"})
    event = services.transition(actor=people["co1"], obj=ticket, transition_key="reply", payload={"grade": "C"})
    assert event.payload == {"grade": "C"}


def test_every_change_writes_one_event_and_one_audit_row(org, people):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO["replied"])
    chain = events(ticket)
    assert [e.kind for e in chain] == ["start", "transition", "transition", "transition"]
    assert [e.to_state.key for e in chain] == ["draft", "submitted", "handling", "replied"]
    for previous, event in zip(chain, chain[1:], strict=False):
        assert event.from_state_id == previous.to_state_id
    assert chain[1].actor_name == "提交委员" and chain[1].transition_name == "提交"
    actions = list(
        AuditEntry.objects.filter(object_type="workflow_testapp.ticket", object_id=str(ticket.pk))
        .order_by("id")
        .values_list("action", "result")
    )
    assert actions == [
        ("ticket.start", "success"),
        ("ticket.submit", "success"),
        ("ticket.accept", "success"),
        ("ticket.reply", "success"),
    ]


def test_refusals_are_audited_but_leave_no_event(ticket, people):
    with pytest.raises(services.NotAllowed):
        services.transition(actor=people["member"], obj=ticket, transition_key="submit")
    entry = AuditEntry.objects.filter(object_id=str(ticket.pk), result="denied").get()
    assert entry.action == "workflow.submit" and entry.detail["code"] == "not_allowed"
    assert len(events(ticket)) == 1


def test_a_failing_hook_rolls_everything_back(ticket, people, django_capture_on_commit_callbacks):
    def numbering(obj, event, payload):
        obj.number = "〔2025〕第0001号"
        obj.save(update_fields=["number"])
        raise RuntimeError("numbering service down")

    registry.register_hook("ticket", "submit", numbering)
    try:
        before = snapshot(ticket)
        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            services.transition(actor=people["submitter"], obj=ticket, transition_key="submit")
        assert callbacks == []
        assert snapshot(ticket) == before
        assert ticket.state.key == "draft" and ticket.number == ""
        assert len(events(ticket)) == 1
        assert not Notification.objects.exists()
    finally:
        registry.unregister_hook("ticket", "submit", numbering)


def test_hooks_run_inside_the_transaction_and_their_changes_reach_the_caller(ticket, people):
    seen = []

    def numbering(obj, event, payload):
        seen.append((obj.state.key, event.to_state.key, WorkflowEvent.objects.filter(pk=event.pk).exists()))
        obj.number = "〔2025〕第0001号"
        obj.save(update_fields=["number"])

    registry.register_hook("ticket", "*", numbering)
    try:
        services.transition(actor=people["submitter"], obj=ticket, transition_key="submit")
    finally:
        registry.unregister_hook("ticket", "*", numbering)
    assert seen == [("submitted", "submitted", True)]
    assert ticket.number == "〔2025〕第0001号"


def test_notifications_go_out_only_after_commit(ticket, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.transition(actor=people["submitter"], obj=ticket, transition_key="submit")
        assert not Notification.objects.exists()
    assert callbacks  # the notifier's (and the kept pages' generations, core.generations.watch)
    assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    (note,) = Notification.objects.all()
    assert note.recipient == people["staff"]
    assert note.kind == "workflow.ticket.submit"
    assert note.title == "关于加装电梯的建议：提交"
    assert "草稿" in note.body and "已提交" in note.body
    assert note.url == f"/tickets/{ticket.pk}/"


def test_the_actor_is_not_notified_of_their_own_action(org, people, django_capture_on_commit_callbacks):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO["submitted"])
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(actor=people["staff"], obj=ticket, transition_key="reject", reason="重复")
    (note,) = Notification.objects.all()
    assert note.recipient == people["submitter"] and "重复" in note.body


def test_a_registered_notifier_replaces_the_default(ticket, people, django_capture_on_commit_callbacks):
    def notifier(obj, event):
        return [([people["supervisor"]], f"自定义：{event.transition_name}", "", "/x/")]

    registry.register_notifier("ticket", notifier)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.transition(actor=people["submitter"], obj=ticket, transition_key="submit")
    finally:
        registry.unregister_notifier("ticket")
    assert list(Notification.objects.values_list("recipient", "title")) == [(people["supervisor"].pk, "自定义：提交")]


def test_a_stale_instance_gets_a_conflict(org, people):
    ticket = walk(new_ticket(org, people), people, *STEPS_TO["submitted"])
    stale = Ticket.objects.get(pk=ticket.pk)
    services.transition(actor=people["staff"], obj=ticket, transition_key="accept")
    with pytest.raises(services.Conflict, match="已被他人处理，当前状态为“办理中”"):
        services.transition(actor=people["submitter"], obj=stale, transition_key="withdraw")
    # Even a transition that would be valid from the new state is refused: the user decided on what they saw.
    with pytest.raises(services.Conflict):
        services.transition(actor=people["co1"], obj=stale, transition_key="reply", payload={"grade": "A"})
    # Saying which state one saw works the same (the generic view posts it).
    with pytest.raises(services.Conflict):
        services.transition(actor=people["co1"], obj=ticket, transition_key="reply", expected_state="submitted")
    services.transition(
        actor=people["co1"], obj=ticket, transition_key="reply", payload={"grade": "A"}, expected_state="handling"
    )


def test_events_are_append_only(ticket):
    event = events(ticket)[0]
    event.reason = "改写"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        WorkflowEvent.objects.filter(pk=event.pk).update(reason="改写")
    with pytest.raises(AppendOnlyError):
        WorkflowEvent.objects.all().delete()


def test_organization_copy_is_used_and_editable(people):
    other = make_org("wfcopy", "复制市政协")
    default = workflow_for(other, "ticket")
    assert default.organization_id is None
    copy = services.copy_workflow(actor=people["staff"], key="ticket", organization=other)
    assert workflow_for(other, "ticket") == copy
    assert workflow_for(None, "ticket") == default
    assert copy.states.count() == default.states.count()
    assert copy.transitions.get(key="close").conditions == ["all_countersigned"]
    assert set(copy.transitions.get(key="reopen").sources.values_list("key", flat=True)) == {"rejected", "closed"}
    # The copy is the organization's own: editing it leaves the default alone.
    submitted = copy.states.get(key="submitted")
    submitted.deadline_amount = 8
    submitted.save()
    assert default.states.get(key="submitted").deadline_amount == 5
    ticket = Ticket.objects.create(organization=other, title="复制流程", submitter=people["submitter"])
    services.start(actor=people["submitter"], obj=ticket, workflow_key="ticket")
    assert ticket.workflow == copy and ticket.state.workflow == copy
    assert services.copy_workflow(actor=people["staff"], key="ticket", organization=other) == copy


def test_install_workflow_updates_in_place(db):
    definition = {**TICKET_WORKFLOW, "name": "测试工单（新）"}
    definition["transitions"] = [t for t in TICKET_WORKFLOW["transitions"] if t["key"] != "reopen"]
    workflow = install_workflow(definition)
    assert workflow.name == "测试工单（新）"
    assert not workflow.transitions.get(key="reopen").is_active
    assert State.objects.filter(workflow=workflow).count() == len(TICKET_WORKFLOW["states"])
    install_workflow(TICKET_WORKFLOW)
    assert workflow.transitions.get(key="reopen").is_active


@pytest.mark.parametrize(
    "broken",
    [
        {"states": [{"key": "a", "name": "A"}]},  # no initial state
        {"states": [{"key": "a", "name": "A", "is_initial": True, "deadline": 3}]},  # unknown field
        {
            "states": [{"key": "a", "name": "A", "is_initial": True}],
            "transitions": [{"key": "t", "name": "T", "sources": ["a"], "target": "b"}],
        },
    ],
)
def test_install_workflow_rejects_broken_definitions(db, broken):
    with pytest.raises(ValueError):
        install_workflow({"key": "broken", "name": "坏", "states": [], "transitions": [], **broken})


def test_event_rows_point_at_the_object(ticket):
    event = events(ticket)[0]
    assert event.content_type == ContentType.objects.get_for_model(Ticket)
    assert (event.object_id, event.organization_id) == (ticket.pk, ticket.organization_id)
