"""Public calls (征集): a call opened on a consultation before it is held; entries refused after the deadline (what
was typed kept on the page); pre-moderation holds an entry until staff approve it, post-moderation publishes it at
once unless it matches the blocklist; one support per person; rejecting needs a reason the author sees; one appeal;
an audit row per decision; rate limits per account and client address; the summary added to the materials; the
portal's open calls; constant query counts on the list pages."""

import datetime

import pytest
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Role
from xieshang.audit.context import current_ip
from xieshang.audit.models import AuditEntry
from xieshang.consultations import selectors, services
from xieshang.consultations.models import Call, Entry, EntrySupport, Material
from xieshang.moderation import selectors as moderation_selectors
from xieshang.moderation import services as moderation_services
from xieshang.moderation.models import BlockedWord
from xieshang.notifications.models import Notification

from .conftest import advance

NOW = timezone.now


def open_call(staff, consultation, moderation="pre", **kw):
    values = {
        "question": "老旧小区改造，您最关心什么？",
        "kind": "opinions",
        "opens_at": NOW() - datetime.timedelta(hours=1),
        "closes_at": NOW() + datetime.timedelta(days=7),
        "moderation": moderation,
    }
    values.update(kw)
    return services.call_open(actor=staff, consultation=consultation, **values)


@pytest.fixture
def call(staff, consultation):
    return open_call(staff, consultation)


@pytest.fixture
def post_call(staff, consultation):
    return open_call(staff, consultation, moderation="post", question="加装电梯怎么分摊费用？")


def closed(call):
    Call.objects.filter(pk=call.pk).update(
        opens_at=NOW() - datetime.timedelta(days=3), closes_at=NOW() - datetime.timedelta(minutes=1)
    )
    return Call.objects.get(pk=call.pk)


# ---------------------------------------------------------------------------------------------------- permissions
# (action, target) -> who may: "author" wrote the published entry; "outsider" is a resident of another organization.
CALL_TABLE = [
    ("moderate_call", "call", {"staff"}),
    ("moderate_call", "entry", {"staff"}),
    ("answer_call", "call", {"author", "neighbour", "member"}),
    ("support_entry", "entry", {"neighbour", "member"}),
    ("support_entry", "pending", set()),
    ("appeal_entry", "entry", {"author"}),
]


@pytest.mark.parametrize(("action", "target", "allowed"), CALL_TABLE)
def test_call_permissions(action, target, allowed, post_call, staff, leader, member, resident, neighbour, officer):
    entry = services.entry_submit(actor=resident, call=post_call, text="电梯费用按户均摊")
    pending = Entry.objects.create(call=post_call, author=resident, text="待审核的留言")
    objects = {"call": post_call, "entry": entry, "pending": pending}
    people = {
        "staff": staff,
        "leader": leader,
        "member": member,
        "author": resident,
        "neighbour": neighbour,
        "officer": officer,
        "outsider": make_user(Role.CITIZEN, OrganizationFactory(name="开封市政协", code="kf")),
        "anonymous": make_user(None),
    }
    got = {k for k, u in people.items() if rules.has_perm(f"consultations.{action}", u, objects[target])}
    assert got == allowed


# ---------------------------------------------------------------------------------------------------- opening
def test_staff_open_a_call_before_the_consultation_is_held(staff, leader, consultation, resident):
    with pytest.raises(ValidationError) as exc:
        open_call(staff, consultation, question="", closes_at=NOW() - datetime.timedelta(hours=2))
    assert set(exc.value.message_dict) == {"question", "closes_at"}
    with pytest.raises(PermissionDenied):
        open_call(resident, consultation)
    call = open_call(staff, consultation)
    assert call.organization_id == consultation.organization_id and call.is_open()
    assert AuditEntry.objects.filter(action="consultations.call_open", object_id=str(call.pk)).count() == 1
    held = advance({"propose": staff, "approve": staff, "hold": staff}, consultation, "propose", "approve", "hold")
    with pytest.raises(PermissionDenied):
        open_call(staff, held)


# ---------------------------------------------------------------------------------------------------- entries
def test_pre_moderation_holds_an_entry_until_approved(call, staff, resident, neighbour):
    entry = services.entry_submit(actor=resident, call=call, text="希望先解决停车难的问题")
    assert entry.status == Entry.Status.PENDING
    assert list(selectors.published_entries(call)) == []
    assert list(selectors.moderation_queue(staff, call.organization)) == [entry]
    with pytest.raises(PermissionDenied):  # not published yet: nobody supports it
        services.entry_support(actor=neighbour, entry=entry)
    services.entry_moderate(actor=staff, entry=entry, decision="approve")
    assert list(selectors.published_entries(call)) == [entry]
    assert list(selectors.moderation_queue(staff, call.organization)) == []
    assert Notification.objects.filter(recipient=resident, kind="consultations.entry_decided").count() == 1


def test_post_moderation_publishes_at_once_and_staff_may_hide_with_a_reason(post_call, staff, resident):
    entry = services.entry_submit(actor=resident, call=post_call, text="按楼层分摊，低层少出一些")
    assert entry.status == Entry.Status.PUBLISHED
    with pytest.raises(ValidationError) as exc:
        services.entry_moderate(actor=staff, entry=entry, decision="hide", reason="")
    assert "reason" in exc.value.message_dict
    services.entry_moderate(actor=staff, entry=entry, decision="hide", reason="含有他人的电话号码")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.HIDDEN and entry.reason == "含有他人的电话号码"
    assert list(selectors.published_entries(post_call)) == []
    # The author reads the reason on the page and in the inbox.
    assert "含有他人的电话号码" in Notification.objects.get(recipient=resident).title


def test_blocklist_sends_an_entry_to_the_queue_even_under_post_moderation(post_call, staff, resident, organization):
    moderation_services.blocklist_save(actor=staff, organization=organization, words="赌博\n 代 开发票 \n")
    BlockedWord.objects.create(organization=None, word="shared")  # an administrator's word for every organization
    assert sorted(moderation_selectors.blocked_words(organization.pk)) == ["shared", "代 开发票", "赌博"]
    flagged = services.entry_submit(actor=resident, call=post_call, text="小区门口有人代开 发票，请管一管")
    assert flagged.status == Entry.Status.PENDING and flagged.flagged == "代 开发票"
    shared = services.entry_submit(actor=resident, call=post_call, text="Someone posts SHARED ads here")
    assert shared.status == Entry.Status.PENDING
    clean = services.entry_submit(actor=resident, call=post_call, text="电梯费用按户均摊")
    assert clean.status == Entry.Status.PUBLISHED
    queue = list(selectors.moderation_queue(staff, organization))
    assert set(queue) == {flagged, shared}
    with pytest.raises(PermissionDenied):
        moderation_services.blocklist_save(actor=resident, organization=organization, words="x")


def test_entry_after_the_deadline_is_refused_and_nothing_is_written(call, resident):
    call = closed(call)
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=resident, call=call, text="晚到的意见也想说一说")
    assert "已于" in exc.value.message_dict["text"][0] and "截止" in exc.value.message_dict["text"][0]
    assert not Entry.objects.exists()
    early = Call.objects.filter(pk=call.pk)
    early.update(opens_at=NOW() + datetime.timedelta(days=1), closes_at=NOW() + datetime.timedelta(days=2))
    with pytest.raises(ValidationError) as exc:
        services.entry_submit(actor=resident, call=early.get(), text="提前写好的意见")
    assert "开始" in exc.value.message_dict["text"][0]


def test_length_limits_and_who_may_answer(call, resident, member, staff, organization):
    for text in ("", "太短", "长" * (services.ENTRY_MAX_CHARS + 1)):
        with pytest.raises(ValidationError) as exc:
            services.entry_submit(actor=resident, call=call, text=text)
        assert "text" in exc.value.message_dict
    assert services.entry_submit(actor=member, call=call, text="委员也可以参与征集").author == member
    outsider = make_user(Role.CITIZEN, OrganizationFactory(name="开封市政协", code="kf"), username="outsider")
    with pytest.raises(PermissionDenied):
        services.entry_submit(actor=outsider, call=call, text="外地居民的意见")
    assert Entry.objects.count() == 1


def test_one_support_per_person_never_ones_own(post_call, resident, neighbour, member):
    entry = services.entry_submit(actor=resident, call=post_call, text="电梯费用按户均摊")
    services.entry_support(actor=neighbour, entry=entry)
    with pytest.raises(ValidationError) as exc:
        services.entry_support(actor=neighbour, entry=entry)
    assert "每人只能支持一次" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.entry_support(actor=resident, entry=entry)
    services.entry_support(actor=member, entry=entry)
    entry.refresh_from_db()
    assert entry.support_count == 2 == EntrySupport.objects.filter(entry=entry).count()
    closed(post_call)
    late = make_user(Role.CITIZEN, post_call.organization, username="late")
    with pytest.raises(ValidationError):
        services.entry_support(actor=late, entry=Entry.objects.select_related("call").get(pk=entry.pk))


def test_rejection_needs_a_reason_and_the_author_appeals_once(call, staff, resident, neighbour):
    entry = services.entry_submit(actor=resident, call=call, text="物业费太高了，要降")
    with pytest.raises(ValidationError):
        services.entry_moderate(actor=staff, entry=entry, decision="reject")
    with pytest.raises(PermissionDenied):
        services.entry_moderate(actor=neighbour, entry=entry, decision="approve")
    services.entry_moderate(actor=staff, entry=entry, decision="reject", reason="与本次征集的问题无关")
    with pytest.raises(PermissionDenied):
        services.entry_appeal(actor=neighbour, entry=entry, text="我替他申诉")
    with pytest.raises(ValidationError):
        services.entry_appeal(actor=resident, entry=entry, text="")
    services.entry_appeal(actor=resident, entry=entry, text="物业费也是改造后要面对的问题")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PENDING and entry.appealed_at is not None
    assert list(selectors.moderation_queue(staff, call.organization)) == [entry]
    services.entry_moderate(actor=staff, entry=entry, decision="reject", reason="仍与本次征集无关")
    with pytest.raises(ValidationError) as exc:
        services.entry_appeal(actor=resident, entry=entry, text="再申诉一次")
    assert "只能申诉一次" in exc.value.messages[0]
    decisions = AuditEntry.objects.filter(action__startswith="consultations.entry_", object_id=str(entry.pk))
    assert sorted(decisions.values_list("action", flat=True)) == [
        "consultations.entry_appeal",
        "consultations.entry_reject",
        "consultations.entry_reject",
        "consultations.entry_submit",
    ]
    assert decisions.filter(action="consultations.entry_reject", detail__appeal=True).count() == 1


def test_a_decision_taken_twice_is_refused_the_second_time(call, staff, resident):
    entry = services.entry_submit(actor=resident, call=call, text="希望增加休闲座椅")
    services.entry_moderate(actor=staff, entry=entry, decision="approve")
    stale = Entry.objects.select_related("call__consultation").get(pk=entry.pk)
    stale.status = Entry.Status.PENDING  # a second moderator's page, loaded before the first decided
    with pytest.raises(ValidationError) as exc:
        services.entry_moderate(actor=staff, entry=stale, decision="reject", reason="重复")
    assert "已由他人处理" in exc.value.messages[0]
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.PUBLISHED
    assert (
        AuditEntry.objects.filter(action__in=["consultations.entry_approve", "consultations.entry_reject"]).count() == 1
    )


@override_settings(XIESHANG_ABUSE_LIMITS={"resident_post": {"account": [(2, 3600)], "address": [(3, 3600)]}})
def test_rate_limits_per_account_and_per_client_address(post_call, resident, neighbour, member):
    token = current_ip.set("203.0.113.7")
    try:
        services.entry_submit(actor=resident, call=post_call, text="第一条意见内容")
        services.entry_submit(actor=resident, call=post_call, text="第二条意见内容")
        with pytest.raises(ValidationError) as exc:
            services.entry_submit(actor=resident, call=post_call, text="第三条意见内容")
        assert "操作过于频繁" in exc.value.message_dict["text"][0]
        # Another account from the same address: the address's budget (3) is spent by the refused attempt too.
        with pytest.raises(ValidationError):
            services.entry_submit(actor=neighbour, call=post_call, text="邻居的意见内容")
    finally:
        current_ip.reset(token)
    token = current_ip.set("198.51.100.9")
    try:
        services.entry_submit(actor=member, call=post_call, text="委员从另一个地址")
    finally:
        current_ip.reset(token)
    assert Entry.objects.count() == 3


# ---------------------------------------------------------------------------------------------------- summary, portal
def test_summary_goes_into_the_consultation_materials(post_call, staff, resident, neighbour, member):
    top = services.entry_submit(actor=resident, call=post_call, text="电梯费用按户均摊")
    services.entry_submit(actor=neighbour, call=post_call, text="低层住户少出一些")
    services.entry_support(actor=member, entry=top)
    services.entry_support(actor=neighbour, entry=top)
    summary = selectors.call_summary(post_call)
    assert summary["total"] == 2 and summary["people"] == 2 and summary["supports"] == 2
    assert summary["top"][0] == top
    assert dict(summary["by_status"])[Entry.Status.PUBLISHED.label] == 2
    with pytest.raises(PermissionDenied):
        services.call_summary_attach(actor=resident, call=post_call)
    material = services.call_summary_attach(actor=staff, call=post_call)
    assert Material.objects.filter(consultation=post_call.consultation).get() == material
    assert Call.objects.get(pk=post_call.pk).summary == material
    from docx import Document

    text = "\n".join(p.text for p in Document(material.file.open("rb")).paragraphs)
    assert "电梯费用按户均摊（2 人支持）" in text and "共收到留言 2 条" in text
    assert resident.display_name not in text  # no names in a document that may be shared


def test_open_calls_of_an_organization(post_call, staff, organization, consultation, future):
    other = OrganizationFactory(name="开封市政协", code="kf")
    assert list(selectors.open_calls(organization)) == [post_call]
    assert list(selectors.open_calls(other)) == []
    closed(post_call)
    assert list(selectors.open_calls(organization)) == []
    hidden = services.consultation_create(
        actor=staff, organization=organization, kind="round_table", title="内部", planned_date=future, is_public=False
    )
    open_call(staff, hidden)
    assert list(selectors.open_calls(organization)) == []


def test_pages_keep_what_was_typed_and_anonymous_visitors_read(client, call, resident, staff):
    client.force_login(resident)
    closed(call)
    response = client.post(f"/consultations/portal/calls/{call.pk}/entries/", {"text": "晚到的意见也想说一说"})
    body = response.content.decode()
    assert response.status_code == 400 and "截止" in body and "晚到的意见也想说一说" in body
    client.logout()
    page = client.get(call.get_absolute_url())
    assert page.status_code == 200 and call.question in page.content.decode()


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _more_entries(call, staff, n, start=0):
    for i in range(n):
        author = make_user(Role.CITIZEN, call.organization, username=f"r{start + i}")
        entry = services.entry_submit(actor=author, call=call, text=f"第 {start + i} 条意见内容")
        if call.moderation == "pre" and i % 2 == 0:
            services.entry_moderate(actor=staff, entry=entry, decision="approve")


def test_list_pages_query_counts_are_constant(client, call, post_call, staff, resident, django_assert_num_queries):
    from tests.accounts.test_isolation import _verified_login

    _more_entries(call, staff, 2)
    _more_entries(post_call, staff, 2, start=10)
    client.force_login(resident)
    pages = [
        call.get_absolute_url(),
        post_call.get_absolute_url(),
        "/consultations/portal/calls/",
        "/consultations/portal/",
    ]
    resident_base = {url: _count(client, url) for url in pages}
    _verified_login(client, staff)
    staff_pages = ["/moderation/", call.get_absolute_url(), call.consultation.get_absolute_url()]
    staff_base = {url: _count(client, url) for url in staff_pages}
    _more_entries(call, staff, 5, start=20)
    _more_entries(post_call, staff, 5, start=30)
    open_call(staff, call.consultation, question="第三个征集")
    client.get(staff_pages[0])  # new people were written: the kept user (decision 0045) is read again, once
    for url, n in staff_base.items():
        with django_assert_num_queries(n):
            client.get(url)
    client.force_login(resident)
    client.get(pages[0])
    for url, n in resident_base.items():
        with django_assert_num_queries(n):
            client.get(url)


def test_hiding_from_the_call_page_needs_a_reason_and_the_author_appeals_there(client, post_call, staff, resident):
    from tests.accounts.test_isolation import _verified_login

    entry = services.entry_submit(actor=resident, call=post_call, text="按楼层分摊，低层少出一些")
    _verified_login(client, staff)
    url = f"/consultations/entries/{entry.pk}/moderate/"
    response = client.post(url, {"back": "call", f"e{entry.pk}-decision": "hide", f"e{entry.pk}-reason": ""})
    assert response.status_code == 400 and "须填写理由" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.PUBLISHED
    response = client.post(url, {"back": "call", f"e{entry.pk}-decision": "hide", f"e{entry.pk}-reason": "含电话号码"})
    assert response.status_code == 302 and response["Location"].startswith(post_call.get_absolute_url())
    assert AuditEntry.objects.filter(action="consultations.entry_hide", object_id=str(entry.pk)).count() == 1

    client.force_login(resident)
    page = client.get(post_call.get_absolute_url()).content.decode()
    assert "含电话号码" in page and 'data-testid="appeal-form"' in page
    appeal = f"/consultations/entries/{entry.pk}/appeal/"
    response = client.post(appeal, {"appeal": ""})
    assert response.status_code == 400 and "申诉理由" in response.content.decode()
    assert client.post(appeal, {"appeal": "电话是物业的公开号码"}).status_code == 302
    response = client.post(appeal, {"appeal": "再申诉一次"})
    assert response.status_code == 400 and "只能申诉一次" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).appeal == "电话是物业的公开号码"


def test_support_twice_through_the_page_is_refused_with_a_message(client, post_call, resident, neighbour):
    entry = services.entry_submit(actor=resident, call=post_call, text="电梯费用按户均摊")
    client.force_login(neighbour)
    assert client.post(f"/consultations/entries/{entry.pk}/support/").status_code == 302
    response = client.post(f"/consultations/entries/{entry.pk}/support/", follow=True)
    assert "每人只能支持一次" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).support_count == 1


def test_staff_attach_the_summary_from_the_call_page(client, post_call, staff, resident):
    from tests.accounts.test_isolation import _verified_login

    services.entry_submit(actor=resident, call=post_call, text="电梯费用按户均摊")
    client.force_login(resident)
    assert client.post(f"/consultations/portal/calls/{post_call.pk}/summary/").status_code == 403
    _verified_login(client, staff)
    assert 'data-testid="attach-summary"' in client.get(post_call.get_absolute_url()).content.decode()
    response = client.post(f"/consultations/portal/calls/{post_call.pk}/summary/")
    assert response.status_code == 302 and response["Location"] == post_call.consultation.get_absolute_url()
    detail = client.get(post_call.consultation.get_absolute_url()).content.decode()
    assert "征集情况汇总：" in detail and Material.objects.filter(consultation=post_call.consultation).count() == 1
