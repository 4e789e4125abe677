from xieshang.consultations import services
from xieshang.consultations.models import Support


def test_schema_lists_the_endpoints(client, member):
    client.force_login(member)
    schema = client.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    for suffix in (
        "/consultations",
        "/rooms",
        "/rooms/{pk}/topics",
        "/topics/{pk}/support",
        "/outcomes",
        "/outcomes/{pk}/rating",
    ):
        assert any(p.endswith("/consultations" + suffix) for p in paths), suffix


def test_resident_raises_and_supports_through_the_api(client, room, resident, neighbour):
    client.force_login(resident)
    bad = client.post(f"/api/consultations/rooms/{room.pk}/topics", {"title": " "}, content_type="application/json")
    assert bad.status_code == 422 and "title" in bad.json()["detail"]
    made = client.post(f"/api/consultations/rooms/{room.pk}/topics", {"title": "路灯"}, content_type="application/json")
    assert made.status_code == 201
    topic_id = made.json()["id"]
    client.force_login(neighbour)
    assert client.post(f"/api/consultations/topics/{topic_id}/support").status_code == 201
    again = client.post(f"/api/consultations/topics/{topic_id}/support")
    assert again.status_code == 422 and "支持过" in str(again.json())
    assert Support.objects.count() == 1
    listed = client.get(f"/api/consultations/rooms/{room.pk}/topics").json()
    assert listed[0]["support_count"] == 1


def test_consultations_of_other_organizations_are_not_listed(client, consultation, other_organization):
    from tests.factories import make_user
    from xieshang.accounts.models import Role

    outsider = make_user(Role.MEMBER, other_organization)
    client.force_login(outsider)
    assert client.get("/api/consultations/consultations").json() == []
    assert client.get(f"/api/consultations/consultations/{consultation.pk}").status_code == 403


def test_rating_an_unfinished_outcome_is_refused(client, room, convener, resident, unit):
    from .conftest import advance

    topic = services.topic_raise(actor=resident, room=room, title="路灯")
    services.topic_prepare(actor=convener, topic=topic, participants=[resident], form="online")
    topic = advance({"hold": convener}, topic, "hold")
    outcome = services.topic_outcome_add(actor=convener, topic=topic, title="修", owner_unit=unit)
    client.force_login(resident)
    response = client.post(
        f"/api/consultations/outcomes/{outcome.pk}/rating", {"score": 3}, content_type="application/json"
    )
    assert response.status_code == 422 and "尚未落实完成" in str(response.json())


def test_a_consultation_carries_its_recorded_approval(client, consultation, staff, member):
    from .conftest import advance

    advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")
    client.force_login(member)
    data = client.get(f"/api/consultations/consultations/{consultation.pk}").json()
    assert data["state"] == "approved"
    assert (data["approval_body"], data["approval_document"], data["approved_on"]) == (
        "中共郑州市委",
        "郑办文〔2026〕3号",
        "2026-01-20",
    )
    assert data["chairs_meeting"] == "十五届市政协第12次主席会议"
