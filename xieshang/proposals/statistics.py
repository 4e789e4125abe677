"""Statistics of proposals for a period, computed by queries from the records (the annual work report's figures);
the statistics page, its charts and its Excel workbook are built from these functions only.

Each function takes the organization and a period [start, end] (dates, inclusive; None leaves that side open) and
answers with one or two aggregate queries. A proposal belongs to the period it was submitted in (drafts never
count); a unit's part to when it was assigned; replies to when they reached the member (grades) or were submitted
(on-time rate, first round); ratings to when they were given. `kind` is "proposal" or "micro" (micro-proposals are
counted apart), or None for both."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.core.names import named

from .models import Assignment, Proposal, Rating, Reply


def _within(field_name: str, start: date | None, end: date | None) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field_name}__gte": timezone.make_aware(datetime.combine(start, time.min))})
    if end:
        q &= Q(**{f"{field_name}__lte": timezone.make_aware(datetime.combine(end, time.max))})
    return q


def _kind(kind: str | None, prefix: str = "") -> Q:
    return Q(**{f"{prefix}kind": kind}) if kind else Q()


def _org_id(organization):
    return getattr(organization, "pk", organization)


def submitted(organization, start: date | None, end: date | None, kind: str | None = Proposal.Kind.PROPOSAL):
    return Proposal.objects.filter(
        _kind(kind), _within("submitted_at", start, end), organization_id=_org_id(organization)
    ).exclude(submitted_at__isnull=True)


def by_outcome(
    organization, start: date | None, end: date | None, kind: str | None = Proposal.Kind.PROPOSAL
) -> dict[str, int]:
    """{"filed": n, "merged": n, "converted": n, "not_filed": n, "pending": n (not reviewed yet or withdrawn),
    "total": n}."""
    rows = submitted(organization, start, end, kind).values("outcome").annotate(n=Count("id"))
    result = {key: 0 for key in Proposal.Outcome.values}
    result["pending"] = 0
    for row in rows:
        result[row["outcome"] or "pending"] += row["n"]
    result["total"] = sum(result.values())
    return result


def by_category(
    organization, start: date | None, end: date | None, kind: str | None = Proposal.Kind.PROPOSAL
) -> list[dict]:
    """Filed proposals per category: [{"category": name, "count": n}], largest first."""
    rows = (
        submitted(organization, start, end, kind)
        .filter(outcome=Proposal.Outcome.FILED)
        .values("category__name")
        .annotate(count=Count("id"))
        .order_by("-count", "category__name")
    )
    return [{"category": named(r["category__name"]) or _("未分类"), "count": r["count"]} for r in rows]


def by_unit(organization, start: date | None, end: date | None, kind: str | None = None) -> list[dict]:
    """Per handling unit: parts assigned in the period (lead counts lead and split parts, split the split ones
    alone, co the co-handlers; returned parts count, replaced ones do not), first-round replies given and replied
    on time."""
    rows = (
        Assignment.objects.filter(
            _kind(kind, "proposal__"),
            _within("assigned_at", start, end),
            proposal__organization_id=_org_id(organization),
            assigned_at__isnull=False,
        )
        .exclude(status__in=[Assignment.Status.PLANNED, Assignment.Status.REPLACED])
        .values("unit_id", "unit__name")
        .annotate(
            lead=Count("id", filter=Q(role__in=[Assignment.Role.LEAD, Assignment.Role.SPLIT]), distinct=True),
            split=Count("id", filter=Q(role=Assignment.Role.SPLIT), distinct=True),
            co=Count("id", filter=Q(role=Assignment.Role.CO), distinct=True),
            replied=Count("replies", filter=Q(replies__round=1) & ~Q(replies__status="superseded"), distinct=True),
            on_time=Count(
                "replies",
                filter=Q(replies__round=1, replies__on_time=True) & ~Q(replies__status="superseded"),
                distinct=True,
            ),
        )
        .order_by("-lead", "unit__name")
    )
    return [
        {
            "unit_id": r["unit_id"],
            "unit": r["unit__name"],
            "lead": r["lead"],
            "split": r["split"],
            "co": r["co"],
            "replied": r["replied"],
            "on_time": r["on_time"],
        }
        for r in rows
    ]


def by_grade(organization, start: date | None, end: date | None, kind: str | None = None) -> dict[str, int]:
    """The current reply's grade (after any supervisor change) of replies that reached members in the period."""
    rows = (
        Reply.objects.filter(
            _kind(kind, "proposal__"),
            _within("sent_at", start, end),
            proposal__organization_id=_org_id(organization),
            status=Reply.Status.SENT,
            round=F("proposal__reply_round"),
        )
        .values("grade")
        .annotate(n=Count("id"))
    )
    result = dict.fromkeys(Reply.Grade.values, 0)
    for row in rows:
        result[row["grade"]] = row["n"]
    return result


@dataclass
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> str:
        return "-" if self.value is None else f"{self.value * 100:.1f}%"

    @property
    def rounded(self) -> float | None:
        """The rate in percent with one decimal (50.0), or None without a denominator."""
        return None if self.value is None else round(self.value * 100, 1)


def on_time_rate(organization, start: date | None, end: date | None, kind: str | None = None) -> Rate:
    """First-round replies submitted in the period that came within the handling deadline (extensions included)."""
    agg = (
        Reply.objects.filter(
            _kind(kind, "proposal__"),
            _within("submitted_at", start, end),
            proposal__organization_id=_org_id(organization),
            round=1,
        )
        .exclude(status=Reply.Status.SUPERSEDED)
        .aggregate(total=Count("id"), on_time=Count("id", filter=Q(on_time=True)))
    )
    return Rate(agg["on_time"], agg["total"])


def satisfaction_rate(
    organization, start: date | None, end: date | None, kind: str | None = None
) -> tuple[Rate, dict[str, int]]:
    """(satisfied + basically satisfied) / all ratings given in the period (paper ratings included), and the counts
    per answer."""
    rows = (
        Rating.objects.filter(
            _kind(kind, "proposal__"),
            _within("created_at", start, end),
            proposal__organization_id=_org_id(organization),
        )
        .values("satisfaction")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(Rating.Satisfaction.values, 0)
    for row in rows:
        counts[row["satisfaction"]] = row["n"]
    total = sum(counts.values())
    return Rate(total - counts[Rating.Satisfaction.DISSATISFIED], total), counts


# The statistics page and its Excel workbook: the figures above as tables and charts.


@dataclass
class Period:
    """What the page's filter chose: a year (1 January – 31 December), or dates (either may be open), and the
    kind ("proposal", "micro" or "all")."""

    year: int | None = None
    start: date | None = None
    end: date | None = None
    kind: str = Proposal.Kind.PROPOSAL

    def bounds(self) -> tuple[date | None, date | None]:
        if self.start or self.end:
            return self.start, self.end
        if self.year:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        return None, None

    @property
    def kind_filter(self) -> str | None:
        return self.kind if self.kind in Proposal.Kind.values else None

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


def page_statistics(organization, period: Period) -> dict:
    """The page's summary, tables and chart data, from the functions above (and nothing else)."""
    start, end = period.bounds()
    kind = period.kind_filter
    outcomes = by_outcome(organization, start, end, kind)
    outcome_labels = dict(Proposal.Outcome.choices)
    outcome_rows = [[outcome_labels[key], outcomes[key]] for key in Proposal.Outcome.values]
    outcome_rows.append([_("尚未审查或已撤回"), outcomes["pending"]])
    category_rows = [[row["category"], row["count"]] for row in by_category(organization, start, end, kind)]
    unit_rows = [
        [
            row["unit"],
            row["lead"],
            row["split"],
            row["co"],
            row["replied"],
            row["on_time"],
            Rate(row["on_time"], row["replied"]).rounded,
        ]
        for row in by_unit(organization, start, end, kind)
    ]
    grades = by_grade(organization, start, end, kind)
    grade_rows = [[label, grades[key]] for key, label in Reply.Grade.choices]
    on_time = on_time_rate(organization, start, end, kind)
    satisfaction, answers = satisfaction_rate(organization, start, end, kind)
    sat_rows = [[label, answers[key]] for key, label in Rating.Satisfaction.choices]
    tables = [
        Table("outcome", _("按审查结果"), [_("审查结果"), _("件数")], outcome_rows),
        Table("category", _("立案提案按类别"), [_("类别"), _("件数")], category_rows),
        Table(
            "unit",
            _("按承办单位"),
            [
                _("承办单位"),
                _("主办（含分办）"),
                _("其中分办"),
                _("协办"),
                _("首轮答复"),
                _("按期答复"),
                _("按期率（%）"),
            ],
            unit_rows,
        ),
        Table("grade", _("按答复类别"), [_("答复类别"), _("件数")], grade_rows),
        Table("satisfaction", _("满意度评价"), [_("评价"), _("人次")], sat_rows),
    ]
    return {
        "period": period,
        "total": outcomes["total"],
        "filed": outcomes[Proposal.Outcome.FILED],
        "replied": on_time.denominator,
        "on_time": on_time.numerator,
        "on_time_rate": on_time.rounded,
        "rated": satisfaction.denominator,
        "content": satisfaction.numerator,
        "satisfaction_rate": satisfaction.rounded,
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
                "values": [r[1] for r in unit_rows],
                "on_time": [r[5] for r in unit_rows],
                "series": [_("主办及分办"), _("按期答复")],
            }
        },
    }


def statistics_xlsx(organization, stats: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from xieshang.core.exports import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = _("概况")[:31]
    sheet.append([safe_cell(str(organization)), safe_cell(str(stats["period"].label()))])
    for label, value in (
        (_("提交提案（件）"), stats["total"]),
        (_("立案（件）"), stats["filed"]),
        (_("首轮答复（件）"), stats["replied"]),
        (_("按期答复（件）"), stats["on_time"]),
        (_("按期答复率（%）"), stats["on_time_rate"]),
        (_("评价（人次）"), stats["rated"]),
        (_("满意及基本满意（人次）"), stats["content"]),
        (_("满意率（%）"), stats["satisfaction_rate"]),
    ):
        sheet.append([safe_cell(str(label)), value])
    sheet.column_dimensions["A"].width = 28
    for table in stats["tables"]:
        sheet = book.create_sheet(table.title[:31])
        sheet.append([safe_cell(str(c)) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            # Choice labels are lazy translations, which openpyxl cannot store.
            sheet.append([v if isinstance(v, (int, float)) or v is None else safe_cell(str(v)) for v in row])
        sheet.column_dimensions["A"].width = 36
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
