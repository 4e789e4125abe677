"""What opinions register with search: reports (社情民意信息) as a document type, and the indexing functions the
services and hooks call.

Who finds a report is who may open it: the readers come from visibility.REPORT, as the permission
"opinions.view_report" and the list filter do.

The index follows writes by explicit calls (docs/decisions/0008-side-effects.md): the collecting and editing
services call index_report, every transition re-indexes through hooks.on_transition (sending up and forwarding write
their rows and then transition), and the admin's edits of a recipient's accounts re-index what was sent to it
(index_sent_to). Every call goes through search.services.index_keys_later: one task per report per transaction,
after the commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from xieshang.search import registry
from xieshang.search.registry import RESTRICTED, SearchDoc

from .models import Dispatch, Forward, Report
from .visibility import REPORT as VISIBILITY
from .workflows import REPORT_WORKFLOW

REPORT = "opinion_report"


def report_document(report: Report) -> SearchDoc | None:
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
        **VISIBILITY.reader_fields(report),
    )


def _reports():
    return Report.objects.select_related("state")


def _states() -> list[tuple[str, str]]:
    return [(s["key"], s["name"]) for s in REPORT_WORKFLOW["states"]]


def index_report(report_id: int | None) -> None:
    from xieshang.search.services import index_keys_later

    if report_id:
        index_keys_later([(REPORT, report_id)])


def index_sent_to(recipient_ids: Iterable[int]) -> None:
    """Re-index every report sent to these recipients (their accounts changed: the readers did)."""
    from xieshang.search.services import index_keys_later

    reports = Dispatch.objects.filter(recipient_id__in=list(recipient_ids)).values_list("report_id", flat=True)
    index_keys_later((REPORT, pk) for pk in reports.distinct())


def register() -> None:
    registry.register_document_type(
        REPORT, _("社情民意信息"), Report, report_document, queryset=_reports, states=_states()
    )
