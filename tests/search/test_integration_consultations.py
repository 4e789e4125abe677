"""Consultations, their minutes and outcomes, and community-room topics in the search index: found by exactly the
people the app lets open them (rules.py; the portal for what is public), and the index follows the services."""

import pytest
import rules

from tests.consultations import conftest as consultations_conftest
from tests.factories import HandlingUnitFactory, make_user
from xieshang.accounts.models import Role, RoleGrant
from xieshang.consultations import services
from xieshang.search.models import SearchDocument
from xieshang.search.services import search

pytestmark = pytest.mark.django_db

for _name in (
    "consultation",
    "staff",
    "leader",
    "unit",
    "officer",
    "resident",
    "convener",
    "room",
    "future",
    "partners",
):
    globals()[_name] = getattr(consultations_conftest, _name)
advance = consultations_conftest.advance


@pytest.fixture
def indexing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(organization, other_organization, staff, leader, officer, resident, convener, member):
    outside_officer = make_user(None, username="kfofficer")
    RoleGrant.objects.create(
        user=outside_officer,
        organization=other_organization,
        role=Role.UNIT_OFFICER,
        handling_unit=HandlingUnitFactory(organization=other_organization, name="开封市住房局"),
    )
    return {
        "staff": staff,
        "leader": leader,
        "officer": officer,
        "resident": resident,
        "convener": convener,
        "member": member,
        "outside_member": make_user(Role.MEMBER, other_organization, username="kfmember"),
        "outside_resident": make_user(Role.CITIZEN, other_organization, username="kfresident"),
        "outside_officer": outside_officer,
        "nobody": make_user(None, username="norole"),
    }


def found(people, query, doc_type, pk) -> set[str]:
    return {
        name
        for name, user in people.items()
        if any(h.doc_type == doc_type and h.object_id == pk for h in search(user, query).hits)
    }


def may(people, perm, obj) -> set[str]:
    return {name for name, user in people.items() if rules.has_perm(perm, user, obj)}


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_private_consultation_is_found_by_its_hosts_only(organization, staff, future, people, indexing):
    with indexing():
        c = services.consultation_create(
            actor=staff,
            organization=organization,
            kind="bimonthly",
            title="城市更新中的历史街区保护",
            description="听取历史街区保护情况通报，围绕烟火气与保护利用协商。",
            planned_date=future,
            venue="市政协",
            is_public=False,
        )
    everyone_at_home = {"staff", "leader", "officer", "resident", "convener", "member"}
    assert found(people, "历史街区", "consultation", c.pk) == may(people, "consultations.view_consultation", c)
    assert found(people, "历史街区", "consultation", c.pk) == everyone_at_home
    # The agenda is part of the materials.
    with indexing():
        services.segment_add(actor=staff, consultation=fresh(c), kind="briefing", title="市文物局通报非遗工坊建设")
    assert found(people, "非遗工坊", "consultation", c.pk) == everyone_at_home


def test_public_consultation_is_found_by_everyone_until_dropped(consultation, staff, leader, people, indexing):
    with indexing():
        services.segment_add(actor=staff, consultation=consultation, kind="briefing", title="住建局通报管网改造")
    row = SearchDocument.objects.get(doc_type="consultation", object_id=consultation.pk)
    assert row.visibility == "public" and row.url == consultation.get_public_url()
    assert found(people, "管网改造", "consultation", consultation.pk) == set(people)
    with indexing():
        advance({"drop": staff}, consultation, "drop")
    dropped = fresh(consultation)
    assert found(people, "管网改造", "consultation", consultation.pk) == may(
        people, "consultations.view_consultation", dropped
    )
    assert "outside_member" not in found(people, "管网改造", "consultation", consultation.pk)


def test_co_hosts_find_a_cross_region_consultation(organization, staff, future, partners, people, indexing):
    kaifeng = partners[0]
    with indexing():
        c = services.consultation_create(
            actor=staff,
            organization=organization,
            kind="cross_region",
            title="黄河流域生态保护协同",
            planned_date=future,
            hosts=[kaifeng],
            venue="郑州",
            is_public=False,
        )
    assert found(people, "黄河流域", "consultation", c.pk) == may(people, "consultations.view_consultation", c)
    assert {"outside_member", "outside_resident"} <= found(people, "黄河流域", "consultation", c.pk)
    assert "nobody" not in found(people, "黄河流域", "consultation", c.pk)


def test_minutes_private_until_reported(consultation, staff, leader, people, indexing):
    c = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
    with indexing():
        services.minutes_save(actor=staff, consultation=c, minutes="会议认为，雨污分流改造应与老旧小区改造同步实施。")
    row = SearchDocument.objects.get(doc_type="consultation_minutes", object_id=c.pk)
    assert row.visibility == "restricted" and row.state == "held"
    hosts = may(people, "consultations.view_consultation", fresh(c))
    assert found(people, "雨污分流", "consultation_minutes", c.pk) == hosts
    assert "outside_member" not in hosts
    with indexing():
        advance({"report_minutes": staff}, c, "report_minutes")
    assert found(people, "雨污分流", "consultation_minutes", c.pk) == set(people)
    hit = next(h for h in search(people["outside_member"], "雨污分流").hits if h.doc_type == "consultation_minutes")
    assert hit.url == c.get_public_url() and "<mark>雨污分流</mark>" in hit.snippet_html


def test_recommendation_found_by_hosts_and_owner_never_public(consultation, staff, leader, unit, people, indexing):
    c = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
    with indexing():
        outcome = services.recommendation_add(
            actor=staff,
            consultation=fresh(c),
            title="建立片区统筹改造机制",
            body="以片区为单元统筹推进雨污管网。",
            owner_unit=unit,
        )
    assert SearchDocument.objects.get(doc_type="consultation_outcome", object_id=outcome.pk).visibility == "restricted"
    expected = may(people, "consultations.view_outcome", fresh(outcome))
    assert found(people, "片区统筹", "consultation_outcome", outcome.pk) == expected
    assert "outside_member" not in expected and "officer" in expected
    assert search(staff, "片区统筹", {"unit": unit.pk, "type": "consultation_outcome"}).total == 1
    assert search(staff, "片区统筹", {"state": "draft"}).total == 1
    with indexing():
        advance({"send": staff}, fresh(outcome), "send")
    assert SearchDocument.objects.get(doc_type="consultation_outcome", object_id=outcome.pk).state == "sent"
    assert search(staff, "片区统筹", {"state": "draft"}).total == 0


def test_room_topics_and_outcomes(room, resident, convener, unit, people, indexing, organization):
    with indexing():
        topic = services.topic_raise(actor=resident, room=room, title="楼道堆物清理", body="三号楼楼道电动车充电隐患。")
    row = SearchDocument.objects.get(doc_type="room_topic", object_id=topic.pk)
    assert row.url == topic.get_absolute_url()
    assert found(people, "电动车充电", "room_topic", topic.pk) == may(people, "consultations.view_room", room)
    assert found(people, "电动车充电", "room_topic", topic.pk) == {
        "staff",
        "leader",
        "officer",
        "resident",
        "convener",
        "member",
    }
    with indexing():
        services.topic_prepare(actor=convener, topic=fresh(topic), participants=[resident], form="online")
    topic = advance({"hold": convener}, fresh(topic), "hold")
    with indexing():
        outcome = services.topic_outcome_add(
            actor=convener,
            topic=topic,
            title="增设集中充电棚",
            body="在小区东侧增设电动车集中充电棚。",
            owner_unit=unit,
        )
    assert found(people, "充电棚", "consultation_outcome", outcome.pk) == may(
        people, "consultations.view_outcome", fresh(outcome)
    )
    assert SearchDocument.objects.get(doc_type="room_topic", object_id=topic.pk).state == "held"


def test_rebuild_covers_every_consultation_type(consultation, staff, leader, room, resident):
    from django.core.management import call_command

    c = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
    services.minutes_save(actor=staff, consultation=c, minutes="纪要：推进海绵城市建设。")
    services.recommendation_add(actor=staff, consultation=fresh(c), title="海绵城市建设建议案", owner_leader=leader)
    services.topic_raise(actor=resident, room=room, title="海绵城市改造后积水", body="雨后仍积水。")
    SearchDocument.objects.all().delete()
    call_command("search_rebuild")
    types = set(SearchDocument.objects.values_list("doc_type", flat=True))
    assert {"consultation", "consultation_minutes", "consultation_outcome", "room_topic"} <= types
    assert {h.doc_type for h in search(staff, "海绵城市").hits} == {
        "consultation_minutes",
        "consultation_outcome",
        "room_topic",
    }


def test_search_page_shows_topics_with_links_and_marks(client, room, resident, people, indexing, no_second_factor):
    with indexing():
        topic = services.topic_raise(actor=resident, room=room, title="地下车库渗水", body="雨后地下车库渗水严重。")
    client.force_login(people["member"])
    html = client.get("/search/", {"q": "渗水", "type": "room_topic"}).content.decode()
    assert f'href="{topic.get_absolute_url()}"' in html
    assert "<mark>渗水</mark>" in html and "议事议题" in html
    for key in ("opinion_report", "consultation", "consultation_minutes", "consultation_outcome", "room_topic"):
        assert f'value="{key}"' in html
    client.force_login(people["outside_member"])
    html = client.get("/search/", {"q": "渗水"}).content.decode()
    assert topic.get_absolute_url() not in html and "找到 0 条结果" in html


def test_a_room_topic_hit_names_its_room_with_a_link(client, room, resident, people, indexing, no_second_factor):
    """Issue #11: a topic found by search says which room it was raised in, and links there, in both languages."""
    with indexing():
        services.topic_raise(actor=resident, room=room, title="小区排水管网堵塞", body="雨后排水不畅。")
    client.force_login(people["member"])
    html = client.get("/search/", {"q": "排水"}).content.decode()
    place = f'议事室 <a href="{room.get_absolute_url()}">{room.name}</a>'
    assert place in html
    client.cookies["xieshang_language"] = "en"
    html = client.get("/search/", {"q": "排水"}).content.decode()
    assert f'Community room <a href="{room.get_absolute_url()}">{room.name}</a>' in html


def test_meeting_materials_are_found_by_their_text_by_those_who_may_read_them(
    consultation, staff, leader, people, indexing, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document

    settings.MEDIA_ROOT = tmp_path
    document = Document()
    document.add_paragraph("关于地铁站点接驳公交的调研报告：建议优化末班车衔接。")
    buffer = io.BytesIO()
    document.save(buffer)
    c = advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")
    with indexing():
        material = services.material_add(
            actor=staff, consultation=c, title="专题调研报告", upload=SimpleUploadedFile("调研.docx", buffer.getvalue())
        )
    readers = may(people, "consultations.view_materials", fresh(c))
    assert found(people, "末班车", "consultation_material", material.pk) == readers == {"staff", "leader"}
    row = SearchDocument.objects.get(doc_type="consultation_material", object_id=material.pk)
    assert row.visibility == "restricted" and row.url.endswith("#h-mat")
    # An invitation opens the materials to the member, in search too.
    with indexing():
        services.invite(actor=staff, consultation=fresh(c), users=[people["member"]])
    readers = may(people, "consultations.view_materials", fresh(c))
    assert found(people, "末班车", "consultation_material", material.pk) == readers == {"staff", "leader", "member"}
