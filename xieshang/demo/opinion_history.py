"""The bulk of the demo's 2021 history, written in batches with exactly the rows the services write (reports,
authors, versions, issues, dispatches, forwards, replies, instructions, adoptions, duty entries) and the workflow
events the engine records for each transition, from the same installed workflow (states, transitions, names).

Running some 9,000 transitions one by one through the services takes minutes; the services themselves still move
the last weeks of the year and today's reports (opinions.py), so both paths stay exercised. Audit rows are not
written for this imported history, as for records migrated from an earlier system; duty entries go through duties'
duty_history_load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone

from xieshang.accounts.models import MemberProfile
from xieshang.core.models import Counter
from xieshang.duties.services import PastAct, duty_history_load
from xieshang.instructions.models import Instruction
from xieshang.opinions.models import (
    Adoption,
    BulletinIssue,
    Dispatch,
    Forward,
    Level,
    Report,
    ReportAuthor,
    ReportVersion,
)
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import workflow_for


def _at(rng, day, hour_from=8, hour_to=17):
    minutes = rng.randint(hour_from * 60 + 30, hour_to * 60 + 30)
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))


class _Plan:
    __slots__ = ("report", "authors", "versions", "events", "dispatches", "forwards", "instructions", "adoptions")

    def __init__(self, report):
        self.report = report
        self.authors = []
        self.versions = []
        self.events = []  # (transition key or None for start, at, actor, payload, reason)
        self.dispatches = []  # Dispatch (unsaved)
        self.forwards = []  # (Forward, replier or None)
        self.instructions = []
        self.adoptions = []  # (level, adopted_on, note)


@dataclass
class _Fates:
    """What becomes of each report of the bulk weeks (by its index), drawn up front so that the year's figures are
    exactly the work report's: edited, sent to the city or forwarded, sent to the province, adopted nationally."""

    edited: set[int]
    city: set[int]
    provincial: set[int]
    national: set[int]
    adopted_national: set[int]


def _fates(rng, total: int, targets: dict) -> _Fates:
    if total < targets["edited"]:
        raise ValueError(f"{total} reports collected, fewer than the {targets['edited']} to edit")
    edited = sorted(rng.sample(range(total), targets["edited"]))
    national = sorted(rng.sample(edited, max(3 * targets["national_adopted"], round(0.05 * len(edited)))))
    return _Fates(
        edited=set(edited),
        city=set(rng.sample(edited, targets["to_city"])),
        provincial=set(rng.sample(edited, targets["provincial"])),
        national=set(national),
        adopted_national=set(rng.sample(national, targets["national_adopted"])),
    )


@dataclass
class _Load:
    """What the weeks of history share: the people, recipients and helpers, the plans and issues written so far."""

    rng: Any
    org: Any
    staff: Any
    wf: Any
    authors_pool: list
    members: list
    leader_users: list
    units: dict
    by_level: dict
    text: Callable
    editor_touch: Callable
    officer_of: Callable
    reply_text: Callable
    constants: dict
    fates: _Fates
    counts: dict = field(
        default_factory=lambda: {"collected": 0, "edited": 0, "own": 0, "provincial": 0, "national_adopted": 0}
    )
    plans: list[_Plan] = field(default_factory=list)
    issues: list[tuple[BulletinIssue, list[_Plan]]] = field(default_factory=list)
    numbers: dict = field(default_factory=lambda: {BulletinIssue.Kind.REGULAR: 0, BulletinIssue.Kind.SPECIAL: 0})
    seq: int = 0
    base: int = 0  # numbers already used in 2021 before the load; the fates index from here


def load(
    ctx,
    rng,
    *,
    org,
    staff,
    weeks,
    authors_pool,
    members,
    leader_users,
    units,
    by_level,
    text,
    editor_touch,
    officer_of,
    reply_text,
    constants,
) -> dict:
    """Write `weeks` of history; returns the counts for the summary line."""
    wf = workflow_for(org, "opinion_report")
    states = {s.key: s for s in wf.states.all()}
    transitions = {t.key: t for t in wf.transitions.select_related("target")}
    run = _Load(
        rng,
        org,
        staff,
        wf,
        authors_pool,
        members,
        leader_users,
        units,
        by_level,
        text,
        editor_touch,
        officer_of,
        reply_text,
        constants,
        fates=_fates(rng, sum(sizes := [rng.randint(22, 28) for _ in weeks]), constants["targets"]),
    )
    run.seq = run.base = Report.objects.filter(organization=org, year=2021).aggregate(m=Max("seq"))["m"] or 0
    for week, size in zip(weeks, sizes, strict=True):
        batch = _collect(run, week, size)
        edit_day = week[-1] + timedelta(days=3)
        approved = _edit(run, batch, edit_day)
        publish_day = edit_day + timedelta(days=2)
        _publish(run, approved, publish_day)
        for plan, unit_names in approved:
            _send(run, plan, unit_names, publish_day, weeks[-1][-1])

    _write(org, staff, wf, states, transitions, run.plans, run.issues)
    # Reports numbered one by one before this bulk load (proposals converted in 2021) keep their numbers; the one
    # counter continues after the last number written here.
    Counter.objects.filter(scope="opinions.report", organization_id=org.pk, year=2021, last__lt=run.seq).update(
        last=run.seq
    )
    return run.counts


def _collect(run: _Load, week, size: int) -> list:
    rng = run.rng
    batch = []
    for _ in range(size):
        submitted = _at(rng, rng.choice(week))
        author = rng.choice(run.authors_pool)
        title, body, unit_names = run.text(rng)
        run.seq += 1
        report = Report(
            organization=run.org,
            year=2021,
            seq=run.seq,
            title=title,
            body=body,
            urgent=rng.random() < 0.06,
            submitter=author,
            submitted_at=submitted,
            workflow=run.wf,
        )
        profile = _profiles(run.org).get(author.pk)
        if profile is not None:
            report.sector_id, report.party = profile
        plan = _Plan(report)
        coauthors = [c for c in (rng.sample(run.members[2:], k=1) if rng.random() < 0.15 else []) if c.pk != author.pk]
        plan.authors = [author, *coauthors]
        plan.versions.append((title, body, author, "原稿", submitted))
        plan.events.append((None, submitted, author, {"urgent": report.urgent}, ""))
        run.counts["collected"] += 1
        run.plans.append(plan)
        batch.append((plan, unit_names))
    return batch


def _edit(run: _Load, batch: list, edit_day) -> list:
    rng, staff = run.rng, run.staff
    approved = []
    for plan, unit_names in batch:
        report = plan.report
        at = _at(rng, edit_day, 8, 11)
        if report.seq - 1 - run.base not in run.fates.edited:
            reason = rng.choice(run.constants["close_reasons"])
            plan.events.append(("close", at, staff, {}, reason))
            report.close_reason, report.closed_at = reason, at
            continue
        plan.events.append(("take_up", at, staff, {}, ""))
        if rng.random() < 0.8:
            edited = run.editor_touch(rng, report.body)
            plan.versions.append((report.title, edited, staff, "文字精简", at + timedelta(minutes=20)))
            report.body = edited
        approved_at = at + timedelta(hours=3)
        plan.events.append(("approve", approved_at, staff, {}, ""))
        report.edited_at = approved_at
        run.counts["edited"] += 1
        approved.append((plan, unit_names))
    return approved


def _publish(run: _Load, approved: list, publish_day) -> None:
    staff = run.staff
    published_at = _at(run.rng, publish_day, 9, 11)
    regular = [p for p in approved if not p[0].report.urgent]
    groups = [regular[i : i + 5] for i in range(0, len(regular), 5)] + [[p] for p in approved if p[0].report.urgent]
    for group in groups:
        kind = BulletinIssue.Kind.SPECIAL if group[0][0].report.urgent else BulletinIssue.Kind.REGULAR
        run.numbers[kind] += 1
        issue = BulletinIssue(
            organization=run.org,
            year=2021,
            kind=kind,
            number=run.numbers[kind],
            status=BulletinIssue.Status.PUBLISHED,
            created_by=staff,
            created_at=published_at - timedelta(hours=2),
            published_at=published_at,
            published_by=staff,
        )
        members_of_issue = []
        for order, (plan, _) in enumerate(group, start=1):
            plan.report.issue_order = order
            plan.report.issued_at = published_at
            members_of_issue.append(plan)
        run.issues.append((issue, members_of_issue))
        label = f"《{issue.get_kind_display()}》2021年第{issue.number}期"
        for plan in members_of_issue:
            plan.events.append(("publish", published_at, staff, {"issue": label}, ""))


def _send(run: _Load, plan: _Plan, unit_names, publish_day, last_day) -> None:
    rng, staff, report = run.rng, run.staff, plan.report
    own, provincial, national = (run.by_level.get(k, []) for k in (Level.OWN, Level.PROVINCIAL, Level.NATIONAL))
    sent_at = _at(rng, publish_day + timedelta(days=1))
    index, fates = report.seq - 1 - run.base, run.fates
    targets = []
    if index in fates.city:
        targets += rng.sample(own, k=rng.randint(1, len(own)))
    if index in fates.provincial:
        targets += provincial
    if national and index in fates.national:
        targets += national
    forwarded = index in fates.city and rng.random() < 0.35
    chosen_units = [run.units[n] for n in unit_names if n in run.units][:2] if forwarded else []
    if not targets and not chosen_units:
        plan.events.append(("archive", sent_at + timedelta(hours=1), staff, {}, ""))
        report.closed_at = sent_at + timedelta(hours=1)
        return
    if targets:
        for t in targets:
            plan.dispatches.append(Dispatch(recipient=t, level=t.level, sent_at=sent_at, sent_by=staff))
        plan.events.append(("send_up", sent_at, staff, {"recipients": "、".join(t.name for t in targets)}, ""))
        levels = {t.level for t in targets}
        run.counts["own"] += Level.OWN in levels
        run.counts["provincial"] += Level.PROVINCIAL in levels
    if chosen_units:
        replied_at = _forward(run, plan, chosen_units, sent_at, publish_day)
    if not targets:
        plan.events.append(("archive", replied_at + timedelta(days=1), staff, {}, ""))
        report.closed_at = replied_at + timedelta(days=1)
        return
    _follow_up(run, plan, {t.level for t in targets}, publish_day, last_day)


def _forward(run: _Load, plan: _Plan, chosen_units: list, sent_at, publish_day):
    """The forwards to the bureaus and their replies; returns when the replies came."""
    rng, staff = run.rng, run.staff
    forwarded_at = sent_at + timedelta(minutes=30)
    plan.events.append(("forward", forwarded_at, staff, {"units": "、".join(u.name for u in chosen_units)}, ""))
    replied_at = _at(rng, publish_day + timedelta(days=rng.randint(12, 30)))
    for unit in chosen_units:
        forward = Forward(unit=unit, forwarded_at=forwarded_at, forwarded_by=staff, note="请研究办理并于一个月内回复。")
        officer = run.officer_of(unit)
        if officer is not None and rng.random() < 0.85:
            forward.reply, forward.replied_at, forward.replied_by = (
                run.reply_text(rng, unit.name),
                replied_at,
                officer,
            )
            plan.events.append(("reply", replied_at, officer, {"unit": unit.name}, ""))
        plan.forwards.append(forward)
    return replied_at


def _follow_up(run: _Load, plan: _Plan, levels: set, publish_day, last_day) -> None:
    """Instructions and adoptions some days after sending, then the archive."""
    rng, staff = run.rng, run.staff
    adoption_notes = run.constants["adoption_notes"]
    later = max(min(publish_day + timedelta(days=rng.randint(5, 40)), last_day), publish_day + timedelta(days=2))
    later_at = _at(rng, later)
    if Level.OWN in levels and rng.random() < 0.12:
        _instruct(run, plan, later, later_at)
    for level, chance in ((Level.OWN, 0.3), (Level.PROVINCIAL, 0.2)):
        if level in levels and rng.random() < chance:
            plan.adoptions.append((level, later, adoption_notes[level]))
    if Level.NATIONAL in levels and plan.report.seq - 1 - run.base in run.fates.adopted_national:
        plan.adoptions.append((Level.NATIONAL, later, adoption_notes[Level.NATIONAL]))
        run.counts["national_adopted"] += 1
    for level, _day, _note in plan.adoptions:
        plan.events.append(("adopt", later_at + timedelta(minutes=5), staff, {"level": str(Level(level).label)}, ""))
    # Archived once everything else happened (a bureau's reply may come after the adoption).
    archive_at = max(e[1] for e in plan.events) + timedelta(days=3)
    plan.events.append(("archive", archive_at, staff, {}, ""))
    plan.report.closed_at = archive_at


def _instruct(run: _Load, plan: _Plan, later, later_at) -> None:
    rng, staff = run.rng, run.staff
    title, level = rng.choice(run.constants["leaders"][:5])
    leader = rng.choice(run.leader_users) if rng.random() < 0.3 else None
    name = leader.display_name if leader else rng.choice("王李张刘陈杨赵黄周吴") + "某某"
    instruction = Instruction(
        leader=leader,
        leader_name=name,
        leader_title=title,
        level=level,
        text=rng.choice(run.constants["instructions"]).format(unit="有关部门"),
        instructed_on=later,
        recorded_by=staff,
        created_at=later_at,
    )
    plan.instructions.append(instruction)
    plan.events.append(
        ("instruct", later_at, staff, {"leader": f"{title}{name}", "level": str(Level(level).label)}, "")
    )


_profile_cache: dict[int, dict] = {}


def _profiles(org) -> dict:
    if org.pk not in _profile_cache:
        _profile_cache.clear()
        _profile_cache[org.pk] = {
            p["user_id"]: (p["sector_id"], p["party"])
            for p in MemberProfile.objects.filter(organization=org).values("user_id", "sector_id", "party")
        }
    return _profile_cache[org.pk]


def _write(org, staff, wf, states, transitions, plans, issues) -> None:
    for plan in plans:
        last = plan.events[-1]
        key = last[0]
        report = plan.report
        report.state = transitions[key].target if key else states["collected"]
        report.state_entered_at = max(e[1] for e in plan.events)
    BulletinIssue.objects.bulk_create([issue for issue, _ in issues], batch_size=500)
    for issue, members in issues:
        for plan in members:
            plan.report.issue = issue
    Report.objects.bulk_create([p.report for p in plans], batch_size=500)
    ReportAuthor.objects.bulk_create(
        [ReportAuthor(report=p.report, user=u, order=i) for p in plans for i, u in enumerate(p.authors)],
        batch_size=1000,
    )
    ReportVersion.objects.bulk_create(
        [
            ReportVersion(
                report=p.report,
                number=n,
                title=t,
                body=b,
                editor=e,
                editor_name=e.display_name,
                note=note,
                created_at=at,
            )
            for p in plans
            for n, (t, b, e, note, at) in enumerate(p.versions, start=1)
        ],
        batch_size=500,
    )
    for p in plans:
        for d in p.dispatches:
            d.report = p.report
        for f in p.forwards:
            f.report = p.report
        for i in p.instructions:
            i.subject = p.report
    Dispatch.objects.bulk_create([d for p in plans for d in p.dispatches], batch_size=1000)
    Forward.objects.bulk_create([f for p in plans for f in p.forwards], batch_size=1000)
    Instruction.objects.bulk_create([i for p in plans for i in p.instructions], batch_size=1000)
    adoptions = []
    for p in plans:
        first_dispatch = {}
        for d in p.dispatches:
            first_dispatch.setdefault(d.level, d)
        for level, day, note in p.adoptions:
            adoptions.append(
                Adoption(
                    report=p.report,
                    level=level,
                    dispatch=first_dispatch[level],
                    adopted_on=day,
                    note=note,
                    recorded_by=staff,
                )
            )
    Adoption.objects.bulk_create(adoptions, batch_size=1000)
    _events(org, wf, states, transitions, plans)
    _credits(org, plans, adoptions)


def _events(org, wf, states, transitions, plans) -> None:
    ct = ContentType.objects.get_for_model(Report)
    rows = []
    for p in plans:
        current = None
        for key, at, actor, payload, reason in p.events:
            if key is None:
                target, transition, kind, name = (
                    states["collected"],
                    None,
                    WorkflowEvent.Kind.START,
                    str(WorkflowEvent.Kind.START.label),
                )
            else:
                transition = transitions[key]
                target, kind, name = transition.target, WorkflowEvent.Kind.TRANSITION, transition.name
            rows.append(
                WorkflowEvent(
                    content_type=ct,
                    object_id=p.report.pk,
                    organization_id=org.pk,
                    workflow=wf,
                    kind=kind,
                    transition=transition,
                    from_state=current,
                    to_state=target,
                    actor=actor,
                    actor_name=actor.display_name,
                    transition_name=name,
                    from_state_name=current.name if current else "",
                    to_state_name=target.name,
                    payload=payload,
                    reason=reason,
                    at=at,
                )
            )
            current = target
    WorkflowEvent.objects.bulk_create(rows, batch_size=1000)


def _credits(org, plans, adoptions) -> None:
    authors = {p.report.pk: p.authors for p in plans}
    acts = []
    for a in adoptions:
        for person in authors[a.report.pk]:
            acts.append(
                PastAct(
                    person,
                    f"opinion_adopted_{a.level}",
                    a,
                    a.report.title,
                    a.report.get_absolute_url(),
                    f"被{Level(a.level).label}采用",
                    a.adopted_on,
                )
            )
    for p in plans:
        for i in p.instructions:
            for person in p.authors:
                acts.append(
                    PastAct(
                        person,
                        f"opinion_instruction_{i.level}",
                        i,
                        p.report.title,
                        p.report.get_absolute_url(),
                        f"{i.leader_name}批示",
                        i.instructed_on,
                    )
                )
    duty_history_load(organization=org, acts=acts)
