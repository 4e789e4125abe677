"""Units' annual handling reports (承办单位年度办理工作总结) and the weights of the units' evaluation (decision 0030).

A report's life is short and has one actor per step: the unit's officer drafts it (the text is generated from the
unit's records), edits and submits it; the proposals office accepts it or sends it back with a reason; the office
publishes an accepted report. Each step locks the row, checks the status it leaves and writes an audit row, so a
repeated post finds the report already moved on and is refused with the reason; an edit after submission is refused.

Callers write `from xieshang.proposals.services import unit_reports` (the package's __init__ is left as it is)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from xieshang.accounts.models import HandlingUnit, Role
from xieshang.accounts.selectors import has_role, organization_id, users_with_role
from xieshang.core import services as core
from xieshang.core.services import text_error
from xieshang.notifications.services import notify
from xieshang.workflow.exceptions import InvalidEdge

from .. import unit_records
from ..documents import conference_name
from ..models import UnitEvaluationWeights, UnitReport
from ..selectors import officer_unit_ids, unit_officers
from ._base import audit

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization, User

TITLE_MAX = 120
TEXT_MAX = 20000
REASON_MAX = 1000
FIRST_YEAR = 2000
Status = UnitReport.Status


def _officer_of(actor: User, unit: HandlingUnit) -> None:
    if unit.pk not in officer_unit_ids(actor, unit.organization_id):
        raise PermissionDenied(_("只有%(unit)s的经办人可以起草和提交本单位的办理工作总结。") % {"unit": unit.name})


def _office(actor: User, organization_id: Any) -> None:
    if not has_role(actor, Role.PROPOSALS_STAFF, organization_id):
        raise PermissionDenied(_("只有提案委员会工作人员可以审核和公布承办单位办理工作总结。"))


def _status(report: UnitReport, *allowed: str) -> None:
    if report.status not in allowed:
        raise InvalidEdge(_("这份总结当前为“%(status)s”，不能执行此操作。") % {"status": report.get_status_display()})


def _percent(value: float | None) -> str:
    return str(_("不适用")) if value is None else f"{value:g}%"


def draft_title(unit: HandlingUnit, year: int) -> str:
    return _("%(unit)s%(year)s年度政协提案办理工作总结") % {"unit": unit.name, "year": year}


def draft_text(unit: HandlingUnit, year: int, figures: dict[str, Any]) -> str:
    """The report's first draft in the official style, its figures from the records; the bracketed sentences are
    for the unit to write."""
    f = figures
    graded = f["grade_a"] + f["grade_b"] + f["grade_c"]
    organization = unit.organization
    paragraphs = [
        _(
            "%(year)s年，我单位共承办%(org)s提案%(total)s件，其中主办%(lead)s件、协办%(co)s件、分办%(split)s件；"
            "承办微提案%(micro)s件。我单位高度重视提案办理工作，把办理提案作为接受民主监督、改进工作的重要途径。"
            "（请补充本单位加强组织领导、健全办理机制的主要做法。）"
        )
        % {
            "year": year,
            "org": conference_name(organization),
            "total": f["lead"] + f["co"] + f["split"],
            "lead": f["lead"],
            "co": f["co"],
            "split": f["split"],
            "micro": f["micro"],
        },
        _(
            "一、办理时效。全年首轮答复%(replied)s件，其中按期答复%(on_time)s件、逾期答复%(late)s件，"
            "按期答复率%(rate)s。"
        )
        % {"replied": f["replied"], "on_time": f["on_time"], "late": f["late"], "rate": _percent(f["on_time_rate"])},
        _(
            "二、办理结果。全年答复送达提案人%(graded)s件，其中A类（所提问题已经解决或基本解决）%(a)s件，"
            "B类（所提问题正在解决或列入计划解决）%(b)s件，C类（因条件限制留作参考）%(c)s件，解决落实率%(rate)s。"
        )
        % {
            "graded": graded,
            "a": f["grade_a"],
            "b": f["grade_b"],
            "c": f["grade_c"],
            "rate": _percent(f["solved_rate"]),
        },
        _(
            "三、委员满意度。提案人对答复评价%(rated)s人次，其中满意%(satisfied)s人次、基本满意%(basic)s人次、"
            "不满意%(dissatisfied)s人次，满意率%(rate)s。对不满意的答复，我单位已再次与提案人沟通并重新办理。"
        )
        % {
            "rated": f["rated"],
            "satisfied": f["satisfied"],
            "basic": f["basic"],
            "dissatisfied": f["dissatisfied"],
            "rate": _percent(f["satisfaction_rate"]),
        },
        _(
            "四、承诺事项落实。全年答复中作出承诺%(promises)s项，截至%(day)s，按期兑现%(kept)s项、逾期兑现%(late)s项、"
            "正在落实%(open)s项、逾期未兑现%(overdue)s项，承诺按期兑现率%(rate)s。"
        )
        % {
            "promises": f["promises"],
            "day": date_format(timezone.localdate()),
            "kept": f["kept_on_time"],
            "late": f["kept_late"],
            "open": f["open"],
            "overdue": f["overdue"],
            "rate": _percent(f["promise_rate"]),
        },
        _("五、存在的不足和下一步打算。（请补充。）"),
    ]
    return "\n\n".join(str(p) for p in paragraphs)


def unit_report_draft(*, actor: User, unit: HandlingUnit, year: int) -> UnitReport:
    """The unit's report for the year: the existing one, or a new draft written from the unit's records. Opening it
    twice (two tabs, a double click) gives the same report."""
    _officer_of(actor, unit)
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise ValidationError(
            {"year": _("年度应在 %(first)s 至 %(last)s 之间。") % {"first": FIRST_YEAR, "last": this_year}}
        )
    found = UnitReport.objects.filter(unit=unit, year=year).first()
    if found is not None:
        return found
    figures = unit_records.unit_figures(unit.organization_id, unit.pk, year)
    try:
        with transaction.atomic():
            report = UnitReport.objects.create(
                organization_id=unit.organization_id,
                unit=unit,
                year=year,
                title=draft_title(unit, year),
                text=draft_text(unit, year, figures),
                created_by=actor,
            )
            audit(actor, "unit_report_draft", report, unit=unit.pk, year=year)
    except IntegrityError:  # drafted at the same moment by another request: that one is the report
        return UnitReport.objects.get(unit=unit, year=year)
    return report


def unit_report_save(*, actor: User, report: UnitReport, title: str, text: str) -> UnitReport:
    """The officer's edit of a draft or of a report sent back; refused once submitted."""
    _officer_of(actor, report.unit)
    errors = {
        name: message
        for name, message in (
            ("title", text_error(title, TITLE_MAX, _("标题"))),
            ("text", text_error(text, TEXT_MAX, _("正文"))),
        )
        if message
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = core.lock(report)
        _status(locked, Status.DRAFT, Status.RETURNED)
        locked.title, locked.text, locked.updated_at = title.strip(), text.strip(), timezone.now()
        locked.save(update_fields=["title", "text", "updated_at"])
        audit(actor, "unit_report_save", locked)
    return core.refresh(report, locked)


def unit_report_regenerate(*, actor: User, report: UnitReport) -> UnitReport:
    """The draft's text written again from today's records (the officer's edits are replaced)."""
    _officer_of(actor, report.unit)
    figures = unit_records.unit_figures(report.organization_id, report.unit_id, report.year)
    with transaction.atomic():
        locked = core.lock(report)
        _status(locked, Status.DRAFT, Status.RETURNED)
        locked.text, locked.updated_at = draft_text(report.unit, report.year, figures), timezone.now()
        locked.save(update_fields=["text", "updated_at"])
        audit(actor, "unit_report_regenerate", locked)
    return core.refresh(report, locked)


def unit_report_submit(*, actor: User, report: UnitReport) -> UnitReport:
    """To the proposals office, with the figures as they stand now kept beside the text."""
    _officer_of(actor, report.unit)
    figures = unit_records.unit_figures(report.organization_id, report.unit_id, report.year)
    with transaction.atomic():
        locked = core.lock(report)
        _status(locked, Status.DRAFT, Status.RETURNED)
        locked.status, locked.figures = Status.SUBMITTED, figures
        locked.submitted_at, locked.submitted_by = timezone.now(), actor
        locked.save(update_fields=["status", "figures", "submitted_at", "submitted_by"])
        audit(actor, "unit_report_submit", locked)
        notify(
            recipients=users_with_role(locked.organization_id, Role.PROPOSALS_STAFF),
            kind="proposal.unit_report",
            title=lambda: (
                _("%(unit)s提交了%(year)s年度提案办理工作总结，请审核")
                % {"unit": locked.unit.name, "year": locked.year}
            ),
            url=locked.get_absolute_url(),
            organization=locked.organization_id,
        )
    return core.refresh(report, locked)


def _tell_unit(report: UnitReport, title: Any, body: Any = "") -> None:
    notify(
        recipients=unit_officers([report.unit_id], report.organization_id),
        kind="proposal.unit_report",
        title=title,
        body=body,
        url=report.get_absolute_url(),
        organization=report.organization_id,
    )


def unit_report_return(*, actor: User, report: UnitReport, reason: str) -> UnitReport:
    """Sent back to the unit with the reason, which the officer reads on the report."""
    _office(actor, report.organization_id)
    problem = text_error(reason, REASON_MAX, _("退回理由"))
    if problem:
        raise ValidationError({"reason": problem})
    with transaction.atomic():
        locked = core.lock(report)
        _status(locked, Status.SUBMITTED)
        locked.status, locked.return_reason = Status.RETURNED, reason.strip()
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.save(update_fields=["status", "return_reason", "reviewed_at", "reviewed_by"])
        audit(actor, "unit_report_return", locked, reason=locked.return_reason)
        _tell_unit(
            locked,
            lambda: _("%(year)s年度提案办理工作总结被退回修改") % {"year": locked.year},
            lambda: _("退回理由：%(reason)s") % {"reason": locked.return_reason},
        )
    return core.refresh(report, locked)


def unit_report_accept(*, actor: User, report: UnitReport) -> UnitReport:
    _office(actor, report.organization_id)
    with transaction.atomic():
        locked = core.lock(report)
        _status(locked, Status.SUBMITTED)
        locked.status, locked.return_reason = Status.ACCEPTED, ""
        locked.reviewed_at, locked.reviewed_by = timezone.now(), actor
        locked.save(update_fields=["status", "return_reason", "reviewed_at", "reviewed_by"])
        audit(actor, "unit_report_accept", locked)
    return core.refresh(report, locked)


def unit_report_publish(*, actor: User, report: UnitReport) -> UnitReport:
    """Published: members read it, and it is shown on the public portal of replies."""
    _office(actor, report.organization_id)
    with transaction.atomic():
        locked = core.lock(report)
        _status(locked, Status.ACCEPTED)
        locked.status, locked.published_at, locked.published_by = Status.PUBLISHED, timezone.now(), actor
        locked.save(update_fields=["status", "published_at", "published_by"])
        audit(actor, "unit_report_publish", locked)
        _tell_unit(locked, lambda: _("%(year)s年度提案办理工作总结已公布") % {"year": locked.year})
    return core.refresh(report, locked)


# the evaluation's weights


def evaluation_weights_save(
    *, actor: User, organization: Organization | int, on_time: Any, satisfaction: Any, promises: Any, grades: Any
) -> UnitEvaluationWeights:
    """The organization's weights of the four rates, whole percents that are not negative and sum to 100."""
    org_id = organization_id(organization)
    if not has_role(actor, Role.PROPOSALS_STAFF, org_id):
        raise PermissionDenied(_("只有提案委员会工作人员可以设置承办单位评价权重。"))
    values = {"on_time": on_time, "satisfaction": satisfaction, "promises": promises, "grades": grades}
    errors: dict[str, str] = {}
    for name, value in values.items():
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            errors[name] = _("请填写 0 到 100 之间的整数。")
        elif value < 0:
            errors[name] = _("权重不能为负数。")
        elif value > 100:
            errors[name] = _("权重不能超过 100。")
    if errors:
        raise ValidationError(errors)
    total = sum(values.values())
    if total != 100:
        raise ValidationError({"__all__": _("各项权重之和应为 100，现在是 %(total)s。") % {"total": total}})
    with transaction.atomic():
        row = UnitEvaluationWeights.objects.select_for_update().filter(
            organization_id=org_id
        ).first() or UnitEvaluationWeights(organization_id=org_id)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by, row.updated_at = actor, timezone.now()
        row.save()
        audit(actor, "unit_evaluation_weights", row, **values)
    return row
