"""Announcement services: the audience each choice resolves to, publishing once, read receipts, reminders only to
those who have not read, and who may do what."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import CommitteeFactory, make_user
from xieshang.accounts.models import Role, RoleGrant
from xieshang.announcements import selectors, services
from xieshang.announcements.models import Announcement, Recipient
from xieshang.announcements.services._base import AnnouncementRefusal
from xieshang.consultations.models import Room
from xieshang.notifications.models import Notification, SmsMessage
from xieshang.notifications.services import follow

from .conftest import draft

pytestmark = pytest.mark.django_db


def names(announcement):
    return {u.username for u in selectors.audience(announcement)}


def test_audience_by_role_and_narrowings(staff, organization, world):
    assert names(draft(staff, organization)) == {"member", "memberb", "standing"}
    assert names(draft(staff, organization, committee=world["committee"])) == {"member", "standing"}
    assert names(draft(staff, organization, sector=world["sector"])) == {"member"}
    assert names(draft(staff, organization, district="二七区")) == {"memberb"}
    assert names(draft(staff, organization, audience="units")) == {"officer"}
    assert names(draft(staff, organization, audience="residents")) == {"res1", "res2"}
    assert names(draft(staff, organization, audience="residents", district="金水区")) == {"res1"}


def test_room_audience_is_its_community_and_its_followers(staff, organization, world, member):
    room = Room.objects.create(organization=organization, community=world["erqi"], name="二七议事室", convener=staff)
    follow(user=world["resident_js"], obj=room)
    follow(user=member, obj=room)
    assert names(draft(staff, organization, audience="residents", room=room)) == {"res1", "res2"}
    assert names(draft(staff, organization, audience="members", room=room)) == {"member"}


def test_narrowings_that_do_not_apply_are_refused(staff, organization, world):
    with pytest.raises(ValidationError) as exc:
        draft(staff, organization, audience="residents", committee=world["committee"], title="")
    assert set(exc.value.message_dict) == {"committee", "title"}
    with pytest.raises(ValidationError) as exc:
        draft(staff, organization, audience="units", district="金水区")
    assert "district" in exc.value.message_dict
    foreign = CommitteeFactory()  # another organization's committee
    with pytest.raises(ValidationError):
        draft(staff, organization, committee=foreign)
    assert not Announcement.objects.exists()


def test_publish_fixes_recipients_and_tells_each_once(staff, organization, world, member, member_b):
    announcement = draft(staff, organization, committee=world["committee"])
    assert services.publish_announcement(actor=staff, announcement=announcement) == 2
    assert announcement.status == "published" and announcement.published_at is not None
    assert set(announcement.recipients.values_list("user__username", flat=True)) == {"member", "standing"}
    assert Notification.objects.filter(key=f"announcement:{announcement.pk}").count() == 2
    # A publish run again (a retried request) tells nobody twice and adds nobody.
    assert services.publish_announcement(actor=staff, announcement=announcement) == 0
    assert Notification.objects.filter(key=f"announcement:{announcement.pk}").count() == 2
    # Later role changes do not rewrite who was told.
    RoleGrant.objects.filter(user=member).delete()
    make_user(Role.MEMBER, organization, username="newcomer")
    assert announcement.recipients.count() == 2


def test_publish_to_nobody_is_refused_and_stays_draft(staff, organization, world):
    announcement = draft(staff, organization, audience="residents", district="惠济区")
    with pytest.raises(AnnouncementRefusal):
        services.publish_announcement(actor=staff, announcement=announcement)
    announcement.refresh_from_db()
    assert announcement.is_draft and not Recipient.objects.exists()


def test_urgent_goes_by_sms_to_everyone(staff, organization, world, member):
    from xieshang.notifications.services import set_channels

    set_channels(user=member, email=True, sms=False)
    announcement = draft(staff, organization, urgent=True, sector=world["sector"])
    services.publish_announcement(actor=staff, announcement=announcement)
    assert SmsMessage.objects.filter(phone=member.phone).count() == 1


def test_published_cannot_be_edited(staff, organization, world):
    announcement = draft(staff, organization)
    services.publish_announcement(actor=staff, announcement=announcement)
    with pytest.raises(AnnouncementRefusal):
        services.update_announcement(actor=staff, announcement=announcement, title="改", body="改", audience="members")


def test_read_once_and_inbox_marked(staff, organization, world, member):
    announcement = draft(staff, organization)
    services.publish_announcement(actor=staff, announcement=announcement)
    assert services.mark_announcement_read(actor=member, announcement=announcement) is True
    first = Recipient.objects.get(user=member).read_at
    assert services.mark_announcement_read(actor=member, announcement=announcement) is False
    assert Recipient.objects.get(user=member).read_at == first
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert selectors.counts(announcement) == {"total": 3, "read": 1, "unread": 2}


def test_reminder_only_to_unread_and_not_twice_in_a_row(staff, organization, world, member, member_b):
    announcement = draft(staff, organization)
    services.publish_announcement(actor=staff, announcement=announcement)
    services.mark_announcement_read(actor=member, announcement=announcement)
    assert services.remind_unread(actor=staff, announcement=announcement) == 2
    reminded = Notification.objects.filter(kind="announcements.reminder")
    assert set(reminded.values_list("recipient__username", flat=True)) == {"memberb", "standing"}
    with pytest.raises(AnnouncementRefusal):
        services.remind_unread(actor=staff, announcement=announcement)
    assert reminded.count() == 2
    # After the gap, a second reminder goes to whoever is still unread.
    Announcement.objects.filter(pk=announcement.pk).update(reminded_at=timezone.now() - timedelta(minutes=11))
    announcement.refresh_from_db()
    services.mark_announcement_read(actor=member_b, announcement=announcement)
    assert services.remind_unread(actor=staff, announcement=announcement) == 1
    assert reminded.filter(recipient__username="standing").count() == 2 and reminded.count() == 3


def test_members_and_other_organizations_cannot_write_or_publish(
    staff, organization, other_organization, world, member
):
    with pytest.raises(PermissionDenied):
        draft(member, organization)
    announcement = draft(staff, organization)
    outsider = make_user(Role.COMMITTEE_STAFF, other_organization, username="kfstaff")
    for actor in (member, outsider):
        with pytest.raises(PermissionDenied):
            services.publish_announcement(actor=actor, announcement=announcement)
        with pytest.raises(PermissionDenied):
            services.remind_unread(actor=actor, announcement=announcement)
    announcement.refresh_from_db()
    assert announcement.is_draft


def test_recipient_list_unread_first(staff, organization, world, member):
    first = draft(staff, organization, title="第一份")
    second = draft(staff, organization, title="第二份")
    services.publish_announcement(actor=staff, announcement=first)
    services.publish_announcement(actor=staff, announcement=second)
    services.mark_announcement_read(actor=member, announcement=second)
    assert [r.announcement.title for r in selectors.for_recipient(member)] == ["第一份", "第二份"]
    assert [r.announcement.title for r in selectors.unread_for(member, organization)] == ["第一份"]
