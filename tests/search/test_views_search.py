import pytest
from django.urls import reverse

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.core import generations
from xieshang.search import kept
from xieshang.search.models import DictionaryWord

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_client(client, author):
    client.force_login(author)
    return client


def test_search_page_lists_highlighted_results(reader_client, make_note):
    note = make_note("关于小区停车难的建议", "老旧小区停车位不足。")
    response = reader_client.get(reverse("search:search"), {"q": "停车"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>停车</mark>" in html
    assert f"/notes/{note.pk}/" in html
    assert "找到 1 条结果" in html


def test_search_page_without_query_shows_the_form(reader_client, doc_type):
    response = reader_client.get(reverse("search:search"))
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()


@pytest.mark.parametrize("q", ["", "。。。", '"*()', "x" * 10_000, "NEAR AND OR NOT"])
def test_search_page_bad_input_answers(reader_client, doc_type, q):
    response = reader_client.get(reverse("search:search"), {"q": q, "year": "abc", "page": "zz"})
    assert response.status_code == 200


def test_htmx_request_gets_the_results_fragment(reader_client, make_note):
    make_note("垃圾分类", "")
    response = reader_client.get(reverse("search:search"), {"q": "垃圾分类"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_search_page_suggests_on_empty_results(reader_client, make_note):
    make_note("加装电梯", "老旧小区加装电梯")
    html = reader_client.get(reverse("search:search"), {"q": "加装电梯 火箭"}).content.decode()
    assert "可以试试" in html and "去掉" in html


def test_search_page_query_count_is_constant(reader_client, make_note, django_assert_num_queries):
    for i in range(3):
        make_note(f"道路修缮{i}", "道路坑洼")
    url = reverse("search:search")
    reader_client.get(url, {"q": "道路"})  # warm the process-wide segmenter
    generations.advance(kept.INDEX)  # as a write of the index would: the next request searches afresh
    # session, dictionary version, the full-text page with its rows (grants, policy, menu, filter choices: cached)
    with django_assert_num_queries(3) as ctx:  # overhead (issues 13, 18; the user is kept, decision 0045)
        reader_client.get(url, {"q": "道路"})
    for i in range(30):
        make_note(f"道路维护{i}", "道路积水")
    expected = len(ctx.captured_queries)
    reader_client.get(url, {"q": "道路", "page": 2})  # cached reads the new notes forgot (the unread badge) refill
    generations.advance(kept.INDEX)
    with django_assert_num_queries(expected):
        reader_client.get(url, {"q": "道路", "page": 2})
    with django_assert_num_queries(expected - 2):  # the same query string again: kept (search.kept), no search
        html = reader_client.get(url, {"q": "道路", "page": 2}).content.decode()
    assert "道路" in html and 'class="pagination"' in html


def test_a_kept_result_page_shows_a_new_document_at_once(reader_client, make_note):
    make_note("道路修缮", "道路坑洼")
    url = reverse("search:search")
    assert "找到 1 条结果" in reader_client.get(url, {"q": "道路"}).content.decode()
    make_note("道路积水", "道路")  # indexed: the index moved
    assert "找到 2 条结果" in reader_client.get(url, {"q": "道路"}).content.decode()


def test_anonymous_is_sent_to_login(client, doc_type):
    response = client.get(reverse("search:search"), {"q": "停车"})
    assert response.status_code == 302


def test_the_portal_search_finds_only_what_the_portal_publishes(client, make_note):
    """The public search (the landing page's box): anyone, signed in or not, finds the public documents and nothing
    an organization keeps for itself or for named readers."""
    public = make_note("公开答复：小区停车难的建议", "停车位", vis="public")
    make_note("本组织内部：停车场规划", "停车", vis="org")
    make_note("指定人员：停车费调整", "停车", vis="user")
    html = client.get(reverse("search:public"), {"q": "停车"}).content.decode()
    assert f"/notes/{public.pk}/" in html and "找到 1 条结果" in html
    assert "内部" not in html and "停车费调整" not in html


def test_the_portal_search_is_bounded_per_client_address(client, make_note, settings, held_limit_clock):
    make_note("公开答复：小区停车难的建议", "停车位", vis="public")
    settings.XIESHANG_ABUSE_LIMITS = {"public_search": {"address": [(2, 60)]}}
    for _ in range(2):
        assert client.get(reverse("search:public"), {"q": "停车"}).status_code == 200
    refused = client.get(reverse("search:public"), {"q": "停车"})
    assert refused.status_code == 429
    assert "操作过于频繁" in refused.content.decode() and 'value="停车"' in refused.content.decode()


def test_dictionary_page_permissions(client, org_a, author, no_second_factor):
    client.force_login(author)
    assert client.get(reverse("search:dictionary")).status_code == 403
    staff = make_user(Role.PROPOSALS_STAFF, org_a, username="pstaff")
    client.force_login(staff)
    assert client.get(reverse("search:dictionary")).status_code == 200


def test_dictionary_page_adds_and_removes(client, org_a, django_capture_on_commit_callbacks, no_second_factor):
    staff = make_user(Role.COMMITTEE_STAFF, org_a, username="cstaff")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("search:dictionary"), {"word": "东风渠", "kind": "place"})
    assert response.status_code == 302
    entry = DictionaryWord.objects.get(word="东风渠")
    assert entry.organization == org_a and entry.added_by == staff
    assert client.post(reverse("search:dictionary"), {"word": "a*", "kind": "term"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("search:dictionary_delete", args=[entry.pk]))
    assert not DictionaryWord.objects.filter(word="东风渠").exists()


def test_other_organizations_staff_cannot_delete_a_word(client, org_a, org_b, no_second_factor):
    entry = DictionaryWord.objects.create(organization=org_a, word="东风渠")
    outsider = make_user(Role.PROPOSALS_STAFF, org_b, username="kfstaff")
    client.force_login(outsider)
    assert client.post(reverse("search:dictionary_delete", args=[entry.pk])).status_code == 403
    platform = DictionaryWord.objects.create(organization=None, word="全平台词")
    assert client.post(reverse("search:dictionary_delete", args=[platform.pk])).status_code == 403


def test_rules_table(org_a):
    import rules

    word = DictionaryWord.objects.create(organization=org_a, word="东风渠")
    platform = DictionaryWord.objects.create(organization=None, word="全平台词")
    expected = {
        Role.MEMBER: False,
        Role.PROPOSALS_STAFF: True,
        Role.INFORMATION_STAFF: True,
        Role.COMMITTEE_STAFF: True,
        Role.SYSTEM_ADMIN: True,
        Role.UNIT_OFFICER: False,
        Role.SECURITY_ADMIN: False,
        Role.AUDIT_ADMIN: False,
    }
    for role, allowed in expected.items():
        user = make_user(role, org_a, username=f"u-{role}")
        assert rules.has_perm("search.change_dictionaryword", user, org_a) is allowed, role
        assert rules.has_perm("search.change_dictionaryword", user, word) is allowed, role
        assert rules.has_perm("search.change_dictionaryword", user, platform) is (role == Role.SYSTEM_ADMIN), role


def test_api_search(author, make_note):
    from ninja.testing import TestClient

    from xieshang.search.api import router

    note = make_note("公交线路优化", "")
    api = TestClient(router)
    response = api.get("/?q=公交", user=author)
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1 and data["hits"][0]["object_id"] == note.pk
    assert "<mark>公交</mark>" in data["hits"][0]["title_html"]
    assert api.get("/?q=。。。", user=author).status_code == 400
