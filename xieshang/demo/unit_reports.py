"""Demo: the report year's promises carried out or not, each unit's annual handling report in a believable state,
and the evaluation of units (decision 0030).

The promises of the report year's B replies (tracked as outcomes since the replies reached the members) are carried
out by their units at the pace each unit keeps: a diligent unit keeps most by the promised date, a slow one late or
not at all, so the ranking has a spread. In January after the report year the units draft their reports from their
records; by the time the demo is looked at, most are published, some are with the office, one was sent back and a
few are still drafts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from xieshang.consultations import services as consultation_services
from xieshang.proposals import unit_records
from xieshang.proposals.models import Reply
from xieshang.proposals.services import unit_reports

from .proposals import Clock, simulated
from .registry import history
from .report import REPORT_YEAR

# The office's later weights: satisfaction counts most, as in most cities' rules.
WEIGHTS = {"on_time": 30, "satisfaction": 40, "promises": 20, "grades": 10}
# Each unit's report goes through the year-end in one of these states, in turn.
FATES = ("published", "published", "submitted", "published", "draft", "accepted", "returned", "published", "draft")
PRACTICE = (
    "我单位成立了由主要负责同志任组长的提案办理工作领导小组，将提案逐件分解到责任处室，明确办理时限，"
    "建立了“主要领导亲自抓、分管领导具体抓、责任处室抓落实”的工作机制。"
)
NEXT_STEPS = (
    "五、存在的不足和下一步打算。个别提案办理与提案人沟通还不够充分，部分承诺事项受资金和规划因素影响进度偏慢。"
    "下一步，我单位将坚持办前、办中、办后全过程沟通，对列入计划解决的事项逐项明确时间表，确保承诺事项按期兑现。"
)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _carry_out_promises(rng, clock: Clock, officer_of: dict[int, object], organization_id: int) -> None:
    promises = list(
        unit_records.promises(organization_id, None, REPORT_YEAR)
        .filter(state__key="sent", promised_on__isnull=False)
        .order_by("promised_on", "id")
    )
    sent = dict(Reply.objects.filter(pk__in=[p.origin_id for p in promises]).values_list("pk", "sent_at"))
    diligence = {unit_id: rng.uniform(0.3, 0.95) for unit_id in sorted({p.owner_unit_id for p in promises})}
    fates = []
    for outcome in promises:
        draw, keeps = rng.random(), diligence[outcome.owner_unit_id]
        fates.append("kept" if draw < keeps else "late" if draw < keeps + 0.2 else "open")
    # Every state shows, however small the demo: the least diligent units are the late and the open ones.
    by_diligence = sorted(range(len(promises)), key=lambda i: diligence[promises[i].owner_unit_id])
    for fate, i in zip(("open", "late"), by_diligence, strict=False):
        if fate not in fates:
            fates[i] = fate
    for outcome, fate in zip(promises, fates, strict=True):
        officer = officer_of.get(outcome.owner_unit_id)
        if officer is None:
            continue
        if fate == "kept":
            done_on = outcome.promised_on - timedelta(days=rng.randint(3, 40))
        elif fate == "late":
            done_on = outcome.promised_on + timedelta(days=rng.randint(10, 60))
        else:
            done_on = None  # still open, past its date
        start = timezone.localdate(sent[outcome.origin_id]) + timedelta(days=rng.randint(2, 10))
        clock.value = _at(start)
        consultation_services.outcome_transition(actor=officer, outcome=outcome, key="adopt")
        consultation_services.outcome_transition(actor=officer, outcome=outcome, key="implement")
        if done_on is None:
            clock.value = _at(start + timedelta(days=20), 15)
            consultation_services.progress_add(
                actor=officer, outcome=outcome, text="已完成前期调研和方案编制，正在协调资金。", percent=40
            )
            continue
        done_on = max(done_on, start + timedelta(days=1))
        clock.value = _at(done_on, 15)
        consultation_services.progress_add(actor=officer, outcome=outcome, text="承诺事项已全部完成。", percent=100)
        consultation_services.outcome_transition(actor=officer, outcome=outcome, key="complete")


def _write_report(rng, clock: Clock, officer, staff, unit, fate: str) -> None:
    day = date(REPORT_YEAR + 1, 1, 6) + timedelta(days=rng.randint(0, 12))
    clock.value = _at(day, 9)
    report = unit_reports.unit_report_draft(actor=officer, unit=unit, year=REPORT_YEAR)
    if fate == "draft":
        return
    text = report.text.replace("（请补充本单位加强组织领导、健全办理机制的主要做法。）", PRACTICE)
    text = text.replace("五、存在的不足和下一步打算。（请补充。）", NEXT_STEPS)
    clock.value = _at(day + timedelta(days=rng.randint(2, 6)), 16)
    unit_reports.unit_report_save(actor=officer, report=report, title=report.title, text=text)
    unit_reports.unit_report_submit(actor=officer, report=report)
    if fate == "submitted":
        return
    clock.value = _at(day + timedelta(days=rng.randint(8, 12)), 10)
    if fate == "returned":
        unit_reports.unit_report_return(
            actor=staff,
            report=report,
            reason="请补充逾期答复件的原因分析，以及未兑现承诺事项的整改措施和时间表。",
        )
        return
    unit_reports.unit_report_accept(actor=staff, report=report)
    if fate == "accepted":
        return
    clock.value = _at(day + timedelta(days=rng.randint(14, 20)), 10)
    unit_reports.unit_report_publish(actor=staff, report=report)


def build(ctx) -> None:
    rng = ctx.rng
    data = ctx.data
    organization = data["organization"]
    staff = data["accounts"]["proposals"]
    officer_of: dict[int, object] = {}
    units = {}
    for user, unit in data["unit_officers"]:
        officer_of.setdefault(unit.pk, user)
        units[unit.pk] = unit
    clock = Clock(timezone.now())
    real_now = clock.value
    with history(), simulated(clock):
        _carry_out_promises(rng, clock, officer_of, organization.pk)
        counted = unit_records.counts(organization.pk, sorted(units), REPORT_YEAR)
        busy = [units[u] for u in sorted(units, key=lambda u: units[u].name) if any(counted[u].values())]
        # The demo unit account's report was sent back: its officer finds the reason on his workbench.
        demo_unit = next((unit for user, unit in data["unit_officers"] if user == data["accounts"]["unit"]), None)
        if demo_unit is not None:
            busy = [demo_unit] + [u for u in busy if u.pk != demo_unit.pk]
            _write_report(rng, clock, data["accounts"]["unit"], staff, demo_unit, "returned")
        for i, unit in enumerate(busy[1:] if demo_unit is not None else busy):
            _write_report(rng, clock, officer_of[unit.pk], staff, unit, FATES[i % len(FATES)])
        clock.value = real_now
        unit_reports.evaluation_weights_save(actor=staff, organization=organization, **WEIGHTS)
    ctx.say(f"  {len(busy)} units' {REPORT_YEAR} handling reports, the report year's promises carried out")
