"""A year of consultations of every kind (among them the five-city one co-hosted with Kaifeng, Xinxiang, Jiaozuo and
Xuchang) and a dozen community rooms with topics, supports, small conversations, outcomes and ratings in every state,
all moved through the real services. Notifications are held back while the history loads.

The consultations that were held long ago are the report's year, 2021 (demo.report: the two the members' research
prepared among them), moved under a simulated clock at their dates; the recent and coming ones are this year's.

Left waiting for the demo accounts: `committee` has consultations to move on (it records the chairs' meeting and
the party committee's approval), a room to convene and reports and photos on the portal; `leader` has an outcome to
instruct; `unit` has outcomes to adopt and to report progress on; `member` has an invitation to register for, with
the materials to read (check-in opens an hour before the meeting starts); `resident` follows a room and can rate a
finished outcome."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from xieshang.accounts.models import Role, User
from xieshang.consultations import services
from xieshang.consultations.models import Kind, Outcome
from xieshang.workflow import services as workflow

from .proposals import Clock, simulated
from .registry import DemoContext, history
from .report import REPORT_YEAR

# (kind, title, committee index, days from today, target state)
CONSULTATIONS = [
    (Kind.BIMONTHLY, "推进城市更新与老旧小区改造", 9, -290, "closed"),
    (Kind.THEMATIC, "加快建设国家中心城市现代化产业体系", 1, -240, "closed"),
    (Kind.ROUND_TABLE, "破解中小学课后服务师资不足", 4, -200, "reported"),
    (Kind.SUPERVISION, "黄河流域生态保护和高质量发展政策落实情况", 3, -160, "reported"),
    (Kind.CROSS_REGION, "郑开新焦许都市圈交通一体化", 9, -120, "reported"),
    (Kind.ONLINE, "完善社区居家养老服务网络", 5, -90, "reported"),
    (Kind.BIMONTHLY, "优化营商环境，激发民营经济活力", 1, -45, "held"),
    (Kind.ROUND_TABLE, "规范电动自行车充电管理", 9, -8, "held"),
    (Kind.CROSS_REGION, "郑开新焦许文旅融合发展", 8, 25, "approved"),
    (Kind.BIMONTHLY, "提升城市精细化管理水平", 9, 40, "approved"),
    (Kind.THEMATIC, "建设黄河文化传承创新区", 8, 70, "proposed"),
    (Kind.SUPERVISION, "住房保障政策落实情况", 9, 110, "planned"),
    (Kind.ONLINE, "推进数字政府建设", 5, 150, "planned"),
]
# The consultations of the report's year, on their days (the others keep their place around today).
IN_REPORT_YEAR = {
    "推进城市更新与老旧小区改造": date(REPORT_YEAR, 6, 25),
    "加快建设国家中心城市现代化产业体系": date(REPORT_YEAR, 10, 28),
    "破解中小学课后服务师资不足": date(REPORT_YEAR, 5, 20),
    "黄河流域生态保护和高质量发展政策落实情况": date(REPORT_YEAR, 8, 26),
    "郑开新焦许都市圈交通一体化": date(REPORT_YEAR, 9, 16),
    "完善社区居家养老服务网络": date(REPORT_YEAR, 11, 18),
}
ORDER = ["planned", "proposed", "approved", "held", "reported", "closed"]
STEPS = {"proposed": "propose", "approved": "approve", "held": "hold", "reported": "report_minutes", "closed": "close"}
RECOMMENDATION_UNITS = ["市住房局", "市城管局", "市发改委", "市教育局", "市交通局", "市民政局"]
OUTCOME_PATHS = [
    [],
    ["send"],
    ["send", "instruct"],
    ["send", "adopt"],
    ["send", "adopt", "implement"],
    ["send", "instruct", "adopt", "implement", "complete"],
    ["send", "reject"],
]
ROOM_TOPICS = [
    ("小区南门夜间照明不足", "南门到公交站一段路灯损坏多年，晚上老人出行不便。", "市城管局"),
    ("加装电梯费用如何分摊", "3 号楼居民想加装电梯，低层住户有顾虑。", "市住房局"),
    ("楼道堆物清理和消防通道", "部分楼道堆放杂物，消防车进不来。", "市消防支队"),
    ("社区老年食堂开设", "独居老人多，希望有就近的助餐点。", "市民政局"),
    ("背街小巷停车秩序", "早晚高峰乱停车，救护车曾被堵。", "市城管局"),
]


def _unit_officer(ctx, short_name):
    for user, unit in ctx.data["unit_officers"]:
        if unit.short_name == short_name:
            return user, unit
    return ctx.data["unit_officers"][0]


def _payload(key, obj):
    if key == "instruct":
        return {"instruction": "请市直有关部门认真研究，抓好落实。"}
    if key == "propose":
        return {"meeting": f"十五届市政协第{obj.plan_year - 2020}次主席会议"}
    if key == "approve":
        # One party-committee document approves the year's plan; staff record it (the committee is not a user).
        year = obj.plan_year
        on = min(date(year, 1, 20), timezone.localdate())
        return {"body": "中共郑州市委", "document": f"郑办文〔{year}〕3号", "approved_on": on.isoformat()}
    return None


def _advance(actor_for, obj, keys, reason="经研究暂不具备实施条件，纳入下一年度计划统筹考虑。"):
    for key in keys:
        workflow.transition(
            actor=actor_for(key),
            obj=obj,
            transition_key=key,
            reason=reason if key in ("reject", "drop", "decline") else "",
            payload=_payload(key, obj),
        )


@dataclass
class _Cast:
    """The people the consultations need: the demo accounts, the members, the partner cities' staff and members."""

    zz: Any
    committee: Any
    leader: Any
    member: Any
    committees: list
    members: list
    partner_staff: dict
    partner_members: dict


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    zz = ctx.data["organization"]
    partners = ctx.data["partners"]
    accounts = ctx.data["accounts"]
    committee, leader, member, resident = (accounts[k] for k in ("committee", "leader", "member", "resident"))
    members = ctx.data["members"]
    residents = ctx.data["residents"]
    today = timezone.localdate()
    cast = _Cast(
        zz=zz,
        committee=committee,
        leader=leader,
        member=member,
        committees=ctx.data["committees"],
        members=members,
        partner_staff={p.pk: User.objects.get(username=f"{p.code}_staff") for p in partners},
        partner_members={
            p.pk: list(User.objects.filter(role_grants__organization=p, role_grants__role=Role.MEMBER)[:6])
            for p in partners
        },
    )

    clock = Clock(timezone.now())
    clock.start = clock.value  # the real now, for this year's consultations
    with history():
        n_outcomes = 0
        with simulated(clock):
            for index, spec in enumerate(CONSULTATIONS):
                n_outcomes += _consultation(ctx, rng, cast, index, spec, today, partners, clock)
        services.send_due_dispatches(today)

        n_topics = _rooms(ctx, rng, zz, committee, leader, resident, residents, members)
        n_articles, n_photos = _media(ctx, zz, committee)
        n_entries = _calls(rng, zz, committee, resident, residents, members)
    ctx.say(
        f"  {len(CONSULTATIONS)} consultations, {n_outcomes} recommendations, {n_topics} room topics, "
        f"{n_articles} reports, {n_photos} photos, {len(CALLS)} public calls with {n_entries} entries"
    )


# When each step of a consultation of the report's year happens, in days from its meeting.
STEP_DAYS = {"propose": -60, "approve": -45, "hold": 0, "report_minutes": 7, "close": 40}


def _consultation(ctx, rng, cast: _Cast, index: int, spec, today: date, partners, clock: Clock) -> int:
    """One consultation moved to its target state; returns how many recommendations it made."""
    kind, title, committee_index, offset, target = spec
    committee = cast.committee
    planned = IN_REPORT_YEAR.get(title) or today + timedelta(days=offset)
    in_report_year = planned.year == REPORT_YEAR
    if in_report_year:
        clock.value = timezone.make_aware(datetime.combine(planned - timedelta(days=75), time(10)))
    else:
        clock.value = clock.start
    hosts = partners if kind == Kind.CROSS_REGION else []
    online = kind == Kind.ONLINE
    c = services.consultation_create(
        actor=committee,
        organization=cast.zz,
        kind=kind,
        title=title,
        planned_date=planned,
        hosts=hosts,
        description=f"围绕“{title}”开展协商，邀请有关部门负责同志通报情况、回答委员提问。",
        venue="" if online else rng.choice(["市政协机关三楼会议室", "市政协会议中心", "郑州国际会展中心"]),
        video_link="https://meeting.example.cn/zz/" + str(index) if online or hosts else "",
        committee=cast.committees[committee_index],
        participants_note="部分市政协委员、界别群众代表、市直有关部门负责同志",
        starts_at=timezone.make_aware(datetime.combine(planned, time(9, 0))),
    )
    steps = ORDER[1 : ORDER.index(target) + 1]
    invited = [cast.member, *rng.sample(cast.members[2:], 8)]
    actor_for = {}.get
    n_outcomes = 0
    for state in steps:
        key = STEPS[state]
        if in_report_year:
            clock.value = timezone.make_aware(datetime.combine(planned + timedelta(days=STEP_DAYS[key]), time(11, 30)))
        if key == "hold":
            _meeting(cast, c, invited, hosts, index)
        if key == "report_minutes":
            n_outcomes += _minutes(ctx, cast, c, planned, title, index)
        _advance(lambda k, f=actor_for: f(k) or committee, c, [key])
        c.refresh_from_db()
        if key == "approve":
            _material(committee, c)
    if target == "approved":
        _invite(cast, c, invited, hosts)
        services.segment_add(actor=committee, consultation=c, kind="briefing", title="通报情况")
    return n_outcomes


def _invite(cast: _Cast, c, invited: list, hosts) -> None:
    """Invitations: the committee's, and each host's own."""
    services.invite(actor=cast.committee, consultation=c, users=invited)
    for p in hosts:
        services.invite(actor=cast.partner_staff[p.pk], consultation=c, users=cast.partner_members[p.pk][:3])


def _meeting(cast: _Cast, c, invited: list, hosts, index: int) -> None:
    """Before the meeting: invitations (each host its own), the agenda, check-in on the day."""
    committee = cast.committee
    _invite(cast, c, invited, hosts)
    services.segment_add(
        actor=committee,
        consultation=c,
        kind="briefing",
        title="市政府有关部门通报情况",
        speaker_name="市发改委副主任",
    )
    services.segment_add(actor=committee, consultation=c, kind="speeches", title="委员发言", speaker=invited[1])
    services.segment_add(actor=committee, consultation=c, kind="questions", title="委员提问")
    services.segment_add(actor=committee, consultation=c, kind="answers", title="部门负责同志回答")
    token = services.checkin_token(c)
    # Check-in and live posts are accepted only around the meeting: they happen at its start, as they did.
    with _at(c.starts_at + timedelta(minutes=5)):
        for person in invited[: 6 if index else 1] + [cast.partner_members[p.pk][0] for p in hosts]:
            services.check_in(actor=person, token=token)
        services.live_post(actor=invited[2], consultation=c, text="建议把居民满意度纳入考核。")
        services.live_post(actor=invited[3], consultation=c, text="资金缺口如何解决？", kind="question")


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    """timezone.now() reads `moment` inside the block (the meeting's time in the demo's history)."""
    original = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = original


def _minutes(ctx, cast: _Cast, c, planned: date, title: str, index: int) -> int:
    """The minutes and two recommendations, each moved along its outcome path; returns 2."""
    committee, leader = cast.committee, cast.leader
    services.minutes_save(
        actor=committee,
        consultation=c,
        minutes=f"{planned:%Y年%m月%d日}，市政协召开{c.get_kind_display()}，围绕“{title}”协商议政。"
        "与会委员认为……建议：一是加强统筹；二是完善机制；三是强化督查。",
    )
    n_outcomes = 0
    for j in range(2):
        unit_name = RECOMMENDATION_UNITS[(index + j) % len(RECOMMENDATION_UNITS)]
        officer, unit = _unit_officer(ctx, unit_name)
        o = services.recommendation_add(
            actor=committee,
            consultation=c,
            title=f"关于{title}的建议（{'一二'[j]}）",
            body="建议由责任单位制定工作方案，明确时间表和路线图。",
            owner_unit=unit if (index + j) % 5 else None,
            owner_leader=None if (index + j) % 5 else leader,
        )
        path = OUTCOME_PATHS[(index * 2 + j) % len(OUTCOME_PATHS)]
        owner = o.owner_leader or officer
        _outcome_path(o, path, committee, leader, owner)
        n_outcomes += 1
    return n_outcomes


def _media(ctx, zz, committee):
    from xieshang.consultations.models import Consultation, Topic

    from . import consultation_media

    consultations = list(Consultation.objects.filter(organization=zz).select_related("state").order_by("planned_date"))
    finished = {}
    for topic in Topic.objects.filter(organization=zz, state__key="done").select_related("room__community"):
        finished.setdefault(topic.room_id, (topic.room, topic))
    return consultation_media.build(ctx, consultations, list(finished.values()), committee)


def _material(staff, consultation):
    """The research report sent as the meeting's materials: a real Word document, written at demo time."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from docx import Document

    doc = Document()
    doc.add_heading(f"关于{consultation.title}的调研报告", level=1)
    for text in (
        f"根据市政协年度协商计划，{consultation.committee.name if consultation.committee else '有关专门委员会'}"
        f"组织部分委员围绕“{consultation.title}”开展专题调研。",
        "一、基本情况。近年来，全市在这一领域出台了一系列政策措施，取得积极成效。",
        "二、存在的问题。政策落实不够均衡，部门协同仍需加强，群众获得感有待提升。",
        "三、意见建议。一是加强统筹规划；二是完善工作机制；三是强化督促检查。",
    ):
        doc.add_paragraph(text)
    buffer = BytesIO()
    doc.save(buffer)
    upload = ContentFile(buffer.getvalue(), name="调研报告.docx")
    services.material_add(actor=staff, consultation=consultation, title="专题调研报告", upload=upload)


# Public calls (征集) before two coming consultations: (consultation title, question, kind, moderation, entries).
CALLS = [
    (
        "提升城市精细化管理水平",
        "城市精细化管理，您身边最需要改进的是什么？",
        "opinions",
        "pre",
        [
            "背街小巷的垃圾清运时间不固定，夏天气味大。",
            "共享单车乱停乱放，盲道经常被占。",
            "老旧小区的路灯维修报修后要等很久。",
            "建议公布占道施工的工期和投诉电话。",
            "公交站台缺少遮阳棚，老人等车很辛苦。",
        ],
    ),
    (
        "建设黄河文化传承创新区",
        "您对黄河文化传承创新区建设有什么建议？",
        "suggestions",
        "post",
        [
            "把沿黄的古渡口、老码头串成一条步行文化线。",
            "中小学开设黄河文化研学课程，每学期组织一次实地参观。",
            "在黄河博物馆增设方言和民俗的口述史展区。",
            "有人在黄河滩地聚众赌博，建议文化区建设时一并加强巡查。",  # a blocklist word: held for staff
        ],
    ),
]


def _calls(rng, zz, committee, resident, residents, members) -> int:
    """Two open calls: the pre-moderated one has entries published (with supports), one rejected with its reason
    and one waiting for `committee` in the queue; the post-moderated one published at once, but for an entry holding
    a word of the organization's blocklist, which waits in the queue too."""
    from xieshang.consultations.models import Consultation, Topic
    from xieshang.moderation.services import blocklist_save

    blocklist_save(actor=committee, organization=zz, words=["代开发票", "赌博", "刷单"])
    now = timezone.now()
    # The room topics just loaded count against the hourly limit of what a resident writes (core.limits): the calls
    # are answered by people who raised none.
    raisers = set(Topic.objects.filter(organization=zz).values_list("raised_by_id", flat=True))
    writers = [p for p in [resident, *residents, *members[30:40]] if p.pk not in raisers][:20]
    n_entries = 0
    for title, question, kind, moderation, texts in CALLS:
        consultation = Consultation.objects.get(organization=zz, title=title)
        call = services.call_open(
            actor=committee,
            consultation=consultation,
            question=question,
            kind=kind,
            description="征集的意见建议经整理后作为协商会议材料，供委员和有关部门参考。",
            opens_at=now - timedelta(days=5),
            closes_at=now + timedelta(days=20),
            moderation=moderation,
        )
        authors = writers[:1] + rng.sample(writers[1:], len(texts) - 1)
        entries = [services.entry_submit(actor=a, call=call, text=t) for a, t in zip(authors, texts, strict=True)]
        n_entries += len(entries)
        if moderation == "pre":
            for entry in entries[:3]:
                services.entry_moderate(actor=committee, entry=entry, decision="approve")
            services.entry_moderate(
                actor=committee, entry=entries[3], decision="reject", reason="属于具体投诉，已转 12345 热线办理。"
            )
        published = [e for e in entries if e.status == "published"]
        for entry in published:
            for supporter in rng.sample([w for w in writers if w.pk != entry.author_id], rng.randint(1, 6)):
                services.entry_support(actor=supporter, entry=entry)
    return n_entries


def _outcome_path(outcome, path, staff, leader, owner):
    for key in path:
        if key == "complete":
            services.progress_add(actor=owner, outcome=outcome, text="已完成方案制定并组织实施。", percent=100)
        actor = {"send": staff, "instruct": leader}.get(key, owner)
        _advance(lambda k, a=actor: a, outcome, [key])
        outcome.refresh_from_db()
        if key == "implement":
            services.progress_add(
                actor=owner,
                outcome=outcome,
                text="已制定实施方案，正在推进。",
                percent=40,
                milestone="完成主体工程",
                milestone_due=timezone.localdate() + timedelta(days=45),
            )


def _rooms(ctx, rng, zz, committee, leader, resident, residents, members) -> int:
    from xieshang.accounts.models import Community

    communities = list(ctx.data["communities"][:12])
    # Towns have rooms too; they make up the dozen when the demo city has fewer communities.
    communities += list(Community.objects.filter(organization=zz, kind="town")[: 12 - len(communities)])
    resident_community = resident.resident_profile.community_id
    by_community: dict[int, list] = {}
    for r in residents:
        by_community.setdefault(r.resident_profile.community_id, []).append(r)
    n_topics = 0
    for i, community in enumerate(communities):
        convener = committee if i == 1 else members[20 + i]
        room = services.room_create(
            actor=committee, community=community, convener=convener, address=f"{community.name}党群服务中心二楼"
        )
        locals_ = by_community.get(community.pk, []) or residents[i : i + 3]
        neighbours = [r for r in residents if r.pk != resident.pk][i : i + 6]
        if community.pk == resident_community:
            services.room_follow(actor=resident, room=room)
        for f in neighbours[:2]:
            services.room_follow(actor=f, room=room)
        plan = ["done", "following", "selected", "raised", "declined"] if i < 6 else ["done", "raised"]
        for j, target in enumerate(plan):
            _room_topic(ctx, rng, room, convener, leader, locals_, neighbours, members, i, j, target)
            n_topics += 1
    # A finished outcome in the resident's room that the resident has not rated yet: work waiting for `resident`.
    mine = Outcome.objects.filter(topic__room__community_id=resident_community, state__key="done").exclude(
        ratings__user=resident
    )
    assert mine.exists() or not resident_community
    return n_topics


def _room_topic(ctx, rng, room, convener, leader, locals_, neighbours, members, i: int, j: int, target: str) -> None:
    """Topic j of room i, raised and supported, then moved to `target` (its conversation, outcomes and ratings)."""
    title, body, unit_name = ROOM_TOPICS[(i + j) % len(ROOM_TOPICS)]
    raiser = locals_[0] if j == 0 else neighbours[j % len(neighbours)]
    topic = services.topic_raise(actor=raiser, room=room, title=title, body=body)
    for supporter in neighbours[:3]:
        if supporter.pk != raiser.pk:
            services.topic_support(actor=supporter, topic=topic)
    if target == "raised":
        return
    if target == "declined":
        _advance(lambda k, c=convener: c, topic, ["decline"], reason="已转交物业公司按合同处理。")
        return
    participants = [*locals_[:2], *neighbours[:3], members[100 + i]]
    services.topic_prepare(
        actor=convener,
        topic=topic,
        participants=participants,
        form=rng.choice(["meeting", "both", "online"]),
        meeting_at=timezone.now() - timedelta(days=30 - j),
    )
    if target == "selected" or j == 0 and i < 3:
        conversation = services.topic_open_conversation(
            actor=convener,
            topic=topic,
            seed_statements=[
                "应先征求全体住户意见",
                "费用应由受益住户分摊",
                "可申请政府补贴",
                "物业应承担维护责任",
            ],
        )
        _votes(conversation, neighbours[:4], rng)
    if target == "selected":
        return
    _advance(lambda k, c=convener: c, topic, ["hold"])
    topic.refresh_from_db()
    officer, unit = _unit_officer(ctx, unit_name)
    outcomes = [
        services.topic_outcome_add(
            actor=convener,
            topic=topic,
            title=f"{title}：落实整改",
            body="责任单位两个月内完成整改，社区跟踪。",
            owner_unit=unit,
        ),
        services.topic_outcome_add(actor=convener, topic=topic, title=f"{title}：建立长效机制", owner_unit=unit),
    ]
    _advance(lambda k, c=convener: c, topic, ["agree"])
    topic.refresh_from_db()
    if target == "done":
        for o in outcomes:
            _outcome_path(o, ["send", "adopt", "implement", "complete"], convener, leader, officer)
            o.refresh_from_db()
            for rater in neighbours[: 2 + (i % 3)]:
                services.outcome_rate(actor=rater, outcome=o, score=rng.choice([3, 3, 3, 2, 1]))
        _advance(lambda k, c=convener: c, topic, ["finish"])
    else:
        _outcome_path(outcomes[0], ["send", "adopt", "implement"], convener, leader, officer)
        _outcome_path(outcomes[1], ["send"], convener, leader, officer)


def _votes(conversation, people, rng):
    from xieshang.deliberation.services import vote_cast

    for statement in conversation.statements.all():
        statement.conversation = conversation
        for person in people:
            vote_cast(actor=person, statement=statement, value=rng.choice([1, 1, -1, 0]))
