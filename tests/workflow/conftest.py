import itertools

import pytest

from tests.workflow.testapp.models import Ticket
from xieshang.accounts.models import Organization, Role, RoleGrant, User
from xieshang.workflow import services

_seq = itertools.count(1)


def make_user(organization, *roles, name=""):
    n = next(_seq)
    user = User.objects.create_user(
        username=f"wf{n}", password=None, name=name or f"用户{n}", phone=f"139{n:08d}", email=f"wf{n}@example.org"
    )
    for role in roles:
        RoleGrant.objects.create(user=user, organization=organization, role=role)
    return user


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # Rolled-back test transactions remove calendar rows without signals: start every test from the table.
    from xieshang.workflow import calendar

    calendar.invalidate()
    yield
    calendar.invalidate()


def verified_login(client, user):
    """Log in staff past the second-factor gate, as a TOTP-verified session."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def make_org(code="wfcity", name="测试市政协"):
    return Organization.objects.create(name=name, short_name=name[:4], code=code, level=Organization.Level.CITY)


@pytest.fixture
def org(db):
    return make_org()


@pytest.fixture
def people(org):
    other = make_org("wfother", "外市政协")
    return {
        "submitter": make_user(org, Role.MEMBER, name="提交委员"),
        "member": make_user(org, Role.MEMBER, name="其他委员"),
        "staff": make_user(org, Role.PROPOSALS_STAFF, name="提案工作人员"),
        "supervisor": make_user(org, Role.SUPERVISOR, name="督办人员"),
        "officer": make_user(org, Role.UNIT_OFFICER, name="承办经办人"),
        "co1": make_user(org, Role.UNIT_OFFICER, name="协办甲"),
        "co2": make_user(org, Role.UNIT_OFFICER, name="协办乙"),
        # Staff of another organization: the same role name must give no right here.
        "outsider": make_user(other, Role.PROPOSALS_STAFF, Role.SUPERVISOR, name="外市工作人员"),
    }


def new_ticket(org, people, title="关于加装电梯的建议"):
    ticket = Ticket.objects.create(organization=org, title=title, submitter=people["submitter"])
    ticket.co_handlers.set([people["co1"], people["co2"]])
    services.start(actor=people["submitter"], obj=ticket, workflow_key="ticket")
    return ticket


@pytest.fixture
def ticket(org, people):
    return new_ticket(org, people)


def walk(ticket, people, *steps):
    """Take transitions by (actor key, transition key[, payload]) in order."""
    for actor, key, *rest in steps:
        services.transition(
            actor=people[actor], obj=ticket, transition_key=key, payload=rest[0] if rest else None, reason="测试理由"
        )
    return ticket
