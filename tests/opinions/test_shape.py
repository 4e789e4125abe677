"""The opinions app in the shape of docs/app-shape.md: state meaning as data (tags, checked by workflow.E001), the
record-carrying transitions refused without their records, notifications silenced by notifications.suppressed()
(also when the commit comes after the block), and settings read through the cache that a save clears."""

import pytest
from django.db import transaction

from xieshang.notifications.models import Notification
from xieshang.notifications.services import suppressed
from xieshang.opinions import services
from xieshang.opinions.models import OpinionSettings
from xieshang.opinions.selectors import settings_for
from xieshang.opinions.workflows import REPORT_WORKFLOW, STATE_TAGS
from xieshang.workflow import services as workflow
from xieshang.workflow.checks import workflow_problems
from xieshang.workflow.definitions import copy_workflow
from xieshang.workflow.exceptions import TransitionError
from xieshang.workflow.models import State, Workflow

pytestmark = pytest.mark.django_db


def test_installed_workflow_carries_the_tags_code_asks_for(organization, staff):
    copy_workflow(actor=staff, key=REPORT_WORKFLOW["key"], organization=organization)
    for wf in Workflow.objects.filter(key=REPORT_WORKFLOW["key"]):
        for state in wf.states.all():
            assert set(STATE_TAGS[state.key]) <= set(state.tags), (wf.organization_id, state.key)
    assert [p for p in workflow_problems() if "opinion_report" in p] == []


def test_a_removed_tag_is_reported(organization, staff):
    copy = copy_workflow(actor=staff, key=REPORT_WORKFLOW["key"], organization=organization)
    state = State.objects.get(workflow=copy, key="sent")
    state.tags = [t for t in state.tags if t != "sent"]
    state.save()
    problems = [p for p in workflow_problems() if "opinion_report" in p]
    where = f"workflow 'opinion_report' of organization {organization.pk}"
    assert problems == [f"{where}: no state carries the tag 'sent' that code asks for"]


def test_a_renamed_state_keeps_sending_up_working(client, submit, drive, staff, organization):
    """Code asks tags, not keys: an administrator renaming a state's key keeps queues and rules working."""
    report = drive(submit(), "issued")
    State.objects.filter(workflow__key=REPORT_WORKFLOW["key"], key="issued").update(key="kanfa")
    from xieshang.workflow import cache

    cache.clear()
    services.report_send(actor=staff, report=report, recipients=services.recipients_ensure_defaults(organization)[:1])
    report.refresh_from_db()
    assert report.state.key == "sent"


def test_record_carrying_transitions_are_refused_without_their_records(submit, drive, staff):
    report = drive(submit(), "issued")
    # The generic workflow endpoint writes no rows: naming a recipient or unit in the payload is not enough.
    for key, payload in (("send_up", {"recipients": "河南省政协"}), ("forward", {"units": "市住房局"})):
        with pytest.raises(TransitionError):
            workflow.transition(actor=staff, obj=report, transition_key=key, payload=payload)
    report.refresh_from_db()
    assert report.state.key == "issued" and not report.dispatches.exists()


def test_suppressed_silences_the_services_also_when_the_commit_comes_later(submit, drive, staff, author):
    Notification.objects.all().delete()
    with transaction.atomic(), suppressed():
        report = submit()
        drive(report, "sent")
    assert not Notification.objects.exists()


def test_settings_are_cached_and_a_save_clears_them(organization, django_assert_num_queries):
    assert settings_for(organization).body_max_chars == 1500
    with django_assert_num_queries(0):
        assert settings_for(organization).body_max_chars == 1500
    row = OpinionSettings.objects.create(organization=organization, body_max_chars=30)
    assert settings_for(organization).body_max_chars == 30
    row.body_max_chars = 40
    row.save()
    assert settings_for(organization).body_max_chars == 40
    row.delete()
    assert settings_for(organization).body_max_chars == 1500
