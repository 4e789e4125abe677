"""The demo's personal-data request: one resident has asked for deletion, and the security administrator sees it
in the queue on his workbench, due within the stated period; nothing is erased yet."""


def test_a_pending_deletion_request_in_the_security_admins_queue(db):
    import random

    from xieshang.accounts.models import DataRequest
    from xieshang.core.workbench import sections_for
    from xieshang.demo import organization, personal_data
    from xieshang.demo.registry import DemoContext

    ctx = DemoContext(rng=random.Random(1), scale=0.05)
    organization.build(ctx)
    personal_data.build(ctx)
    org = ctx.data["organization"]
    request = DataRequest.objects.get()
    assert request.status == DataRequest.Status.PENDING and request.organization == org
    assert request.user.is_active and request.user.phone  # waiting, not yet erased
    assert request.user.username != "resident"  # the demo's resident account stays usable
    section = next(s for s in sections_for(ctx.data["accounts"]["secadmin"], org) if s.key == "data_requests")
    assert section.count == 1 and not section.items[0].overdue
    assert request.user.display_name in section.items[0].title
