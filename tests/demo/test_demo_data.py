"""The demo organization: realistic scale, every role present, deterministic, kept when run again."""

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from xieshang.accounts.models import HandlingUnit, MemberProfile, Organization, Partnership, Role, RoleGrant, User
from xieshang.demo import organization
from xieshang.demo.registry import DemoContext


@pytest.mark.django_db
def test_demo_data_builds_the_zhengzhou_conference_and_is_kept_on_rerun():
    out = StringIO()
    call_command("demo_data", "--only", "accounts", stdout=out)
    zz = Organization.objects.get(code="zhengzhou")
    assert 450 <= MemberProfile.objects.filter(organization=zz).count() <= 550
    assert 55 <= HandlingUnit.objects.filter(organization=zz).count() <= 65
    partners = Partnership.objects.get().organizations.exclude(pk=zz.pk)
    assert {o.short_name for o in partners} == {"开封市政协", "新乡市政协", "焦作市政协", "许昌市政协"}
    for role, username, _ in organization.DEMO_ACCOUNTS:
        assert RoleGrant.objects.filter(user__username=username, role=role, organization=zz).exists(), username
    assert set(Role.values) <= set(RoleGrant.objects.values_list("role", flat=True))
    assert "Xieshang-2026" in out.getvalue() and "member" in out.getvalue()
    count = User.objects.count()

    out = StringIO()
    call_command("demo_data", "--only", "accounts", stdout=out)
    assert "保留现有数据" in out.getvalue() and User.objects.count() == count


@pytest.mark.django_db
def test_demo_data_is_deterministic():
    def build_and_read():
        with transaction.atomic():
            organization.build(DemoContext(rng=random.Random(7)))
            rows = list(User.objects.order_by("username").values_list("username", "name", "phone"))
            sectors = list(MemberProfile.objects.order_by("user__username").values_list("sector__name", "party"))
            transaction.set_rollback(True)
        return rows, sectors

    assert build_and_read() == build_and_read()
