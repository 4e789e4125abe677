"""Demo proposals: a year of the Zhengzhou conference's proposals and micro-proposals in every state.

The finished ones (filed and closed or archived, not filed, merged, converted, withdrawn) are the report's year,
2021 (demo.report): submitted mostly around the plenary session in January, so that they belong to it
(Proposal.session, set when submitted inside the session's proposal window), and handled through the year. The ones
still on their way, which give each role its work today, are this year's.

Every proposal is moved by the services (so events, audit rows and notifications are real) under a simulated clock:
each step happens some working days after the one before, so that the history reads like a year of work. Every
demo role account finds work waiting: the member and standing member rate replies and answer co-sign invitations,
the proposals office reviews and assigns, the 市住房局 officer signs for and answers proposals, the supervisor reviews
replies and the leader approves assignment plans and leads key proposals."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from xieshang.accounts.models import Role
from xieshang.proposals import services
from xieshang.proposals.models import Assignment, Proposal
from xieshang.proposals.selectors import categories_for, grounds_for
from xieshang.workflow.calendar import add_months, add_working_days, working_days_between

from .proposal_text import (
    REPLY_BODIES,
    REPLY_OPENERS,
    SUBJECTS,
    TOPICS,
    compose,
    compose_micro,
)
from .report import REPORT_YEAR

# The full path of a filed proposal; the demo stops each proposal at its target step.
PATH = [
    "draft",
    "submitted",
    "pre_accepted",
    "under_review",
    "filed",
    "classified",
    "numbered",
    "assignment_pending",
    "assignment_approved",
    "assigned",
    "handling",
    "countersigning",
    "supervisor_review",
    "replied",
    "rated",
    "confirmed",
    "closed",
    "archived",
]
# Target state → share of the ~700 proposals of the year.
TARGETS = [
    ("draft", 14),
    ("submitted", 14),
    ("pre_accepted", 8),
    ("under_review", 18),
    ("not_filed", 40),
    ("merged", 22),
    ("converted", 30),
    ("withdrawn", 4),
    ("filed", 6),
    ("classified", 8),
    ("numbered", 14),
    ("assignment_pending", 10),
    ("assignment_approved", 6),
    ("assigned", 22),
    ("returned", 5),
    ("handling", 70),
    ("countersigning", 10),
    ("supervisor_review", 16),
    ("replied", 34),
    ("rehandling", 8),
    ("rated", 20),
    ("confirmed", 16),
    ("closed", 120),
    ("archived", 185),
]
# Targets whose proposals may host a merge, preferred first.
MERGE_HOSTS = ("under_review", "filed", "classified", "numbered", "assigned", "handling", "closed", "archived")
MICRO_TARGETS = [("submitted", 8), ("not_filed", 10), ("handling", 25), ("replied", 12), ("closed", 65)]
# Targets whose proposals are finished: built in the report's year; the others are this year's open work.
FINISHED = {"not_filed", "merged", "converted", "withdrawn", "closed", "archived"}
# Working days each step takes after the one before: (min, max).
GAPS = {
    "submitted": (0, 3),
    "pre_accepted": (1, 4),
    "under_review": (1, 3),
    "filed": (2, 8),
    "classified": (0, 2),
    "numbered": (0, 2),
    "assignment_pending": (1, 5),
    "assignment_approved": (1, 3),
    "assigned": (0, 2),
    "handling": (1, 9),
    "countersigning": (25, 70),
    "supervisor_review": (1, 5),
    "replied": (1, 5),
    "rated": (2, 12),
    "confirmed": (1, 5),
    "closed": (1, 5),
    "archived": (5, 20),
}


# 办理协商: how units consulted the member before replying, as their records read.
CONTACTS = [
    ("phone", "电话联系提案人，介绍办理思路和年度计划安排，提案人表示认可。"),
    ("visit", "登门走访提案人，现场查看问题点位，商定先行整改、年内完成。"),
    ("meeting", "召开办理协商座谈会，提案人、街道和相关科室参加，就实施步骤达成一致。"),
    ("phone", "电话沟通答复口径，提案人希望明确完成时限，我局承诺在答复中写明。"),
]


# What a B reply promises (列入计划逐步解决), with the months it gives itself.
PROMISES = [
    ("列入下一年度城建计划，分两期实施，年底前完成第一期。", 9),
    ("会同相关区政府制定实施方案，半年内完成试点。", 6),
    ("纳入年度重点工作，三个月内出台配套办法。", 3),
    ("结合财政预算安排，明年汛期前完成改造。", 8),
]


def _promise(rng, grade):
    if grade != "B":
        return {}
    text, months = rng.choice(PROMISES)
    return {"promise": text, "promise_due_on": add_months(timezone.localdate(), months)}


class Clock:
    """A settable now() for the engine and services while the demo runs."""

    def __init__(self, start: datetime):
        self.value = start

    def __call__(self) -> datetime:
        return self.value

    def advance(self, rng, days: tuple[int, int]) -> None:
        n = rng.randint(*days)
        day = add_working_days(timezone.localdate(self.value), n) if n else timezone.localdate(self.value)
        minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
        later = timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))
        # the same day may draw an earlier hour: time never runs backwards in a history
        self.value = later if later > self.value else self.value + timedelta(minutes=rng.randint(5, 90))


@contextmanager
def simulated(clock: Clock):
    original = timezone.now
    timezone.now = clock
    try:
        yield
    finally:
        timezone.now = original


class Cast:
    """The people the demo moves proposals with."""

    def __init__(self, ctx):
        data = ctx.data
        self.org = data["organization"]
        self.accounts = data["accounts"]
        self.members = [u for u in data["members"] if u.username != "newmember"]
        self.staff = data["staff"][Role.PROPOSALS_STAFF]
        self.supervisors = data["staff"][Role.SUPERVISOR]
        self.leaders = data["staff"][Role.LEADER]
        self.units = {u.short_name: u for u in data["units"]}
        self.officer = {}
        for user, unit in data["unit_officers"]:
            # the first officer of each unit acts; the demo "unit" account is 市住房局's first
            self.officer.setdefault(unit.pk, user)
        self.categories = {c.code: c for c in categories_for(self.org)}
        self.grounds = list(grounds_for(self.org))
        self.committees = data["committees"]
        # the states in which the demo accounts already got a proposal of their own
        self.given_to_demo_member: dict[str, int] = {}
        self.given_to_demo_unit: set[str] = set()
        self.sectors = data["sectors"]


def _duration(target: str) -> int:
    """Rough working days from submission to reaching `target`, to place the start date."""
    steps = PATH[1 : PATH.index(target) + 1] if target in PATH else PATH[1:5]
    return sum((GAPS[s][0] + GAPS[s][1]) // 2 for s in steps)


def _start(rng, target: str, today: date, year_start: date) -> datetime:
    if target in ("closed", "archived", "rated", "confirmed", "merged", "not_filed", "converted"):
        # most proposals come in around the plenary session in January and February
        day = year_start + timedelta(days=rng.randint(0, 55) if rng.random() < 0.85 else rng.randint(56, 120))
    else:
        back = _duration(target) + rng.randint(1, 12)
        day = today - timedelta(days=int(back * 1.45))
        day = max(day, year_start + timedelta(days=rng.randint(0, 30)))
    return timezone.make_aware(datetime.combine(day, time(9, rng.randint(0, 59))))


def _pick_members(rng, cast, target: str, index: int):
    members = cast.members
    member, standing = cast.accounts["member"], cast.accounts["standing"]
    # the demo member and standing member lead a share of proposals in the states where they have something to do
    # the first of each such state goes to the member, the second to the standing member, then every ninth by turns
    given = cast.given_to_demo_member.get(target, 0)
    if target in ("replied", "draft", "closed", "handling") and (given < 2 or index % 9 == 0):
        cast.given_to_demo_member[target] = given + 1
        lead = member if given == 0 or given > 1 and index % 2 == 0 else standing
    else:
        lead = rng.choice(members[2:])
    cosigners = []
    if rng.random() < 0.45:
        pool = [m for m in members if m.pk != lead.pk]
        cosigners = rng.sample(pool, k=rng.randint(1, 4))
        if target == "submitted" and index % 3 == 0 and lead != member:
            cosigners = [member, *cosigners[:2]]  # an open invitation for the demo member
    return lead, cosigners


def _units_for(rng, cast, topic, target: str, index: int):
    names = [n for n in topic[2] if n in cast.units]
    lead = names[0] if rng.random() < 0.75 else rng.choice(names)
    # 市住房局 must have work waiting in every handling state for the demo unit account
    if target in ("assigned", "handling", "countersigning", "rehandling") and (
        target not in cast.given_to_demo_unit or index % 4 == 0
    ):
        cast.given_to_demo_unit.add(target)
        lead = "市住房局"
    others = [n for n in names if n != lead]
    co = rng.sample(others, k=min(len(others), rng.choice([0, 0, 1, 1, 2])))
    if target == "countersigning" and not co:
        co = [n for n in names if n != lead][:1] or ["市财政局"]
    split = rng.random() < 0.08 and len(others) >= 1 and target not in ("countersigning",)
    return cast.units[lead], [cast.units[n] for n in co], split


def _reply(rng, clock, cast, proposal, grade=None):
    grade = grade or rng.choices("ABC", weights=[55, 35, 10])[0]
    topic_key = getattr(proposal, "_topic", "old_estates")
    owing = Assignment.objects.filter(
        proposal=proposal, needs_reply=True, status="received", role__in=["lead", "split"]
    ).select_related("unit")
    for assignment in owing:
        officer = cast.officer[assignment.unit_id]
        if proposal.state.key == "rehandling":
            services.rehandle_contact(
                actor=officer,
                proposal=proposal,
                assignment=assignment,
                note="已电话联系提案人，当面沟通办理思路，提案人表示理解。",
            )
        if services.contact_required(proposal) and not assignment.contacts.exists():
            method, agreed = rng.choice(CONTACTS)
            services.contact_record(
                actor=officer,
                proposal=proposal,
                assignment=assignment,
                method=method,
                contacted_on=timezone.localdate(clock()),
                with_whom=f"{proposal.submitter.display_name}委员",
                agreed=agreed,
            )
        opener = rng.choice(REPLY_OPENERS).format(title=proposal.title, subject=SUBJECTS.get(topic_key, "相关"))
        services.reply_submit(
            actor=officer,
            proposal=proposal,
            assignment=assignment,
            reference_number=f"{assignment.unit.short_name[:4]}函〔{proposal.year}〕{rng.randint(1, 300)}号",
            contact_person=f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice(['科长', '主任', '处长', '同志'])}",
            contact_phone=f"0371-6{rng.randint(1000000, 9999999)}",
            text=opener + "\n" + REPLY_BODIES[grade],
            grade=grade,
            **_promise(rng, grade),
        )
        if proposal.state.key != "handling" and proposal.state.key != "rehandling":
            break


def _step(rng, clock, cast, p: Proposal, nxt: str, plan) -> None:
    """Move p one step along PATH, to `nxt`, as the staff member drawn for it (and the people the step needs)."""
    staff = rng.choice(cast.staff)
    move = _STEP.get(nxt)
    if move is not None:
        move(rng, clock, cast, p, plan, staff)


def _to_submitted(rng, clock, cast, p, plan, staff) -> None:
    for c in p.cosignatures.filter(status="invited").select_related("user"):
        if rng.random() < 0.9:
            services.cosign_sign(actor=c.user, proposal=p)
    services.proposal_submit(actor=p.entered_by or p.submitter, proposal=p)


def _to_pre_accepted(rng, clock, cast, p, plan, staff) -> None:
    if p.cosign_deadline and timezone.localdate() <= p.cosign_deadline:
        clock.value = timezone.make_aware(datetime.combine(add_working_days(p.cosign_deadline, 1), time(10)))
    services.proposal_transition(actor=staff, proposal=p, key="pre_accept")


def _to_under_review(rng, clock, cast, p, plan, staff) -> None:
    services.proposal_transition(actor=staff, proposal=p, key="start_review")


def _to_filed(rng, clock, cast, p, plan, staff) -> None:
    services.proposal_review(actor=staff, proposal=p, outcome="filed")


def _to_classified(rng, clock, cast, p, plan, staff) -> None:
    services.proposal_classify(actor=staff, proposal=p, category=cast.categories[plan["category"]])
    if plan.get("fast"):
        services.set_fast_track(actor=staff, proposal=p)


def _to_numbered(rng, clock, cast, p, plan, staff) -> None:
    services.proposal_number(actor=staff, proposal=p)
    if plan.get("key"):
        services.mark_key(actor=staff, proposal=p, leader=plan["leader"], supervising_body="市政府督查室")


def _to_assignment_pending(rng, clock, cast, p, plan, staff) -> None:
    lead, co, split = plan["units"]
    if split:
        services.assignment_plan(actor=staff, proposal=p, split=[lead, *co] if co else [lead, plan["extra"]])
    else:
        services.assignment_plan(actor=staff, proposal=p, lead=lead, co=co)
    services.assignment_propose(actor=staff, proposal=p)


def _to_assignment_approved(rng, clock, cast, p, plan, staff) -> None:
    services.assignment_approve(actor=plan["leader"], proposal=p)


def _to_assigned(rng, clock, cast, p, plan, staff) -> None:
    services.proposal_assign(actor=staff, proposal=p)


def _to_handling(rng, clock, cast, p, plan, staff) -> None:
    for a in p.assignments.filter(status="pending").select_related("unit"):
        services.assignment_receive(actor=cast.officer[a.unit_id], assignment=a)


def _to_countersigning(rng, clock, cast, p, plan, staff) -> None:
    for a in p.assignments.filter(role="co", status="received"):
        services.cohandler_opinion(
            actor=cast.officer[a.unit_id], assignment=a, text="经研究，同意主办单位办理意见，我单位将积极配合。"
        )
    if plan.get("extend"):
        services.handling_extend(actor=staff, proposal=p, months=1, reason="涉及多部门协调，申请延期一个月。")
    _reply(rng, clock, cast, p)


def _to_supervisor_review(rng, clock, cast, p, plan, staff) -> None:
    if p.state.key == "countersigning":
        for a in p.assignments.filter(role="co", status="received"):
            services.reply_countersign(actor=cast.officer[a.unit_id], proposal=p, note="同意")


def _to_replied(rng, clock, cast, p, plan, staff) -> None:
    supervisor = rng.choice(cast.supervisors)
    if plan.get("send_back"):
        services.reply_send_back(actor=supervisor, proposal=p, reason="答复内容过于笼统，请补充具体措施和时间安排。")
        clock.advance(rng, (3, 10))
        _reply(rng, clock, cast, p)
        if p.state.key == "countersigning":
            for a in p.assignments.filter(role="co", status="received"):
                services.reply_countersign(actor=cast.officer[a.unit_id], proposal=p)
    services.reply_approve(actor=supervisor, proposal=p, grade=plan.get("regrade"))


def _to_rated(rng, clock, cast, p, plan, staff) -> None:
    _rate_all(rng, clock, cast, p, plan)


def _to_confirmed(rng, clock, cast, p, plan, staff) -> None:
    services.proposal_confirm(actor=staff, proposal=p)


def _to_closed(rng, clock, cast, p, plan, staff) -> None:
    services.proposal_close(actor=staff, proposal=p)
    if rng.random() < 0.6:
        for reply in p.replies.filter(status="sent"):
            services.reply_publish(actor=staff, reply=reply)


def _to_archived(rng, clock, cast, p, plan, staff) -> None:
    services.proposal_archive(actor=staff, proposal=p)


_STEP = {
    "submitted": _to_submitted,
    "pre_accepted": _to_pre_accepted,
    "under_review": _to_under_review,
    "filed": _to_filed,
    "classified": _to_classified,
    "numbered": _to_numbered,
    "assignment_pending": _to_assignment_pending,
    "assignment_approved": _to_assignment_approved,
    "assigned": _to_assigned,
    "handling": _to_handling,
    "countersigning": _to_countersigning,
    "supervisor_review": _to_supervisor_review,
    "replied": _to_replied,
    "rated": _to_rated,
    "confirmed": _to_confirmed,
    "closed": _to_closed,
    "archived": _to_archived,
}


def _rate_all(rng, clock, cast, p, plan):
    from xieshang.proposals.selectors import signers

    for signer in signers(p):
        if p.state.key != "replied":
            break
        choice = rng.choices(["satisfied", "basic", "dissatisfied"], weights=[78, 18, 4])[0]
        if plan.get("dissatisfied") and signer.pk == p.submitter_id:
            choice = "dissatisfied"
        comment = "答复未回应核心问题，希望进一步落实。" if choice == "dissatisfied" else ""
        if rng.random() < 0.15:
            services.rating_submit(
                actor=rng.choice(cast.staff), rater=signer, proposal=p, satisfaction=choice, comment=comment
            )
        else:
            services.rating_submit(actor=signer, proposal=p, satisfaction=choice, comment=comment)
    if p.state.key == "rehandling" and plan.get("target") != "rehandling":
        clock.advance(rng, (10, 20))
        _reply(rng, clock, cast, p)
        if p.state.key == "countersigning":
            for a in p.assignments.filter(role="co", status="received"):
                services.reply_countersign(actor=cast.officer[a.unit_id], proposal=p)
        services.reply_approve(actor=rng.choice(cast.supervisors), proposal=p)
        plan = {**plan, "dissatisfied": False}
        for signer in signers(p):
            services.rating_submit(actor=signer, proposal=p, satisfaction=rng.choice(["satisfied", "basic"]))


def _drive(rng, clock, cast, p: Proposal, target: str, plan) -> None:
    staff = rng.choice(cast.staff)
    terminal = {"not_filed": "not_file", "merged": "merge", "converted": "convert"}
    if target == "withdrawn":
        services.proposal_submit(actor=p.submitter, proposal=p)
        clock.advance(rng, (0, 2))
        services.proposal_transition(actor=p.submitter, proposal=p, key="withdraw")
        return
    stop = "under_review" if target in terminal else target
    stop = {"returned": "assigned", "rehandling": "rated"}.get(stop, stop)
    for nxt in PATH[1 : PATH.index(stop) + 1]:
        clock.advance(rng, GAPS[nxt])
        if nxt == "rated" and target == "rehandling":
            plan["dissatisfied"] = True
            plan["target"] = "rehandling"
            _rate_all(rng, clock, cast, p, plan)
            return
        _step(rng, clock, cast, p, nxt, plan)
    if target in terminal:
        clock.advance(rng, (2, 8))
        if target == "not_filed":
            services.proposal_review(
                actor=staff,
                proposal=p,
                outcome="not_filed",
                ground=rng.choice(cast.grounds),
                reason="经审查，所提事项不符合立案条件，建议通过其他渠道反映。",
            )
        elif target == "merged":
            into = plan.get("merge_into")
            if into is None:
                services.proposal_review(actor=staff, proposal=p, outcome="converted", reason="转社情民意信息办理。")
                return
            services.proposal_review(
                actor=staff, proposal=p, outcome="merged", merge_into=into, reason="与同类提案内容相近，并案办理。"
            )
        else:
            services.proposal_review(
                actor=staff, proposal=p, outcome="converted", reason="所提内容更适合作为意见建议转有关部门参考。"
            )
    elif target == "returned":
        a = p.assignments.filter(status="pending").select_related("unit").first()
        # a unit returns a proposal within its receipt window (a return after the deadline is refused)
        left = working_days_between(timezone.localdate(clock.value), a.receipt_due_on) if a.receipt_due_on else 6
        clock.advance(rng, (min(1, max(left, 0)), max(min(6, left), 0)))
        services.assignment_return(
            actor=cast.officer[a.unit_id], assignment=a, reason="所提事项主要职责不在我单位，建议改由其他单位主办。"
        )


def _micro(rng, clock, cast, target: str):
    title, body, unit_name = compose_micro(rng)
    lead = rng.choice(cast.members[:60]) if rng.random() < 0.5 else cast.accounts["member"]
    p = services.proposal_create(actor=lead, organization=cast.org, title=title, body=body, kind="micro")
    clock.advance(rng, (0, 2))
    services.proposal_submit(actor=lead, proposal=p)
    if target == "submitted":
        return p
    clock.advance(rng, (1, 3))
    staff = rng.choice(cast.staff)
    if target == "not_filed":
        services.proposal_review(
            actor=staff, proposal=p, outcome="not_filed", ground=cast.grounds[0], reason="所提事项已由区政府办理。"
        )
        return p
    unit = cast.units.get(unit_name) or cast.units["市城管局"]
    services.micro_accept(actor=staff, proposal=p, unit=unit)
    if target == "handling":
        return p
    clock.advance(rng, (3, 16))
    assignment = p.assignments.get(status="received")
    services.reply_submit(
        actor=cast.officer[assignment.unit_id],
        proposal=p,
        reference_number=f"微复〔{p.year}〕{rng.randint(1, 200)}号",
        contact_person=f"{rng.choice('王李张刘')}同志",
        contact_phone=f"0371-6{rng.randint(1000000, 9999999)}",
        text="收到您的微提案后，我们立即安排现场查看，已完成整改。感谢您的关心。",
        grade=(grade := rng.choice("AAB")),
        **_promise(rng, grade),
    )
    if target == "replied":
        return p
    clock.advance(rng, (1, 6))
    services.rating_submit(actor=lead, proposal=p, satisfaction=rng.choice(["satisfied", "satisfied", "basic"]))
    return p


def build(ctx, *, scale: float = 1.0) -> None:
    rng = ctx.rng
    cast = Cast(ctx)
    today = timezone.localdate()
    clock = Clock(timezone.now())
    real_now = clock.value
    plans = []
    for target, share in TARGETS:
        for _ in range(max(1, round(share * scale))):
            plans.append(target)
    rng.shuffle(plans)
    counts: dict[str, int] = {}
    with simulated(clock):
        # The report's year: every proposal finished by the end of it.
        made = _year(rng, clock, cast, [t for t in plans if t in FINISHED], date(REPORT_YEAR, 12, 20), counts)
        _micros(rng, clock, cast, scale, date(REPORT_YEAR, 12, 20), finished=True)
        # The year-end selection of excellent proposals, among the closed ones.
        closed = [p for p in made.get("archived", []) if p.replies.filter(grade="A").exists()][:12]
        if closed:
            services.excellent_select(actor=cast.accounts["proposals"], proposals=closed, year=REPORT_YEAR)
        # This year's proposals on their way: the work waiting for every role today.
        clock.value = real_now
        _year(rng, clock, cast, [t for t in plans if t not in FINISHED], today, counts)
        _micros(rng, clock, cast, scale, today, finished=False)
        clock.value = real_now
        _key_selection(rng, cast, today)
    total = sum(counts.values())
    ctx.say(
        f"  {total} proposals ({sum(counts.get(t, 0) for t in FINISHED)} finished in {REPORT_YEAR}, the rest open "
        f"this year) and {sum(round(s * scale) or 1 for _, s in MICRO_TARGETS)} micro-proposals"
    )


def _key_selection(rng, cast, today: date) -> None:
    """This year's chairpersons' meeting (decision 0028): the office puts three proposals in handling forward, the
    meeting chooses two, the list is published; each chosen one gets the demo leader and a named government leader,
    a plan of two milestones, the lead unit's progress on the first and the leader's instruction."""
    staff = cast.accounts["proposals"]
    leader = cast.accounts["leader"]
    pool = list(
        Proposal.objects.filter(organization=cast.org, year=today.year, kind="proposal", is_key=False)
        .filter(state__key="handling")
        .order_by("id")[:3]
    )
    if len(pool) < 2:
        return
    reasons = ("群众关注度高，涉及面广，需多部门协同推进。", "事关民生实事项目，建议领导领衔督办。", "问题具有代表性。")
    candidates = [
        # the third is put forward by its lead unit (decision 0031)
        services.key_candidate_propose(actor=_proposer(cast, p, staff) if i == 2 else staff, proposal=p, reason=reason)
        for i, (p, reason) in enumerate(zip(pool, reasons, strict=False))
    ]
    meeting = services.key_meeting_record(
        actor=staff,
        organization=cast.org,
        name="政协第五次主席会议",
        held_on=today,
        minutes="会议听取提案委员会关于重点提案遴选情况的汇报，研究确定年度重点提案，由市政协和市政府领导领衔督办。",
        chosen=candidates[:2],
    )
    services.key_meeting_publish(actor=staff, meeting=meeting)
    for candidate in candidates[:2]:
        p = Proposal.objects.get(pk=candidate.proposal_id)
        services.key_supervisor_add(actor=staff, proposal=p, side="conference", user=leader, title="市政协副主席")
        services.key_supervisor_add(actor=staff, proposal=p, side="government", name="王建国", title="副市长")
        first = services.key_milestone_add(
            actor=staff,
            proposal=p,
            what="制定工作方案，明确责任分工",
            due_on=today + timedelta(days=rng.randint(7, 20)),
        )
        services.key_milestone_add(actor=staff, proposal=p, what="完成年度建设任务", due_on=today + timedelta(days=90))
        lead = p.assignments.filter(role="lead", status="received").first()
        if lead is not None:
            services.key_progress_report(
                actor=cast.officer[lead.unit_id],
                milestone=first,
                text="已召开专题会议，形成工作方案初稿，正在征求相关部门意见。",
            )
        services.key_instruction_record(
            actor=leader, proposal=p, text="请承办单位高度重视，按计划节点推进，年内见成效。"
        )
    _supervision_meetings(cast, today, [Proposal.objects.get(pk=c.proposal_id) for c in candidates[:2]])


def _proposer(cast, proposal, staff):
    """The officer of the proposal's lead unit, or the office when the unit has none in the demo."""
    lead = proposal.assignments.filter(role="lead", status__in=("pending", "received")).first()
    return cast.officer.get(lead.unit_id, staff) if lead is not None else staff


def _supervision_meetings(cast, today: date, chosen: list) -> None:
    """Decision 0031: the first key proposal's supervision meeting was held today (the leader checked in, minutes
    written, a recommendation to the lead unit) and the leader assessed its handling; the second one's meeting is
    scheduled for next week."""
    from xieshang.consultations import services as consultations

    staff, leader = cast.accounts["proposals"], cast.accounts["leader"]
    for i, p in enumerate(chosen):
        when = today if i == 0 else today + timedelta(days=7)
        c = services.key_consultation_create(
            actor=staff,
            proposal=p,
            title=f"《{p.title}》督办协商会"[:120],
            planned_date=when,
            venue="市政协三楼会议室",
            description="听取承办单位办理情况汇报，提案人和督办领导提出意见，协商推进措施。",
        )
        if i:
            continue
        consultations.check_in(actor=leader, token=consultations.checkin_token(c))
        consultations.consultation_transition(actor=staff, consultation=c, key="hold")
        consultations.minutes_save(
            actor=staff,
            consultation=c,
            minutes="会议听取了承办单位办理情况汇报。经协商，承办单位将于年底前完成年度任务，提案人对工作方案表示认可。",
        )
        lead = p.assignments.filter(role="lead", status="received").first()
        consultations.recommendation_add(
            actor=staff,
            consultation=c,
            title="建立部门联席会议制度，按季度通报进展",
            owner_unit=lead.unit if lead is not None else None,
            owner_leader=None if lead is not None else leader,
        )
        services.key_assessment_record(
            actor=leader,
            proposal=p,
            grade="basic",
            text="承办单位态度积极，工作方案可行，个别节点进度偏慢，请加快推进。",
        )


def _year(rng, clock, cast, plans: list[str], today: date, counts: dict) -> dict[str, list[Proposal]]:
    """The proposals of `today`'s year, each driven to its target as of `today`."""
    year_start = date(today.year, 1, 5)
    starts = sorted(((_start(rng, t, today, year_start), i, t) for i, t in enumerate(plans)), key=lambda x: x[0])
    made: dict[str, list[Proposal]] = {}
    for index, (start, _i, target) in enumerate(starts):
        clock.value = start
        p = _proposal(rng, clock, cast, index, target, made)
        made.setdefault(target, []).append(p)
        counts[target] = counts.get(target, 0) + 1
    return made


def _submitter_extra(rng, cast) -> dict:
    """Who submits besides a member, now and then: a party, a special committee, a sector, a people's organization."""
    kind_roll = rng.random()
    extra: dict = {}
    if kind_roll < 0.06:
        extra = {"submitter_kind": "party", "submitter_party": "cdl", "submitter_org_name": "民盟郑州市委员会"}
    elif kind_roll < 0.09:
        extra = {"submitter_kind": "committee", "committee": rng.choice(cast.committees)}
    elif kind_roll < 0.11:
        extra = {"submitter_kind": "sector", "sector": rng.choice(cast.sectors)}
    elif kind_roll < 0.13:
        extra = {"submitter_kind": "peoples_org", "submitter_org_name": "郑州市妇女联合会"}
    return extra


def _proposal(rng, clock, cast, index: int, target: str, made: dict) -> Proposal:
    """Proposal number `index` of the year, written and driven to `target`."""
    leader = cast.accounts["leader"]
    topic = rng.choice(TOPICS)
    title, body = compose(rng, topic)
    lead, cosigners = _pick_members(rng, cast, target, index)
    extra = _submitter_extra(rng, cast)
    on_behalf = rng.random() < 0.04 and extra == {}
    p = services.proposal_create(
        actor=rng.choice(cast.staff) if on_behalf else lead,
        submitter=lead,
        organization=cast.org,
        title=title,
        body=body,
        cosigners=cosigners if not extra else (),
        **extra,
    )
    p._topic = topic[0]
    lead_unit, co_units, split = _units_for(rng, cast, topic, target, index)
    others = [u for u in cast.units.values() if u.pk != lead_unit.pk and u not in co_units]
    plan = {
        "category": topic[1],
        "units": (lead_unit, co_units, split),
        "extra": rng.choice(others),
        "leader": leader if rng.random() < 0.6 else rng.choice(cast.leaders),
        "key": rng.random() < 0.07,
        "fast": rng.random() < 0.05,
        "send_back": rng.random() < 0.08,
        "regrade": rng.choice("AB") if rng.random() < 0.05 else None,
        "extend": rng.random() < 0.06,
    }
    if target in ("assignment_pending",):
        plan["leader"] = leader
    if target == "handling" and index % 5 == 0:
        plan["key"] = True
        plan["leader"] = leader
    if target == "merged":
        # Into an earlier proposal that was filed or is under review. At small scales none of the first two
        # targets may exist yet, and a merge without a host turned into a conversion: no merged proposal.
        hosts = [q for t in MERGE_HOSTS for q in made.get(t, [])]
        plan["merge_into"] = hosts[0] if hosts else None
    _drive(rng, clock, cast, p, target, plan)
    return p


def _micros(rng, clock, cast, scale: float, today: date, *, finished: bool) -> None:
    """The year's micro-proposals (the finished or the open ones), each started some days back according to how
    far it got."""
    year_start = date(today.year, 1, 5)
    for target, share in MICRO_TARGETS:
        if (target in FINISHED) != finished:
            continue
        for _ in range(max(1, round(share * scale))):
            back = {"submitted": 3, "handling": 10, "replied": 20, "not_filed": 60}.get(target, 200)
            day = max(year_start, today - timedelta(days=rng.randint(back // 2 + 1, back + 5)))
            clock.value = timezone.make_aware(datetime.combine(day, time(10)))
            _micro(rng, clock, cast, target)
