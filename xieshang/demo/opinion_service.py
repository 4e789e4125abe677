"""The last weeks of the demo's 2021 opinions, moved one report at a time through the real services (opinions.py
builds the rest: the bulk history through opinion_history, and today's work)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from xieshang.opinions import services
from xieshang.opinions.models import BulletinIssue, Level, Report


@dataclass
class _Run:
    """What the service weeks share: the people, the recipients, the text helpers, the counts so far."""

    rng: Any
    clock: Any
    org: Any
    staff: Any
    leader_users: list
    authors_pool: list
    members: list
    units: dict
    by_level: dict
    national_budget: int
    text: Callable
    editor_touch: Callable
    officer_of: Callable
    reply_text: Callable
    constants: dict
    counts: dict = field(
        default_factory=lambda: {"collected": 0, "edited": 0, "own": 0, "provincial": 0, "national_adopted": 0}
    )


def service_weeks(
    rng,
    clock,
    org,
    staff,
    leader_users,
    authors_pool,
    members,
    units,
    by_level,
    weeks,
    *,
    national_budget: int,
    text: Callable,
    editor_touch: Callable,
    officer_of: Callable,
    reply_text: Callable,
    constants: dict,
) -> dict:
    """Each week's reports submitted, edited, issued, sent up or forwarded, instructed, adopted and archived."""
    run = _Run(
        rng,
        clock,
        org,
        staff,
        leader_users,
        authors_pool,
        members,
        units,
        by_level,
        national_budget,
        text,
        editor_touch,
        officer_of,
        reply_text,
        constants,
    )
    for week in weeks:
        batch = _collect(run, week)
        # Edited within days; about one in ten is not used.
        edit_day = week[-1] + timedelta(days=3)
        approved = _edit(run, batch, edit_day)
        publish_day = edit_day + timedelta(days=2)
        approved = _publish(run, approved, publish_day)
        # Sending up and forwarding; then instructions, replies, adoptions, archive.
        for report, unit_names in approved:
            _send(run, report, unit_names, publish_day)
    return run.counts


def _collect(run: _Run, week) -> list:
    rng = run.rng
    batch = []
    for _ in range(rng.randint(21, 27)):
        day = rng.choice(week)
        run.clock.at(day, rng)
        author = rng.choice(run.authors_pool)
        title, body, unit_names = run.text(rng)
        coauthors = rng.sample(run.members[2:], k=1) if rng.random() < 0.15 else []
        coauthors = [c for c in coauthors if c.pk != author.pk]
        report = services.report_submit(
            actor=author,
            organization=run.org,
            title=title,
            body=body,
            urgent=rng.random() < 0.06,
            coauthors=coauthors,
        )
        run.counts["collected"] += 1
        batch.append((report, unit_names))
    return batch


def _edit(run: _Run, batch: list, edit_day) -> list:
    rng, staff = run.rng, run.staff
    approved = []
    for report, unit_names in batch:
        run.clock.at(edit_day, rng)
        if rng.random() < 0.11:
            services.report_transition(
                actor=staff, report=report, key="close", reason=rng.choice(run.constants["close_reasons"])
            )
            continue
        services.report_transition(actor=staff, report=report, key="take_up")
        if rng.random() < 0.8:
            services.report_edit(
                actor=staff,
                report=report,
                title=report.title,
                body=run.editor_touch(rng, report.body),
                note="文字精简",
            )
        services.report_transition(actor=staff, report=report, key="approve")
        approved.append((report, unit_names))
        run.counts["edited"] += 1
    return approved


def _publish(run: _Run, approved: list, publish_day) -> list:
    """Issues of four to six reports; urgent ones go out alone as 专报. The approved reports, re-read."""
    staff = run.staff
    run.clock.at(publish_day, run.rng)
    regular = [(r, u) for r, u in approved if not r.urgent]
    groups = [regular[i : i + 5] for i in range(0, len(regular), 5)] + [[p] for p in approved if p[0].urgent]
    for group in groups:
        kind = BulletinIssue.Kind.SPECIAL if group[0][0].urgent else BulletinIssue.Kind.REGULAR
        issue = services.issue_create(actor=staff, organization=run.org, kind=kind)
        services.issue_add_reports(actor=staff, issue=issue, reports=[r for r, _ in group])
        services.issue_publish(actor=staff, issue=issue)
    fresh = Report.objects.select_related("state").in_bulk([r.pk for r, _ in approved])
    return [(fresh[r.pk], u) for r, u in approved]


def _send(run: _Run, report, unit_names, publish_day) -> None:
    rng, staff = run.rng, run.staff
    own, provincial, national = (
        run.by_level.get(Level.OWN, []),
        run.by_level.get(Level.PROVINCIAL, []),
        run.by_level.get(Level.NATIONAL, []),
    )
    run.clock.at(publish_day + timedelta(days=1), rng)
    roll = rng.random()
    targets = []
    if roll < 0.677:
        targets += rng.sample(own, k=rng.randint(1, len(own)))
    if rng.random() < 0.323:
        targets += provincial
    if national and (rng.random() < 0.05 or run.national_budget > 0):
        # The year's last national adoptions come from these weeks' reports.
        targets += national
    forwarded = roll < 0.677 and rng.random() < 0.35
    if not targets and not forwarded:
        services.report_transition(actor=staff, report=report, key="archive")
        return
    if targets:
        services.report_send(actor=staff, report=report, recipients=targets)
        levels = {t.level for t in targets}
        run.counts["own"] += Level.OWN in levels
        run.counts["provincial"] += Level.PROVINCIAL in levels
    if forwarded:
        _forward(run, report, unit_names, publish_day)
    if not targets:
        services.report_transition(actor=staff, report=report, key="archive")
        return
    _follow_up(run, report, {t.level for t in targets}, publish_day)


def _forward(run: _Run, report, unit_names, publish_day) -> None:
    rng = run.rng
    chosen = [run.units[n] for n in unit_names if n in run.units][:2]
    if not chosen:
        return
    forwards = services.report_forward(
        actor=run.staff, report=report, units=chosen, note="请研究办理并于一个月内回复。"
    )
    run.clock.at(publish_day + timedelta(days=rng.randint(12, 30)), rng)
    for f in forwards:
        officer = run.officer_of(f.unit)
        if officer is not None and rng.random() < 0.85:
            services.forward_reply(actor=officer, forward=f, text=run.reply_text(rng, f.unit.name))


def _follow_up(run: _Run, report, levels: set, publish_day) -> None:
    """Instructions and adoptions some time after the report went out, then (for half of them) the archive."""
    rng, staff = run.rng, run.staff
    notes = run.constants["adoption_notes"]
    # Never before what already happened to this report (a bureau's reply may have come first).
    later = max(publish_day + timedelta(days=rng.randint(5, 40)), timezone.localdate(run.clock.value))
    run.clock.at(later, rng)
    if Level.OWN in levels and rng.random() < 0.12:
        _instruct(run, report, later)
    if Level.OWN in levels and rng.random() < 0.3:
        services.adoption_record(actor=staff, report=report, level=Level.OWN, adopted_on=later, note=notes[Level.OWN])
    if Level.PROVINCIAL in levels and rng.random() < 0.2:
        services.adoption_record(
            actor=staff, report=report, level=Level.PROVINCIAL, adopted_on=later, note=notes[Level.PROVINCIAL]
        )
    if Level.NATIONAL in levels and run.national_budget > 0:
        services.adoption_record(
            actor=staff, report=report, level=Level.NATIONAL, adopted_on=later, note=notes[Level.NATIONAL]
        )
        run.national_budget -= 1
        run.counts["national_adopted"] += 1
    if rng.random() < 0.5:
        run.clock.at(later + timedelta(days=3), rng)
        services.report_transition(actor=staff, report=report, key="archive")


def _instruct(run: _Run, report, later) -> None:
    rng = run.rng
    title, level = rng.choice(run.constants["leaders"][:5])
    leader = rng.choice(run.leader_users) if rng.random() < 0.3 else None
    services.instruction_record(
        actor=run.staff,
        report=report,
        level=level,
        leader=leader,
        leader_name="" if leader else rng.choice("王李张刘陈杨赵黄周吴") + "某某",
        leader_title=title,
        text=rng.choice(run.constants["instructions"]).format(unit="有关部门"),
        instructed_on=later,
    )
