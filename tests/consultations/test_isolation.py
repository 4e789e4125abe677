"""A five-city consultation: every host sees the shared agenda, statements, minutes and outcomes, and only its own
invitations and attendance; a consultation not co-hosted stays invisible. Proved both ways."""

import pytest

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.consultations import selectors, services

from .conftest import advance, starting_in


@pytest.fixture
def five_city(organization, partners, staff, leader, future):
    kaifeng = partners[0]
    kf_staff = make_user(Role.COMMITTEE_STAFF, kaifeng, username="kfstaff")
    c = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="cross_region",
        title="郑开新焦许交通一体化",
        planned_date=future,
        hosts=partners,
        venue="开封",
    )
    c = advance({"propose": staff, "approve": staff}, c, "propose", "approve")
    zz_member = make_user(Role.MEMBER, organization, name="郑州委员")
    kf_member = make_user(Role.MEMBER, kaifeng, name="开封委员")
    services.invite(actor=staff, consultation=c, users=[zz_member])
    services.invite(actor=kf_staff, consultation=c, users=[kf_member])
    services.segment_add(actor=kf_staff, consultation=c, kind="briefing", title="开封通报")
    starting_in(c, 30)  # live posts open an hour before the meeting
    services.live_post(actor=kf_member, consultation=c, text="开封的意见")
    services.live_post(actor=zz_member, consultation=c, text="郑州的意见")
    return c, kf_staff, zz_member, kf_member


def test_each_host_sees_shared_parts_and_only_its_own_invitations(five_city, staff, organization, partners):
    c, kf_staff, zz_member, kf_member = five_city
    for viewer, own, foreign in ((staff, zz_member, kf_member), (kf_staff, kf_member, zz_member)):
        assert selectors.consultations_for_user(viewer).filter(pk=c.pk).exists()
        invited = set(selectors.invitations_visible(viewer, c).values_list("user_id", flat=True))
        assert own.pk in invited and foreign.pk not in invited
        texts = set(selectors.live_messages(c).values_list("text", flat=True))
        assert texts == {"开封的意见", "郑州的意见"}


def test_hosts_cannot_invite_each_others_members(five_city, staff):
    c, kf_staff, zz_member, kf_member = five_city
    with pytest.raises(Exception) as exc:
        services.invite(actor=kf_staff, consultation=c, users=[make_user(Role.MEMBER, c.organization)])
    assert "不是本组织人员" in str(exc.value)


def test_pages_show_shared_parts_not_the_other_hosts_people(client, five_city, staff):
    from tests.accounts.test_isolation import _verified_login

    c, kf_staff, zz_member, kf_member = five_city
    for viewer, own, foreign in ((staff, zz_member, kf_member), (kf_staff, kf_member, zz_member)):
        _verified_login(client, viewer)
        body = client.get(c.get_absolute_url()).content.decode()
        assert "开封通报" in body
        assert own.display_name in body and foreign.display_name not in body
        client.logout()


def test_a_consultation_not_co_hosted_is_invisible_both_ways(client, organization, partners, staff, future):
    from tests.accounts.test_isolation import _verified_login

    xinxiang = partners[1]
    xx_staff = make_user(Role.COMMITTEE_STAFF, xinxiang)
    own = services.consultation_create(
        actor=staff, organization=organization, kind="bimonthly", title="郑州自己的", planned_date=future, venue="郑州"
    )
    theirs = services.consultation_create(
        actor=xx_staff, organization=xinxiang, kind="round_table", title="新乡自己的", planned_date=future, venue="新乡"
    )
    for viewer, visible, hidden in ((staff, own, theirs), (xx_staff, theirs, own)):
        ids = set(selectors.consultations_for_user(viewer).values_list("pk", flat=True))
        assert visible.pk in ids and hidden.pk not in ids
        _verified_login(client, viewer)
        assert client.get(hidden.get_absolute_url()).status_code == 403
        client.logout()


def test_the_shared_timeline_names_the_other_hosts_staff_by_their_organization(client, five_city, staff, organization):
    from tests.accounts.test_isolation import _verified_login

    c, kf_staff, zz_member, kf_member = five_city
    own_view = [e.actor_name for e in selectors.timeline_for(staff, c)]
    partner_view = [e.actor_name for e in selectors.timeline_for(kf_staff, c)]
    assert staff.display_name in own_view and staff.display_name not in partner_view
    assert organization.name in partner_view and len(partner_view) == len(own_view)
    _verified_login(client, kf_staff)
    body = client.get(c.get_absolute_url()).content.decode()
    assert staff.display_name not in body and organization.name in body
