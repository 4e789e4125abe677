"""转为意见建议: a proposal converted to a suggestion in review arrives in the opinions pipeline as a report with its
signers as authors and the proposal's history; the hand-over and the proposal's transition commit together."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.proposals.test_views_support import login, make_proposal
from xieshang.accounts.models import Role
from xieshang.opinions import services as opinion_services
from xieshang.opinions.models import Report
from xieshang.proposals import services
from xieshang.proposals.models import Proposal
from xieshang.workflow.models import WorkflowEvent

pytestmark = pytest.mark.django_db


def test_converting_in_review_hands_the_proposal_to_the_opinions_pipeline(world):
    w = world
    p = make_proposal(w, to="under_review")
    services.proposal_review(actor=w.staff, proposal=p, outcome="converted", reason="更适合以社情民意信息反映")
    p.refresh_from_db()
    assert p.state.key == "converted" and p.outcome == Proposal.Outcome.CONVERTED
    report = Report.objects.get()
    assert report.state.key == "collected"
    assert report.organization_id == w.org.pk and report.title == p.title and report.body == p.body
    # the lead and the counted co-signer are the report's authors, in that order
    assert [a.user_id for a in report.author_links.all()] == [w.lead.pk, w.co1.pk]
    assert report.source_object_id == p.pk and report.source_url == p.get_absolute_url()
    assert report.versions.get().note == "更适合以社情民意信息反映"
    # its history: the proposal's events, ending with the conversion, are readable from the report
    events = WorkflowEvent.objects.filter(content_type_id=report.source_content_type_id, object_id=p.pk)
    assert events.filter(transition__key="convert").exists()


def test_a_failed_hand_over_leaves_the_proposal_in_review(world, monkeypatch):
    w = world
    p = make_proposal(w, to="under_review")
    events_before = WorkflowEvent.objects.count()

    def broken(**kwargs):
        raise RuntimeError("opinions unavailable")

    monkeypatch.setattr(opinion_services, "report_from_proposal", broken)
    with pytest.raises(RuntimeError):
        services.proposal_review(actor=w.staff, proposal=p, outcome="converted", reason="转社情民意")
    p.refresh_from_db()
    assert p.state.key == "under_review" and p.outcome == "" and p.outcome_reason == ""
    assert WorkflowEvent.objects.count() == events_before and not Report.objects.exists()


def test_the_report_refusing_the_hand_over_shows_on_the_review_form(client, world, monkeypatch):
    from django.core.exceptions import ValidationError

    w = world
    p = make_proposal(w, to="under_review")

    def refuse(**kwargs):
        raise ValidationError({"reason": "社情民意信息暂停收稿"})

    monkeypatch.setattr(opinion_services, "report_from_proposal", refuse)
    login(client, w.staff)
    response = client.post(reverse("proposals:review", args=[p.pk]), {"outcome": "converted", "reason": "我的意见"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "社情民意信息暂停收稿" in html and "我的意见" in html
    p.refresh_from_db()
    assert p.state.key == "under_review" and not Report.objects.exists()


def test_convert_through_the_page_links_proposal_and_report_both_ways(client, world):
    w = world
    info = make_user(Role.INFORMATION_STAFF, w.org, username="info", name="信息处")
    p = make_proposal(w, to="under_review")
    login(client, w.staff)
    missing = client.post(reverse("proposals:review", args=[p.pk]), {"outcome": "converted", "reason": ""})
    assert missing.status_code == 422 and "请填写审查意见" in missing.content.decode()
    assert not Report.objects.exists()
    done = client.post(reverse("proposals:review", args=[p.pk]), {"outcome": "converted", "reason": "转社情民意"})
    assert done.status_code == 302
    report = Report.objects.get()
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert 'data-testid="converted-report"' in page and report.get_absolute_url() in page
    # the proposals staff who handed it over may follow it (read only: the desk is the information staff's)
    report_page = client.get(report.get_absolute_url())
    assert report_page.status_code == 200 and p.get_absolute_url() in report_page.content.decode()
    assert client.get(reverse("opinions:desk")).status_code == 403
    # the member sees the link too, and opens the report as its author, with the proposal's history
    login(client, w.lead)
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert report.get_absolute_url() in page
    report_page = client.get(report.get_absolute_url()).content.decode()
    assert p.get_absolute_url() in report_page and "转为意见建议" in report_page
    # the information staff find it on their desk and the report page links back to the proposal
    login(client, info)
    assert report.title in client.get(reverse("opinions:desk")).content.decode()
    assert p.get_absolute_url() in client.get(report.get_absolute_url()).content.decode()


def test_the_api_transition_hands_over_too(world):
    w = world
    p = make_proposal(w, to="under_review", cosign=False)
    services.proposal_transition(actor=w.staff, proposal=p, key="convert", reason="转社情民意")
    report = Report.objects.get()
    assert [a.user_id for a in report.author_links.all()] == [w.lead.pk]


def test_a_sector_proposal_arrives_as_a_sector_report(world):
    w = world
    p = make_proposal(w, to="under_review", cosign=False, submitter_kind="sector", sector=w.sector)
    services.proposal_review(actor=w.staff, proposal=p, outcome="converted", reason="转社情民意")
    report = Report.objects.get()
    assert (report.author_kind, report.author_org_name, report.submitter) == ("sector", "教育界", w.lead)
