"""The demo year reads like the 2021 work report, is produced by the pipeline's rows and events, and leaves work
waiting for the demo accounts."""

import json
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
    # The work report's figures exactly ("编发1151件，报送及转办779件，向省政协报送372件，全国政协采用9件"), the same
    # on the statistics page and in annual_report, which reads the statistics face.
    assert (stats.edited, stats.sent_own_or_forwarded) == (1151, 779)
    assert (stats.sent_by_level["provincial"], stats.adopted_by_level["national"]) == (372, 9)
    out = StringIO()
    call_command("annual_report", "--year", "2021", "--organization", "zhengzhou", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert [printed[k] for k in ("opinion_reports_edited", "opinion_reports_to_city")] == [1151, 779]
    assert [printed[k] for k in ("opinion_reports_to_province", "opinion_reports_adopted_national")] == [372, 9]
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
