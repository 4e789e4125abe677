"""Topics are proposed by the chairs' meeting and approved by the party committee (shared/domain.md). The party
committee does not use the platform: committee staff record its decision with the approving body, document and
date; a conference leader cannot "approve" in its place."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from tests.accounts.test_isolation import _verified_login
from xieshang.consultations import services
from xieshang.consultations.models import Consultation, Dispatch
from xieshang.workflow.exceptions import ConditionFailed, InvalidPayload, NotAllowed
from xieshang.workflow.models import Transition, WorkflowEvent

from .conftest import advance

IN_3_DAYS = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
APPROVAL = {"body": "中共郑州市委", "document": "郑办文〔2026〕3号", "approved_on": "2026-01-20"}


@pytest.fixture
def proposed(consultation, staff):
    return advance({"propose": staff}, consultation, "propose")


def test_the_chairs_meeting_is_recorded_when_the_topic_is_proposed(consultation, staff):
    with pytest.raises(InvalidPayload, match="主席会议"):
        services.workflow.transition(actor=staff, obj=consultation, transition_key="propose")
    c = advance({"propose": staff}, consultation, "propose")
    assert c.chairs_meeting == "十五届市政协第12次主席会议"


def test_a_leader_cannot_approve_in_the_party_committees_place(proposed, leader):
    with pytest.raises(NotAllowed):
        services.workflow.transition(actor=leader, obj=proposed, transition_key="approve", payload=APPROVAL)
    assert Consultation.objects.get(pk=proposed.pk).state.key == "proposed"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({**APPROVAL, "document": ""}, InvalidPayload),
        ({**APPROVAL, "approved_on": "明天"}, ConditionFailed),
        (
            {**APPROVAL, "approved_on": (datetime.date.today() + datetime.timedelta(days=3)).isoformat()},
            ConditionFailed,
        ),
    ],
)
def test_an_incomplete_or_impossible_record_is_refused(proposed, staff, payload, error):
    with pytest.raises(error):
        services.workflow.transition(actor=staff, obj=proposed, transition_key="approve", payload=payload)
    c = Consultation.objects.get(pk=proposed.pk)
    assert c.state.key == "proposed" and not c.approval_document and c.approved_on is None
    assert not Dispatch.objects.filter(consultation=c).exists()


def test_staff_record_the_approval_with_its_document(proposed, staff):
    services.workflow.transition(actor=staff, obj=proposed, transition_key="approve", payload=APPROVAL)
    c = Consultation.objects.get(pk=proposed.pk)
    assert c.state.key == "approved"
    assert (c.approval_body, c.approval_document, c.approved_on) == (
        "中共郑州市委",
        "郑办文〔2026〕3号",
        datetime.date(2026, 1, 20),
    )
    event = WorkflowEvent.objects.filter(object_id=c.pk, transition__key="approve").get()
    assert event.actor == staff and event.payload["document"] == "郑办文〔2026〕3号"
    assert Dispatch.objects.filter(consultation=c).count() == 2  # notice and materials now fall due


def test_one_document_approves_the_years_proposed_topics(organization, staff, future, proposed):
    other = services.consultation_create(
        actor=staff, organization=organization, kind="thematic", title="第二个议题", planned_date=future, venue="x"
    )
    other = advance({"propose": staff}, other, "propose")
    still_planned = services.consultation_create(
        actor=staff, organization=organization, kind="round_table", title="未提出", planned_date=future, venue="x"
    )
    with pytest.raises(ValidationError) as exc:
        services.plan_record_approval(
            actor=staff, organization=organization, year=future.year, body="中共郑州市委", document="", approved_on=None
        )
    assert set(exc.value.message_dict) == {"document", "approved_on"}
    assert Consultation.objects.filter(state__key="approved").count() == 0
    done = services.plan_record_approval(
        actor=staff,
        organization=organization,
        year=future.year,
        body="中共郑州市委",
        document="郑办文〔2026〕3号",
        approved_on=datetime.date(2026, 1, 20),
    )
    assert {c.pk for c in done} == {proposed.pk, other.pk}
    assert set(Consultation.objects.filter(approval_document="郑办文〔2026〕3号").values_list("pk", flat=True)) == {
        proposed.pk,
        other.pk,
    }
    assert Consultation.objects.get(pk=still_planned.pk).state.key == "planned"


def test_plan_page_form_keeps_what_was_typed_and_is_for_staff_only(client, proposed, staff, leader, future):
    _verified_login(client, leader)
    assert client.post(f"/consultations/plan/approval/?year={future.year}", {}).status_code == 403
    _verified_login(client, staff)
    page = client.get(f"/consultations/plan/?year={future.year}").content.decode()
    assert 'data-testid="plan-approval-form"' in page
    response = client.post(
        f"/consultations/plan/approval/?year={future.year}",
        {"body": "中共郑州市委", "document": "郑办文〔2026〕3号", "approved_on": ""},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "请填写批准日期" in body and 'value="郑办文〔2026〕3号"' in body
    assert Consultation.objects.get(pk=proposed.pk).state.key == "proposed"
    response = client.post(
        f"/consultations/plan/approval/?year={future.year}",
        {"body": "中共郑州市委", "document": "郑办文〔2026〕3号", "approved_on": "2026-01-20"},
    )
    assert response.status_code == 302
    assert "郑办文〔2026〕3号" in client.get(proposed.get_absolute_url()).content.decode()


def test_migration_moves_an_untouched_default_to_the_staff_record(db):
    migration = importlib.import_module("xieshang.consultations.migrations.0004_party_committee_approval")
    approve = Transition.objects.get(workflow__key="consultation", workflow__organization=None, key="approve")
    approve.roles, approve.payload_schema, approve.conditions = ["leader"], {}, []
    approve.save()
    migration.forward(django_apps, None)
    approve.refresh_from_db()
    assert approve.roles == ["committee_staff"]
    assert approve.payload_schema["required"] == ["body", "document", "approved_on"]
    assert approve.conditions == ["consultations.approval_recorded"]
    # An administrator's own choice of roles is left alone.
    approve.roles = ["standing_member"]
    approve.save()
    migration.forward(django_apps, None)
    approve.refresh_from_db()
    assert approve.roles == ["standing_member"]


def test_the_consultation_page_records_the_approval_through_the_workflow_form(client, proposed, staff, leader):
    from xieshang.workflow.templatetags.workflow_tags import transition_url

    _verified_login(client, leader)
    assert "payload_document" not in client.get(proposed.get_absolute_url()).content.decode()
    _verified_login(client, staff)
    page = client.get(proposed.get_absolute_url()).content.decode()
    assert "登记党委批准" in page and "批准文件文号" in page and 'name="payload_document"' in page
    url = transition_url(proposed, "approve")
    fields = {f"payload_{k}": v for k, v in APPROVAL.items()}
    response = client.post(url, {**fields, "payload_approved_on": IN_3_DAYS}, follow=True)
    assert "批准日期不能晚于今天" in response.content.decode()
    assert Consultation.objects.get(pk=proposed.pk).state.key == "proposed"
    response = client.post(url, fields, follow=True)
    body = response.content.decode()
    assert Consultation.objects.get(pk=proposed.pk).state.key == "approved"
    approval = body.split('data-testid="approval"')[1].split("</p>")[0]
    assert "中共郑州市委" in approval and "郑办文〔2026〕3号" in approval and "十五届市政协第12次主席会议" in approval


def test_an_over_long_document_number_is_refused_not_cut_short(proposed, staff):
    too_long = {**APPROVAL, "document": "郑办文〔2026〕" + "3" * 80 + "号"}
    with pytest.raises(ValidationError) as exc:
        services.workflow.transition(actor=staff, obj=proposed, transition_key="approve", payload=too_long)
    assert "批准文号不能超过 80 字" in str(exc.value)
    fresh = Consultation.objects.get(pk=proposed.pk)
    assert fresh.state.key == "proposed" and fresh.approval_document == ""
    assert not WorkflowEvent.objects.filter(object_id=proposed.pk, transition__key="approve").exists()
