"""A handling unit's year in figures, counted from its records (decision 0030): the annual handling report's table
and the units' evaluation are built from these functions only, and every figure has the list of records it counts.

The year is the calendar year. A unit's part (lead, co, split, micro-proposal) counts in the year it was assigned
(returned and replaced parts do not: the unit did not handle them); a first-round reply in the year it was submitted
(on time or late, as judged then); a grade in the year the reply reached the member (the current round's reply, with
the supervisor's grade); a rating in the year it was given; a promise in the year it was made (its reply reached the
member), and its state today: kept on time (done on or before the promised date), kept late, open (not yet due) or
overdue (past the date, or closed without being carried out)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.consultations.selectors import unit_promises
from xieshang.core.names import named

from .models import Assignment, Proposal, Rating, Reply, UnitEvaluationWeights


def _bounds(year: int) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(date(year, 1, 1), time.min)),
        timezone.make_aware(datetime.combine(date(year, 12, 31), time.max)),
    )


def _in_year(field_name: str, year: int) -> Q:
    start, end = _bounds(year)
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


def parts(organization_id: int, unit_ids: Iterable[int] | None, year: int) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(
        _in_year("assigned_at", year), proposal__organization_id=organization_id, assigned_at__isnull=False
    ).exclude(status__in=[Assignment.Status.PLANNED, Assignment.Status.REPLACED, Assignment.Status.RETURNED])
    return qs if unit_ids is None else qs.filter(unit_id__in=list(unit_ids))


def first_replies(organization_id: int, unit_ids: Iterable[int] | None, year: int) -> QuerySet[Reply]:
    qs = Reply.objects.filter(
        _in_year("submitted_at", year), proposal__organization_id=organization_id, round=1
    ).exclude(status__in=[Reply.Status.SUPERSEDED, Reply.Status.SENT_BACK])
    return qs if unit_ids is None else qs.filter(assignment__unit_id__in=list(unit_ids))


def graded_replies(organization_id: int, unit_ids: Iterable[int] | None, year: int) -> QuerySet[Reply]:
    qs = Reply.objects.filter(
        _in_year("sent_at", year),
        proposal__organization_id=organization_id,
        status=Reply.Status.SENT,
        round=F("proposal__reply_round"),
    )
    return qs if unit_ids is None else qs.filter(assignment__unit_id__in=list(unit_ids))


def ratings(organization_id: int, unit_ids: Iterable[int] | None, year: int) -> QuerySet[Rating]:
    qs = Rating.objects.filter(_in_year("created_at", year), proposal__organization_id=organization_id)
    return qs if unit_ids is None else qs.filter(reply__assignment__unit_id__in=list(unit_ids))


def promises(organization_id: int, unit_ids: Iterable[int] | None, year: int) -> QuerySet[Any]:
    """The promises made in the year: those of replies that reached the member in it (a promise is tracked from
    then; its outcome's origin is the reply)."""
    made = Reply.objects.filter(
        _in_year("sent_at", year), proposal__organization_id=organization_id, promise_due_on__isnull=False
    ).values("pk")
    return unit_promises(organization_id, None if unit_ids is None else list(unit_ids)).filter(origin_id__in=made)


def _promise_states(today: date) -> dict[str, Q]:
    kept = Q(kept=True)
    not_kept = Q(kept=False)
    return {
        "kept_on_time": kept & (Q(promised_on__isnull=True) | Q(done_at__date__lte=F("promised_on"))),
        "kept_late": kept & Q(promised_on__isnull=False, done_at__date__gt=F("promised_on")),
        "open": not_kept & Q(state__is_final=False) & (Q(promised_on__isnull=True) | Q(promised_on__gte=today)),
        "overdue": not_kept & (Q(state__is_final=True) | Q(promised_on__lt=today)),
    }


@dataclass(frozen=True)
class Measure:
    """One figure: its key, its label, the records it counts (a queryset of one model) and the condition on them."""

    key: str
    label: Any
    records: Callable[[int, Iterable[int] | None, int], QuerySet[Any]]
    where: Callable[[date], Q] = field(default=lambda today: Q())
    unit_path: str = "unit_id"


PROPOSAL, MICRO = Proposal.Kind.PROPOSAL, Proposal.Kind.MICRO
MEASURES: tuple[Measure, ...] = (
    Measure("lead", _("主办提案"), parts, lambda t: Q(proposal__kind=PROPOSAL, role=Assignment.Role.LEAD)),
    Measure("co", _("协办提案"), parts, lambda t: Q(proposal__kind=PROPOSAL, role=Assignment.Role.CO)),
    Measure("split", _("分办提案"), parts, lambda t: Q(proposal__kind=PROPOSAL, role=Assignment.Role.SPLIT)),
    Measure("micro", _("承办微提案"), parts, lambda t: Q(proposal__kind=MICRO)),
    Measure("replied", _("首轮答复"), first_replies, unit_path="assignment__unit_id"),
    Measure("on_time", _("按期答复"), first_replies, lambda t: Q(on_time=True), "assignment__unit_id"),
    Measure("late", _("逾期答复"), first_replies, lambda t: Q(on_time=False), "assignment__unit_id"),
    Measure("grade_a", _("A类答复"), graded_replies, lambda t: Q(grade="A"), "assignment__unit_id"),
    Measure("grade_b", _("B类答复"), graded_replies, lambda t: Q(grade="B"), "assignment__unit_id"),
    Measure("grade_c", _("C类答复"), graded_replies, lambda t: Q(grade="C"), "assignment__unit_id"),
    Measure("rated", _("委员评价（人次）"), ratings, unit_path="reply__assignment__unit_id"),
    Measure(
        "satisfied",
        _("满意"),
        ratings,
        lambda t: Q(satisfaction=Rating.Satisfaction.SATISFIED),
        "reply__assignment__unit_id",
    ),
    Measure(
        "basic",
        _("基本满意"),
        ratings,
        lambda t: Q(satisfaction=Rating.Satisfaction.BASIC),
        "reply__assignment__unit_id",
    ),
    Measure(
        "dissatisfied",
        _("不满意"),
        ratings,
        lambda t: Q(satisfaction=Rating.Satisfaction.DISSATISFIED),
        "reply__assignment__unit_id",
    ),
    Measure("promises", _("作出承诺"), promises, unit_path="owner_unit_id"),
    Measure("kept_on_time", _("按期兑现"), promises, lambda t: _promise_states(t)["kept_on_time"], "owner_unit_id"),
    Measure("kept_late", _("逾期兑现"), promises, lambda t: _promise_states(t)["kept_late"], "owner_unit_id"),
    Measure("open", _("正在落实（未到期）"), promises, lambda t: _promise_states(t)["open"], "owner_unit_id"),
    Measure("overdue", _("逾期未兑现"), promises, lambda t: _promise_states(t)["overdue"], "owner_unit_id"),
)
BY_KEY = {m.key: m for m in MEASURES}
GROUPS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (_("承办件数"), ("lead", "co", "split", "micro")),
    (_("答复时限"), ("replied", "on_time", "late")),
    (_("答复类别"), ("grade_a", "grade_b", "grade_c")),
    (_("委员满意度"), ("rated", "satisfied", "basic", "dissatisfied")),
    (_("承诺事项"), ("promises", "kept_on_time", "kept_late", "open", "overdue")),
)
RATES: tuple[tuple[str, Any], ...] = (
    ("on_time_rate", _("按期答复率")),
    ("satisfaction_rate", _("满意率")),
    ("promise_rate", _("承诺按期兑现率")),
    ("solved_rate", _("解决落实率")),
)
RATE_LABELS = dict(RATES)


def measure_records(organization_id: int, unit_id: int, year: int, key: str) -> QuerySet[Any]:
    """The records one figure of a unit's year counts (KeyError for an unknown key)."""
    m = BY_KEY[key]
    qs = m.records(organization_id, [unit_id], year).filter(m.where(timezone.localdate()))
    return qs.select_related("proposal") if qs.model in (Assignment, Reply, Rating) else qs


def counts(organization_id: int, unit_ids: Iterable[int] | None, year: int) -> dict[int, dict[str, int]]:
    """{unit id: {measure key: count}} for the units (every unit with records when None): one grouped query per
    kind of record (parts, first replies, graded replies, ratings, promises)."""
    today = timezone.localdate()
    ids = None if unit_ids is None else list(unit_ids)
    result: dict[int, dict[str, int]] = {}
    by_source: dict[Any, list[Measure]] = {}
    for m in MEASURES:
        by_source.setdefault(m.records, []).append(m)
    for source, measures in by_source.items():
        path = measures[0].unit_path
        rows = (
            source(organization_id, ids, year)
            .order_by()
            .values(path)
            # prefixed: a measure may share its name with a field it filters on (Reply.on_time)
            .annotate(**{f"n_{m.key}": Count("id", filter=m.where(today)) for m in measures})
        )
        for row in rows:
            unit = row.pop(path)
            if unit is not None:
                result.setdefault(unit, {}).update({m.key: row[f"n_{m.key}"] for m in measures})
    for unit in ids or list(result):
        figures = result.setdefault(unit, {})
        for m in MEASURES:
            figures.setdefault(m.key, 0)
    return result


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator * 100 / denominator, 1) if denominator else None


def rates(figures: dict[str, int]) -> dict[str, float | None]:
    """The four rates of a unit's figures, in percent with one decimal (None where nothing was counted):
    on time = on time / first replies; satisfaction = (satisfied + basically satisfied) / ratings; promises kept =
    kept on time / promises settled or due (kept on time, kept late, overdue: the open ones are not judged yet);
    solved (解决落实率) = (A + B) / graded replies."""
    f = figures
    graded = f["grade_a"] + f["grade_b"] + f["grade_c"]
    return {
        "on_time_rate": _rate(f["on_time"], f["replied"]),
        "satisfaction_rate": _rate(f["satisfied"] + f["basic"], f["rated"]),
        "promise_rate": _rate(f["kept_on_time"], f["kept_on_time"] + f["kept_late"] + f["overdue"]),
        "solved_rate": _rate(f["grade_a"] + f["grade_b"], graded),
    }


def unit_figures(organization_id: int, unit_id: int, year: int) -> dict[str, Any]:
    """A unit's year: every measure's count and the four rates, in one dict (JSON-ready: the report keeps it)."""
    figures: dict[str, Any] = dict(counts(organization_id, [unit_id], year)[unit_id])
    figures.update(rates(figures))
    return figures


WEIGHT_FIELDS: tuple[tuple[str, str], ...] = (
    ("on_time", "on_time_rate"),
    ("satisfaction", "satisfaction_rate"),
    ("promises", "promise_rate"),
    ("grades", "solved_rate"),
)


def score(figures: dict[str, Any], weights: UnitEvaluationWeights) -> float | None:
    """The weighted mean of the unit's rates, over the rates it has (a unit that made no promise is judged on the
    others, their weights scaled up), 0–100 with one decimal; None when it has no rate at all."""
    total = weighted = 0.0
    for weight_field, rate_key in WEIGHT_FIELDS:
        value, weight = figures.get(rate_key), getattr(weights, weight_field)
        if value is None or not weight:
            continue
        total += weight
        weighted += weight * value
    return round(weighted / total, 1) if total else None


@dataclass
class Ranked:
    unit_id: int
    unit: str
    figures: dict[str, Any]
    score: float | None
    rank: int | None = None

    @property
    def rate_values(self) -> list[float | None]:
        return [self.figures[key] for key, _label in RATES]


def evaluation(organization_id: int, year: int, weights: UnitEvaluationWeights | None = None) -> list[Ranked]:
    """Every active unit of the organization with its figures, rates and score for the year, best first; equal
    scores share a rank (1, 2, 2, 4); units without any rate come last, unranked."""
    from xieshang.accounts.models import HandlingUnit

    weights = weights or UnitEvaluationWeights.for_organization(organization_id)
    units = dict(HandlingUnit.objects.filter(organization_id=organization_id, is_active=True).values_list("id", "name"))
    found = counts(organization_id, list(units), year)
    rows = []
    for unit_id, name in units.items():
        figures: dict[str, Any] = dict(found[unit_id])
        figures.update(rates(figures))
        rows.append(Ranked(unit_id, name, figures, score(figures, weights)))
    return ranked(rows)


def ranked(rows: list[Ranked]) -> list[Ranked]:
    """The rows best first, each with its rank; equal scores share one (1, 2, 2, 4), no score means no rank."""
    rows = sorted(rows, key=lambda r: (r.score is None, -(r.score or 0), r.unit))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row.score is None:
            break
        if row.score != previous:
            rank, previous = position, row.score
        row.rank = rank
    return rows


def evaluation_xlsx(organization: Any, year: int, rows: list[Ranked], weights: UnitEvaluationWeights) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from xieshang.core.exports import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("办理工作评价"))[:31]
    sheet.append([safe_cell(str(organization)), safe_cell(str(_("%(year)s 年度") % {"year": year}))])
    sheet.append(
        [safe_cell(str(_("权重")))]
        + [safe_cell(f"{RATE_LABELS[rate]} {getattr(weights, weight_field)}%") for weight_field, rate in WEIGHT_FIELDS]
    )
    header = [_("排名"), _("承办单位"), _("综合得分")] + [label for _key, label in RATES]
    header += [BY_KEY[k].label for k in ("replied", "on_time", "rated", "promises", "kept_on_time")]
    sheet.append([safe_cell(str(h)) for h in header])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        f = row.figures
        sheet.append(
            [row.rank, safe_cell(row.unit), row.score]
            + [f[key] for key, _label in RATES]
            + [f[k] for k in ("replied", "on_time", "rated", "promises", "kept_on_time")]
        )
    sheet.column_dimensions["B"].width = 32
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def record_row(obj: Any) -> tuple[str, str, date | None, str]:
    """(title, URL, date, note) of a record a figure counts, for the list behind the figure."""
    if isinstance(obj, Assignment):
        day = timezone.localdate(obj.assigned_at) if obj.assigned_at else None
        return str(obj.proposal), obj.proposal.get_absolute_url(), day, str(obj.get_role_display())
    if isinstance(obj, Reply):
        moment = obj.sent_at or obj.submitted_at
        late = "" if obj.on_time is not False else f" · {_('逾期')}"
        note = f"{obj.reference_number} · {obj.grade}{late}"
        return str(obj.proposal), obj.get_absolute_url(), timezone.localdate(moment), note
    if isinstance(obj, Rating):
        note = str(obj.get_satisfaction_display())
        return str(obj.proposal), obj.proposal.get_absolute_url(), timezone.localdate(obj.created_at), note
    note = str(named(obj.state.name)) if getattr(obj, "state_id", None) else ""
    return obj.title, obj.get_absolute_url(), obj.promised_on, note
