"""PostgreSQL: each index row's permission lexemes (migration 0004) and each reader's gate (selectors.Visibility)
admit every row the exact SQL admits, for every form of visibility, so that adding the gate to the match changes no
answer; and with the gate, a reader who cannot see the newest documents is answered from the index alone."""

import itertools

import pytest
from django.db import connection

from tests.factories import HandlingUnitFactory, OrganizationFactory, make_user
from xieshang.accounts.models import Role, RoleGrant
from xieshang.search.backends import get_backend
from xieshang.search.models import SearchDocument
from xieshang.search.selectors import visibility

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL: search_match"),
]


def _rows(org_a, org_b, unit, named):
    """One row per form of visibility: (visibility, organization, viewer_user_ids, viewer_roles, viewer_unit_ids)."""
    return [
        ("public", org_a, "", "", ""),
        ("public", org_b, "", "", ""),
        ("organization", org_a, "", "", ""),
        ("organization", org_b, "", "", ""),
        ("restricted", org_a, f" {named.pk} ", "", ""),
        ("restricted", org_a, " 999999 ", "", ""),
        ("restricted", org_a, "", " proposals_staff ", ""),
        ("restricted", org_b, "", " proposals_staff ", ""),
        ("restricted", org_a, "", f" {org_b.pk}:member ", ""),
        ("restricted", org_a, "", f" {org_b.pk}:* ", ""),
        ("restricted", org_a, "", f" leader {org_b.pk}:unit_officer ", ""),
        ("restricted", org_b, "", "", f" {unit.pk} "),
        ("restricted", org_b, "", "", " 888888 "),
        ("restricted", org_a, "", "", ""),
    ]


@pytest.fixture
def world(db):
    org_a = OrganizationFactory(code="ga")
    org_b = OrganizationFactory(code="gb")
    unit = HandlingUnitFactory(organization=org_b)
    readers = {
        "member_a": make_user(Role.MEMBER, org_a),
        "member_b": make_user(Role.MEMBER, org_b),
        "staff_a": make_user(Role.PROPOSALS_STAFF, org_a),
        "staff_b": make_user(Role.PROPOSALS_STAFF, org_b),
        "leader_a": make_user(Role.LEADER, org_a),
        "named": make_user(Role.CITIZEN, org_a),
        "nobody": make_user(),
    }
    officer = make_user()
    RoleGrant.objects.create(user=officer, organization=org_b, role=Role.UNIT_OFFICER, handling_unit=unit)
    readers["officer_b"] = officer
    both = make_user(Role.MEMBER, org_a)
    RoleGrant.objects.create(user=both, organization=org_b, role=Role.COMMITTEE_STAFF)
    readers["member_a_staff_b"] = both
    for i, (vis, org, users, roles, units) in enumerate(_rows(org_a, org_b, unit, readers["named"]), start=1):
        SearchDocument.objects.create(
            id=i,
            doc_type="testnote",
            object_id=i,
            organization=org,
            title=f"议题 {i}",
            body="议题",
            seg_title="议题",
            seg_body="议题",
            visibility=vis,
            viewer_user_ids=users,
            viewer_roles=roles,
            viewer_unit_ids=units,
        )
    return readers


def _ids(sql: str, params: list) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT d.id FROM search_match d WHERE {sql}", params)  # noqa: S608 - test SQL
        return {r[0] for r in cursor.fetchall()}


def test_the_gate_admits_every_row_the_exact_condition_admits(world):
    from django.contrib.auth.models import AnonymousUser

    seen_any = set()
    staff = {"staff_a", "staff_b", "leader_a", "officer_b", "member_a_staff_b"}
    for name, reader in [*world.items(), ("anonymous", AnonymousUser())]:
        seen = visibility(reader)
        exact = _ids(seen.sql, seen.params)
        seen_any |= exact
        if name in staff:  # they read most of their organization: no gate (it would cost more than it saves)
            assert seen.gate == "", name
            continue
        gated = _ids("d.tsv @@ %s::tsquery", [seen.gate])
        assert exact <= gated, name
        # The gate is tight for every form here: it is the exact condition in another shape.
        assert gated == exact, name
    assert seen_any == set(range(1, 15)) - {6, 13, 14}  # rows 6, 13 and 14 name no reader who exists


def test_an_update_of_the_readers_moves_the_lexemes(world):
    named = world["named"]
    doc = SearchDocument.objects.get(id=6)  # restricted to user 999999
    assert 6 not in _ids("d.tsv @@ %s::tsquery", [visibility(named).gate])
    doc.viewer_user_ids = f" {named.pk} "
    doc.save(update_fields=["viewer_user_ids"])
    assert 6 in _ids("d.tsv @@ %s::tsquery", [visibility(named).gate])


def test_the_filter_lexemes_admit_every_row_the_filters_admit(world, doc_type):
    from xieshang.search.services import filter_condition, filter_gate

    SearchDocument.objects.filter(id__in=[1, 3, 5]).update(year=2024, unit_ids=" 7 9 ")
    SearchDocument.objects.filter(id__in=[2, 4]).update(year=2025, unit_ids=" 9 ")
    org_b = SearchDocument.objects.get(id=2).organization_id
    cases = [{"year": 2024}, {"year": 2025}, {"organization": org_b}, {"unit": 7}, {"unit": 9}, {"type": "testnote"},
             {"type": ["testnote", "nothing"]}, {"year": 2025, "organization": org_b}]  # fmt: skip
    for flt in cases:
        gate = filter_gate(flt)
        exact = _ids(*filter_condition({**flt, "type": "testnote"} if "type" not in flt else flt))
        assert gate and exact and exact <= _ids("d.tsv @@ %s::tsquery", [gate]), flt
    assert filter_gate({}) == ""


@pytest.mark.parametrize("reader", ["member_a", "member_b", "named", "staff_b"])
def test_search_and_count_give_the_same_answer_with_and_without_the_gate(world, reader):
    seen = visibility(world[reader])
    backend = get_backend()
    for window, offset in itertools.product([1, 3, 500], [0, 2]):
        plain = backend.search(["议题"], seen.sql, seen.params, offset=offset, limit=5, window=window)
        gated = backend.search(["议题"], seen.sql, seen.params, offset=offset, limit=5, window=window, gate=seen.gate)
        assert [pk for pk, _ in gated.hits] == [pk for pk, _ in plain.hits]
        assert (gated.total, gated.capped) == (plain.total, plain.capped)
    assert backend.count(["议题"], seen.sql, seen.params, gate=seen.gate) == backend.count(
        ["议题"], seen.sql, seen.params
    )
