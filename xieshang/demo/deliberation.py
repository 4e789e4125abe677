"""Demo conversations in the Zhengzhou conference: two local issues with a planted group structure, and the vTaiwan
UberX conversation when the Polis open data is at hand."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from xieshang.accounts.models import Role
from xieshang.deliberation.models import Conversation, Participant, Statement, Vote
from xieshang.deliberation.services import SystemActor, map_compute

from .registry import DemoContext

# (statement, stance of each planted group: 1 agree, -1 disagree, 0 split/pass). Statements every group agrees with
# are the consensus the map should find.
ELEVATOR = {
    "title": "老旧小区加装电梯：怎么装、谁出钱、如何协调低层住户",
    "description": "全市 2000 年前建成的多层住宅中，约四成还没有电梯。市政协城建委就加装电梯的资金分摊、低层住户补偿和"
    "审批流程征集意见。请对每条观点表态，也可以写下自己的看法。",
    "moderation": Conversation.Moderation.POST,
    "allow_anonymous": False,
    "groups": 3,
    "statements": [
        ("加装电梯前应充分征求单元全体住户意见，过程公开透明。", (1, 1, 1)),
        ("施工期间必须保障消防通道和管线安全。", (1, 1, 1)),
        ("应按楼层高低分摊建设费用，楼层越高出资越多。", (1, -1, 1)),
        ("低层住户受采光和噪声影响，应当得到合理补偿。", (-1, 1, 1)),
        ("只要单元三分之二以上住户同意就可以加装，不必全体同意。", (1, -1, 0)),
        ("一楼住户基本用不上电梯，不应该承担任何费用。", (-1, 1, 0)),
        ("政府补贴应提高到每部电梯 20 万元以上。", (0, 0, 1)),
        ("可以提取住房公积金支付加装电梯费用。", (1, 0, 1)),
        ("电梯建成后的维保费用应由使用电梯的住户承担。", (-1, 1, 0)),
        ("审批手续太繁琐，应推行“一站式”联合审批。", (1, 1, 1)),
        ("老年人上下楼困难，加装电梯是刚需，应优先安排。", (1, -1, 1)),
        ("加装电梯会占用小区绿地和停车位，得不偿失。", (-1, 1, -1)),
        ("应由专业的代建企业统一设计施工，保证质量。", (1, 0, 1)),
        ("社区应组织协商议事会，邀请住户、设计方和街道共同商量。", (1, 1, 1)),
        ("财政资金有限，应优先改造管网和屋面防水，而不是加装电梯。", (-1, 1, -1)),
        ("电梯运行噪声应有明确标准，超标要整改。", (0, 1, 1)),
        ("可引入社会资本，按次收费运营电梯。", (0, -1, -1)),
        ("加装电梯后房价上涨，高层住户应补偿低层住户。", (-1, 1, 1)),
        ("街道应安排专人帮助住户办理申请手续。", (1, 1, 1)),
        ("出资比例应由住户自行协商，政府不要规定。", (1, -1, -1)),
    ],
    "pending": [],
}
PARKING = {
    "title": "背街小巷停车难：划线停车、错时共享还是严格管控",
    "description": "金水区部分背街小巷夜间停车占用人行道和消防通道。"
    "请就停车管理方式发表意见，工作人员审核后显示新观点。",
    "moderation": Conversation.Moderation.PRE,
    "allow_anonymous": True,
    "groups": 2,
    "statements": [
        ("消防通道必须严格禁止停车。", (1, 1)),
        ("背街小巷可以施划夜间临时停车位。", (1, -1)),
        ("机关和商场停车场应在夜间向周边居民错时开放。", (1, 1)),
        ("占用人行道停车应一律贴条处罚。", (-1, 1)),
        ("路边停车应当收费，用收入改善小巷环境。", (-1, 1)),
        ("老旧小区周边应建设立体停车库。", (1, 1)),
        ("对本小区居民的车辆应给予停车优惠。", (1, -1)),
        ("小巷应改为单行道，以腾出停车空间。", (1, 0)),
        ("应鼓励绿色出行，而不是一味增加停车位。", (-1, 1)),
        ("城管执法应先劝导、后处罚。", (1, -1)),
        ("在小巷口设置智能道闸，外来车辆限时停放。", (0, 1)),
        ("停车管理方案应经过社区居民议事会协商决定。", (1, 1)),
    ],
    "pending": ["建议在小学门口设置限时接送车位。", "夜间外卖电动车也要规范停放。"],
}


def _voters(ctx: DemoContext, n: int) -> list:
    members = ctx.data.get("members", [])
    residents = ctx.data.get("residents", [])
    pool = residents + members[2:]
    return ctx.rng.sample(pool, min(n, len(pool)))


def _build_conversation(ctx: DemoContext, spec: dict, creator, n_voters: int) -> Conversation:
    rng = ctx.rng
    now = timezone.now()
    started = now - timedelta(days=14)
    conversation = Conversation.objects.create(
        organization=ctx.data["organization"],
        title=spec["title"],
        description=spec["description"],
        moderation=spec["moderation"],
        allow_anonymous=spec["allow_anonymous"],
        created_by=creator,
        created_at=started,
    )
    voters = _voters(ctx, n_voters)
    participants = Participant.objects.bulk_create(
        [
            Participant(conversation=conversation, number=i, user=user, created_at=started)
            for i, user in enumerate(voters)
        ]
    )
    statements = []
    for i, (text, _stance) in enumerate(spec["statements"]):
        seed = i < 6
        statements.append(
            Statement(
                conversation=conversation,
                number=i,
                text=text,
                is_seed=seed,
                author=None if seed else participants[rng.randrange(len(participants))],
                status=Statement.Status.APPROVED,
                moderated_by=creator,
                moderated_at=started,
                created_at=started + timedelta(hours=i),
            )
        )
    for j, text in enumerate(spec["pending"]):
        statements.append(
            Statement(
                conversation=conversation,
                number=len(spec["statements"]) + j,
                text=text,
                author=participants[rng.randrange(len(participants))],
                status=Statement.Status.PENDING,
                created_at=now - timedelta(hours=j + 1),
            )
        )
    statements = Statement.objects.bulk_create(statements)
    # Planted groups: each voter follows their group's stance on most statements, votes at random on a few.
    votes = []
    weights = [0.45, 0.35, 0.2][: spec["groups"]]
    for participant in participants:
        group = rng.choices(range(spec["groups"]), weights=weights)[0]
        for statement, (_text, stance) in zip(statements, spec["statements"], strict=False):
            if rng.random() > 0.75:
                continue
            planted = stance[group]
            if planted == 0 or rng.random() < 0.12:
                value = rng.choice((-1, 0, 1))
            else:
                value = planted if rng.random() > 0.08 else 0
            votes.append(
                Vote(
                    conversation=conversation,
                    statement=statement,
                    participant=participant,
                    value=value,
                    created_at=started + timedelta(minutes=rng.randrange(14 * 24 * 60)),
                )
            )
    Vote.objects.bulk_create(votes, batch_size=2000)
    map_compute(conversation.pk)
    ctx.say(f"  deliberation: «{conversation.title[:12]}…» {len(statements)} statements, {len(votes)} votes")
    return conversation


def build(ctx: DemoContext) -> None:
    organization = ctx.data.get("organization")
    if organization is None:
        return
    staff = ctx.data.get("staff", {})
    creator = (staff.get(Role.COMMITTEE_STAFF) or [None])[0]
    _build_conversation(ctx, ELEVATOR, creator, n_voters=90)
    _build_conversation(ctx, PARKING, creator, n_voters=60)
    _import_vtaiwan(ctx, organization)


def _import_vtaiwan(ctx: DemoContext, organization) -> None:
    from xieshang.deliberation.polis import read_export_dir, shared_polis_dir
    from xieshang.deliberation.services import polis_import

    folder = shared_polis_dir() / "vtaiwan.uberx"
    if not (folder / "comments.csv").is_file():
        return
    conversation = polis_import(
        actor=SystemActor("demo_data"),
        export=read_export_dir(folder),
        organization=organization,
        title="UberX 自用车载客（vTaiwan 2015，Polis 公开数据）",
        source="https://pol.is/3phdex2kjf · CC BY 4.0 The Computational Democracy Project",
    )
    map_compute(conversation.pk)
    ctx.say(f"  deliberation: vTaiwan UberX imported ({conversation.votes.count()} votes)")
