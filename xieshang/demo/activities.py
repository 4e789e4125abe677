"""A year of members' activities at the work report's scale (DEMO_SCALE 1): the flood-control supervision by six
groups with its 68 visits, the 116 epidemic-control survey visits, 29 + 26 research reports for two consultations,
10 on-site promotion meetings, the reading salons, donation drives (7 million yuan given, 8 million in goods, 200
million mobilised) and volunteering, all in the report's year 2021 (demo.report); and members' studios with
reception days (the past ten months and the coming week), residents' bookings and the issues they raised (some
turned into room topics, opinion reports and proposal drafts).
Everything goes through the activities services under a simulated clock, so invitations, leave, attendance (imported
from generated sign-in sheets), duty credits dated at the activities, visits and their tracked recommendations are
real. Notifications are held back while the history loads.

Left waiting for the demo accounts: `member` is invited to an upcoming research visit (sign up or ask for leave) and
is on duty at next week's reception day of 文化路委员工作室, where residents have booked; `committee` has a leave
request to decide and recommendations to send; `resident` can book a slot."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from xieshang.activities import selectors, services
from xieshang.activities.models import Activity, ActivityKind
from xieshang.consultations import selectors as consultation_selectors
from xieshang.consultations import services as consultation_services

from . import activity_text as text
from .proposals import Clock, simulated
from .registry import DemoContext, history
from .report import REPORT_YEAR, RESEARCH_REPORTS, scaled

Organizer = Activity.Organizer


@dataclass
class _Cast:
    org: Any
    committee: Any
    member: Any
    resident: Any
    members: list
    residents: list
    units: dict
    officers: dict
    kinds: dict
    clock: Clock


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _n(ctx: DemoContext, count: int) -> int:
    return scaled(count, ctx.scale)


def _sheet(rows: list[tuple]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["委员", "出勤", "捐款（元）", "捐物折价（元）", "志愿服务（小时）", "动员社会捐赠（元）"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(
        "签到表.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def _plan(cast: _Cast, kind: str, title: str, organizer: tuple[str, str], place: str, starts: datetime, **kw) -> Any:
    """Create the activity ten days ahead of its start, under the clock."""
    cast.clock.value = starts - timedelta(days=10)
    return services.activity_create(
        actor=cast.committee,
        organization=cast.org,
        kind=cast.kinds[kind],
        title=title,
        organizer_kind=organizer[0],
        organizer_name=organizer[1],
        place=place,
        starts_at=starts,
        ends_at=kw.pop("ends_at", starts + timedelta(hours=3)),
        description=kw.pop("description", ""),
    )


def _open(cast: _Cast, activity: Any, people: list, leader: Any = None) -> None:
    if leader is not None:
        services.activity_invite(actor=cast.committee, activity=activity, members=[leader], part="leader")
    services.activity_invite(actor=cast.committee, activity=activity, members=[p for p in people if p != leader])
    services.activity_publish(actor=cast.committee, activity=activity)


def _hold(rng, cast: _Cast, activity: Any, amounts=None) -> list:
    """One member asks for leave (approved), the rest signed in on paper: the sheet is imported after the start,
    then the activity is marked held and closed. `amounts(attended)` gives each present member's row amounts
    (money, goods, hours, mobilised) by participation id. Returns the members present."""
    participations = list(activity.participations.select_related("member"))
    if len(participations) > 3:
        away = rng.choice(participations[1:])
        cast.clock.value = activity.starts_at - timedelta(days=2)
        services.participation_request_leave(actor=away.member, participation=away, reason=rng.choice(LEAVE_REASONS))
        services.participation_decide_leave(actor=cast.committee, participation=away, approve=True)
    cast.clock.value = activity.starts_at + timedelta(minutes=40)
    present = [p for p in participations if rng.random() < 0.9]
    given = amounts(present) if amounts else {}
    rows = []
    for p in participations:
        extra = given.get(p.pk, (None, None, None, None))
        rows.append((p.member.phone or p.member.username, "出席" if p in present else "缺席", *extra))
    services.attendance_import(actor=cast.committee, activity=activity, file=_sheet(rows))
    cast.clock.value = activity.ends_at + timedelta(hours=1)
    services.activity_mark_held(actor=cast.committee, activity=activity)
    services.activity_close(actor=cast.committee, activity=activity)
    return present


LEAVE_REASONS = ["赴外地参加全国会议", "单位有重要接待任务", "身体不适，医嘱休息", "出差在外", "参加市人大常委会会议"]


def _groups(rng, cast: _Cast, activity: Any, names: list[str], size: int) -> list:
    pool = rng.sample(cast.members, min(len(cast.members), len(names) * (size + 1)))
    groups = []
    for i, name in enumerate(names):
        people = pool[i * (size + 1) : (i + 1) * (size + 1)]
        if not people:
            break
        groups.append(
            services.group_create(
                actor=cast.committee, activity=activity, name=name, leader=people[0], members=people[1:]
            )
        )
    return groups


def _recommendation_follow(rng, cast: _Cast, outcome: Any) -> None:
    """Move a tracked recommendation some way along: sent, and perhaps adopted and carried out by its bureau."""
    roll = rng.random()
    if roll < 0.25:
        return
    consultation_services.outcome_transition(actor=cast.committee, outcome=outcome, key="send")
    officer = cast.officers.get(outcome.owner_unit_id)
    if officer is None or roll < 0.5:
        return
    cast.clock.value += timedelta(days=rng.randint(3, 12))
    consultation_services.outcome_transition(actor=officer, outcome=outcome, key="adopt")
    if roll > 0.75:
        consultation_services.outcome_transition(actor=officer, outcome=outcome, key="implement")


def _visits(rng, cast: _Cast, activity: Any, groups: list, count: int, texts: tuple, share: float) -> int:
    """`count` visits spread over the activity's span by its groups; about `share` of them recommend something."""
    places, findings, recommendations = texts
    span = (activity.ends_at - activity.starts_at).days or 1
    made = 0
    for i in range(count):
        group = groups[i % len(groups)]
        day = timezone.localdate(activity.starts_at) + timedelta(days=rng.randint(0, span - 1))
        visited = _at(day, rng.choice([9, 10, 14, 15]), rng.choice([0, 30]))
        cast.clock.value = visited + timedelta(hours=4)
        wanted = []
        if rng.random() < share:
            title, unit, body = rng.choice(recommendations)
            wanted.append(services.Recommendation(title, body, owner_unit=cast.units.get(unit)))
        visit = services.visit_record(
            actor=cast.committee,
            activity=activity,
            group=group,
            place=rng.choice(places),
            visited_at=visited,
            led_by=group.leader,
            findings="\n".join(rng.sample(findings, 2)),
            recommendations=[w for w in wanted if w.owner_unit is not None],
        )
        for outcome in consultation_selectors.outcomes_of_origins([visit]):
            _recommendation_follow(rng, cast, outcome)
            made += 1
    return made


def _supervisions(ctx: DemoContext, rng, cast: _Cast, year: int) -> tuple[int, int]:
    """The flood-control supervision (six groups, 68 visits) and the epidemic-control surveys (116 visits)."""
    made = visits = 0
    for kind, title, organizer, months, names, count, texts, share in (
        (
            "supervision",
            f"{year}年汛期防汛工作专项督导",
            (Organizer.COMMITTEE, "人口资源环境委员会"),
            (6, 8),
            text.FLOOD_GROUPS,
            68,
            (text.FLOOD_PLACES, text.FLOOD_FINDINGS, text.FLOOD_RECOMMENDATIONS),
            0.6,
        ),
        (
            "research",
            f"{year}年疫情防控工作专题调研",
            (Organizer.COMMITTEE, "教科卫体委员会"),
            (9, 11),
            ["第一调研组", "第二调研组", "第三调研组", "第四调研组"],
            116,
            (text.EPIDEMIC_PLACES, text.EPIDEMIC_FINDINGS, text.EPIDEMIC_RECOMMENDATIONS),
            0.3,
        ),
    ):
        starts = _at(date(year, months[0], 1), 9)
        activity = _plan(
            cast, kind, title, organizer, "各县（市、区）", starts, ends_at=_at(date(year, months[1], 28), 18)
        )
        groups = _groups(rng, cast, activity, names, 3)
        services.activity_publish(actor=cast.committee, activity=activity)
        made += _visits(rng, cast, activity, groups, _n(ctx, count), texts, share)
        visits += _n(ctx, count)
        _hold(rng, cast, activity)
    return visits, made


def _research(ctx: DemoContext, rng, cast: _Cast, year: int) -> int:
    """29 + 26 research visits, each leaving its research report, for two consultations' preparation."""
    reports = 0
    for theme_index, (consultation, topics) in enumerate(text.RESEARCH_THEMES):
        for i in range(_n(ctx, RESEARCH_REPORTS[theme_index])):
            topic = topics[i % len(topics)]
            starts = _at(date(year, 3 + theme_index * 4 + i % 4, 3 + (i * 7) % 24), 9)
            activity = _plan(
                cast,
                "research",
                f"{topic}专题调研",
                (Organizer.COMMITTEE, ("城建环保委员会", "经济委员会")[theme_index]),
                rng.choice(text.FLOOD_PLACES[:6] + text.EPIDEMIC_PLACES[:6]),
                starts,
                description=f"围绕“{consultation}”协商议题开展调研。",
            )
            people = rng.sample(cast.members, min(6, len(cast.members)))
            _open(cast, activity, people, leader=people[0])
            _hold(rng, cast, activity)
            services.output_add(
                actor=cast.committee,
                activity=activity,
                kind="report",
                title=f"关于{topic}的调研报告",
                text=(
                    f"调研组深入一线，召开座谈会{rng.randint(2, 5)}次，走访单位{rng.randint(6, 20)}家，"
                    f"形成报告。报告梳理了{topic}的现状和存在的主要问题，提出了针对性建议，供“{consultation}”协商参考。"
                ),
            )
            reports += 1
    return reports


def _meetings(ctx: DemoContext, rng, cast: _Cast, year: int) -> int:
    """On-site promotion meetings and reading salons."""
    office, study = (Organizer.GENERAL_OFFICE, "市政协办公室"), (Organizer.COMMITTEE, "学习和文史委员会")
    plans = [("promotion", t, p, office) for t, p in text.PROMOTION_MEETINGS[: _n(ctx, 10)]]
    plans += [("reading", t, p, study) for t, p in text.READING_SALONS[: _n(ctx, 6)]]
    for i, (kind, title, place, organizer) in enumerate(plans):
        starts = _at(date(year, 2 + i % 10, 10 + i % 15), 15 if kind == "reading" else 9)
        activity = _plan(cast, kind, title, organizer, place, starts)
        _open(cast, activity, rng.sample(cast.members, min(_n(ctx, 40) + 8, len(cast.members))))
        _hold(rng, cast, activity)
    return len(plans)


# Each drive's share of the year's donations in money, goods and mobilised (the flood relief after "7·20" above
# all), with its date and how many members it invites at full scale.
DRIVE_SHARES = [(0.70, 0.35, 0.60, date(REPORT_YEAR, 7, 26), 300), (0.15, 0.55, 0.35, date(REPORT_YEAR, 2, 3), 150)]
DRIVE_SHARES += [(0.15, 0.10, 0.05, date(REPORT_YEAR, 9, 6), 80)]
VOLUNTEERING = [
    ("“7·20”防汛救灾志愿服务", "受灾较重的巩义市、荥阳市、新密市", date(REPORT_YEAR, 7, 23), 120),
    ("新冠疫苗接种点志愿服务", "各区县疫苗接种点", date(REPORT_YEAR, 8, 9), 80),
]


def _split(rng, total: int, people: list, takers: float, step: int) -> dict:
    """`total` (whole multiples of `step` but the last) shared among a share `takers` of `people`, unevenly (a few
    give much, most give a little): {participation id: amount}, summing exactly to `total`."""
    chosen = [p for p in people if rng.random() < takers] or people[:1]
    weights = [rng.lognormvariate(0, 1.1) for _ in chosen]
    whole = sum(weights)
    amounts = {p.pk: int(total * w / whole) // step * step for p, w in zip(chosen, weights, strict=True)}
    amounts[chosen[0].pk] += total - sum(amounts.values())
    return amounts


def _charity(ctx: DemoContext, rng, cast: _Cast) -> tuple[int, int]:
    """The year's donation drives (money, goods and what members mobilised, shared so that the year sums to the
    report's 7 million, 8 million and 200 million at scale 1) and two volunteering days. Returns (drives, donors)."""
    totals = [scaled(v, ctx.scale) for v in (7_000_000, 8_000_000, 200_000_000)]
    left = list(totals)
    donors = 0
    for index, ((title, organizer), (*shares, day, invited)) in enumerate(
        zip(text.DONATION_DRIVES, DRIVE_SHARES, strict=True)
    ):
        last = index == len(DRIVE_SHARES) - 1
        mine = [left[k] if last else int(totals[k] * shares[k]) for k in range(3)]
        left = [left[k] - mine[k] for k in range(3)]

        def amounts(present: list, mine=mine) -> dict:
            money = _split(rng, mine[0], present, 0.95, 100)
            goods = _split(rng, mine[1], present, 0.35, 1000)
            rallied = _split(rng, mine[2], present, 0.3, 10000)
            return {
                p.pk: (money.get(p.pk), goods.get(p.pk), None, rallied.get(p.pk))
                for p in present
                if p.pk in money or p.pk in goods or p.pk in rallied
            }

        activity = _plan(cast, "charity", title, (Organizer.SECTOR, organizer), "市政协机关", _at(day, 9))
        _open(cast, activity, rng.sample(cast.members, min(_n(ctx, invited) + 4, len(cast.members))))
        donors += len(_hold(rng, cast, activity, amounts))
    for title, place, day, invited in VOLUNTEERING:
        activity = _plan(cast, "charity", title, (Organizer.GENERAL_OFFICE, "市政协办公室"), place, _at(day, 8))

        def hours(present: list) -> dict:
            return {p.pk: (None, None, rng.choice([4, 6, 8, 8, 12, 16, 24, 40]), None) for p in present}

        _open(cast, activity, rng.sample(cast.members, min(_n(ctx, invited) + 4, len(cast.members))))
        _hold(rng, cast, activity, hours)
    return len(DRIVE_SHARES) + len(VOLUNTEERING), donors


def _reception(rng, cast: _Cast, studio: Any, starts: datetime, on_duty: list, bookers: list) -> Any:
    cast.clock.value = starts - timedelta(days=14)
    reception = services.reception_schedule(
        actor=cast.committee,
        studio=studio,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        on_duty=on_duty,
        slot_minutes=30,
        per_slot=2,
    )
    slots = selectors.slots_of(reception)
    for i, resident in enumerate(bookers):
        title, _body = text.RESIDENT_ISSUES[(i + starts.month) % len(text.RESIDENT_ISSUES)]
        cast.clock.value = starts - timedelta(days=rng.randint(1, 10))
        services.booking_make(actor=resident, reception=reception, slot_at=slots[i % len(slots)], subject=title)
    return reception


def _issues(rng, cast: _Cast, reception: Any, rooms: list) -> int:
    """The member on duty records each booked resident's issue; some become a room topic, an opinion report or a
    proposal draft in his name."""
    activity = reception.activity
    cast.clock.value = activity.starts_at + timedelta(hours=2)
    host = activity.participations.select_related("member").first()
    turned = 0
    for booking in selectors.bookings_of(reception):
        body = next(b for t, b in text.RESIDENT_ISSUES if t == booking.subject)
        issue = services.issue_record(
            actor=host.member, reception=reception, title=booking.subject, text=body, booking=booking
        )
        roll = rng.random()
        if roll < 0.2 and rooms:
            services.issue_turn(actor=host.member, issue=issue, into="topic", room=rng.choice(rooms))
        elif roll < 0.35:
            services.issue_turn(actor=host.member, issue=issue, into="report")
        elif roll < 0.45:
            services.issue_turn(actor=host.member, issue=issue, into="proposal")
        else:
            continue
        turned += 1
    services.attendance_record(actor=cast.committee, participation=host, attended=True)
    cast.clock.value = activity.ends_at + timedelta(hours=1)
    services.activity_mark_held(actor=cast.committee, activity=activity)
    return turned


def _studios(ctx: DemoContext, rng, cast: _Cast, today: date) -> tuple[int, int, int]:
    from xieshang.consultations.models import Room

    rooms = list(Room.objects.filter(organization=cast.org))
    n_receptions = n_turned = 0
    studios = text.STUDIOS[: max(2, _n(ctx, len(text.STUDIOS)))]
    for index, (name, place) in enumerate(studios):
        people = rng.sample(cast.members, 3)
        if index == 0:
            people[0] = cast.member
        cast.clock.value = _at(today - timedelta(days=330), 10)
        studio = services.studio_create(
            actor=cast.committee,
            organization=cast.org,
            name=name,
            place=place,
            members=people,
            description=f"{name}设在{place}，入驻委员定期接待群众，收集社情民意。",
        )
        for month_back in range(max(1, _n(ctx, 10)), 0, -1):
            starts = _at(today - timedelta(days=30 * month_back - index), 9)
            bookers = rng.sample(cast.residents, min(len(cast.residents), rng.randint(2, 5)))
            reception = _reception(rng, cast, studio, starts, [rng.choice(people)], bookers)
            n_turned += _issues(rng, cast, reception, rooms)
            n_receptions += 1
        # Next week's reception day: the demo member on duty at the first studio, residents booked.
        bookers = [r for r in cast.residents if r != cast.resident][:3]
        on_duty = [cast.member] if index == 0 else [people[0]]
        _reception(rng, cast, studio, _at(today + timedelta(days=7 + index), 9), on_duty, bookers)
    return len(studios), n_receptions, n_turned


def _waiting(rng, cast: _Cast, today: date) -> None:
    """An upcoming research visit the demo member is invited to, and a leave request for committee to decide."""
    starts = _at(today + timedelta(days=12), 9)
    activity = _plan(
        cast,
        "research",
        "郑州都市圈轨道交通一体化专题调研",
        (Organizer.COMMITTEE, "城建环保委员会"),
        "郑州地铁集团",
        starts,
        description="实地察看城郊铁路建设，与市交通局、地铁集团座谈。",
    )
    people = [cast.member, *rng.sample([m for m in cast.members if m != cast.member], 5)]
    _open(cast, activity, people, leader=people[1])
    away = activity.participations.get(member=people[2])
    services.participation_request_leave(actor=people[2], participation=away, reason="单位有重要接待任务")
    _sms_replies(activity, people[3:5])


def _sms_replies(activity: Any, people: list) -> None:
    """Two invited members answer the notice by SMS (as the provider would post their replies): one signs up with
    his code, the other writes something the platform cannot read and is told how to reply (staff's 短信记录)."""
    from xieshang.notifications import inbound
    from xieshang.notifications.models import SmsPrompt

    asked = {p.user_id: p for p in SmsPrompt.objects.filter(object_id=activity.pk, user__in=people)}
    for n, person in enumerate(people):
        prompt = asked.get(person.pk)
        if prompt is None:  # no phone number, no SMS
            continue
        text = f"{prompt.code}1" if n == 0 else "收到，具体几点集合？"
        inbound.receive(provider_id=f"demo-{activity.pk}-{person.pk}", phone=prompt.phone, text=text)


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    data = ctx.data
    org = data["organization"]
    accounts = data["accounts"]
    today = timezone.localdate()
    cast = _Cast(
        org=org,
        committee=accounts["committee"],
        member=accounts["member"],
        resident=accounts["resident"],
        members=[u for u in data["members"] if u.username != "newmember"],
        residents=data["residents"],
        units={u.short_name: u for u in data["units"]},
        officers={unit.pk: user for user, unit in data["unit_officers"]},
        kinds={k.key: k for k in ActivityKind.objects.filter(organization=None)},
        clock=Clock(_at(date(REPORT_YEAR, 1, 4), 9)),
    )
    year = REPORT_YEAR
    with history(), simulated(cast.clock):
        visits, recommendations = _supervisions(ctx, rng, cast, year)
        reports = _research(ctx, rng, cast, year)
        meetings = _meetings(ctx, rng, cast, year)
        drives, donors = _charity(ctx, rng, cast)
        n_studios, receptions, turned = _studios(ctx, rng, cast, today)
    _waiting(rng, cast, today)
    ctx.say(
        f"  {visits} supervision and survey visits ({recommendations} recommendations tracked), {reports} research "
        f"reports, {meetings} meetings and salons, {drives} charity activities ({donors} members present), "
        f"{n_studios} studios with {receptions} past "
        f"reception days ({turned} issues turned into topics, reports or proposals)"
    )
