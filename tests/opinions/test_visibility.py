"""One source of who may open a report (opinions.visibility.REPORT): the list filter (selectors.visible_reports),
the permission ("opinions.view_report") and the search readers (search_wiring.report_document) agree for random
actor × state × relation (co-author, sent up to which levels, forwarded, converted from a proposal)."""

import pytest
import rules
from django.contrib.contenttypes.models import ContentType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.accounts.selectors import roles_by_organization
from xieshang.accounts.visibility import agree, officer_unit_ids
from xieshang.opinions import selectors, services
from xieshang.opinions.models import Level, Report
from xieshang.opinions.search_wiring import report_document
from xieshang.opinions.visibility import REPORT

STATES = ["collected", "editing", "approved", "issued", "sent", "closed", "archived"]


@pytest.fixture
def people(organization, hierarchy, staff, author, coauthor, officer, city_reader, province_staff):
    national, province = hierarchy
    return {
        "staff": staff,
        "author": author,
        "coauthor": coauthor,
        "leader": make_user(Role.LEADER, organization, username="leader"),
        "member": make_user(Role.MEMBER, organization, username="member2"),
        "resident": make_user(Role.CITIZEN, organization, username="resident"),
        "proposals_staff": make_user(Role.PROPOSALS_STAFF, organization, username="pstaff"),
        "officer": officer,
        "city_reader": city_reader,
        "province_staff": province_staff,
        "province_member": make_user(Role.MEMBER, province, username="provmember"),
        "national_staff": make_user(Role.INFORMATION_STAFF, national, username="natinfo"),
    }


def _by_search(user, report) -> bool:
    """Whether the search index lets the user find the report, read from the document's viewer fields."""
    doc = report_document(report)
    held = roles_by_organization(user)
    return (
        user.pk in doc.viewer_user_ids
        or bool(set(doc.viewer_roles) & held.get(report.organization_id, set()))
        or bool(set(doc.viewer_unit_ids) & officer_unit_ids(user, report.organization_id))
        or any(role == "*" or role in held.get(org, set()) for org, role in doc.viewer_org_roles)
    )


def _report(submit, drive, staff, unit, recipients, coauthor, state, levels, forwarded, from_proposal):
    report = submit(coauthors=[coauthor] if coauthor else [])
    if state == "closed":
        return drive(report, "closed")
    target = "issued" if state in ("issued", "archived") or (state == "sent" and not levels) else state
    drive(report, target if target != "sent" else "sent", levels=tuple(levels))
    if state in ("sent", "archived") and forwarded:
        services.report_forward(actor=staff, report=report, units=[unit])
    if state == "archived":
        services.report_transition(actor=staff, report=report, key="archive")
    if from_proposal:
        proposal_type = ContentType.objects.get(app_label="proposals", model="proposal")
        Report.objects.filter(pk=report.pk).update(source_content_type=proposal_type, source_object_id=1)
    return Report.objects.select_related("state").get(pk=report.pk)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    state=st.sampled_from(STATES),
    levels=st.sets(st.sampled_from([Level.OWN, Level.PROVINCIAL])),
    forwarded=st.booleans(),
    with_coauthor=st.booleans(),
    from_proposal=st.booleans(),
)
def test_list_permission_and_search_agree(
    people, submit, drive, staff, unit, recipients, coauthor, state, levels, forwarded, with_coauthor, from_proposal
):
    if state == "sent" and not levels and not forwarded:
        forwarded = True  # "sent" is reached by sending up or forwarding
    report = _report(
        submit, drive, staff, unit, recipients, with_coauthor and coauthor, state, levels, forwarded, from_proposal
    )
    for name, user in people.items():
        in_list, allowed, readable = agree(REPORT, user, report, Report.objects.all())
        by_rules = rules.has_perm("opinions.view_report", user, report)
        by_selector = selectors.visible_reports(user, report.organization).filter(pk=report.pk).exists()
        by_search = _by_search(user, report)
        found = (in_list, allowed, readable, by_rules, by_selector, by_search)
        assert len(set(found)) == 1, (name, state, found)


def test_who_opens_a_report_sent_to_the_province_and_forwarded(people, submit, drive, staff, unit):
    report = drive(submit(), "sent", levels=(Level.PROVINCIAL,))
    services.report_forward(actor=staff, report=report, units=[unit])
    allowed = {name for name, user in people.items() if rules.has_perm("opinions.view_report", user, report)}
    assert allowed == {"staff", "author", "leader", "officer", "province_staff"}
