"""The studios' personal-data source (decision 0032): a resident's bookings exported, nobody else's; erasure keeps
the bookings (counted on the reception day) and the issues raised from them, without his name or phone; a second
run changes nothing."""

from tests.activities.test_studios import reception, resident, studio  # noqa: F401 - fixtures
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.accounts.personal_data import erase
from xieshang.activities import selectors, services
from xieshang.activities.models import Booking, ReceptionIssue
from xieshang.core import personal_data


def _source():
    return next(s for s in personal_data.sources() if s.key == "studio_bookings")


def test_bookings_exported_and_erased_once(reception, resident, member, organization):  # noqa: F811
    neighbour = make_user(Role.CITIZEN, organization, name="孙邻居")
    slots = selectors.slots_of(reception)
    mine = services.booking_make(actor=resident, reception=reception, slot_at=slots[0], subject="周居民：小区加装电梯")
    services.booking_make(actor=neighbour, reception=reception, slot_at=slots[1], subject="停车难")
    services.issue_record(
        actor=member,
        reception=reception,
        title="加装电梯",
        text="周居民（13900000009）反映加装电梯费用分摊。",
        raised_by="周居民",
        booking=mine,
    )
    assert [b["subject"] for b in _source().export(resident)] == ["周居民：小区加装电梯"]

    assert erase(resident)["studio_bookings"] == 2
    assert Booking.objects.count() == 2
    mine.refresh_from_db()
    assert mine.subject == "已注销用户：小区加装电梯"
    issue = ReceptionIssue.objects.get()
    assert issue.raised_by == "已注销用户" and "加装电梯费用分摊" in issue.text
    assert "周居民" not in issue.text and "13900000009" not in issue.text
    assert Booking.objects.get(resident=neighbour).subject == "停车难"
    assert erase(resident)["studio_bookings"] == 0
