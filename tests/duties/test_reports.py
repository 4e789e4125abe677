"""The standing member's annual duty report: drafted from his records with figures tied to them, edited (an unknown
placeholder refused with the text kept), submitted (figures kept), returned with a reason or accepted by staff, then
downloaded as Word and PDF with RFC 6266 names. Refused steps change nothing."""

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import OrganizationFactory, make_user
from tests.workflow.conftest import verified_login
from xieshang.accounts.models import Role
from xieshang.audit.models import AuditEntry
from xieshang.duties import services
from xieshang.duties.models import DutyReport
from xieshang.duties.services import Credit, credit_many

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def org():
    return OrganizationFactory(code="zz", name="中国人民政治协商会议郑州市委员会")


@pytest.fixture
def standing(org):
    user = make_user(Role.STANDING_MEMBER, org, username="changwei", name="王常委")
    sources = [OrganizationFactory(code=f"p{i}", name=f"关于改进第{i}项工作的提案") for i in range(3)]
    credit_many(
        organization=org,
        credits=[Credit(user, "proposal_lead", s, date(YEAR, 3, 1), source_label=s.name) for s in sources]
        + [Credit(user, "speech", sources[0], date(YEAR, 1, 10), source_label="大会发言：城市更新")],
    )
    return user


@pytest.fixture
def staff(org):
    return make_user(Role.COMMITTEE_STAFF, org, username="staff", name="赵工作")


def test_draft_figures_come_from_the_records(org, standing):
    report = services.report_draft(actor=standing, organization=org, year=YEAR)
    assert "{count:proposal_lead}" in report.body
    html_url = reverse("duties:report", args=[report.pk])
    assert report.get_absolute_url() == html_url
    from xieshang.duties.documents import report_context

    text = "".join(p.text for para in report_context(report)["paragraphs"] for p in para)
    assert "领衔提交提案3件" in text and "关于改进第0项工作的提案" in text and "城市更新" in text
    # A second draft of the same year is the same report.
    assert services.report_draft(actor=standing, organization=org, year=YEAR).pk == report.pk
    member = make_user(Role.MEMBER, org, username="plain")
    with pytest.raises(PermissionDenied):
        services.report_draft(actor=member, organization=org, year=YEAR)


def test_edit_submit_return_accept_and_download(client, org, standing, staff):
    client.force_login(standing)
    response = client.post(reverse("duties:reports") + f"?year={YEAR}")
    report = DutyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    url = report.get_absolute_url()
    body = report.body + "\n本人还参加了{count:nonsense}次活动。"
    bad = client.post(url, {"title": report.title, "body": body})
    assert bad.status_code == 422 and "{count:nonsense}" in bad.content.decode()
    assert "本人还参加了" in bad.content.decode()
    report.refresh_from_db()
    assert "本人还参加了" not in report.body
    body = report.body.replace("（请填写）", "今后将更加深入基层。")
    assert client.post(url, {"title": report.title, "body": body}).status_code == 302
    client.post(reverse("duties:report_action", args=[report.pk, "submit"]))
    report.refresh_from_db()
    assert report.state == "submitted" and report.figures["count:proposal_lead"] == "3"
    # Submitted: the member can no longer edit; a later record does not change the submitted figures.
    assert client.post(url, {"title": "改", "body": body}).status_code == 403 or report.title != "改"
    report.refresh_from_db()
    assert report.title != "改"
    credit_many(organization=org, credits=[Credit(standing, "proposal_lead", staff, date(YEAR, 6, 1))])
    assert 'data-figure="count:proposal_lead">3<' in client.get(url).content.decode()
    assert client.get(reverse("duties:report_document", args=[report.pk, "pdf"])).status_code == 404

    verified_login(client, staff)
    refused = client.post(reverse("duties:report_action", args=[report.pk, "return"]), {"reason": " "})
    assert refused.status_code == 422 and "请填写退回理由" in refused.content.decode()
    report.refresh_from_db()
    assert report.state == "submitted"
    client.post(reverse("duties:report_action", args=[report.pk, "return"]), {"reason": "请补充社情民意信息工作"})
    report.refresh_from_db()
    assert report.state == "returned" and report.return_reason == "请补充社情民意信息工作"

    client.force_login(standing)
    assert "请补充社情民意信息工作" in client.get(url).content.decode()
    client.post(reverse("duties:report_action", args=[report.pk, "submit"]))
    report.refresh_from_db()
    assert report.figures["count:proposal_lead"] == "4"

    verified_login(client, staff)
    client.post(reverse("duties:report_action", args=[report.pk, "accept"]))
    report.refresh_from_db()
    assert report.state == "accepted" and report.reviewed_by == staff
    again = client.post(reverse("duties:report_action", args=[report.pk, "accept"]))
    assert again.status_code == 422
    actions = list(AuditEntry.objects.filter(action__startswith="duties.report_").values_list("action", flat=True))
    assert actions.count("duties.report_submit") == 2 and "duties.report_accept" in actions

    client.force_login(standing)
    docx = client.get(reverse("duties:report_document", args=[report.pk, "docx"]))
    assert docx.status_code == 200 and "filename*=UTF-8''" in docx["Content-Disposition"]
    assert docx["Content-Disposition"].endswith(".docx")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "领衔提交提案4件" in text and "今后将更加深入基层。" in text and "王常委" in text
    pdf = client.get(reverse("duties:report_document", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].endswith(".pdf")


def test_others_cannot_read_or_review(client, org, standing):
    report = services.report_draft(actor=standing, organization=org, year=YEAR)
    other = make_user(Role.STANDING_MEMBER, org, username="other")
    client.force_login(other)
    assert client.get(report.get_absolute_url()).status_code == 403
    services.report_submit(actor=standing, report=report)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=other, report=report)
    with pytest.raises(PermissionDenied):
        services.report_save(actor=standing, report=report, title="x", body="y")
    report.refresh_from_db()
    assert report.state == "submitted"
    with pytest.raises(ValidationError):
        services.report_return(actor=make_user(Role.COMMITTEE_STAFF, org), report=report, reason="")
