import pytest
from django.core.management import call_command
from django.db import transaction

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.notifications.models import Notification
from xieshang.search.dictionary import add_word, current_segmenter, remove_word
from xieshang.search.models import DictionaryWord, SearchDocument
from xieshang.search.services import index_later, search

pytestmark = pytest.mark.django_db


def ids(results):
    return sorted(h.object_id for h in results.hits)


def test_index_follows_writes(make_note, author, django_capture_on_commit_callbacks):
    note = make_note("关于加快老旧小区改造的建议", "建议加装电梯，改善居住环境。")
    assert SearchDocument.objects.filter(doc_type="testnote", object_id=note.pk).exists()
    assert ids(search(author, "老旧小区")) == [note.pk]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        note.title = "关于推进垃圾分类的建议"
        note.save()
        index_later(note)
        # Not yet: the index follows the commit, never a write that may still roll back.
        assert search(author, "垃圾分类").total == 0
    assert ids(search(author, "垃圾分类")) == [note.pk]
    assert search(author, "老旧小区").total == 0

    with django_capture_on_commit_callbacks(execute=True):
        note_pk = note.pk
        note.delete()
        note.pk = note_pk
        index_later(note)
    assert not SearchDocument.objects.filter(object_id=note_pk).exists()


def test_rolled_back_write_is_not_indexed(doc_type, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=author, organization_id=author.role_grants.first().organization_id, title="停车难"
                )
                index_later(note)
                raise RuntimeError
        except RuntimeError:
            pass
    assert not SearchDocument.objects.exists()


def test_one_index_task_per_object_and_commit(make_note, author, django_capture_on_commit_callbacks):
    """Repeated writes of one object in a transaction enqueue one task (it reads the object when it runs); a call
    in a savepoint that rolled back hides nothing; the next transaction enqueues again."""
    from django.tasks.signals import task_enqueued

    note = make_note("关于加快老旧小区改造的建议")
    other = make_note("关于建设口袋公园的建议")
    enqueued = []

    def count(sender, task_result, **kwargs):
        if task_result.task.name == "index_object":
            enqueued.append(tuple(task_result.args[:2]))

    task_enqueued.connect(count)
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            try:
                with transaction.atomic():
                    index_later(other)
                    raise RuntimeError
            except RuntimeError:
                pass
            note.title = "关于推进垃圾分类的建议"
            note.save()
            for _ in range(3):
                index_later(note)
            index_later(other)
        assert sorted(enqueued) == sorted([("testnote", note.pk), ("testnote", other.pk)])
        assert ids(search(author, "垃圾分类")) == [note.pk]
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            index_later(note)
        assert len(enqueued) == 3
    finally:
        task_enqueued.disconnect(count)


def test_unsearchable_object_leaves_the_index(make_note, author, django_capture_on_commit_callbacks):
    note = make_note("社区养老服务", "")
    note.kind = "vis=none"
    with django_capture_on_commit_callbacks(execute=True):
        note.save()
        index_later(note)
    assert search(author, "养老").total == 0


def test_permissions(make_note, org_a, org_b, author):
    other_member = make_user(Role.MEMBER, org_a, username="other")
    staff = make_user(Role.PROPOSALS_STAFF, org_a, username="staff")
    officer = make_user(Role.UNIT_OFFICER, org_a, username="officer")
    unit_id = officer.role_grants.get().handling_unit_id
    outsider = make_user(Role.PROPOSALS_STAFF, org_b, username="outsider")
    no_role = make_user(None, username="norole")

    org_doc = make_note("停车 组织内", vis="org")
    own = make_note("停车 本人", vis="user")
    staff_doc = make_note("停车 工作人员", vis="staff")
    unit_doc = make_note("停车 承办单位", vis="unit", unit=unit_id)
    public = make_note("停车 公开", vis="public")
    other_org = make_note("停车 开封", organization=org_b, vis="org")
    other_org_staff = make_note("停车 开封工作人员", organization=org_b, vis="staff")

    assert ids(search(author, "停车")) == sorted([org_doc.pk, own.pk, public.pk])
    assert ids(search(other_member, "停车")) == sorted([org_doc.pk, public.pk])
    assert ids(search(staff, "停车")) == sorted([org_doc.pk, staff_doc.pk, public.pk])
    assert ids(search(officer, "停车")) == sorted([org_doc.pk, unit_doc.pk, public.pk])
    assert ids(search(outsider, "停车")) == sorted([public.pk, other_org.pk, other_org_staff.pk])
    assert ids(search(no_role, "停车")) == [public.pk]
    # A role held in one organization opens nothing in another.
    assert staff_doc.pk not in ids(search(outsider, "停车"))


def test_filters(make_note, author, org_a):
    a = make_note("公交线路优化", year=2022, state="filed", unit=7, sector=3)
    b = make_note("公交站台建设", year=2023, state="closed", unit=8, sector=4)
    assert ids(search(author, "公交")) == sorted([a.pk, b.pk])
    assert ids(search(author, "公交", {"year": 2022})) == [a.pk]
    assert ids(search(author, "公交", {"state": "closed"})) == [b.pk]
    assert ids(search(author, "公交", {"unit": 7})) == [a.pk]
    assert ids(search(author, "公交", {"sector": 4})) == [b.pk]
    assert ids(search(author, "公交", {"type": "testnote"})) == sorted([a.pk, b.pk])
    assert search(author, "公交", {"type": "unknown"}).total == 0


def test_highlight_escapes_then_marks(make_note, author):
    make_note("<script>alert(1)</script> 停车难", "小区<b>停车</b>位不足，停车难问题突出。")
    hit = search(author, "停车").hits[0]
    assert "<script>" not in hit.title_html
    assert "&lt;script&gt;" in hit.title_html
    assert "<mark>停车</mark>" in hit.title_html
    assert "&lt;b&gt;<mark>停车</mark>&lt;/b&gt;" in hit.snippet_html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "。，！？",
        '"',
        "***",
        "(((",
        "NEAR",
        "AND OR NOT",
        ":^-",
        "停车 AND",
        '"停车" OR (小区*)',
        "停车 NOT 小区",
        "-停车",
        "a" * 10_000,
        "停车" * 5_000,
        "\ud800停车",
        "%_\\'",
    ],
)
def test_bad_queries_get_an_answer(make_note, author, query):
    make_note("停车难问题", "小区停车难")
    results = search(author, query)
    if results.error:
        assert results.total == 0 and not results.hits
    else:
        assert results.total >= 0
    assert results.error or results.terms


def test_operators_are_plain_words(make_note, author):
    note = make_note("停车难问题", "小区停车难")
    results = search(author, '"停车" OR (小区*)')
    assert ids(results) == [note.pk]
    assert results.messages
    long = search(author, "停车" * 5_000)
    assert any("200" in m for m in long.messages)
    assert search(author, "。，！？").error


def test_dictionary_word_applies_at_once(make_note, author, org_a, django_capture_on_commit_callbacks):
    whole = make_note("东风渠沿岸绿道", "")
    apart = make_note("东风小区旁有一条渠", "")
    assert "东风渠" not in current_segmenter().cut("东风渠沿岸绿道")
    # Before: the query is cut into 东风 + 渠, which both documents contain somewhere.
    assert ids(search(author, "东风渠")) == sorted([whole.pk, apart.pk])

    with django_capture_on_commit_callbacks(execute=True):
        word = add_word(actor=author, word="东风渠", organization=org_a, kind=DictionaryWord.Kind.PLACE)
    results = search(author, "东风渠")
    assert results.terms == ["东风渠"]
    # The old document was re-cut, so it matches the new whole word; text with the characters apart does not.
    assert ids(results) == [whole.pk]
    assert "<mark>东风渠</mark>" in results.hits[0].title_html

    with django_capture_on_commit_callbacks(execute=True):
        remove_word(actor=author, entry=word)
    assert "东风渠" not in current_segmenter().cut("东风渠沿岸绿道")
    assert ids(search(author, "东风渠")) == sorted([whole.pk, apart.pk])


def test_query_word_inside_a_longer_indexed_word(make_note, author):
    note = make_note("关于加快老旧小区改造的建议", "")
    assert ids(search(author, "老旧小区")) == [note.pk]
    assert ids(search(author, "小区改造")) == [note.pk]


def test_unit_names_join_the_dictionary(org_a):
    from tests.factories import HandlingUnitFactory
    from xieshang.search.dictionary import seed_dictionary

    unit = HandlingUnitFactory(organization=org_a, name="市城市管理综合执法局", short_name="城管执法局")
    words = set(DictionaryWord.objects.filter(organization=org_a).values_list("word", flat=True))
    assert {"市城市管理综合执法局", "城管执法局"} <= words
    assert "城管执法局" in current_segmenter().cut("请城管执法局处理")
    assert seed_dictionary(org_a) == 0
    unit.short_name = "城管局"
    unit.save()
    assert DictionaryWord.objects.filter(organization=org_a, word="城管局").exists()


def test_rebuild_command(make_note, author):
    a = make_note("雨污分流改造", "")
    b = make_note("河道治理", "")
    SearchDocument.objects.all().delete()
    Notification.objects.filter(pk=b.pk).update(title="河道清淤治理")
    call_command("search_rebuild", "--type", "testnote")
    assert ids(search(author, "雨污分流")) == [a.pk]
    assert ids(search(author, "清淤")) == [b.pk]
    Notification.objects.filter(pk=a.pk).delete()
    call_command("search_rebuild")
    assert search(author, "雨污分流").total == 0


def test_rebuild_command_unknown_type(doc_type):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("search_rebuild", "--type", "nope")


def test_suggestions_on_empty_results(make_note, author, org_a):
    make_note("加装电梯", "老旧小区加装电梯，住户筹资，财政补贴")
    make_note("垃圾分类", "垃圾分类投放点")
    add_word(actor=author, word="电梯维保", organization=org_a)
    results = search(author, "加装电梯 火箭")
    assert results.total == 0
    queries = [s.query for s in results.suggestions]
    assert queries[0] == "加装电梯"
    related = [s.query for s in results.suggestions if s.count == 0]
    # Words that occur with 加装电梯, never pieces of the query nor dictionary entries that merely share characters.
    assert "财政补贴" in related or "老旧小区" in related
    assert "电梯维保" not in related
    assert not any(w in "加装电梯" or "加装电梯" in w for w in related)
