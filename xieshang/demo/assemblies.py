"""The sessions of the report's year 2021 (demo.report): the plenary session (政协第十四届郑州市委员会第五次会议,
January, every member invited) and six standing-committee meetings (常委会议, the standing members), with leave
requests decided, QR check-ins at the opening, a few attendances recorded by staff from the paper list, absences
recorded at the close (the duty rules' penalty), written speeches with some selected and delivered, and the votes'
counts. All through the sessions services under a simulated clock, so every member's duty file is credited at the
meetings' dates. Notifications are held back while the history loads.

The plenary stays open while the proposals builder runs: its proposal window (January and February) ties the
proposals submitted then to the session (Proposal.session); `close` closes it afterwards. Left waiting today: a
standing-committee meeting next week, notice sent, where `standing` can ask for leave or check in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from xieshang.assemblies import selectors, services

from .proposals import Clock, simulated
from .registry import DemoContext, history
from .report import REPORT_YEAR, scaled

PLENARY = {
    "term": 14,
    "number": 5,
    "title": f"政协第十四届郑州市委员会第五次会议（{REPORT_YEAR}年）",
    "place": "郑州国际会展中心",
    "opens": date(REPORT_YEAR, 1, 7),
    "days": 4,
    "proposals": (date(REPORT_YEAR - 1, 12, 20), date(REPORT_YEAR, 2, 28)),
}
STANDING_MONTHS = [2, 4, 6, 8, 10, 12]
FIRST_STANDING_NUMBER = 22
AGENDA = [
    ("听取和审议政协郑州市委员会常务委员会工作报告", "市政协主席"),
    ("听取和审议政协郑州市委员会常务委员会关于提案工作情况的报告", "市政协副主席"),
    ("列席市十五届人大五次会议，听取并讨论政府工作报告", ""),
    ("大会发言", ""),
    ("选举增补常务委员", ""),
]
RESOLUTIONS = [
    "政协郑州市第十四届委员会第五次会议政治决议",
    "关于常务委员会工作报告的决议",
    "关于常务委员会提案工作情况报告的决议",
]
STANDING_TOPICS = [
    "协商讨论“推进城市更新与老旧小区改造”",
    "通报全市防汛救灾工作情况",
    "协商讨论“加快建设国家中心城市现代化产业体系”",
    "听取“7·20”灾后恢复重建工作情况通报",
    "审议年度委员履职考核办法",
    "协商通过下一年度协商工作计划",
]
SPEECH_TOPICS = [
    "加快构建现代化产业体系，推动制造业高质量发展",
    "以城市更新为抓手，提升老旧小区居住品质",
    "完善城市防洪排涝体系，增强城市韧性",
    "推进黄河流域生态保护和高质量发展",
    "优化营商环境，激发市场主体活力",
    "加强公共卫生应急管理体系建设",
    "推动“双减”政策落地，促进教育公平",
    "发展普惠养老服务，积极应对人口老龄化",
    "打造黄河文化主地标，建设文化强市",
    "加快数字政府建设，提升治理效能",
]
LEAVE_REASONS = ["赴外地参加全国会议", "单位有重要接待任务", "身体不适，医嘱休息", "出差在外", "参加市人大常委会会议"]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _open(clock: Clock, staff: Any, org: Any, starts: datetime, **fields: Any) -> Any:
    """Create the session a fortnight ahead and send the notice (which invites everyone it is for)."""
    clock.value = starts - timedelta(days=15)
    session = services.session_create(actor=staff, organization=org, starts_at=starts, **fields)
    services.session_publish(actor=staff, session=session)
    return session


def _attend(rng, clock: Clock, staff: Any, session: Any, *, leave: float, present: float) -> None:
    """Leave asked a week ahead (most approved), QR check-ins at the opening, a few attendances recorded from the
    paper list by staff; whoever is left is recorded absent when the session closes."""
    rows = list(selectors.attendances_of(session))
    clock.value = session.starts_at - timedelta(days=7)
    for attendance in rows:
        if rng.random() < leave:
            services.attendance_request_leave(
                actor=attendance.member, attendance=attendance, reason=rng.choice(LEAVE_REASONS)
            )
            services.attendance_decide_leave(actor=staff, attendance=attendance, approve=rng.random() < 0.9)
    token = services.checkin_token(session)
    clock.value = session.starts_at - timedelta(minutes=30)
    for attendance in rows:
        if attendance.status in ("leave_approved",) or rng.random() >= present:
            continue
        clock.value += timedelta(seconds=rng.randint(1, 4))
        if rng.random() < 0.05:
            services.attendance_record(actor=staff, attendance=attendance, attended=True)
        else:
            services.attendance_check_in(actor=attendance.member, token=token)


def _speeches(ctx: DemoContext, rng, clock: Clock, staff: Any, session: Any) -> int:
    """Written speeches submitted in the fortnight before the opening; some selected, delivered on the first day."""
    members = [a.member for a in selectors.attendances_of(session)]
    written = rng.sample(members, min(len(members), scaled(120, ctx.scale)))
    speeches = []
    for i, member in enumerate(written):
        clock.value = session.starts_at - timedelta(days=14 - i % 12, hours=rng.randint(0, 8))
        topic = SPEECH_TOPICS[i % len(SPEECH_TOPICS)]
        speeches.append(
            services.speech_submit(
                actor=member,
                session=session,
                title=f"{topic}（{member.display_name}）",
                text=f"关于{topic}，我谈三点建议：一是加强统筹协调；二是完善政策支撑；三是强化督促落实。",
            )
        )
    clock.value = session.starts_at - timedelta(days=1)
    chosen = speeches[: scaled(15, ctx.scale)]
    for speech in chosen:
        services.speech_select(actor=staff, speech=speech, selected=True)
    clock.value = session.starts_at + timedelta(days=1, hours=2)
    for speech in chosen[: max(1, len(chosen) - 2)]:
        services.speech_deliver(actor=staff, speech=speech)
    return len(speeches)


def _votes(rng, clock: Clock, staff: Any, session: Any, resolutions: list[str], election: bool) -> None:
    counts = selectors.attendance_counts(session)
    present = counts["attended"]
    clock.value = session.ends_at - timedelta(hours=1)
    for title in resolutions:
        against = rng.randint(0, 2)
        abstain = rng.randint(0, 3)
        services.vote_record(
            actor=staff,
            session=session,
            kind="resolution",
            method="hands",
            title=title,
            present=present,
            votes_for=present - against - abstain,
            votes_against=against,
            abstentions=abstain,
        )
    if election:
        services.vote_record(
            actor=staff,
            session=session,
            kind="election",
            method="ballot",
            title="选举增补政协郑州市第十四届委员会常务委员",
            present=present,
            candidates=[(name, present - rng.randint(0, 6)) for name in ("王建华", "陈丽娟", "赵国强")],
        )


def _close(clock: Clock, staff: Any, session: Any) -> int:
    clock.value = session.ends_at + timedelta(hours=1)
    services.session_close(actor=staff, session=session)
    return session.attendances.filter(status="absent").count()


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    org = ctx.data["organization"]
    staff = ctx.data["accounts"]["committee"]
    clock = Clock(_at(date(REPORT_YEAR - 1, 12, 1), 9))
    with history(), simulated(clock):
        opens = PLENARY["opens"]
        plenary = _open(
            clock,
            staff,
            org,
            _at(opens, 9),
            kind="plenary",
            term=PLENARY["term"],
            number=PLENARY["number"],
            title=PLENARY["title"],
            ends_at=_at(opens + timedelta(days=PLENARY["days"] - 1), 12),
            place=PLENARY["place"],
            proposals_from=PLENARY["proposals"][0],
            proposals_until=PLENARY["proposals"][1],
        )
        for title, presenter in AGENDA:
            services.agenda_add(actor=staff, session=plenary, title=title, presenter=presenter)
        speeches = _speeches(ctx, rng, clock, staff, plenary)
        _attend(rng, clock, staff, plenary, leave=0.05, present=0.93)
        _votes(rng, clock, staff, plenary, RESOLUTIONS, election=True)
        absent = 0
        for i, month in enumerate(STANDING_MONTHS):
            day = date(REPORT_YEAR, month, 24)
            meeting = _open(
                clock,
                staff,
                org,
                _at(day, 9),
                kind="standing",
                term=14,
                number=FIRST_STANDING_NUMBER + i,
                title=f"政协第十四届郑州市委员会常务委员会第{FIRST_STANDING_NUMBER + i}次会议",
                ends_at=_at(day, 12),
                place="市政协机关三楼会议室",
            )
            services.agenda_add(actor=staff, session=meeting, title=STANDING_TOPICS[i])
            _attend(rng, clock, staff, meeting, leave=0.08, present=0.92)
            _votes(rng, clock, staff, meeting, [f"{STANDING_TOPICS[i]}的决议"], election=False)
            absent += _close(clock, staff, meeting)
    _upcoming(staff, org)
    ctx.data["plenary"] = plenary
    ctx.say(
        f"  sessions {REPORT_YEAR}: the plenary session ({plenary.attendances.count()} invited, {speeches} written "
        f"speeches; open for proposals until it closes after them) and {len(STANDING_MONTHS)} standing-committee "
        f"meetings ({absent} absences recorded); a standing-committee meeting next week"
    )


def _upcoming(staff: Any, org: Any) -> None:
    """Next week's standing-committee meeting, notice sent: `standing` may ask for leave, then check in."""
    starts = _at(timezone.localdate() + timedelta(days=8), 9)
    number = timezone.localdate().year - REPORT_YEAR + 1
    session = services.session_create(
        actor=staff,
        organization=org,
        kind="standing",
        term=15,
        number=number,
        title=f"政协第十五届郑州市委员会常务委员会第{number}次会议",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="市政协机关三楼会议室",
    )
    services.agenda_add(actor=staff, session=session, title="协商讨论年度重点提案督办情况")
    services.session_publish(actor=staff, session=session)


def close(ctx: DemoContext) -> None:
    """Close the plenary after the proposals of its window were submitted: absences recorded and penalized."""
    plenary = ctx.data.get("plenary")
    if plenary is None:
        return
    clock = Clock(plenary.ends_at)
    staff = ctx.data["accounts"]["committee"]
    with history(), simulated(clock):
        absent = _close(clock, staff, plenary)
    ctx.say(f"  plenary closed: {absent} absences recorded, {plenary.proposals.count()} proposals of the session")
