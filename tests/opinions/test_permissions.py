"""Permission tables: role × state × action, through the same checks the pages use (the engine's available
transitions and the services)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.opinions import services
from xieshang.opinions.models import Level
from xieshang.workflow.selectors import available_transitions

ROLES = ["author", "staff", "leader", "member", "unit_officer", "citizen"]

# Who may take each simple transition, per state (transitions absent from a state are not offered at all).
TRANSITIONS = {
    "collected": {"take_up": {"staff"}, "close": {"staff"}},
    "editing": {"approve": {"staff", "leader"}, "close": {"staff"}},
    "approved": {"reopen": {"staff", "leader"}, "close": {"staff"}},
    "issued": {"archive": {"staff"}},
    "sent": {"archive": {"staff"}},
}


@pytest.fixture
def people(author, staff, organization):
    return {
        "author": author,
        "staff": staff,
        "leader": make_user(Role.LEADER, organization),
        "member": make_user(Role.MEMBER, organization),
        "unit_officer": make_user(Role.UNIT_OFFICER, organization),
        "citizen": make_user(Role.CITIZEN, organization),
    }


@pytest.mark.parametrize("state", list(TRANSITIONS))
def test_simple_transitions_role_by_state(state, people, submit, drive):
    report = drive(submit(), state)
    for role in ROLES:
        offered = {a.key: a.permitted for a in available_transitions(people[role], report)}
        for key, allowed_roles in TRANSITIONS[state].items():
            assert offered.get(key) is (role in allowed_roles), (role, state, key)


def _actions(people, recipients, unit):
    return {
        "edit": lambda u, r: services.report_edit(actor=u, report=r, title=r.title, body=r.body + "。"),
        "send": lambda u, r: services.report_send(actor=u, report=r, recipients=[recipients[Level.PROVINCIAL]]),
        "forward": lambda u, r: services.report_forward(actor=u, report=r, units=[unit]),
        "instruct": lambda u, r: services.instruction_record(
            actor=u, report=r, level="own", leader_name="王某", text="阅"
        ),
        "adopt": lambda u, r: services.adoption_record(actor=u, report=r, level="own"),
    }


# action → the states where information staff may take it; nobody else ever may.
ACTION_STATES = {
    "edit": {"editing"},
    "send": {"issued", "sent"},
    "forward": {"issued", "sent"},
    "instruct": {"sent"},
    "adopt": {"sent"},
}


@pytest.mark.parametrize("state", ["collected", "editing", "approved", "issued", "sent", "closed"])
@pytest.mark.parametrize("action", list(ACTION_STATES))
def test_record_actions_role_by_state(state, action, people, submit, drive, recipients, unit):
    report = drive(submit(), state)
    do = _actions(people, recipients, unit)[action]
    for role in ROLES:
        if role == "staff":
            continue
        with pytest.raises(PermissionDenied):
            do(people[role], report)
    if state in ACTION_STATES[action]:
        do(people["staff"], report)
    else:
        with pytest.raises(ValidationError):
            do(people["staff"], report)


@pytest.mark.parametrize(
    ("role", "perm", "expected"),
    [
        ("member", "opinions.submit_report", True),
        ("citizen", "opinions.submit_report", False),
        ("unit_officer", "opinions.submit_report", False),
        ("staff", "opinions.manage_issue", True),
        ("leader", "opinions.manage_issue", False),
        ("leader", "opinions.view_statistics", True),
        ("member", "opinions.view_statistics", False),
        ("author", "opinions.view_statistics", False),
    ],
)
def test_organization_permissions(role, perm, expected, people, organization):
    import rules

    assert rules.has_perm(perm, people[role], organization) is expected


def test_who_sees_a_report(people, submit, drive, unit, officer, staff, other_organization):
    import rules

    report = drive(submit(), "issued")
    seeing = {role for role in ROLES if rules.has_perm("opinions.view_report", people[role], report)}
    assert seeing == {"author", "staff", "leader"}
    assert not rules.has_perm("opinions.view_report", officer, report)
    services.report_forward(actor=staff, report=report, units=[unit])
    assert rules.has_perm("opinions.view_report", officer, report)
    outsider = make_user(Role.INFORMATION_STAFF, other_organization)
    assert not rules.has_perm("opinions.view_report", outsider, report)
