"""The demo's consultations: every demo account with a part in them finds work waiting; the portal has reports and
photos."""

import datetime


def test_demo_accounts_have_work_waiting(db, settings, tmp_path):
    import random

    from xieshang.core.workbench import sections_for
    from xieshang.demo import consultations, organization
    from xieshang.demo.registry import DemoContext

    settings.MEDIA_ROOT = tmp_path
    ctx = DemoContext(rng=random.Random(1))
    organization.build(ctx)
    consultations.build(ctx)
    org = ctx.data["organization"]
    expected = {
        "committee": "consultations_staff",
        "member": "consultations_member",
        "resident": "consultations_resident",
        "leader": "consultations_owner",
        "unit": "consultations_owner",
    }
    for username, key in expected.items():
        user = ctx.data["accounts"][username]
        section = next(s for s in sections_for(user, org) if s.key == key)
        assert section.count > 0, username
    kinds = set(org.hosted_consultations.values_list("kind", flat=True))
    assert len(kinds) == 6
    five = org.hosted_consultations.filter(kind="cross_region").first()
    assert five.hosts.count() == 5
    assert datetime.date.today().year in set(org.hosted_consultations.values_list("plan_year", flat=True))

    # The portal has reports and photos (drawn at demo time) for held consultations and finished room matters.
    from xieshang.consultations import selectors

    assert selectors.public_articles().filter(consultation__kind="cross_region").exists()
    assert selectors.public_articles().filter(room__isnull=False).count() >= 6
    photos = selectors.public_photos()
    assert photos.filter(consultation__isnull=False).exists() and photos.filter(room__isnull=False).exists()
    assert all(p.alt_text and p.caption and p.width == 960 for p in photos)
    # Approved consultations have their materials (a Word document) uploaded.
    from xieshang.consultations.models import Material

    assert Material.objects.filter(consultation__state__key="approved", size__gt=1000).exists()

    # Two open calls on the portal; entries wait in the committee's moderation queue.
    assert selectors.open_calls(org).count() == 2
    committee = ctx.data["accounts"]["committee"]
    from xieshang.moderation.selectors import counts

    queue = next(s for s in sections_for(committee, org) if s.key == "moderation")
    by_kind = {kind.key: n for kind, n in counts(committee, org)}
    assert by_kind["consultations.entry"] == 2
    assert queue.count == sum(by_kind.values())
    assert selectors.published_entries(selectors.open_calls(org).first()).filter(support_count__gt=0).exists()
