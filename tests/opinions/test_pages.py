"""Pages: the author's list, the form (errors beside the field, typed text kept), the report page with versions and
diff, the desk, editing side by side, issues (assemble, refuse empty, publish, Word, PDF with the CJK font), the
recipients' inbox, the bureaus' list, statistics; query counts pinned for the lists."""

import contextlib
import re
import zlib

import pytest
from django.urls import reverse

from tests.accounts.test_isolation import _verified_login
from xieshang.opinions import services
from xieshang.opinions.models import BulletinIssue, Level, OpinionSettings, Report


def test_submit_form_keeps_the_text_and_shows_the_limit_error_beside_the_body(client, author, organization):
    OpinionSettings.objects.create(organization=organization, body_max_chars=10)
    client.force_login(author)
    response = client.post(
        reverse("opinions:submit"), {"title": "超长的信息", "body": "超" * 11, "author_kind": "member"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="id_body_error"[^>]*>.*超过上限 10 字', html, re.S)
    assert "超" * 11 in html and 'value="超长的信息"' in html
    assert Report.objects.count() == 0


def test_submit_and_see_it_in_my_list(client, author, django_assert_num_queries):
    client.force_login(author)
    response = client.post(
        reverse("opinions:submit"), {"title": "关于增设公交站的建议", "body": "正文内容。", "author_kind": "member"}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    client.get(reverse("opinions:mine"))  # warm caches (session, content types)
    for i in range(3):
        services.report_submit(actor=author, organization=report.organization, title=f"再报{i}", body="正文")
    with django_assert_num_queries(4):
        page = client.get(reverse("opinions:mine"))
    assert page.status_code == 200 and "关于增设公交站的建议" in page.content.decode()


def test_author_sees_versions_diff_and_close_reason(client, submit, drive, staff, author):
    report = drive(submit(), "editing")
    services.report_edit(actor=staff, report=report, title=report.title, body=report.body.replace("旺盛", "十分迫切"))
    other = submit(title="不会采用的")
    services.report_transition(actor=staff, report=other, key="close", reason="与第12期内容重复。")
    client.force_login(author)
    html = client.get(report.get_absolute_url()).content.decode()
    assert "<del>旺盛</del>" in html and "<ins>十分迫切</ins>" in html
    assert "第 2 版" in html
    html = client.get(other.get_absolute_url()).content.decode()
    assert "与第12期内容重复。" in html


def test_outsiders_get_404(client, submit, organization, other_organization):
    from tests.factories import make_user
    from xieshang.accounts.models import Role

    report = submit()
    for user in (make_user(Role.MEMBER, organization), make_user(Role.INFORMATION_STAFF, other_organization)):
        if user.role_grants.filter(role=Role.INFORMATION_STAFF).exists():
            _verified_login(client, user)
        else:
            client.force_login(user)
        assert client.get(report.get_absolute_url()).status_code == 404


def test_desk_and_edit_side_by_side(client, submit, drive, staff, django_assert_num_queries):
    for i in range(3):
        submit(title=f"待编辑{i}")
    _verified_login(client, staff)
    client.get(reverse("opinions:desk"))
    with django_assert_num_queries(4):
        response = client.get(reverse("opinions:desk"))
    assert "待编辑2" in response.content.decode()
    report = drive(Report.objects.first(), "editing")
    response = client.post(
        reverse("opinions:edit", args=[report.pk]),
        {"title": report.title, "body": report.body + "\n全新的一句。", "note": "补充"},
    )
    assert response.status_code == 302
    html = client.get(reverse("opinions:edit", args=[report.pk])).content.decode()
    assert 'data-testid="original"' in html and "全新的一句。</ins>" in html


def test_edit_over_limit_keeps_typed_text(client, submit, drive, staff, organization):
    report = drive(submit(), "editing")
    OpinionSettings.objects.create(organization=organization, body_max_chars=30)
    _verified_login(client, staff)
    response = client.post(reverse("opinions:edit", args=[report.pk]), {"title": report.title, "body": "长" * 31})
    html = response.content.decode()
    assert response.status_code == 200 and "超过上限 30 字" in html and "长" * 31 in html
    assert report.versions.count() == 1


def test_issue_without_reports_is_refused_on_the_page(client, staff, organization):
    _verified_login(client, staff)
    client.post(reverse("opinions:issues"), {"kind": "regular"})
    issue = BulletinIssue.objects.get()
    response = client.post(issue.get_absolute_url(), {"action": "publish"})
    assert response.status_code == 422 and "还没有编入任何信息" in response.content.decode()
    issue.refresh_from_db()
    assert issue.number is None


def _published_issue(submit, drive, staff, organization, n=2):
    reports = [drive(submit(title=f"第{i}篇：关于完善社区养老服务的建议"), "approved") for i in range(n)]
    issue = services.issue_create(actor=staff, organization=organization, editor_note="聚焦民生")
    services.issue_add_reports(actor=staff, issue=issue, reports=reports)
    services.issue_publish(actor=staff, issue=issue)
    return issue


def test_issue_page_assembles_and_publishes(client, submit, drive, staff, organization):
    reports = [drive(submit(title=f"篇{i}"), "approved") for i in range(2)]
    _verified_login(client, staff)
    client.post(reverse("opinions:issues"), {"kind": "special"})
    issue = BulletinIssue.objects.get()
    client.post(issue.get_absolute_url(), {"action": "add", "reports": [r.pk for r in reports]})
    client.post(issue.get_absolute_url(), {"action": "publish"})
    issue.refresh_from_db()
    assert issue.number == 1 and issue.kind == "special"
    assert set(Report.objects.values_list("state__key", flat=True)) == {"issued"}
    html = client.get(reverse("opinions:issue_print", args=[issue.pk])).content.decode()
    assert "社情民意专报" in html and "篇0" in html and "篇1" in html


def test_whole_issue_is_sent_up_with_the_form_as_rendered(client, submit, drive, staff, organization, recipients):
    """Issue #11 point 1: the send form is rendered with the prefix "send"; posting the fields the page shows (not
    hand-written names) sends every report of the issue."""
    issue = _published_issue(submit, drive, staff, organization)
    _verified_login(client, staff)
    html = client.get(issue.get_absolute_url()).content.decode()
    form = re.search(r'<input type="hidden" name="action" value="send">(.*?)</form>', html, re.S).group(1)
    choices = dict(
        (label.strip(), value)
        for value, label in re.findall(
            r'<input type="checkbox" name="send-recipients" value="(\d+)"[^>]*>\s*([^<]+)</label>', form
        )
    )
    assert "河南省政协" in choices, form
    note_name = re.search(r'name="(send-note)"', form).group(1)
    response = client.post(
        issue.get_absolute_url(), {"action": "send", "send-recipients": [choices["河南省政协"]], note_name: "整期报送"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(Report.objects.filter(issue=issue).values_list("state__key", flat=True)) == {"sent"}
    assert Report.objects.filter(issue=issue, dispatches__recipient=recipients[Level.PROVINCIAL]).count() == 2


def test_word_export(client, submit, drive, staff, organization):
    import io

    from docx import Document

    issue = _published_issue(submit, drive, staff, organization)
    _verified_login(client, staff)
    response = client.get(reverse("opinions:issue_docx", args=[issue.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "社情民意" in text and "第1期" in text and "第0篇：关于完善社区养老服务的建议" in text and "张委员" in text


def _pdf_text_objects(data: bytes) -> bytes:
    """The PDF with every Flate stream inflated, so font dictionaries inside object streams can be read."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(match.group(1)))
    return b"\n".join(out)


def test_pdf_export_embeds_the_cjk_font(client, submit, drive, staff, organization):
    issue = _published_issue(submit, drive, staff, organization)
    _verified_login(client, staff)
    response = client.get(reverse("opinions:issue_pdf", args=[issue.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    content = _pdf_text_objects(response.content)
    # An embedded font program (FontFile*) for a Noto CJK subset, not just a reference to the name.
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+Noto-Serif-CJK-SC", content)
    assert re.search(rb"/FontFile[23]?", content)


def test_recipient_inbox_shows_only_what_was_sent_to_it(
    client, submit, drive, city_reader, province_staff, django_assert_num_queries
):
    to_city = drive(submit(title="报市委的"), "sent", levels=(Level.OWN,))
    to_province = drive(submit(title="报省政协的"), "sent", levels=(Level.PROVINCIAL,))
    not_sent = drive(submit(title="未报送的"), "issued")
    _verified_login(client, city_reader)
    html = client.get(reverse("opinions:inbox")).content.decode()
    assert "报市委的" in html and "报省政协的" not in html and "未报送的" not in html
    assert client.get(to_city.get_absolute_url()).status_code == 200
    assert client.get(to_province.get_absolute_url()).status_code == 404
    _verified_login(client, province_staff)
    with django_assert_num_queries(8):
        html = client.get(reverse("opinions:inbox")).content.decode()
    assert "报省政协的" in html and "报市委的" not in html
    assert client.get(to_province.get_absolute_url()).status_code == 200
    assert client.get(not_sent.get_absolute_url()).status_code == 404
    # A recipient sees the text, not the editing history.
    assert "编辑修改记录" not in client.get(to_province.get_absolute_url()).content.decode()


def test_unit_replies_on_the_report_page(client, submit, drive, staff, unit, officer):
    report = drive(submit(), "issued")
    services.report_forward(actor=staff, report=report, units=[unit])
    _verified_login(client, officer)
    assert "待回复" in client.get(reverse("opinions:forwards")).content.decode()
    forward = report.forwards.get()
    response = client.post(reverse("opinions:reply", args=[report.pk]), {"forward": forward.pk, "reply-reply": ""})
    assert response.status_code == 422 and "请填写办理回复" in response.content.decode()
    client.post(reverse("opinions:reply", args=[report.pk]), {"forward": forward.pk, "reply-reply": "已纳入计划。"})
    forward.refresh_from_db()
    assert forward.reply == "已纳入计划。"


def test_adoption_at_a_level_never_sent_is_refused_beside_the_field(client, submit, drive, staff):
    report = drive(submit(), "sent", levels=(Level.OWN,))
    _verified_login(client, staff)
    response = client.post(
        reverse("opinions:adoption", args=[report.pk]),
        {"adoption-level": "national", "adoption-adopted_on": "2020-01-01", "adoption-note": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "未曾报送" in html and 'value="x"' in html
    assert not report.adoptions.exists()


def test_instruction_without_leader_is_refused_and_typed_text_kept(client, submit, drive, staff):
    report = drive(submit(), "sent")
    _verified_login(client, staff)
    response = client.post(
        reverse("opinions:instruction", args=[report.pk]),
        {"instruction-level": "own", "instruction-text": "请抓紧研究。", "instruction-instructed_on": "2020-01-01"},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "请填写批示领导" in html and "请抓紧研究。" in html
    assert not report.instructions.exists()


def test_statistics_page_for_staff_only(client, submit, drive, staff, author):
    drive(submit(), "sent")
    client.force_login(author)
    assert client.get(reverse("opinions:stats")).status_code == 403
    _verified_login(client, staff)
    html = client.get(reverse("opinions:stats")).content.decode()
    assert 'data-stat="collected">1<' in html and 'data-stat="edited">1<' in html


def test_api_reports_issues_and_statistics(client, submit, drive, staff, author, organization):
    report = drive(submit(), "sent")
    client.force_login(author)
    mine = client.get("/api/opinions/reports").json()
    assert [r["id"] for r in mine] == [report.pk]
    detail = client.get(f"/api/opinions/reports/{report.pk}").json()
    assert detail["state"] == "sent" and detail["dispatches"][0]["level"] == "own"
    assert client.get("/api/opinions/statistics").status_code == 403
    _verified_login(client, staff)
    stats = client.get("/api/opinions/statistics").json()
    assert stats["collected"] == 1 and {r["level"]: r["sent"] for r in stats["by_level"]}["own"] == 1
    assert client.get("/api/opinions/issues").json()[0]["number"] == 1
    schema = client.get("/api/openapi.json").json()
    assert "/api/opinions/statistics" in schema["paths"]


@pytest.fixture(autouse=True)
def _api_router():
    """The router is mounted by xieshang/api/main.py; until that line lands, mount it here for the tests."""
    from xieshang.api.main import api

    if not any(prefix.strip("/") == "opinions" for prefix, _ in api._routers):
        from xieshang.opinions.api import router

        api.add_router("/opinions/", router)
        from django.urls import clear_url_caches

        clear_url_caches()
    yield


def test_attachments_are_kept_and_limited(client, author, organization, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    OpinionSettings.objects.create(organization=organization, attachment_max_count=1)
    client.force_login(author)
    files = [SimpleUploadedFile(f"调研{i}.txt", "附件内容".encode()) for i in range(2)]
    data = {"title": "带附件的信息", "body": "正文", "author_kind": "member", "attachments": files}
    response = client.post(reverse("opinions:submit"), data)
    assert response.status_code == 200 and "附件最多 1 个" in response.content.decode()
    assert not Report.objects.exists()
    data["attachments"] = [SimpleUploadedFile("调研.txt", "附件内容".encode())]
    client.post(reverse("opinions:submit"), data)
    report = Report.objects.get()
    attachment = report.attachments.get()
    assert attachment.name == "调研.txt"
    page = client.get(report.get_absolute_url()).content.decode()
    link = reverse("opinions:attachment", args=[report.pk, attachment.pk])
    assert "调研.txt" in page and f'href="{link}"' in page  # through the permission check, not a media URL
    download = client.get(link)
    assert b"".join(download.streaming_content) == "附件内容".encode()
    assert "attachment" in download["Content-Disposition"]
    from tests.factories import make_user
    from xieshang.accounts.models import Role

    client.force_login(make_user(Role.MEMBER, organization, username="stranger-reader"))
    assert client.get(link).status_code in (403, 404)


def test_issue_and_forward_lists_keep_their_query_count(
    client, submit, drive, staff, organization, unit, officer, django_assert_num_queries
):
    _published_issue(submit, drive, staff, organization)
    _verified_login(client, staff)
    client.get(reverse("opinions:issues"))
    _published_issue(submit, drive, staff, organization)
    with django_assert_num_queries(3):
        assert client.get(reverse("opinions:issues")).status_code == 200
    for report in Report.objects.all()[:3]:
        services.report_forward(actor=staff, report=report, units=[unit])
    _verified_login(client, officer)
    client.get(reverse("opinions:forwards"))
    with django_assert_num_queries(3):
        assert "待回复" in client.get(reverse("opinions:forwards")).content.decode()


def test_attachments_are_checked_by_content_and_the_text_kept(client, author, organization, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(author)
    data = {
        "title": "关于小区停车难的信息",
        "body": "群众反映停车难。",
        "author_kind": "member",
        "urgent": "on",
        "attachments": [
            SimpleUploadedFile("现场照片.png", b"MZ\x90\x00 a program"),
            SimpleUploadedFile("说明.exe", b"MZ"),
        ],
    }
    response = client.post(reverse("opinions:submit"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_attachments_error"[^>]*>.*现场照片.png.*扩展名与实际内容不符', html, re.S)
    assert "说明.exe" in html and "文件类型不受支持" in html
    assert 'value="关于小区停车难的信息"' in html and "群众反映停车难。" in html
    assert re.search(r'name="urgent"[^>]*checked', html)
    assert not Report.objects.exists()
    data["attachments"] = [SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n....")]
    assert client.post(reverse("opinions:submit"), data).status_code == 302
    assert Report.objects.get().attachments.get().name == "现场照片.png"


def test_the_service_refuses_a_disguised_file_too(organization, author):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as err:
        services.report_submit(
            actor=author,
            organization=organization,
            title="标题",
            body="正文",
            attachments=[SimpleUploadedFile("表格.xlsx", b"not a workbook")],
        )
    assert "表格.xlsx" in err.value.message_dict["attachments"][0]
    assert not Report.objects.exists()


def test_instruction_on_a_report_not_yet_out_shows_why_on_the_page(client, submit, drive, staff):
    report = drive(submit(), "issued")
    _verified_login(client, staff)
    response = client.post(
        reverse("opinions:instruction", args=[report.pk]),
        {
            "instruction-level": "own",
            "instruction-leader_name": "王某",
            "instruction-text": "请研究。",
            "instruction-instructed_on": "2020-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'data-testid="action-refused".*报送或转办后才能记录批示', html, re.S)
    assert not report.instructions.exists()


def test_instruction_after_forwarding_from_the_page(client, submit, drive, staff, unit, author):
    from xieshang.duties.models import DutyEntry

    report = drive(submit(), "issued")
    services.report_forward(actor=staff, report=report, units=[unit])
    _verified_login(client, staff)
    html = client.get(report.get_absolute_url()).content.decode()
    assert 'name="instruction-text"' in html
    response = client.post(
        reverse("opinions:instruction", args=[report.pk]),
        {
            "instruction-level": "own",
            "instruction-leader_name": "王某",
            "instruction-leader_title": "副市长",
            "instruction-text": "请市住房局抓紧办理。",
            "instruction-instructed_on": "2020-01-01",
        },
    )
    assert response.status_code == 302
    assert report.instructions.get().text == "请市住房局抓紧办理。"
    assert DutyEntry.objects.get(member=author).points == 10


def test_desk_tabs_have_english():
    """The desk's tab labels went through gettext at run time but were never marked for the catalogue: the English
    desk showed 待编辑, 已签批待编刊 … (found by the information staff's journey)."""
    from django.utils import translation

    from xieshang.opinions.views import DESK_TABS

    with translation.override("en"):
        assert [label for _key, label in DESK_TABS if translation.gettext(label) == label] == []
