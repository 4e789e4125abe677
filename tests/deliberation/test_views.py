"""Pages: voting one statement at a time (htmx and plain POST), anonymous cookie, map, moderation, isolation, query
counts."""

import pytest
from django.core.signing import Signer
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests.accounts.test_isolation import _verified_login
from tests.deliberation.factories import ConversationFactory, StatementFactory, planted
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.deliberation import maps, services
from xieshang.deliberation.models import Participant, Statement, Vote
from xieshang.deliberation.views import PARTICIPANT_COOKIE

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization)


@pytest.fixture
def resident(organization):
    return make_user(Role.CITIZEN, organization)


@pytest.fixture
def conversation(organization):
    conversation = ConversationFactory(organization=organization, title="老旧小区加装电梯")
    for n, text in enumerate(["征求全体住户意见", "低层住户应得到补偿", "按楼层分摊费用"]):
        StatementFactory(conversation=conversation, number=n, text=text)
    return conversation


def test_htmx_vote_returns_the_next_statement(client, conversation, resident):
    client.force_login(resident)
    first, second, _third = conversation.statements.order_by("number")
    page = client.get(f"/deliberation/{conversation.pk}/").content.decode()
    assert first.text in page
    response = client.post(f"/deliberation/{conversation.pk}/vote/", {"statement": first.pk, "value": "1"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="vote-card"' in body and "<html" not in body
    assert second.text in body and "已表态 1 / 3" in body
    assert Vote.objects.get(statement=first).value == 1


def test_plain_post_vote_redirects_back(client, conversation, resident):
    client.force_login(resident)
    first = conversation.statements.order_by("number").first()
    response = client.post(f"/deliberation/{conversation.pk}/vote/", {"statement": first.pk, "value": "-1"})
    assert response.status_code == 302 and response["Location"] == f"/deliberation/{conversation.pk}/"
    assert Vote.objects.get(statement=first).value == -1


def test_vote_on_closed_conversation_shows_message(client, conversation, resident):
    conversation.is_open = False
    conversation.save()
    client.force_login(resident)
    first = conversation.statements.first()
    response = client.post(f"/deliberation/{conversation.pk}/vote/", {"statement": first.pk, "value": "1"}, follow=True)
    assert "本次意见征集已结束" in response.content.decode()
    assert not Vote.objects.exists()


def test_anonymous_browser_gets_a_signed_token(client, conversation):
    conversation.allow_anonymous = True
    conversation.save()
    first, second, _ = conversation.statements.order_by("number")
    response = client.post(f"/deliberation/{conversation.pk}/vote/", {"statement": first.pk, "value": "1"}, **HTMX)
    assert second.text in response.content.decode()
    assert PARTICIPANT_COOKIE in response.cookies
    client.post(f"/deliberation/{conversation.pk}/vote/", {"statement": second.pk, "value": "0"}, **HTMX)
    participant = Participant.objects.get(conversation=conversation)
    assert participant.user_id is None and participant.anonymous_token
    assert participant.votes.count() == 2


def test_forged_cookie_is_ignored(client, conversation):
    conversation.allow_anonymous = True
    conversation.save()
    client.cookies[PARTICIPANT_COOKIE] = Signer().sign("someone-else")  # wrong salt: not ours
    first = conversation.statements.first()
    client.post(f"/deliberation/{conversation.pk}/vote/", {"statement": first.pk, "value": "1"})
    assert Participant.objects.get().anonymous_token != "someone-else"


def test_members_only_conversation_sends_anonymous_to_login(client, conversation):
    response = client.get(f"/deliberation/{conversation.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_statement_form_pre_moderation(client, conversation, resident):
    conversation.moderation = "pre"
    conversation.save()
    client.force_login(resident)
    response = client.post(
        f"/deliberation/{conversation.pk}/statements/", {"text": "小区应设电动车充电棚"}, follow=True
    )
    assert "审核通过后将显示" in response.content.decode()
    assert Statement.objects.get(text="小区应设电动车充电棚").status == Statement.Status.PENDING


def test_other_organization_sees_nothing(client, conversation, other_organization):
    outsider = make_user(Role.COMMITTEE_STAFF, other_organization)
    _verified_login(client, outsider)
    for url in ("", "map/", "moderate/", "settings/", "export.zip", "export/votes.csv"):
        assert client.get(f"/deliberation/{conversation.pk}/{url}").status_code == 404, url
    assert conversation.title not in client.get("/deliberation/").content.decode()


def test_staff_create_conversation(client, organization, staff):
    _verified_login(client, staff)
    response = client.post(
        "/deliberation/new/",
        {
            "title": "背街小巷停车",
            "description": "",
            "moderation": "pre",
            "allow_anonymous": "on",
            "participants_can_submit": "on",
            "statement_max_length": "140",
            "seed_statements": "消防通道严禁停车\n\n夜间错时共享停车",
        },
    )
    assert response.status_code == 302
    conversation = organization.conversations.get(title="背街小巷停车")
    assert conversation.allow_anonymous and conversation.statements.count() == 2


def test_member_cannot_create(client, member):
    client.force_login(member)
    assert client.get("/deliberation/new/").status_code == 403


def test_moderation_page_and_workbench(client, conversation, staff, resident):
    statement = services.statement_submit(actor=resident, conversation=conversation, text="建议增设休息座椅")
    _verified_login(client, staff)
    assert statement.text in client.get("/").content.decode() or statement.text[:10] in client.get("/").content.decode()
    assert statement.text in client.get(f"/deliberation/{conversation.pk}/moderate/").content.decode()
    client.post(f"/deliberation/{conversation.pk}/moderate/", {"statement": statement.pk, "decision": "reject"})
    statement.refresh_from_db()
    assert statement.status == Statement.Status.REJECTED


def test_export_zip_and_file(client, conversation, staff, resident):
    services.vote_cast(actor=resident, statement=conversation.statements.first(), value=1)
    _verified_login(client, staff)
    response = client.get(f"/deliberation/{conversation.pk}/export.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    votes = client.get(f"/deliberation/{conversation.pk}/export/votes.csv").content.decode()
    assert votes.startswith("timestamp,datetime,comment-id,voter-id,vote") and votes.count("\n") == 2
    assert client.get(f"/deliberation/{conversation.pk}/export/other.csv").status_code == 404


def test_map_page_shows_consensus_first_then_groups(client, organization, resident):
    conversation = ConversationFactory(organization=organization)
    planted(conversation)
    maps.map_compute(conversation.pk)
    client.force_login(resident)
    body = client.get(f"/deliberation/{conversation.pk}/map/").content.decode()
    assert body.index("各方都认同的观点") < body.index("A 组")
    assert 'id="map-data"' in body and "opinion-map.js" in body
    assert "计算于" in body


def test_map_status_says_when_updating(client, organization, resident):
    conversation = ConversationFactory(organization=organization)
    planted(conversation, n_participants=10)
    maps.map_compute(conversation.pk)
    services.map_request(conversation.pk)  # captured on_commit: stays pending in this test transaction
    client.force_login(resident)
    body = client.get(f"/deliberation/{conversation.pk}/map/status/", **HTMX).content.decode()
    assert "正在更新" in body and 'hx-trigger="every 5s"' in body


def test_query_counts_do_not_grow(client, organization, staff, django_assert_num_queries):
    """List, voting page and map page: the same number of queries with few or many statements and votes."""
    _verified_login(client, staff)
    small, large = ConversationFactory(organization=organization), ConversationFactory(organization=organization)
    planted(small, n_participants=8, n_statements=6)
    planted(large, n_participants=60, n_statements=20)
    for conversation in (small, large):
        maps.map_compute(conversation.pk)
    client.get(f"/deliberation/{small.pk}/")  # warm the per-process caches (content types, policy)
    for suffix in ("", "map/"):
        counts = []
        for conversation in (small, large):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/deliberation/{conversation.pk}/{suffix}").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (suffix, counts)


def test_pinned_query_counts(client, organization, resident, django_assert_num_queries):
    conversation = ConversationFactory(organization=organization)
    planted(conversation, n_participants=30)
    maps.map_compute(conversation.pk)
    client.force_login(resident)
    client.get("/deliberation/")  # warm the per-process caches (content types, policy)
    with django_assert_num_queries(LIST_QUERIES):
        client.get("/deliberation/")
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(f"/deliberation/{conversation.pk}/")
    with django_assert_num_queries(MAP_QUERIES):
        client.get(f"/deliberation/{conversation.pk}/map/")


LIST_QUERIES = 3  # no signed-in overhead (issues 13, 18, decision 0045): user, role grants and menu are kept
DETAIL_QUERIES = 5
MAP_QUERIES = 4


def test_a_refused_statement_keeps_what_was_typed(client, conversation, resident):
    client.force_login(resident)
    url = f"/deliberation/{conversation.pk}/statements/"
    too_long = "小区" * (conversation.statement_max_length // 2 + 1)
    response = client.post(url, {"text": too_long})
    assert response.status_code == 422
    html = response.content.decode()
    assert too_long in html and "最多" in html  # beside the field, with what was typed
    assert not Statement.objects.filter(text=too_long).exists()


@override_settings(XIESHANG_ABUSE_LIMITS={"resident_post": {"account": [(1, 3600)]}})
def test_a_statement_over_the_limit_keeps_its_text_and_says_why(client, conversation, resident, held_limit_clock):
    client.force_login(resident)
    url = f"/deliberation/{conversation.pk}/statements/"
    assert client.post(url, {"text": "先说一条"}).status_code == 302
    response = client.post(url, {"text": "再说一条观点"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "再说一条观点" in html and "操作过于频繁" in html  # beside the text, which stays
    assert not Statement.objects.filter(text="再说一条观点").exists()
