"""Points of issue #3 proved through the pages: the reply with its reference number, contact and grade; the supervisor
changing the grade; the excellent-proposal selection; the micro-proposal's 15 working days; and what each state
allows (the submitter edits only drafts, including one returned for revision; co-signing only while it is open)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.proposals.factories import contact
from tests.proposals.test_action_pages import _refused, _snapshot, _url
from tests.proposals.test_views_support import advance, login, make_proposal
from xieshang.proposals import services
from xieshang.proposals.models import CoSignature, Proposal
from xieshang.workflow import calendar
from xieshang.workflow.calendar import add_working_days, working_days_between
from xieshang.workflow.models import CalendarDay, WorkflowEvent

pytestmark = pytest.mark.django_db

REPLY = {
    "reference_number": "郑房函〔2026〕21号",
    "contact_person": "王科长",
    "contact_phone": "0371-67180000",
    "text": "已将老旧小区加装电梯列入年度计划。",
    "grade": "B",
    "promise": "年底前完成加装电梯试点。",
    "promise_due_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
}


def test_reply_needs_reference_contact_text_and_grade_and_keeps_what_was_typed(client, world):
    w = world
    p = make_proposal(w, to="handling")
    contact(w, p)
    login(client, w.officers[0])
    before = _snapshot(p)
    html = _refused(
        client.post(_url("reply", p), {**REPLY, "grade": ""}), "答复类别", REPLY["text"], "郑房函〔2026〕21号"
    )
    assert 'value="王科长"' in html and 'value="0371-67180000"' in html
    for field in ("reference_number", "contact_person", "contact_phone"):
        _refused(client.post(_url("reply", p), {**REPLY, field: " "}), REPLY["text"])
    assert _snapshot(p) == before

    assert client.post(_url("reply", p), REPLY).status_code == 302
    reply = p.replies.get()
    assert (reply.reference_number, reply.contact_person, reply.contact_phone, reply.grade) == (
        "郑房函〔2026〕21号",
        "王科长",
        "0371-67180000",
        "B",
    )
    page = client.get(_url("detail", p)).content.decode()
    assert "郑房函〔2026〕21号" in page and "王科长" in page


def test_supervisor_changes_the_grade_on_the_page_and_the_member_sees_it(client, world):
    w = world
    p = make_proposal(w, to="supervisor_review")  # the unit graded it B
    login(client, w.supervisor)
    assert client.post(_url("approve", p), {"grade": "Z", "note": ""}).status_code == 422
    assert p.replies.get().grade == "B"
    assert client.post(_url("approve", p), {"grade": "A", "note": "措施已落实，应为A类"}).status_code == 302
    reply = p.replies.get()
    assert (reply.grade, reply.unit_grade, reply.status) == ("A", "B", "sent")
    event = WorkflowEvent.objects.filter(object_id=p.pk, transition__key="approve_reply").get()
    assert event.payload.get("grade") == "A" and event.reason == "措施已落实，应为A类"
    login(client, w.lead)
    page = client.get(_url("detail", p)).content.decode()
    assert '<span data-testid="grade">A</span>' in page


def test_supervisor_keeps_the_grade_when_none_is_chosen(client, world):
    w = world
    p = make_proposal(w, to="supervisor_review")
    login(client, w.supervisor)
    assert client.post(_url("approve", p), {"grade": "", "note": ""}).status_code == 302
    reply = p.replies.get()
    assert (reply.grade, reply.unit_grade) == ("B", "")


def test_excellent_selection_page(client, world):
    w = world
    closed = make_proposal(w, title="已办结的好提案", to="closed")
    handling = make_proposal(w, title="办理中的提案", to="handling")
    draft = make_proposal(w, title="草稿提案")
    url = reverse("proposals:excellent") + f"?year={closed.year}"
    login(client, w.lead)
    assert client.get(url).status_code == 403
    assert client.post(url, {"proposals": [closed.pk]}).status_code == 403
    login(client, w.staff)
    page = client.get(url).content.decode()
    assert closed.title in page and handling.title in page and draft.title not in page
    # a proposal that is not a filed one of the year is refused, and the valid one beside it is not selected either
    refused = client.post(url, {"proposals": [closed.pk, draft.pk]})
    assert refused.status_code == 422
    assert not Proposal.objects.filter(is_excellent=True).exists()
    assert client.post(url, {"proposals": [closed.pk]}).status_code == 302
    closed.refresh_from_db()
    assert closed.is_excellent and closed.excellent_year == closed.year
    login(client, w.lead)
    assert f"{closed.year} 年度优秀提案" in client.get(_url("detail", closed)).content.decode()


def _holidays_after(day, n):
    """Make the next n weekdays after `day` days off (as the administrator would in the calendar)."""
    made = []
    d = day
    while len(made) < n:
        d += timedelta(days=1)
        if d.weekday() < 5:
            CalendarDay.objects.update_or_create(
                date=d, defaults={"is_workday": False, "name": "测试假日", "source": "admin"}
            )
            made.append(d)
    calendar.invalidate()
    return made


def test_micro_proposal_reply_is_due_in_15_working_days(world):
    w = world
    today = timezone.localdate()
    off = _holidays_after(today, 5)  # a holiday week right after acceptance
    p = services.proposal_create(actor=w.lead, organization=w.org, title="路灯不亮", body="路灯坏了" * 10, kind="micro")
    services.proposal_submit(actor=w.lead, proposal=p)
    services.micro_accept(actor=w.staff, proposal=p, unit=w.units[1])
    p.refresh_from_db()
    entered = timezone.localdate(p.state_entered_at)
    assert p.state.key == "handling" and p.due_on == add_working_days(entered, 15)
    assert working_days_between(entered, p.due_on) == 15
    assert calendar.is_workday(p.due_on) and p.due_on > max(off)
    # 15 working days plus the holiday week: at least four calendar weeks
    assert (p.due_on - entered).days >= 26
    assert p.assignments.get().proposal_due_on == p.due_on


def test_submitter_edits_only_drafts_including_one_returned_for_revision(client, world):
    w = world
    p = make_proposal(w, cosign=False)
    login(client, w.lead)
    edit = reverse("proposals:edit", args=[p.pk])
    assert client.get(edit).status_code == 200
    advance(w, p, "submitted")
    assert client.get(edit).status_code == 403
    form = {"title": "改过的案由", "body": "改过的正文" * 20, "submitter_kind": "member"}
    assert client.post(edit, form).status_code == 403
    upload = SimpleUploadedFile("a.txt", "附件".encode(), content_type="text/plain")
    client.post(reverse("proposals:attachment_add", args=[p.pk]), {"file": upload})
    p.refresh_from_db()
    assert p.title != "改过的案由" and not p.attachments.exists()
    page = client.get(_url("detail", p)).content.decode()
    assert f'href="{edit}"' not in page
    # staff return it for revision: a draft again, editable by the submitter
    services.proposal_transition(actor=w.staff, proposal=p, key="return_for_revision", reason="请补充具体建议")
    assert client.get(edit).status_code == 200
    assert f'href="{edit}"' in client.get(_url("detail", p)).content.decode()
    assert client.post(edit, form).status_code == 302
    p.refresh_from_db()
    assert p.title == "改过的案由"


def test_cosigning_is_open_only_while_the_state_allows_it(client, world):
    w = world
    p = make_proposal(w, cosign=False)
    advance(w, p, "submitted")
    login(client, w.lead)
    # the signing period runs while the proposal awaits pre-acceptance
    client.post(reverse("proposals:invite", args=[p.pk]), {"cosigners": [w.co1.pk]})
    assert CoSignature.objects.filter(proposal=p, user=w.co1, status="invited").exists()
    login(client, w.co1)
    assert 'name="decision"' in client.get(_url("detail", p)).content.decode()
    # the signing deadline passes with the invitation unanswered; the office pre-accepts
    Proposal.objects.filter(pk=p.pk).update(cosign_deadline=timezone.localdate() - timedelta(days=1))
    p.refresh_from_db()
    services.proposal_transition(actor=w.staff, proposal=p, key="pre_accept")
    # closed: the invitation is no longer offered and signing is refused with the reason
    page = client.get(_url("detail", p)).content.decode()
    assert 'name="decision"' not in page
    response = client.post(reverse("proposals:cosign", args=[p.pk]), {"decision": "sign"}, follow=True)
    assert "不在联名阶段" in response.content.decode()
    assert CoSignature.objects.get(proposal=p, user=w.co1).status == "invited"
    login(client, w.lead)
    client.post(reverse("proposals:invite", args=[p.pk]), {"cosigners": [w.co2.pk]})
    assert not CoSignature.objects.filter(proposal=p, user=w.co2).exists()
