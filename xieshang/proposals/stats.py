"""Statistics of proposals for a year or period, computed from the records (never typed in): by review outcome,
category, handling unit and reply grade, the on-time reply rate and the satisfaction rate; the same tables as an
Excel workbook.

Definitions (shown on the page too):
- the proposals counted are those submitted (drafts never are), of the chosen year (Proposal.year) or submitted
  within the chosen dates;
- a unit's part counts while it is assigned (pending or received; returned and replaced parts do not);
- grades and on-time replies count each unit's latest reply that reached the member (a rehandled proposal counts
  its new reply, not the old one);
- the satisfaction rate is (satisfied + basically satisfied) / all ratings given, paper ratings included."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from .models import Assignment, Proposal, Rating, Reply


@dataclass
class Period:
    year: int | None = None
    start: date | None = None
    end: date | None = None
    kind: str = Proposal.Kind.PROPOSAL  # "proposal", "micro" or "all"

    def label(self) -> str:
        if self.start or self.end:
            return _("%(start)s 至 %(end)s 提交") % {
                "start": self.start.isoformat() if self.start else "…",
                "end": self.end.isoformat() if self.end else "…",
            }
        return _("%(year)s 年度") % {"year": self.year} if self.year else _("全部年度")


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def counted_proposals(organization, period: Period) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(organization=organization, submitted_at__isnull=False)
    if period.kind in Proposal.Kind.values:
        qs = qs.filter(kind=period.kind)
    if period.start:
        qs = qs.filter(submitted_at__date__gte=period.start)
    if period.end:
        qs = qs.filter(submitted_at__date__lte=period.end)
    if period.year and not (period.start or period.end):
        qs = qs.filter(year=period.year)
    return qs


def latest_sent_replies(proposals: QuerySet[Proposal]) -> QuerySet[Reply]:
    later = Reply.objects.filter(
        assignment=OuterRef("assignment"), status=Reply.Status.SENT, round__gt=OuterRef("round")
    )
    return Reply.objects.filter(proposal__in=proposals, status=Reply.Status.SENT).exclude(Exists(later))


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def proposal_statistics(organization, period: Period) -> dict:
    proposals = counted_proposals(organization, period)
    total = proposals.count()

    outcome_labels = dict(Proposal.Outcome.choices)
    by_outcome = {row["outcome"]: row["n"] for row in proposals.values("outcome").annotate(n=Count("id"))}
    outcome_rows = [[outcome_labels[key], by_outcome.get(key, 0)] for key in Proposal.Outcome.values]
    outcome_rows.append([_("尚未审查或已撤回"), by_outcome.get("", 0)])

    filed = proposals.filter(outcome=Proposal.Outcome.FILED)
    category_rows = [
        [row["category__name"] or _("未分类"), row["n"]]
        for row in filed.values("category__name", "category__order")
        .annotate(n=Count("id"))
        .order_by("category__order", "category__name")
    ]

    active = [Assignment.Status.PENDING, Assignment.Status.RECEIVED]
    assignments = Assignment.objects.filter(proposal__in=proposals, status__in=active)
    latest = latest_sent_replies(proposals)
    unit_counts = {
        row["unit__name"]: row
        for row in assignments.values("unit__name").annotate(
            lead=Count("id", filter=Q(role=Assignment.Role.LEAD)),
            co=Count("id", filter=Q(role=Assignment.Role.CO)),
            split=Count("id", filter=Q(role=Assignment.Role.SPLIT)),
        )
    }
    unit_replies = {
        row["assignment__unit__name"]: row
        for row in latest.values("assignment__unit__name").annotate(
            replied=Count("id"), on_time=Count("id", filter=Q(on_time=True))
        )
    }
    unit_rows = []
    for name in sorted(set(unit_counts) | set(unit_replies)):
        c, r = unit_counts.get(name, {}), unit_replies.get(name, {})
        replied, on_time = r.get("replied", 0), r.get("on_time", 0)
        unit_rows.append(
            [name, c.get("lead", 0), c.get("co", 0), c.get("split", 0), replied, on_time, _rate(on_time, replied)]
        )

    grade_counts = {row["grade"]: row["n"] for row in latest.values("grade").annotate(n=Count("id"))}
    grade_rows = [[label, grade_counts.get(key, 0)] for key, label in Reply.Grade.choices]

    replied = latest.count()
    on_time = latest.filter(on_time=True).count()

    ratings = Rating.objects.filter(proposal__in=proposals)
    sat_counts = {row["satisfaction"]: row["n"] for row in ratings.values("satisfaction").annotate(n=Count("id"))}
    sat_rows = [[label, sat_counts.get(key, 0)] for key, label in Rating.Satisfaction.choices]
    rated = sum(sat_counts.values())
    content = sat_counts.get(Rating.Satisfaction.SATISFIED, 0) + sat_counts.get(Rating.Satisfaction.BASIC, 0)

    tables = [
        Table("outcome", _("按审查结果"), [_("审查结果"), _("件数")], outcome_rows),
        Table("category", _("立案提案按类别"), [_("类别"), _("件数")], category_rows),
        Table(
            "unit",
            _("按承办单位"),
            [_("承办单位"), _("主办"), _("协办"), _("分办"), _("已答复"), _("按期答复"), _("按期率（%）")],
            unit_rows,
        ),
        Table("grade", _("按答复类别"), [_("答复类别"), _("件数")], grade_rows),
        Table("satisfaction", _("满意度评价"), [_("评价"), _("人次")], sat_rows),
    ]
    return {
        "period": period,
        "total": total,
        "filed": filed.count(),
        "replied": replied,
        "on_time": on_time,
        "on_time_rate": _rate(on_time, replied),
        "rated": rated,
        "content": content,
        "satisfaction_rate": _rate(content, rated),
        "tables": tables,
        "chart": {
            t.key: {"title": t.title, "labels": [r[0] for r in t.rows], "values": [r[1] for r in t.rows]}
            for t in tables
            if t.key != "unit"
        }
        | {
            "unit": {
                "title": _("各承办单位主办件数与按期答复"),
                "labels": [r[0] for r in unit_rows],
                "values": [r[1] + r[3] for r in unit_rows],
                "on_time": [r[5] for r in unit_rows],
                "series": [_("主办及分办"), _("按期答复")],
            }
        },
    }


def statistics_xlsx(organization, stats: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = _("概况")[:31]
    summary.append([str(organization), stats["period"].label()])
    for label, value in (
        (_("提交提案（件）"), stats["total"]),
        (_("立案（件）"), stats["filed"]),
        (_("已答复（件）"), stats["replied"]),
        (_("按期答复（件）"), stats["on_time"]),
        (_("按期答复率（%）"), stats["on_time_rate"]),
        (_("评价（人次）"), stats["rated"]),
        (_("满意及基本满意（人次）"), stats["content"]),
        (_("满意率（%）"), stats["satisfaction_rate"]),
    ):
        summary.append([str(label), value])
    summary.column_dimensions["A"].width = 28
    for table in stats["tables"]:
        sheet = book.create_sheet(table.title[:31])
        sheet.append([str(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            # Choice labels are lazy translations, which openpyxl cannot store.
            sheet.append([v if isinstance(v, (int, float)) or v is None else str(v) for v in row])
        sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
