"""What opinions register with search: reports (社情民意信息) as a document type, and the hooks that keep the index
current.

Who finds a report is who may open it (rules "opinions.view_report"): its authors, the information staff and leaders
of its organization, the readers of an inbox it was sent to (the recipient's named accounts; the information staff
and leaders of a conference it was sent up to) and the officers of a unit it was forwarded to.

The index follows writes without edits to the services: a workflow hook on every transition (sending up and
forwarding write their rows and then transition), and post_save / post_delete of reports, authors, dispatches and
forwards; a recipient's accounts changing re-indexes what was sent to it. Every call goes through
search.services.index_later, which enqueues one task per report per transaction, after commit.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import Role
from xieshang.search import registry
from xieshang.search.registry import RESTRICTED, SearchDoc
from xieshang.workflow import registry as workflow_registry

from .models import Dispatch, Forward, Recipient, Report, ReportAuthor
from .selectors import INBOX_ROLES
from .workflows import REPORT_WORKFLOW

REPORT = "opinion_report"
# Roles of the report's own organization that open every report of it (rules: is_information_staff | is_leader).
READERS = (Role.INFORMATION_STAFF, Role.LEADER)


def report_document(report: Report) -> SearchDoc | None:
    users = {report.submitter_id, *report.author_links.values_list("user_id", flat=True)}
    org_roles: set[tuple[int, str]] = set()
    for recipient in Recipient.objects.filter(pk__in=Dispatch.objects.filter(report_id=report.pk).values("recipient")):
        users |= {u.pk for u in recipient.users.all()}
        if recipient.target_organization_id:
            org_roles |= {(recipient.target_organization_id, role) for role in INBOX_ROLES}
    units = sorted(set(Forward.objects.filter(report_id=report.pk).values_list("unit_id", flat=True)))
    return SearchDoc(
        title=report.title,
        body=report.body,
        organization_id=report.organization_id,
        year=report.year,
        state=report.state.key if report.state_id else "",
        category=report.author_kind,
        unit_ids=units,
        sector_id=report.sector_id,
        url=report.get_absolute_url(),
        doc_date=report.submitted_at.date(),
        visibility=RESTRICTED,
        viewer_user_ids=sorted(u for u in users if u),
        viewer_roles=READERS,
        viewer_org_roles=sorted(org_roles),
        viewer_unit_ids=units,
    )


def _reports():
    return Report.objects.select_related("state")


def _states() -> list[tuple[str, str]]:
    return [(s["key"], s["name"]) for s in REPORT_WORKFLOW["states"]]


# --- keeping the index current


def index_report(report_id: int | None) -> None:
    from xieshang.search.services import index_keys_later

    if report_id:
        index_keys_later([(REPORT, report_id)])


def _after_transition(obj, event, payload) -> None:
    index_report(obj.pk)


def _report_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        index_report(instance.pk)


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        index_report(instance.report_id)


def _recipient_users_changed(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if reverse and action == "pre_clear":
        # user.opinion_recipients.clear(): after it the links are gone, so remember which recipients lose the user.
        instance._search_cleared_recipients = list(
            Recipient.objects.filter(users=instance).values_list("pk", flat=True)
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from xieshang.search.services import index_keys_later

    if reverse:  # user.opinion_recipients changed: instance is a user, pk_set recipients (None on clear)
        recipients = pk_set if pk_set is not None else instance.__dict__.pop("_search_cleared_recipients", [])
        reports = Dispatch.objects.filter(recipient__in=recipients)
    else:
        reports = Dispatch.objects.filter(recipient_id=instance.pk)
    index_keys_later((REPORT, pk) for pk in reports.values_list("report_id", flat=True).distinct())


def register() -> None:
    registry.register_document_type(
        REPORT, _("社情民意信息"), Report, report_document, queryset=_reports, states=_states()
    )
    workflow_registry.register_hook(REPORT_WORKFLOW["key"], workflow_registry.ANY, _after_transition)
    post_save.connect(_report_changed, sender=Report, dispatch_uid="search_report_saved", weak=False)
    post_delete.connect(_report_changed, sender=Report, dispatch_uid="search_report_deleted", weak=False)
    for model in (ReportAuthor, Dispatch, Forward):
        name = model.__name__.lower()
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"search_report_{name}_saved", weak=False)
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"search_report_{name}_deleted", weak=False)
    m2m_changed.connect(
        _recipient_users_changed, sender=Recipient.users.through, dispatch_uid="search_recipient_users", weak=False
    )
