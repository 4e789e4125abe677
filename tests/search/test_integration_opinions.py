"""Opinion reports in the search index: found by exactly the people the app lets open them (rules
"opinions.view_report"), at every step of the pipeline; the index follows the services."""

import pytest
import rules

from tests.factories import make_user
from tests.opinions import conftest as opinions_conftest
from xieshang.accounts.models import Role
from xieshang.opinions import services
from xieshang.opinions.models import Level
from xieshang.search.models import SearchDocument
from xieshang.search.services import search

pytestmark = pytest.mark.django_db

for _name in (
    "hierarchy",
    "organization",
    "staff",
    "author",
    "coauthor",
    "unit",
    "officer",
    "recipients",
    "city_reader",
    "province_staff",
    "submit",
    "drive",
):
    globals()[_name] = getattr(opinions_conftest, _name)

QUERY = "加装电梯"


@pytest.fixture
def indexing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(organization, hierarchy, staff, author, coauthor, officer, city_reader, province_staff):
    national, province = hierarchy
    return {
        "staff": staff,
        "author": author,
        "coauthor": coauthor,
        "leader": make_user(Role.LEADER, organization, username="leader"),
        "member": make_user(Role.MEMBER, organization, username="member2"),
        "resident": make_user(Role.CITIZEN, organization, username="resident"),
        "proposals_staff": make_user(Role.PROPOSALS_STAFF, organization, username="pstaff"),
        "officer": officer,
        "city_reader": city_reader,
        "province_staff": province_staff,
        "province_member": make_user(Role.MEMBER, province, username="provmember"),
        "national_staff": make_user(Role.INFORMATION_STAFF, national, username="natinfo"),
    }


def found_by(people, report) -> set[str]:
    return {name for name, user in people.items() if report.pk in {h.object_id for h in search(user, QUERY).hits}}


def allowed(people, report) -> set[str]:
    report.refresh_from_db()
    return {name for name, user in people.items() if rules.has_perm("opinions.view_report", user, report)}


def test_found_exactly_by_who_may_open_it_along_the_pipeline(people, submit, drive, staff, unit, coauthor, indexing):
    with indexing():
        report = submit(coauthors=[coauthor])
    assert SearchDocument.objects.get(doc_type="opinion_report", object_id=report.pk).state == "collected"
    assert found_by(people, report) == allowed(people, report) == {"staff", "author", "coauthor", "leader"}

    with indexing():
        drive(report, "sent", levels=(Level.OWN, Level.PROVINCIAL))
    assert SearchDocument.objects.get(doc_type="opinion_report", object_id=report.pk).state == "sent"
    expected = {"staff", "author", "coauthor", "leader", "city_reader", "province_staff"}
    assert found_by(people, report) == allowed(people, report) == expected

    with indexing():
        services.report_forward(actor=staff, report=report, units=[unit])
    assert found_by(people, report) == allowed(people, report) == expected | {"officer"}
    assert search(staff, QUERY, {"unit": unit.pk}).total == 1


def test_closed_report_stays_with_its_readers(people, submit, drive, indexing):
    with indexing():
        report = submit()
        drive(report, "closed")
    assert found_by(people, report) == allowed(people, report) == {"staff", "author", "leader"}


def test_edit_reindexes_and_filters_apply(people, submit, drive, staff, unit, author, organization, indexing):
    with indexing():
        report = submit()
        services.report_transition(actor=staff, report=report, key="take_up")
    with indexing():
        services.report_edit(actor=staff, report=report, title="关于规范共享单车停放的建议", body="共享单车乱停放。")
    assert search(staff, QUERY).total == 0
    assert [h.object_id for h in search(staff, "共享单车").hits] == [report.pk]
    hit = search(author, "共享单车").hits[0]
    assert hit.url == report.get_absolute_url() and "<mark>共享单车</mark>" in hit.title_html
    assert hit.type_label == "社情民意信息"
    assert search(staff, "共享单车", {"type": "opinion_report", "state": "editing"}).total == 1
    assert search(staff, "共享单车", {"type": "proposal"}).total == 0
    assert search(staff, "共享单车", {"year": report.year}).total == 1
    assert search(staff, "共享单车", {"year": report.year - 1}).total == 0
    assert search(staff, "共享单车", {"sector": report.sector_id}).total == 1
    assert search(staff, "共享单车", {"unit": unit.pk}).total == 0


def test_recipient_accounts_changed_in_the_admin_reindex(people, submit, drive, recipients, indexing):
    """A recipient's accounts are edited in the Django admin (filter_horizontal): its save_related re-indexes what
    was sent to it (decision 0008: no m2m receivers, the admin calls the indexing function)."""
    from types import SimpleNamespace

    from django.contrib import admin

    from xieshang.opinions.admin import RecipientAdmin
    from xieshang.opinions.models import Recipient

    with indexing():
        report = submit()
        drive(report, "sent", levels=(Level.OWN,))
    newcomer = make_user(None, username="govoffice")
    assert search(newcomer, QUERY).total == 0
    recipient = recipients[Level.OWN]
    model_admin = RecipientAdmin(Recipient, admin.site)

    def save(change_users):
        form = SimpleNamespace(instance=recipient, save_m2m=change_users)
        with indexing():
            model_admin.save_related(None, form, [], change=True)

    save(lambda: recipient.users.add(newcomer))
    assert rules.has_perm("opinions.view_report", newcomer, report)
    assert [h.object_id for h in search(newcomer, QUERY).hits] == [report.pk]
    save(lambda: recipient.users.remove(newcomer))
    assert not rules.has_perm("opinions.view_report", newcomer, report)
    assert search(newcomer, QUERY).total == 0


def test_rebuild_covers_reports(submit, staff, indexing):
    from django.core.management import call_command

    report = submit()  # no on_commit run: not indexed
    assert search(staff, QUERY).total == 0
    call_command("search_rebuild", "--type", "opinion_report")
    assert [h.object_id for h in search(staff, QUERY).hits] == [report.pk]
