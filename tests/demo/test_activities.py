"""The demo's activities: the report's kinds are there at a small scale through the services, the demo member and
committee find work waiting, the duty file is credited at the activities' dates."""


def test_activities_demo_at_a_small_scale(db):
    import random

    from xieshang.activities.models import Activity, Booking, ReceptionIssue, Studio, Visit
    from xieshang.consultations.models import Outcome
    from xieshang.core.workbench import sections_for
    from xieshang.demo import activities, organization
    from xieshang.demo.registry import DemoContext
    from xieshang.demo.report import REPORT_YEAR
    from xieshang.duties.models import DutyEntry

    ctx = DemoContext(rng=random.Random(1), scale=0.05)
    organization.build(ctx)
    activities.build(ctx)
    org = ctx.data["organization"]
    kinds = set(Activity.objects.filter(organization=org).values_list("kind__key", flat=True))
    assert {"supervision", "research", "promotion", "reading", "charity", "studio"} <= kinds
    assert Visit.objects.filter(activity__kind__key="supervision").count() >= 3
    assert Outcome.objects.filter(source=Outcome.Source.VISIT).exists()
    assert Studio.objects.count() >= 2 and Booking.objects.exists() and ReceptionIssue.objects.exists()
    entry = DutyEntry.objects.filter(rule_key="activity_supervision").first()
    assert entry is not None and entry.occurred_on.year == REPORT_YEAR
    for username, key in (("member", "activities_member"), ("committee", "activities_staff")):
        user = ctx.data["accounts"][username]
        section = next(s for s in sections_for(user, org) if s.key == key)
        assert section.count > 0, username
    # SMS both ways: two invited members answered the upcoming visit's notice by SMS, one with his code
    from xieshang.notifications.models import InboundSms

    results = sorted(InboundSms.objects.filter(organization_id=org.pk).values_list("result", flat=True))
    assert results == ["done", "unknown"]
