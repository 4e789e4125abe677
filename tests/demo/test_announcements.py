"""The demo's announcements: published ones with some read, the demo member finds an unread one on his workbench,
the staff account sees the read counts."""


def test_announcements_demo_at_a_small_scale(db):
    import random

    from xieshang.announcements import selectors
    from xieshang.announcements.models import Announcement
    from xieshang.core.workbench import sections_for
    from xieshang.demo import announcements, organization
    from xieshang.demo.registry import DemoContext
    from xieshang.notifications.models import Notification

    ctx = DemoContext(rng=random.Random(1), scale=0.05)
    organization.build(ctx)
    announcements.build(ctx)
    org = ctx.data["organization"]
    published = Announcement.objects.filter(organization=org, status="published")
    assert published.count() == 2 and Announcement.objects.filter(status="draft").count() == 1
    to_members = published.get(audience="members")
    counts = selectors.counts(to_members)
    assert counts["total"] == len(ctx.data["members"]) and 0 < counts["read"] < counts["total"]
    member = ctx.data["accounts"]["member"]
    section = next(s for s in sections_for(member, org) if s.key == "announcements_unread")
    assert section.count >= 1
    assert not Notification.objects.filter(kind__startswith="announcements.").exists()  # history: nobody flooded
