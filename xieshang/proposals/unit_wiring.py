"""What the units' annual reports and evaluation (decision 0030) register: workbench sections for the unit officer
(his units' reports to write), and links for the proposals office, the leaders and the supervisors (the reports and
the ranking), and the audit log's labels of their actions."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.accounts.models import Role
from xieshang.accounts.selectors import has_role
from xieshang.core.workbench import WorkItem, WorkSection

SHOWN = 5
AUDIT_LABELS = {
    "proposal.unit_report_draft": gettext_lazy("起草承办单位办理工作总结"),
    "proposal.unit_report_save": gettext_lazy("修改承办单位办理工作总结"),
    "proposal.unit_report_regenerate": gettext_lazy("重新生成承办单位办理工作总结"),
    "proposal.unit_report_submit": gettext_lazy("提交承办单位办理工作总结"),
    "proposal.unit_report_return": gettext_lazy("退回承办单位办理工作总结"),
    "proposal.unit_report_accept": gettext_lazy("审核通过承办单位办理工作总结"),
    "proposal.unit_report_publish": gettext_lazy("公布承办单位办理工作总结"),
    "proposal.unit_evaluation_weights": gettext_lazy("设置承办单位评价权重"),
}


def officer_section(user, organization):
    """The officer's reports still to write or to correct, and this year's report of each of his units."""
    from .models import UnitReport
    from .selectors import officer_unit_ids, report_year

    if organization is None or not has_role(user, Role.UNIT_OFFICER, organization):
        return None
    units = officer_unit_ids(user, organization.pk)
    if not units:
        return None
    year = report_year()
    to_write = Q(status__in=[UnitReport.Status.DRAFT, UnitReport.Status.RETURNED]) | Q(year=year)
    rows = list(UnitReport.objects.filter(to_write, unit_id__in=sorted(units)).order_by("-year", "unit_id"))
    items = [
        WorkItem(
            title=r.title,
            url=r.get_absolute_url(),
            overdue=r.status == UnitReport.Status.RETURNED,
            note=str(r.get_status_display()),
        )
        for r in rows[:SHOWN]
    ]
    drafted = {r.unit_id for r in rows if r.year == year}
    if units - drafted:
        items.append(
            WorkItem(
                title=_("起草%(year)s年度提案办理工作总结") % {"year": year},
                url=reverse("proposals:unit_reports") + f"?year={year}",
                note=_("根据本单位办理记录生成草稿"),
            )
        )
    return WorkSection(
        key="proposals_unit_reports",
        title=_("年度办理工作总结"),
        items=items,
        more_url=reverse("proposals:unit_reports"),
        empty_text=_("没有待撰写的年度办理工作总结。"),
    )


def overseer_section(user, organization):
    """Links for the office, the supervisors and the leaders, without a query: the workbenches' query counts are
    pinned (bench/pages, the leaders' workbench test), and the ranking is one click away."""
    if organization is None:
        return None
    staff = has_role(user, Role.PROPOSALS_STAFF, organization)
    if not (staff or has_role(user, Role.LEADER, organization) or has_role(user, Role.SUPERVISOR, organization)):
        return None
    links = [
        (_("承办单位年度办理工作总结"), reverse("proposals:unit_reports")),
        (_("承办单位办理工作评价"), reverse("proposals:unit_evaluation")),
    ]
    return WorkSection(
        key="proposals_unit_evaluation",
        title=_("承办单位总结与评价"),
        empty_text=(
            _("审核承办单位提交的年度办理工作总结，查看按期答复率、满意率和承诺兑现情况的评价排名。")
            if staff
            else _("查看承办单位年度办理工作总结和按期答复率、满意率、承诺兑现情况的评价排名。")
        ),
        links=links,
    )


def _audit_label(code: str) -> str | None:
    label = AUDIT_LABELS.get(code)
    return str(label) if label else None


def _evaluation_rows(organization_id: int, start, end) -> list[tuple[str, float, str]]:
    """The evaluation of units for the year the period starts in, best first (units without a score left out); each
    bar opens the ranking page of that year, where every rate and its weight stand beside the score."""
    from django.urls import reverse

    from . import unit_records

    url = f"{reverse('proposals:unit_evaluation')}?year={start.year}"
    rows = unit_records.evaluation(organization_id, start.year)
    return [(row.unit, row.score, url) for row in rows if row.score is not None]


def register() -> None:
    from django.utils.translation import gettext_lazy

    from xieshang.audit.actions import register_resolver
    from xieshang.core import figures, workbench

    workbench.register(officer_section, order=125)
    workbench.register(overseer_section, order=145)
    register_resolver(_audit_label)
    figures.register_ranking(
        figures.Ranking(
            key="unit_evaluation",
            label=gettext_lazy("承办单位办理工作评价"),
            unit=gettext_lazy("分"),
            rows=_evaluation_rows,
            permission="proposals.view_unit_evaluation",  # the ranking page's own rule: one definition of who reads
        )
    )
