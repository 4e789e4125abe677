"""Key proposals (重点提案, decision 0028): candidates put forward by the office, the chairpersons' meeting's decision,
publication, supervising leaders, the plan's milestones, the units' progress and the leaders' instructions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.proposals.test_views_support import login, make_proposal
from xieshang.core import generations
from xieshang.instructions.models import Instruction
from xieshang.notifications.models import Notification
from xieshang.proposals import services
from xieshang.proposals.models import (
    KeyCandidate,
    KeyMeeting,
    KeyMilestone,
    KeyProgress,
    KeySupervisor,
    Proposal,
)
from xieshang.workflow.exceptions import TransitionError

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _meeting(w, chosen, **kwargs):
    return services.key_meeting_record(
        actor=kwargs.pop("actor", w.staff),
        organization=w.org,
        name=kwargs.pop("name", "第五次主席会议"),
        held_on=kwargs.pop("held_on", TODAY()),
        minutes=kwargs.pop("minutes", "会议研究确定年度重点提案。"),
        chosen=chosen,
    )


def _key(w, title="关于加快老旧小区加装电梯的建议", to="handling"):
    """A proposal in handling chosen by a published meeting, with a milestone of the plan."""
    p = make_proposal(w, title=title, to=to)
    c = services.key_candidate_propose(actor=w.staff, proposal=p, reason="群众关注度高")
    services.key_meeting_publish(actor=w.staff, meeting=_meeting(w, [c]))
    p.refresh_from_db()
    return p


def test_only_staff_propose_candidates_and_only_filed_ones(world):
    w = world
    p = make_proposal(w, to="handling")
    # officers[2]'s unit does not handle it (units and committees: tests/proposals/test_key_meetings.py)
    for who in (w.lead, w.officers[2], w.leader, w.supervisor):
        with pytest.raises(PermissionDenied):
            services.key_candidate_propose(actor=who, proposal=p, reason="理由")
    with pytest.raises(ValidationError) as refused:
        services.key_candidate_propose(actor=w.staff, proposal=p, reason="  ")
    assert "推荐理由" in str(refused.value)
    draft = make_proposal(w, title="草稿提案")
    with pytest.raises(TransitionError):
        services.key_candidate_propose(actor=w.staff, proposal=draft, reason="理由")
    assert not KeyCandidate.objects.exists()
    services.key_candidate_propose(actor=w.staff, proposal=p, reason="群众关注度高")
    with pytest.raises(TransitionError):  # already a candidate: not twice
        services.key_candidate_propose(actor=w.staff2, proposal=p, reason="再推荐一次")
    assert KeyCandidate.objects.filter(proposal=p).count() == 1


def test_meeting_sets_is_key_exactly_for_the_chosen_and_records_the_rest(world):
    w = world
    a = make_proposal(w, title="关于甲的建议", to="handling")
    b = make_proposal(w, title="关于乙的建议", to="handling")
    ca = services.key_candidate_propose(actor=w.staff, proposal=a, reason="甲")
    cb = services.key_candidate_propose(actor=w.staff, proposal=b, reason="乙")
    with pytest.raises(PermissionDenied):
        _meeting(w, [ca], actor=w.leader)
    with pytest.raises(ValidationError):
        _meeting(w, [ca], held_on=TODAY() + timedelta(days=1))
    with pytest.raises(ValidationError):
        _meeting(w, [])
    assert not KeyMeeting.objects.exists()
    meeting = _meeting(w, [ca])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.is_key, b.is_key) == (True, False)
    ca.refresh_from_db()
    cb.refresh_from_db()
    assert (ca.status, cb.status) == ("chosen", "not_chosen")
    assert ca.meeting == cb.meeting == meeting
    # the same decision posted again finds no open candidate: nothing is decided twice
    with pytest.raises(ValidationError):
        _meeting(w, [ca])
    assert KeyMeeting.objects.count() == 1
    assert Proposal.objects.filter(is_key=True).count() == 1
    # not yet published: members and units do not see the list
    assert a.key_published_at is None
    services.key_meeting_publish(actor=w.staff, meeting=meeting)
    a.refresh_from_db()
    assert a.key_published_at is not None
    told = set(Notification.objects.filter(kind="proposal.key_published").values_list("recipient", flat=True))
    assert told == {w.lead.pk, w.officers[0].pk, w.officers[1].pk}
    with pytest.raises(TransitionError):  # published once
        services.key_meeting_publish(actor=w.staff, meeting=meeting)
    assert Notification.objects.filter(kind="proposal.key_published").count() == 3


def test_supervisors_leader_user_or_named_government_leader(world):
    w = world
    p = _key(w)
    with pytest.raises(PermissionDenied):
        services.key_supervisor_add(actor=w.leader, proposal=p, side="conference", user=w.leader)
    with pytest.raises(ValidationError):  # not a leader
        services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", user=w.lead)
    with pytest.raises(ValidationError):  # the conference side is a platform user
        services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", name="张三")
    services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", user=w.leader, title="副主席")
    services.key_supervisor_add(actor=w.staff, proposal=p, side="government", name="李四", title="副市长")
    with pytest.raises(ValidationError):
        services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", user=w.leader)
    p.refresh_from_db()
    assert p.key_leader == w.leader
    assert list(KeySupervisor.objects.values_list("side", "name", "title")) == [
        ("conference", "分管领导", "副主席"),
        ("government", "李四", "副市长"),
    ]
    not_key = make_proposal(w, title="普通提案", to="handling")
    with pytest.raises(TransitionError):
        services.key_supervisor_add(actor=w.staff, proposal=not_key, side="government", name="李四")


def test_milestone_before_today_is_refused(world):
    w = world
    p = _key(w)
    with pytest.raises(ValidationError) as refused:
        services.key_milestone_add(actor=w.staff, proposal=p, what="完成选址", due_on=TODAY() - timedelta(days=1))
    assert "完成时限不能早于今天" in str(refused.value)
    with pytest.raises(PermissionDenied):
        services.key_milestone_add(actor=w.officers[0], proposal=p, what="完成选址", due_on=TODAY())
    assert not KeyMilestone.objects.exists()
    services.key_milestone_add(actor=w.staff, proposal=p, what="完成选址", due_on=TODAY())
    assert Notification.objects.filter(kind="proposal.key_milestone", recipient=w.officers[0]).exists()


def test_unit_reports_only_on_its_own_key_proposal(world):
    w = world
    p = _key(w)
    m = services.key_milestone_add(actor=w.staff, proposal=p, what="完成选址", due_on=TODAY() + timedelta(days=30))
    services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", user=w.leader)
    with pytest.raises(PermissionDenied):  # w.units[2] does not handle it
        services.key_progress_report(actor=w.officers[2], milestone=m, text="已完成")
    with pytest.raises(PermissionDenied):
        services.key_progress_report(actor=w.lead, milestone=m, text="已完成")
    with pytest.raises(ValidationError):
        services.key_progress_report(actor=w.officers[0], milestone=m, text="进展", reported_on=TODAY() + timedelta(1))
    row = services.key_progress_report(actor=w.officers[0], milestone=m, text="已完成选址", completes=True)
    m.refresh_from_db()
    assert (row.unit, m.done_at is not None) == (w.units[0], True)
    assert Notification.objects.filter(kind="proposal.key_progress", recipient=w.leader).exists()


def test_leader_instructs_a_key_proposal_and_units_are_told(world):
    w = world
    p = _key(w)
    with pytest.raises(PermissionDenied):
        services.key_instruction_record(actor=w.staff, proposal=p, text="请抓紧办理")
    with pytest.raises(ValidationError):
        services.key_instruction_record(actor=w.leader, proposal=p, text=" ")
    i = services.key_instruction_record(actor=w.leader, proposal=p, text="请抓紧办理，年底前见成效。")
    assert (i.leader, i.leader_name, i.instructed_on) == (w.leader, "分管领导", TODAY())
    told = set(Notification.objects.filter(kind="proposal.key_instruction").values_list("recipient", flat=True))
    assert {w.officers[0].pk, w.officers[1].pk, w.staff.pk} <= told


def test_repeated_posts_do_not_act_twice(client, world):
    w = world
    p = _key(w)
    services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", user=w.leader)
    m = services.key_milestone_add(actor=w.staff, proposal=p, what="完成选址", due_on=TODAY() + timedelta(days=30))
    url = reverse("proposals:key_instruction", args=[p.pk])
    login(client, w.leader)
    data = {"text": "请抓紧办理", "instructed_on": TODAY().isoformat(), "submission_token": "a" * 32}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Instruction.objects.count() == 1
    login(client, w.officers[0])
    data = {"milestone": m.pk, "text": "已完成选址", "reported_on": TODAY().isoformat(), "submission_token": "b" * 32}
    url = reverse("proposals:key_progress", args=[p.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert KeyProgress.objects.count() == 1
    # the meeting form: a second post of the same decision is refused by the service too (no open candidate left)
    q = make_proposal(w, title="关于丙的建议", to="handling")
    c = services.key_candidate_propose(actor=w.staff, proposal=q, reason="丙")
    login(client, w.staff)
    data = {"name": "第六次主席会议", "held_on": TODAY().isoformat(), "minutes": "研究", "chosen": [c.pk]}
    url = reverse("proposals:key_meeting")
    assert client.post(url, {**data, "submission_token": "c" * 32}).status_code == 302
    refused = client.post(url, {**data, "submission_token": "d" * 32})
    assert refused.status_code in (302, 422)
    assert KeyMeeting.objects.count() == 2


def test_refused_forms_keep_what_was_typed(client, world):
    w = world
    p = _key(w)
    login(client, w.staff)
    yesterday = (TODAY() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("proposals:milestone_add", args=[p.pk]), {"what": "完成施工招标", "due_on": yesterday}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "完成时限不能早于今天" in html and "完成施工招标" in html
    assert not KeyMilestone.objects.exists()


def test_supervision_page_reading(client, world):
    w = world
    a = make_proposal(w, title="关于甲的建议", to="handling")
    c = services.key_candidate_propose(actor=w.staff, proposal=a, reason="甲")
    meeting = _meeting(w, [c])
    url = reverse("proposals:supervision", args=[a.pk])
    # before publication: the office and the leaders, not the member or the unit
    assert login(client, w.leader).get(url).status_code == 200
    assert login(client, w.lead).get(url).status_code == 403
    assert login(client, w.officers[0]).get(url).status_code == 403
    selection = login(client, w.outsider).get(reverse("proposals:key_selection")).content.decode()
    assert "关于甲的建议" not in selection
    services.key_meeting_publish(actor=w.staff, meeting=meeting)
    assert login(client, w.lead).get(url).status_code == 200
    assert login(client, w.officers[0]).get(url).status_code == 200
    selection = login(client, w.outsider).get(reverse("proposals:key_selection")).content.decode()
    assert "关于甲的建议" in selection


def test_selection_page_query_count_is_constant(client, world, django_assert_num_queries):
    w = world
    login(client, w.staff)
    url = reverse("proposals:key_selection")

    def grow(n):
        chosen = []
        for i in range(n):
            p = make_proposal(w, title=f"关于候选{i}的建议{n}", to="filed")
            chosen.append(services.key_candidate_propose(actor=w.staff, proposal=p, reason="理由"))
        _meeting(w, chosen[:1])
        for i in range(n):
            p = make_proposal(w, title=f"关于新候选{i}的建议{n}", to="filed")
            services.key_candidate_propose(actor=w.staff, proposal=p, reason="理由")

    grow(1)
    client.get(url)
    # session, user, roles, candidates, meeting form's candidates, meetings, their candidates … (pinned)
    with django_assert_num_queries(5):  # the user and his device are kept (decision 0045)
        client.get(url)
    grow(3)
    with django_assert_num_queries(5):
        page = client.get(url).content.decode()
    assert "关于新候选2的建议3" in page and "关于候选0的建议3" in page


# The leader's workbench reads his consultation invitations too (a key proposal's supervision meeting, 0031).
@pytest.mark.parametrize(("name", "pinned"), [("proposals:key", 4), ("core:workbench", 13)])
def test_key_list_and_leader_workbench_query_counts_are_constant(
    client, world, django_assert_num_queries, django_assert_max_num_queries, name, pinned
):
    w = world

    def grow(n):
        for i in range(n):
            p = _key(w, title=f"关于重点{i}的建议{n}")
            services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", user=w.leader)
            services.key_milestone_add(actor=w.staff, proposal=p, what="节点", due_on=TODAY() + timedelta(days=i))

    grow(1)
    login(client, w.leader)
    url = reverse(name)
    client.get(url)

    def rebuild():  # the kept workbench sections are built afresh: the count is of the whole build, not a kept page
        if name == "core:workbench":
            generations.advance(generations.for_user(w.leader.pk))  # as a change of his grants would

    rebuild()
    with django_assert_num_queries(pinned):
        client.get(url)
    grow(3)
    client.get(url)
    rebuild()
    with django_assert_num_queries(pinned):
        page = client.get(url).content.decode()
    assert "关于重点2的建议3" in page
    if name == "core:workbench":
        with django_assert_max_num_queries(3):  # kept: the session, the user and his device; no section asks
            assert "关于重点2的建议3" in client.get(url).content.decode()


# 14 before decision 0031; its meetings (with invitations and recommendations) and assessments add 7.
PINNED = 18  # the user and his device are kept (decision 0045)


def test_supervision_page_query_count_is_constant(client, world, django_assert_num_queries):
    w = world
    p = _key(w)
    url = reverse("proposals:supervision", args=[p.pk])

    def grow(n):
        services.key_supervisor_add(actor=w.staff, proposal=p, side="government", name=f"领导{n}", title="副市长")
        for i in range(n):
            m = services.key_milestone_add(actor=w.staff, proposal=p, what=f"节点{n}-{i}", due_on=TODAY())
            services.key_progress_report(actor=w.officers[0], milestone=m, text=f"进展{n}-{i}")
            services.key_instruction_record(actor=w.leader, proposal=p, text=f"批示{n}-{i}")
            # supervision meetings with their invitations (decision 0031)
            services.key_consultation_create(
                actor=w.staff, proposal=p, title=f"督办协商会{n}-{i}", planned_date=TODAY() + timedelta(days=n + i)
            )

    grow(1)
    login(client, w.officers[0])
    client.get(url)
    with django_assert_num_queries(PINNED):
        client.get(url)
    grow(3)
    client.get(url)
    with django_assert_num_queries(PINNED):
        page = client.get(url).content.decode()
    assert "进展3-2" in page and "批示3-2" in page and "领导3" in page
