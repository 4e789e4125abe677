"""Reads of announcements: the audience an announcement resolves to, the staff's list with read counts, a
recipient's list (unread first) and who has not read."""

from __future__ import annotations

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from xieshang.accounts.models import MemberProfile, ResidentProfile, Role, RoleGrant, User
from xieshang.accounts.selectors import organization_id

from .models import Announcement, Recipient

AUDIENCE_ROLES = {
    Announcement.Audience.MEMBERS: [Role.MEMBER, Role.STANDING_MEMBER],
    Announcement.Audience.UNITS: [Role.UNIT_OFFICER],
    Announcement.Audience.RESIDENTS: [Role.CITIZEN],
}


def audience(announcement: Announcement) -> QuerySet[User]:
    """The active people the announcement's audience names today: the role in its organization, narrowed by
    committee and sector (members), district (members' profile, residents' community) and room (those following the
    room, and the residents registered in its community)."""
    org_id = announcement.organization_id
    people = User.objects.filter(
        is_active=True,
        pk__in=RoleGrant.objects.filter(
            organization_id=org_id, role__in=AUDIENCE_ROLES[Announcement.Audience(announcement.audience)]
        ).values("user_id"),
    )
    profile: dict[str, object] = {}
    if announcement.committee_id:
        profile["committees"] = announcement.committee_id
    if announcement.sector_id:
        profile["sector_id"] = announcement.sector_id
    if announcement.district and announcement.audience == Announcement.Audience.MEMBERS:
        profile["district"] = announcement.district
    if profile:
        people = people.filter(pk__in=MemberProfile.objects.filter(organization_id=org_id, **profile).values("user_id"))
    if announcement.district and announcement.audience == Announcement.Audience.RESIDENTS:
        people = people.filter(
            pk__in=ResidentProfile.objects.filter(
                organization_id=org_id, community__district=announcement.district
            ).values("user_id")
        )
    room = announcement.room if announcement.room_id else None
    if room is not None:
        from xieshang.consultations.selectors import room_followers

        followers = [u.pk for u in room_followers(room)]
        residents = ResidentProfile.objects.filter(community_id=room.community_id).values("user_id")
        people = people.filter(Q(pk__in=followers) | Q(pk__in=residents))
    return people.order_by("pk")


def for_staff(organization) -> QuerySet[Announcement]:
    """The organization's announcements, newest first, with their recipients counted (read and in all)."""
    return (
        Announcement.objects.filter(organization_id=organization_id(organization))
        .select_related("created_by", "committee", "sector", "room")
        .annotate(
            n_recipients=Count("recipients"),
            n_read=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
        )
        .order_by("status", "-published_at", "-created_at", "-id")
    )


def for_recipient(user: User) -> QuerySet[Recipient]:
    """The announcements published to the user, unread first, newest first."""
    return (
        Recipient.objects.filter(user=user, announcement__status=Announcement.Status.PUBLISHED)
        .select_related("announcement", "announcement__organization")
        .annotate(is_read=ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField()))
        .order_by("is_read", "-announcement__published_at", "-id")
    )


def unread_for(user: User, organization=None) -> QuerySet[Recipient]:
    rows = for_recipient(user).filter(read_at__isnull=True)
    if organization is not None:
        rows = rows.filter(announcement__organization_id=organization_id(organization))
    return rows


def is_recipient(user, announcement: Announcement) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Recipient.objects.filter(announcement_id=announcement.pk, user_id=user.pk).exists()


def receipt(user, announcement: Announcement) -> Recipient | None:
    return Recipient.objects.filter(announcement_id=announcement.pk, user_id=user.pk).first()


def counts(announcement: Announcement) -> dict[str, int]:
    row = Recipient.objects.filter(announcement=announcement).aggregate(
        total=Count("id"), read=Count("id", filter=Q(read_at__isnull=False))
    )
    return {"total": row["total"], "read": row["read"], "unread": row["total"] - row["read"]}


def unread_recipients(announcement: Announcement) -> QuerySet[Recipient]:
    return (
        Recipient.objects.filter(announcement=announcement, read_at__isnull=True)
        .select_related("user")
        .order_by("user__name", "user__username")
    )


def read_recipients(announcement: Announcement) -> QuerySet[Recipient]:
    return (
        Recipient.objects.filter(announcement=announcement, read_at__isnull=False)
        .select_related("user")
        .order_by("read_at", "id")
    )


def district_choices(organization) -> list[str]:
    """The districts named in the organization's member profiles and communities."""
    org_id = organization_id(organization)
    from xieshang.accounts.models import Community

    names = set(
        MemberProfile.objects.filter(organization_id=org_id).exclude(district="").values_list("district", flat=True)
    )
    names |= set(
        Community.objects.filter(organization_id=org_id).exclude(district="").values_list("district", flat=True)
    )
    return sorted(names)


def describe_audience(announcement: Announcement) -> str:
    """The audience in words: "委员 · 专委会：… · 界别：…"."""
    from django.utils.translation import gettext as _

    parts = [str(announcement.get_audience_display())]
    if announcement.committee_id:
        parts.append(_("专委会：%(name)s") % {"name": announcement.committee})
    if announcement.sector_id:
        parts.append(_("界别：%(name)s") % {"name": announcement.sector})
    if announcement.district:
        parts.append(_("区县：%(name)s") % {"name": announcement.district})
    if announcement.room_id:
        parts.append(_("议事室：%(name)s") % {"name": announcement.room})
    return " · ".join(parts)
