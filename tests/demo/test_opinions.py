"""The demo year reads like the 2021 work report, is produced by the pipeline's rows and events, and leaves work
waiting for the demo accounts."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from xieshang.accounts.models import Organization, User
from xieshang.core.workbench import sections_for
from xieshang.duties.models import DutyEntry
from xieshang.opinions.models import Adoption, Report
from xieshang.opinions.statistics import opinion_statistics
from xieshang.workflow.models import WorkflowEvent


@pytest.mark.django_db
def test_demo_year_at_the_scale_of_2021():
    call_command("demo_data", "--only", "accounts,opinions", "--quiet-accounts", stdout=StringIO())
    zz = Organization.objects.get(code="zhengzhou")
    stats = opinion_statistics(zz, date(2021, 1, 1), date(2021, 12, 31))
    assert 1080 <= stats.edited <= 1220
    assert 700 <= stats.sent_own_or_forwarded <= 860
    assert 300 <= stats.sent_by_level["provincial"] <= 440
    assert stats.adopted_by_level["national"] == 9
    # Every report's state is backed by its events: the last event's target is the current state.
    for report in Report.objects.filter(year=2021):
        last = WorkflowEvent.objects.filter(object_id=report.pk, content_type__model="report").latest("at", "id")
        assert last.to_state_id == report.state_id
    # Every adoption credits its authors.
    adoption = Adoption.objects.filter(level="national").first()
    assert DutyEntry.objects.filter(object_id=adoption.pk, rule_key="opinion_adopted_national", points=20).exists()

    for username, section in (("information", "opinions_desk"), ("member", "opinions_author")):
        user = User.objects.get(username=username)
        found = {s.key: s.count for s in sections_for(user, zz)}
        assert found[section] > 0, username
