import pytest

from tests.deliberation.factories import ConversationFactory, planted
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.deliberation import maps
from xieshang.deliberation.models import Vote


@pytest.fixture
def mounted():
    from xieshang.api.main import api

    if not any(prefix.strip("/") == "deliberation" for prefix, _router in api._routers):
        pytest.skip("the deliberation router is not mounted in xieshang/api/main.py yet")


def test_vote_and_read_map(client, organization, mounted):
    conversation = ConversationFactory(organization=organization)
    planted(conversation, n_participants=20)
    maps.map_compute(conversation.pk)
    resident = make_user(Role.CITIZEN, organization)
    client.force_login(resident)
    assert [c["id"] for c in client.get("/api/deliberation/conversations").json()] == [conversation.pk]
    response = client.post(
        f"/api/deliberation/conversations/{conversation.pk}/votes",
        {"statement": 2, "value": -1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Vote.objects.get(participant__user=resident).value == -1
    data = client.get(f"/api/deliberation/conversations/{conversation.pk}/map").json()
    assert data["result"]["k"] == 2


def test_other_organization_gets_404(client, organization, other_organization, mounted):
    conversation = ConversationFactory(organization=organization)
    client.force_login(make_user(Role.MEMBER, other_organization))
    assert client.get(f"/api/deliberation/conversations/{conversation.pk}").status_code == 404
    assert client.get("/api/deliberation/conversations").json() == []
