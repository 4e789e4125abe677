"""Pages: bad input refused beside its field with what was typed kept; list pages with a constant number of
queries; the public portal and its Atom feed without login."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.test_isolation import _verified_login
from tests.factories import CommunityFactory
from xieshang.consultations import services
from xieshang.consultations.models import Topic

from .conftest import advance


def test_topic_without_title_keeps_what_was_typed(client, room, resident):
    client.force_login(resident)
    response = client.post(f"/consultations/rooms/{room.pk}/topics/", {"title": "", "body": "路灯坏了三个月"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写议题标题" in body and "路灯坏了三个月" in body
    assert not Topic.objects.exists()


def test_second_support_is_refused_with_a_message(client, room, resident, neighbour):
    topic = services.topic_raise(actor=resident, room=room, title="路灯不亮")
    client.force_login(neighbour)
    assert client.post(f"/consultations/topics/{topic.pk}/support/").status_code == 302
    response = client.post(f"/consultations/topics/{topic.pk}/support/")
    assert response.status_code == 400 and "每人只能支持一次" in response.content.decode()


def test_own_topic_page_offers_no_support_and_a_post_is_refused(client, room, resident):
    topic = services.topic_raise(actor=resident, room=room, title="路灯不亮")
    client.force_login(resident)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "我也支持" not in page
    response = client.post(f"/consultations/topics/{topic.pk}/support/")
    assert response.status_code in (400, 403)
    assert Topic.objects.get(pk=topic.pk).support_count == 0


def test_check_in_page_refuses_a_foreign_code(client, organization, staff, leader, member, future):
    other = services.consultation_create(
        actor=staff, organization=organization, kind="round_table", title="另一场", planned_date=future, venue="x"
    )
    other = advance({"propose": staff, "approve": staff}, other, "propose", "approve")
    client.force_login(member)
    response = client.post(f"/consultations/checkin/{services.checkin_token(other)}/")
    assert response.status_code == 400 and "不在本次协商活动的邀请名单" in response.content.decode()


def test_online_consultation_form_errors_beside_fields(client, organization, staff):
    _verified_login(client, staff)
    response = client.post(
        "/consultations/new/", {"kind": "online", "title": "数字政府", "planned_date": "2026-12-01", "venue": "三楼"}
    )
    body = response.content.decode()
    assert "网络议政不设会场" in body and "须填写视频会议链接" in body and 'value="数字政府"' in body


def _count(client, url):
    client.get(url)  # the first request of a session does a little extra (session, caches)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_consultation_list_query_count_is_constant(
    client, organization, staff, leader, future, django_assert_num_queries
):
    _verified_login(client, staff)
    services.consultation_create(
        actor=staff, organization=organization, kind="bimonthly", title="一", planned_date=future, venue="x"
    )
    baseline = _count(client, "/consultations/")
    for i in range(5):
        services.consultation_create(
            actor=staff, organization=organization, kind="round_table", title=f"议题{i}", planned_date=future, venue="x"
        )
    with django_assert_num_queries(baseline):
        client.get("/consultations/")
    plan_url = f"/consultations/plan/?year={future.year}"
    plan_base = _count(client, plan_url)
    services.consultation_create(
        actor=staff, organization=organization, kind="thematic", title="再加一个", planned_date=future, venue="x"
    )
    with django_assert_num_queries(plan_base):
        client.get(plan_url)


def test_room_and_outcome_lists_query_count_is_constant(
    client, organization, room, resident, staff, django_assert_num_queries
):
    client.force_login(resident)
    services.topic_raise(actor=resident, room=room, title="一")
    room_base = _count(client, room.get_absolute_url())
    rooms_base = _count(client, "/consultations/rooms/")
    outcomes_base = _count(client, "/consultations/outcomes/")
    for i in range(4):
        services.topic_raise(actor=resident, room=room, title=f"议题{i}")
        services.room_create(actor=staff, community=CommunityFactory(organization=organization), convener=resident)
    with django_assert_num_queries(room_base):
        client.get(room.get_absolute_url())
    with django_assert_num_queries(rooms_base):
        client.get("/consultations/rooms/")
    with django_assert_num_queries(outcomes_base):
        client.get("/consultations/outcomes/")


def test_portal_and_feed_are_public(client, consultation, room, resident, staff):
    services.topic_raise(actor=resident, room=room, title="公开议题")
    services.article_create(actor=staff, parent=consultation, title="协商报道", body="正文")
    assert "加快老旧小区改造" in client.get("/consultations/portal/").content.decode()
    assert "协商报道" in client.get(consultation.get_public_url()).content.decode()
    room_page = client.get(room.get_public_url()).content.decode()
    assert "公开议题" in room_page and resident.display_name not in room_page
    feed = client.get("/consultations/portal/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "协商报道" in feed.content.decode()


def test_staff_set_up_a_room_on_its_page(client, organization, staff, resident, convener):
    from xieshang.consultations.models import Room

    community = CommunityFactory(organization=organization, name="金水路社区")
    _verified_login(client, staff)
    page = client.get("/consultations/rooms/").content.decode()
    assert 'data-testid="room-form"' in page and "金水路社区" in page
    response = client.post(
        "/consultations/rooms/new/", {"community": community.pk, "convener": "nobody", "address": "党群服务中心二楼"}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "nobody" in body and "党群服务中心二楼" in body
    assert not Room.objects.exists()
    response = client.post(
        "/consultations/rooms/new/", {"community": community.pk, "convener": "convener", "address": "党群服务中心二楼"}
    )
    room = Room.objects.get()
    assert response.status_code == 302 and room.convener == convener and room.name == "金水路社区有事好商量协商议事室"
    # One room per community: the community is no longer offered, and the service refuses a second one anyway.
    assert "金水路社区" not in client.get("/consultations/rooms/").content.decode().split('data-testid="room-form"')[1]
    with pytest.raises(ValidationError, match="已设有"):
        services.room_create(actor=staff, community=community, convener=convener)
    client.force_login(resident)
    assert client.post("/consultations/rooms/new/", {"community": community.pk}).status_code == 403


def test_staff_choose_whether_an_outcome_status_is_public(client, consultation, staff, leader, unit, resident):
    c = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
    outcome = services.recommendation_add(
        actor=staff, consultation=c, title="建立老旧小区改造长效机制", owner_unit=unit
    )
    advance({"send": staff}, outcome, "send")
    assert "建立老旧小区改造长效机制" in client.get(c.get_public_url()).content.decode()
    client.force_login(resident)
    assert client.post(f"/consultations/outcomes/{outcome.pk}/public/", {"public": "0"}).status_code == 403
    _verified_login(client, staff)
    assert client.post(f"/consultations/outcomes/{outcome.pk}/public/", {"public": "0"}).status_code == 302
    client.logout()
    assert "建立老旧小区改造长效机制" not in client.get(c.get_public_url()).content.decode()


def test_materials_are_for_the_invited_and_the_hosts(client, consultation, staff, member, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import make_user
    from xieshang.accounts.models import Role

    settings.MEDIA_ROOT = tmp_path
    services.invite(actor=staff, consultation=consultation, users=[member])
    _verified_login(client, staff)
    bad = client.post(
        f"/consultations/{consultation.pk}/materials/",
        {"material-title": "会议议程", "material-file": SimpleUploadedFile("a.pdf", b"not a pdf")},
    )
    page = bad.content.decode()
    assert bad.status_code == 400 and "内容不是 PDF" in page and 'value="会议议程"' in page
    client.post(
        f"/consultations/{consultation.pk}/materials/",
        {"material-title": "会议议程", "material-file": SimpleUploadedFile("议程.pdf", b"%PDF-1.4 agenda")},
    )
    material = consultation.materials.get()
    client.force_login(member)
    assert "会议议程" in client.get(consultation.get_absolute_url()).content.decode()
    download = client.get(f"/consultations/materials/{material.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 agenda"
    client.force_login(make_user(Role.MEMBER, consultation.organization))  # a member not invited
    assert client.get(f"/consultations/materials/{material.pk}/").status_code == 403


def test_public_room_page_shows_the_residents_ratings(client, room, convener, resident, neighbour, officer, unit):
    from .test_services import _done_room_topic

    topic, outcome = _done_room_topic(room, convener, resident, officer, unit)
    services.progress_add(actor=officer, outcome=outcome, text="已修好", percent=100)
    outcome = advance({"complete": officer}, outcome, "complete")
    services.outcome_rate(actor=resident, outcome=outcome, score=3)
    services.outcome_rate(actor=neighbour, outcome=outcome, score=2)
    page = client.get(room.get_public_url()).content.decode()
    assert "居民评价：2 人评价，1 人满意" in page
    assert resident.display_name not in page and neighbour.display_name not in page


def test_public_room_page_links_to_an_open_conversation(client, room, convener, resident):
    topic = services.topic_raise(actor=resident, room=room, title="加装电梯费用分摊")
    services.topic_prepare(actor=convener, topic=topic, participants=[resident], form="online")
    topic = Topic.objects.get(pk=topic.pk)
    conversation = services.topic_open_conversation(actor=convener, topic=topic, seed_statements=["按楼层分摊"])
    page = client.get(room.get_public_url()).content.decode()
    assert f'href="/deliberation/{conversation.pk}/" data-testid="join-conversation"' in page


def test_consultation_page_has_unique_ids_and_binds_each_form(client, consultation, staff):
    """Issue #11: the agenda, material and recommendation forms all rendered id="id_title" on one page; each form now
    has its own prefix, on the page and when bound."""
    import re
    from collections import Counter

    _verified_login(client, staff)
    page = client.get(consultation.get_absolute_url()).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert [i for i, n in ids.items() if n > 1] == []
    assert {"id_segment-title", "id_material-title"} <= set(ids)
    response = client.post(
        f"/consultations/{consultation.pk}/agenda/", {"segment-kind": "briefing", "segment-title": "开场"}
    )
    assert response.status_code == 302
    assert list(consultation.segments.values_list("title", flat=True)) == ["开场"]
