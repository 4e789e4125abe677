"""Proposal pages: every role's pages render, forms keep typed values and show refusals beside the fields,
outsiders get 404/403, the workflow's history and actions show on the proposal page, list pages keep a constant
number of queries as data grows."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_user
from tests.proposals.test_views_support import login, make_proposal
from xieshang.accounts.models import Role
from xieshang.proposals import page_cache, services
from xieshang.proposals.models import CoSignature, Proposal, Rating, Reply

pytestmark = pytest.mark.django_db


def test_every_role_sees_its_pages(client, world):
    w = world
    p = make_proposal(w, to="countersigning")
    pages = [
        (w.lead, ["proposals:index", "proposals:mine", "proposals:create", "proposals:create_micro"]),
        (
            w.staff,
            [
                "proposals:staff_queue",
                "proposals:assignment_queue",
                "proposals:excellent",
                "proposals:publish_queue",
                "proposals:stats",
                "proposals:key",
            ],
        ),
        (w.officers[0], ["proposals:unit_inbox"]),
        (w.supervisor, ["proposals:supervisor_queue", "proposals:key"]),
        (w.leader, ["proposals:key", "proposals:stats"]),
    ]
    for user, names in pages:
        login(client, user)
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200, (user, name)
        detail = client.get(reverse("proposals:detail", args=[p.pk]))
        assert detail.status_code == 200, user
        assert "办理记录" in detail.content.decode()
        client.logout()


def _post_create(client, w, **data):
    payload = {"title": "关于加装电梯的建议", "body": "建议" * 20, "submitter_kind": "member", **data}
    return client.post(reverse("proposals:create"), payload)


def test_member_saves_a_draft_with_a_cosigner_who_signs_from_the_page(client, world):
    w = world
    login(client, w.lead)
    response = _post_create(client, w, cosigners=[w.co1.pk], save="1")
    p = Proposal.objects.get()
    assert response.status_code == 302 and response.url == reverse("proposals:detail", args=[p.pk])
    assert p.state.key == "draft" and p.cosignatures.get().status == CoSignature.Status.INVITED
    login(client, w.co1)
    assert "联名邀请" in client.get(reverse("proposals:mine")).content.decode()
    client.post(reverse("proposals:cosign", args=[p.pk]), {"decision": "sign"})
    assert p.cosignatures.get().status == CoSignature.Status.SIGNED


def test_rejected_form_keeps_everything_typed_and_shows_the_error_beside_the_field(client, world):
    w = world
    login(client, w.lead)
    long_body = "字" * 2501
    response = _post_create(client, w, title="我的标题", body=long_body, cosigners=[w.co1.pk], submit="1")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="我的标题"' in html and long_body in html
    assert 'id="id_body_error"' in html and "2500" in html
    assert f'name="cosigners" value="{w.co1.pk}" checked' in html
    assert not Proposal.objects.exists()


def test_live_counter_has_a_plain_text_fallback(client, world):
    login(client, world.lead)
    html = client.get(reverse("proposals:create")).content.decode()
    assert 'data-maxlength="2500"' in html and "限 2500 字" in html
    assert "<script>" not in html  # CSP: scripts only from static files


def test_member_search_is_scoped_to_the_organization(client, world, other_organization):
    w = world
    make_user(Role.MEMBER, other_organization, name="外市委员")
    login(client, w.lead)
    form = client.get(reverse("proposals:create")).content.decode()
    pool = re.search(r'"pool": "([^"]+)"', form).group(1)
    html = client.get("/accounts/members/search/", {"pool": pool, "name": "cosigners", "cosigners__q": "委员"})
    html = html.content.decode()
    assert "联名委员甲" in html and "外市委员" not in html and "领衔委员" not in html


def test_outsiders_get_404_and_members_of_the_organization_403(client, world, other_organization):
    w = world
    p = make_proposal(w, to="submitted")
    url = reverse("proposals:detail", args=[p.pk])
    login(client, make_user(Role.MEMBER, other_organization))
    assert client.get(url).status_code == 404
    assert client.post(reverse("proposals:rate", args=[p.pk]), {"satisfaction": "satisfied"}).status_code == 404
    login(client, w.outsider)
    assert client.get(url).status_code == 403
    assert client.get(reverse("proposals:document", args=[p.pk, "pdf"])).status_code == 403
    assert client.get(reverse("proposals:staff_queue")).status_code == 403
    login(client, w.officers[2])
    assert client.get(url).status_code == 403
    assert client.get(reverse("proposals:stats")).status_code == 403


def test_staff_review_refusal_keeps_typed_reason_beside_the_ground_field(client, world):
    w = world
    p = make_proposal(w, to="under_review")
    login(client, w.staff)
    response = client.post(
        reverse("proposals:review", args=[p.pk]), {"outcome": "not_filed", "reason": "内容空泛，缺少具体建议"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "id_ground_error" in html and "内容空泛，缺少具体建议" in html
    p.refresh_from_db()
    assert p.state.key == "under_review"


def test_detail_shows_history_and_disabled_actions_with_reasons(client, world):
    w = world
    p = make_proposal(w, to="assigned")
    login(client, w.staff)
    html = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert "办理记录" in html and "立案" in html and "编号" in html
    assert "disabled" in html and "还有 2 个承办单位未签收" in html


def test_second_rating_is_refused_with_the_message(client, world):
    w = world
    p = make_proposal(w, to="replied")
    login(client, w.lead)
    first = client.post(reverse("proposals:rate", args=[p.pk]), {"satisfaction": "satisfied", "comment": "好"})
    assert first.status_code == 302
    html = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert "您已评价" in html
    again = client.post(reverse("proposals:rate", args=[p.pk]), {"satisfaction": "dissatisfied", "comment": "再评"})
    assert again.status_code == 422
    assert "不能重复评价" in again.content.decode() and "再评" in again.content.decode()
    assert Rating.objects.filter(rater=w.lead).count() == 1


def test_unit_inbox_shows_due_dates_and_overdue_marks(client, world):
    w = world
    p = make_proposal(w, to="assigned")
    Proposal.objects.filter(pk=p.pk).update(overdue=True)
    login(client, w.officers[0])
    html = client.get(reverse("proposals:unit_inbox")).content.decode()
    assert p.title in html and "签收期限" in html and 'data-testid="overdue"' in html
    response = client.post(reverse("proposals:receive", args=[p.pk, p.assignments.get(unit=w.units[0]).pk]))
    assert response.status_code == 302


def test_bulk_assignment_plans_and_proposes_each_selected(client, world):
    w = world
    ps = [make_proposal(w, title=f"提案{i}", to="numbered", cosign=False) for i in range(3)]
    login(client, w.staff)
    response = client.post(
        reverse("proposals:assignment_queue"),
        {
            "proposals": [p.pk for p in ps],
            "action": "plan",
            "mode": "lead",
            "lead": w.units[0].pk,
            "co": [w.units[1].pk],
        },
    )
    assert response.status_code == 302
    for p in ps:
        p.refresh_from_db()
        assert p.state.key == "assignment_pending"
        assert sorted(p.assignments.values_list("role", flat=True)) == ["co", "lead"]


def test_public_page_needs_no_login_and_masks_contact_data(client, world):
    w = world
    p = make_proposal(w, to="replied")
    reply = p.replies.get()
    services.reply_publish(actor=w.staff, reply=reply)
    hidden = make_proposal(w, title="未公开的提案", to="replied")
    listing = client.get(reverse("proposals:public_list", args=[w.org.code])).content.decode()
    assert p.title in listing and hidden.title not in listing
    html = client.get(reverse("proposals:public_detail", args=[w.org.code, p.pk])).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    assert "0371-****1234" in html and "67181234" not in html
    assert "王科长" not in html
    assert client.get(reverse("proposals:public_detail", args=[w.org.code, hidden.pk])).status_code == 404


def test_public_page_masks_email_and_id_numbers_in_body_and_reply(client, world):
    w = world
    body = "建议加装电梯。" * 20 + "本人电话13700001111，邮箱 lead.member@example.com，身份证410105199001011234。"
    p = make_proposal(w, body=body, to="replied")
    reply = p.replies.get()
    Reply.objects.filter(pk=reply.pk).update(
        text="经办人邮箱 wang.kz@zzfg.gov.cn，证件号41010519800202567X，电话 0371-67181234。",
        contact_phone="0371-67189999",
    )
    services.reply_publish(actor=w.staff, reply=reply)
    html = client.get(reverse("proposals:public_detail", args=[w.org.code, p.pk])).content.decode()
    for secret in (
        "13700001111",
        "lead.member@",
        "410105199001011234",
        "wang.kz@",
        "41010519800202567X",
        "67181234",
        "67189999",
        "王科长",
    ):
        assert secret not in html, secret
    for masked in ("137****1111", "l***@example.com", "w***@zzfg.gov.cn", "0371-****1234", "0371-****9999", "王**"):
        assert masked in html, masked


LISTS = [
    ("proposals:mine", "lead"),
    ("proposals:staff_queue", "staff"),
    ("proposals:assignment_queue", "staff"),
    ("proposals:unit_inbox", "officer"),
    ("proposals:supervisor_queue", "supervisor"),
    ("proposals:key", "staff"),
    ("proposals:excellent", "staff"),
    ("proposals:publish_queue", "staff"),
]


def _grow(w, n, step):
    for i in range(n):
        p = make_proposal(w, title=f"提案{step}-{i}", to=step)
        if step in ("numbered", "countersigning", "replied"):
            Proposal.objects.filter(pk=p.pk).update(is_key=True, key_leader=w.leader)
        if step == "replied":
            services.reply_publish(actor=w.staff, reply=p.replies.get()) if i % 2 else None


@pytest.mark.parametrize(("name", "who"), LISTS)
def test_list_pages_query_count_is_constant(client, world, django_assert_max_num_queries, name, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world
    user = {"lead": w.lead, "staff": w.staff, "officer": w.officers[0], "supervisor": w.supervisor}[who]
    login(client, user)
    url = reverse(name)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for step in ("numbered", "assigned", "supervisor_review", "replied"):
        _grow(w, 1, step)
    client.get(url)  # warms the security-policy cache, read once per process
    small = count()
    for step in ("numbered", "assigned", "supervisor_review", "replied"):
        _grow(w, 3, step)
    # The first view of new proposals logs their unit suggestions (one insert for all); views after it write nothing.
    client.get(url)
    assert count() == small
    with django_assert_max_num_queries(small):
        client.get(url)


def test_public_list_query_count_is_constant(client, world, django_assert_num_queries):
    w = world
    _grow(w, 2, "replied")
    url = reverse("proposals:public_list", args=[w.org.code])
    client.get(url)
    with django_assert_num_queries(0):  # the part is kept (page_cache) until a proposal page's record changes
        client.get(url)
    # organization, the category filter (own categories? then the list), count, page, published replies
    page_cache.changed()
    with django_assert_num_queries(6):
        client.get(url)
    _grow(w, 4, "replied")
    with django_assert_num_queries(6):
        client.get(url)


def test_open_data_zip_holds_what_the_public_pages_show_masked_and_described(client, world):
    """Anyone downloads the year's open data from the portal: every dataset as CSV and JSON with the same rows, the
    README describing every field; only published replies' proposals, contact data masked as on the public page."""
    import csv
    import io
    import json
    import zipfile

    from xieshang.core import opendata

    w = world
    body = "建议加装电梯。" * 20 + "本人电话13700001111，邮箱 lead.member@example.com。"
    p = make_proposal(w, body=body, to="replied")
    reply = p.replies.get()
    Reply.objects.filter(pk=reply.pk).update(text="经办人电话 0371-67181234。", contact_phone="0371-67189999")
    services.reply_publish(actor=w.staff, reply=reply)
    hidden = make_proposal(w, title="未公开的提案", to="replied")

    assert w.org.code in client.get(reverse("stats:open_data")).content.decode()
    response = client.get(reverse("stats:open_data_file", args=[w.org.code, p.year]))
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    readme = archive.read("README.md").decode()
    for dataset in opendata.datasets():
        rows = list(csv.reader(io.StringIO(archive.read(f"{dataset.key}.csv").decode("utf-8-sig"))))
        assert rows[0] == [name for name, _meaning in dataset.fields]
        assert len(json.loads(archive.read(f"{dataset.key}.json"))) == len(rows) - 1
        assert all(f"| {name} |" in readme for name, _meaning in dataset.fields)
    everything = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    assert p.title in everything and hidden.title not in everything
    for secret in ("13700001111", "lead.member@", "67181234", "67189999", "王科长"):
        assert secret not in everything, secret
    assert "137****1111" in everything
    assert client.get(reverse("stats:open_data_file", args=[w.org.code, 1999])).status_code == 404


def test_the_portal_landing_page_shows_the_latest_published_replies(client, world):
    w = world
    p = make_proposal(w, title="关于增加社区养老服务点的提案", to="replied")
    hidden = make_proposal(w, title="尚未公开答复的提案", to="replied")
    assert p.title not in client.get("/").content.decode()
    reply = p.replies.get()
    services.reply_publish(actor=w.staff, reply=reply)
    page = client.get("/").content.decode()  # the publication moved the landing page's generation
    section = page[page.index('data-testid="landing-replies"') :]
    section = section[: section.index("</ul>")]
    assert p.title in section and hidden.title not in section
    assert reverse("proposals:public_detail", args=[w.org.code, p.pk]) in section
    assert reply.assignment.unit.name in section
