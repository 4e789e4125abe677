"""Key proposals' supervision, the missing pieces (#15, decision 0031): candidates put forward by the handling units
and the special committees, supervision meetings as 提案办理协商 consultations, the supervising leaders' assessment,
the year's summary (page, Word, Excel), and members' disputes of contact records flagged to the supervisors."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitteeFactory, make_user
from tests.proposals.test_key_supervision import _key, _meeting
from tests.proposals.test_views_support import login, make_proposal
from xieshang.accounts.models import Role, RoleGrant
from xieshang.consultations import services as consultation_services
from xieshang.consultations.models import Consultation, Invitation, Kind
from xieshang.notifications.models import Notification
from xieshang.proposals import services
from xieshang.proposals.models import HandlingContact, KeyAssessment, KeyCandidate, KeySummary
from xieshang.workflow.exceptions import TransitionError

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _committee_staff(w, committee):
    user = make_user(None, None, username="cstaff", name="城建委工作人员")
    RoleGrant.objects.create(user=user, organization=w.org, role=Role.COMMITTEE_STAFF, committee=committee)
    return user


def _supervised(w):
    p = _key(w)
    services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", user=w.leader, title="副主席")
    return p


# candidates


def test_a_handling_unit_proposes_its_own_proposal_and_the_list_names_it(client, world):
    w = world
    p = make_proposal(w, to="handling")  # lead units[0], co-handler units[1]
    with pytest.raises(PermissionDenied):  # units[2] does not handle it
        services.key_candidate_propose(actor=w.officers[2], proposal=p, reason="理由")
    c = services.key_candidate_propose(actor=w.officers[1], proposal=p, reason="涉及多部门，需领导协调")
    assert c.proposer_unit == w.units[1] and c.proposer_committee is None
    assert c.proposer_body == "市城管局"
    assert Notification.objects.filter(recipient=w.staff, kind="proposal.key_candidate").exists()
    login(client, w.staff)
    page = client.get(reverse("proposals:key_selection")).content.decode()
    assert "市城管局（市城管局经办人）" in page
    # the chairpersons' meeting decides on it as on any other candidate
    _meeting(w, [c])
    p.refresh_from_db()
    assert p.is_key


def test_a_committee_proposes_its_committees_proposals_only(client, world):
    w = world
    committee, other = CommitteeFactory(organization=w.org, name="城建委"), CommitteeFactory(organization=w.org)
    staff = _committee_staff(w, committee)
    ours = make_proposal(w, title="关于城市更新的建议", to="handling")
    ours.committee = committee
    ours.save(update_fields=["committee"])
    theirs = make_proposal(w, title="关于其他事项的建议", to="handling")
    theirs.committee = other
    theirs.save(update_fields=["committee"])
    with pytest.raises(PermissionDenied):
        services.key_candidate_propose(actor=staff, proposal=theirs, reason="理由")
    # from the selection page: only the committee's own proposals are offered; a missing reason keeps the choice
    login(client, staff)
    page = client.get(reverse("proposals:key_selection")).content.decode()
    assert "关于城市更新的建议" in page and "关于其他事项的建议" not in page
    url = reverse("proposals:key_propose")
    refused = client.post(url, {"proposal": ours.pk, "reason": ""})
    assert refused.status_code == 422 and f'value="{ours.pk}" selected' in refused.content.decode()
    assert not KeyCandidate.objects.exists()
    client.post(url, {"proposal": theirs.pk, "reason": "理由"})  # not in the choices
    assert not KeyCandidate.objects.exists()
    client.post(url, {"proposal": ours.pk, "reason": "城市更新是年度重点"})
    c = KeyCandidate.objects.get()
    assert c.proposal == ours and c.proposer_committee == committee and c.proposed_by == staff


# supervision meetings


def test_a_supervision_meeting_is_a_handling_consultation_inviting_units_members_and_leaders(world):
    w = world
    p = _supervised(w)
    c = services.key_consultation_create(
        actor=w.staff, proposal=p, title="加装电梯督办协商会", planned_date=TODAY() + timedelta(days=3), venue="三楼"
    )
    assert c.kind == Kind.HANDLING and c.origin == p and not c.is_public
    assert c.state.key == "scheduled" and c.workflow.key == "handling_consultation"
    invited = set(c.invitations.values_list("user_id", flat=True))
    assert {w.officers[0].pk, w.officers[1].pk, w.lead.pk, w.leader.pk} <= invited
    assert w.officers[2].pk not in invited
    assert set(c.dispatches.values_list("kind", flat=True)) == {"notice", "materials"}
    # the proposals office runs it with the consultations app's own services: held, minutes, a recommendation
    consultation_services.consultation_transition(actor=w.staff, consultation=c, key="hold")
    consultation_services.minutes_save(actor=w.staff, consultation=c, minutes="会议商定年底前完成加装。")
    outcome = consultation_services.recommendation_add(
        actor=w.staff, consultation=c, title="建立加装电梯联审机制", owner_unit=w.units[0]
    )
    assert c.outcomes.count() == 1
    # and sends it on to the unit, which tracks it as any consultation's recommendation
    consultation_services.outcome_transition(actor=w.staff, outcome=outcome, key="send")
    outcome.refresh_from_db()
    assert outcome.state.key == "sent"
    consultation_services.outcome_transition(actor=w.officers[0], outcome=outcome, key="adopt")


def test_a_meeting_for_a_proposal_that_is_not_key_is_refused(world):
    w = world
    p = make_proposal(w, to="handling")
    with pytest.raises(TransitionError):
        services.key_consultation_create(actor=w.staff, proposal=p, title="督办协商会", planned_date=TODAY())
    assert not Consultation.objects.exists()


def test_meeting_refusals_leave_nothing_behind(world):
    w = world
    p = _supervised(w)
    with pytest.raises(PermissionDenied):
        services.key_consultation_create(actor=w.officers[0], proposal=p, title="督办协商会", planned_date=TODAY())
    with pytest.raises(ValidationError) as refused:
        services.key_consultation_create(actor=w.staff, proposal=p, title=" ", planned_date=TODAY() - timedelta(days=1))
    assert set(refused.value.message_dict) == {"title", "planned_date"}
    services.key_consultation_create(actor=w.staff, proposal=p, title="督办协商会", planned_date=TODAY())
    with pytest.raises(ValidationError):  # the same day twice: a repeated post does not make a second meeting
        services.key_consultation_create(actor=w.staff, proposal=p, title="督办协商会", planned_date=TODAY())
    assert Consultation.objects.count() == 1 and Invitation.objects.count() == 5  # 2 units, 2 signers, 1 leader


def test_the_consultation_form_offers_no_handling_kind_and_the_service_needs_the_proposal(world):
    from xieshang.consultations.forms import ConsultationForm

    assert Kind.HANDLING not in dict(ConsultationForm.base_fields["kind"].choices)
    committee_staff = make_user(Role.COMMITTEE_STAFF, world.org, username="cs2")
    with pytest.raises(ValidationError):
        consultation_services.consultation_create(
            actor=committee_staff, organization=world.org, kind=Kind.HANDLING, title="协商", planned_date=TODAY()
        )


def test_supervision_page_lists_meetings_with_minutes_and_recommendations(client, world):
    w = world
    p = _supervised(w)
    login(client, w.staff)
    url = reverse("proposals:supervision", args=[p.pk])
    refused = client.post(
        reverse("proposals:key_consultation", args=[p.pk]), {"meeting-title": "督办协商会", "meeting-venue": "三楼"}
    )
    assert refused.status_code == 422 and 'value="三楼"' in refused.content.decode()
    response = client.post(
        reverse("proposals:key_consultation", args=[p.pk]),
        {"meeting-title": "督办协商会", "meeting-planned_date": TODAY().isoformat(), "meeting-venue": "三楼"},
    )
    c = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == c.get_absolute_url()
    consultation_services.consultation_transition(actor=w.staff, consultation=c, key="hold")
    consultation_services.minutes_save(actor=w.staff, consultation=c, minutes="商定年底前完成。")
    consultation_services.recommendation_add(actor=w.staff, consultation=c, title="建立联审机制", owner_unit=w.units[0])
    page = client.get(url).content.decode()
    assert "督办协商会" in page and "商定年底前完成。" in page and "建立联审机制" in page
    detail = client.get(c.get_absolute_url()).content.decode()
    assert 'data-testid="consultation-origin"' in detail and p.get_absolute_url() in detail


# assessments


def test_only_a_supervising_leader_assesses(world):
    w = world
    p = _supervised(w)
    other_leader = make_user(Role.LEADER, w.org, username="leader2", name="其他领导")
    for who in (other_leader, w.staff, w.officers[0], w.lead):
        with pytest.raises(PermissionDenied):
            services.key_assessment_record(actor=who, proposal=p, grade="satisfied", text="很好")
    with pytest.raises(ValidationError) as refused:
        services.key_assessment_record(actor=w.leader, proposal=p, grade="excellent", text="")
    assert set(refused.value.message_dict) == {"grade", "text"}
    assert not KeyAssessment.objects.exists()


def test_a_second_assessment_changes_the_first_until_the_summary_is_final(world):
    w = world
    p = _supervised(w)
    first = services.key_assessment_record(actor=w.leader, proposal=p, grade="basic", text="进度偏慢")
    second = services.key_assessment_record(actor=w.leader, proposal=p, grade="satisfied", text="已按期完成")
    assert first.pk == second.pk and KeyAssessment.objects.count() == 1
    row = KeyAssessment.objects.get()
    assert (row.grade, row.text, row.year) == ("satisfied", "已按期完成", TODAY().year)
    with pytest.raises(PermissionDenied):
        services.key_summary_finalize(actor=w.leader, organization=w.org, year=TODAY().year)
    services.key_summary_finalize(actor=w.staff, organization=w.org, year=TODAY().year)
    with pytest.raises(ValidationError):  # finalised twice
        services.key_summary_finalize(actor=w.staff, organization=w.org, year=TODAY().year)
    with pytest.raises(ValidationError):
        services.key_assessment_record(actor=w.leader, proposal=p, grade="dissatisfied", text="改主意")
    assert KeyAssessment.objects.get().grade == "satisfied"
    assert KeySummary.objects.get().finalized_by == w.staff


def test_assessment_form_keeps_what_was_typed_and_a_repeat_does_not_duplicate(client, world):
    w = world
    p = _supervised(w)
    login(client, w.leader)
    url = reverse("proposals:key_assessment", args=[p.pk])
    refused = client.post(url, {"assessment-text": "请加快进度"})
    assert refused.status_code == 422 and "请加快进度" in refused.content.decode()
    client.post(url, {"assessment-grade": "basic", "assessment-text": "请加快进度"})
    client.post(url, {"assessment-grade": "basic", "assessment-text": "请加快进度"})
    assert KeyAssessment.objects.count() == 1
    page = client.get(reverse("proposals:supervision", args=[p.pk])).content.decode()
    assert "基本满意" in page and "请加快进度" in page


# the year's summary


def test_summary_lists_the_years_key_proposals_with_a_word_and_an_excel_file(client, world):
    from docx import Document
    from openpyxl import load_workbook

    w = world
    p = _supervised(w)
    services.key_consultation_create(actor=w.staff, proposal=p, title="督办协商会甲", planned_date=TODAY())
    services.key_assessment_record(actor=w.leader, proposal=p, grade="satisfied", text="办理扎实")
    year = p.year
    login(client, w.member if hasattr(w, "member") else w.lead)
    assert client.get(reverse("proposals:key_summary")).status_code == 403
    login(client, w.staff)
    page = client.get(reverse("proposals:key_summary") + f"?year={year}").content.decode()
    assert p.title in page and "督办协商会甲" in page and "办理扎实" in page and "分管领导" in page
    word = client.get(reverse("proposals:key_summary_file", args=["docx"]) + f"?year={year}")
    text = "\n".join(
        [para.text for para in Document(io.BytesIO(word.content)).paragraphs]
        + [cell.text for t in Document(io.BytesIO(word.content)).tables for r in t.rows for cell in r.cells]
    )
    assert p.title in text and "办理扎实" in text and "督办协商会甲" in text
    sheet = load_workbook(io.BytesIO(client.get(reverse("proposals:key_summary_file", args=["xlsx"])).content)).active
    assert any(p.title in str(c.value) for row in sheet.iter_rows() for c in row)
    assert client.get(reverse("proposals:key_summary") + "?year=abc").status_code == 404


def test_summary_page_query_count_is_constant(client, world, django_assert_num_queries):
    w = world
    login(client, w.staff)
    url = reverse("proposals:key_summary")

    def grow(n):
        for i in range(n):
            p = _key(w, title=f"关于重点{n}-{i}的建议")
            services.key_supervisor_add(actor=w.staff, proposal=p, side="conference", user=w.leader)
            services.key_milestone_add(actor=w.staff, proposal=p, what="节点", due_on=TODAY())
            services.key_consultation_create(actor=w.staff, proposal=p, title=f"会{n}-{i}", planned_date=TODAY())
            services.key_assessment_record(actor=w.leader, proposal=p, grade="basic", text="评价")

    grow(1)
    client.get(url)
    with django_assert_num_queries(PINNED):
        client.get(url)
    grow(3)
    client.get(url)
    with django_assert_num_queries(PINNED):
        page = client.get(url).content.decode()
    assert "关于重点3-2的建议" in page


PINNED = 14  # one fewer since the grants are kept per user, two since the user and his device are (0045)


# disputed contact


def test_a_disputed_contact_is_on_the_supervisors_workbench_and_queue(client, world):
    w = world
    p = make_proposal(w, to="handling")
    contact = services.contact_record(
        actor=w.officers[0],
        proposal=p,
        method="phone",
        contacted_on=TODAY(),
        with_whom="领衔委员",
        agreed="商定年底前完成",
    )
    login(client, w.supervisor)
    assert "有异议" not in client.get(reverse("core:workbench")).content.decode()
    services.contact_respond(actor=w.lead, contact=contact, confirm=False, note="并未电话联系")
    assert HandlingContact.objects.get().response == "disputed"
    assert Notification.objects.filter(recipient=w.supervisor, kind="proposal.contact_disputed").exists()
    workbench = client.get(reverse("core:workbench")).content.decode()
    assert "提案人对 市住房局 的办理沟通记录有异议" in workbench
    queue = client.get(reverse("proposals:supervisor_queue")).content.decode()
    assert "并未电话联系" in queue
