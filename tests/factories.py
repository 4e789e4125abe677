"""factory_boy factories for the base apps; domain apps keep theirs in tests/<app>/factories.py."""

import factory
from django.utils import timezone

from xieshang.accounts.models import (
    Community,
    HandlingUnit,
    MemberProfile,
    Organization,
    Role,
    RoleGrant,
    Sector,
    SpecialCommittee,
    User,
)

PASSWORD = "Xieshang-2026!"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试市政协{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    code = factory.Sequence(lambda n: f"org-{n}")
    level = Organization.Level.CITY


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"界别{n}")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialCommittee

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"专门委员会{n}")


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"市第{n}局")
    short_name = factory.Sequence(lambda n: f"第{n}局")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"幸福{n}社区")
    district = "金水区"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class RoleGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.MEMBER


def make_user(role: str | None = None, organization: Organization | None = None, **kwargs) -> User:
    """A user holding `role` in `organization` (a unit officer gets a unit, a member a member profile)."""
    user = UserFactory(**kwargs)
    if role is not None:
        organization = organization or OrganizationFactory()
        unit = HandlingUnitFactory(organization=organization) if role == Role.UNIT_OFFICER else None
        RoleGrant.objects.create(user=user, organization=organization, role=role, handling_unit=unit)
        if role in (Role.MEMBER, Role.STANDING_MEMBER):
            MemberProfile.objects.create(
                user=user, organization=organization, term="第十五届", is_standing=role == Role.STANDING_MEMBER
            )
    return user


def audit_lock_queries() -> int:
    """Queries an audited write adds for its chain lock: PostgreSQL serializes each chain's writers with one advisory
    lock statement (audit.chain.lock_chain); SQLite's writes are serialized already and take none."""
    from django.db import connection

    return 1 if connection.vendor == "postgresql" else 0
