"""A year of public-opinion information at the scale of the Zhengzhou conference's 2021 report (about 1,150 reports
edited, 780 sent to the city leadership and bureaus, 370 to the province, 9 adopted nationally), moved through the
real services under a simulated clock, so every event, version, dispatch, credit and figure is what the pipeline
writes. Notifications are held back while the history loads; the work waiting today notifies as usual."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from xieshang.accounts.models import HandlingUnit, Role, RoleGrant, User
from xieshang.core import figures
from xieshang.opinions import services
from xieshang.opinions.models import Level

from .registry import DemoContext, history

PLACES = [
    "金水区",
    "二七区",
    "中原区",
    "管城回族区",
    "惠济区",
    "上街区",
    "郑东新区",
    "高新区",
    "经开区",
    "航空港区",
    "中牟县",
    "巩义市",
    "新郑市",
    "登封市",
    "荥阳市",
    "新密市",
]
# (title template, topic, situation, problem, suggestions, unit short names it may be forwarded to)
TOPICS = [
    (
        "关于{place}老旧小区加装电梯推进难的建议",
        "加装电梯",
        "{place}共有 {n} 个老旧小区列入改造计划，居民加装电梯意愿强烈，但已完成加装的不足三成。",
        "低层住户意见不一、资金分摊缺乏标准、审批涉及多个部门，部分项目搁置一年以上。",
        [
            "由街道牵头建立楼栋协商机制，引入“有事好商量”议事室调解分歧",
            "出台分摊比例参考标准和补偿办法",
            "推行加装电梯“一窗受理、并联审批”",
        ],
        ["市住房局", "市资规局"],
    ),
    (
        "关于破解{place}中小学课后服务师资不足的建议",
        "课后服务",
        "“双减”实施以来，{place}中小学课后服务覆盖率已达 {p}%，但教师日均在校时间延长到 {h} 小时以上。",
        "课后服务内容以作业辅导为主，音体美和科技类课程供给不足，教师负担明显加重。",
        [
            "引入高校、科技馆、文艺院团等社会资源参与课后服务",
            "完善教师弹性上下班和课后服务补助制度",
            "建立课后服务质量评价和家长满意度调查机制",
        ],
        ["市教育局"],
    ),
    (
        "关于规范{place}电动自行车充电管理的建议",
        "电动车充电",
        "{place}电动自行车保有量约 {n} 万辆，居民“飞线充电”“入户充电”现象仍较普遍。",
        "小区集中充电设施数量不足、收费偏高，部分设施建成后无人维护，消防隐患突出。",
        [
            "将充电设施纳入老旧小区改造和新建小区配套",
            "统一充电收费指导价，鼓励物业和企业合作运营",
            "开展电动车火灾隐患专项治理",
        ],
        ["市消防支队", "郑州供电", "市城管局"],
    ),
    (
        "关于完善{place}社区居家养老服务网络的建议",
        "居家养老",
        "{place} 60 岁以上老年人口约 {n} 万人，占户籍人口的 {p}%，独居和高龄老人逐年增多。",
        "社区养老服务站点分布不均，助餐、助浴、上门护理等服务供给不足，专业护理人员缺口较大。",
        ["按照 15 分钟服务圈布局社区养老服务站", "建立养老护理员培训补贴和职业晋升通道", "推广“时间银行”互助养老模式"],
        ["市民政局", "市卫健委"],
    ),
    (
        "关于缓解{place}医院周边交通拥堵的建议",
        "医院周边交通",
        "{place}三甲医院日均门诊量超过 {n} 人次，高峰时段周边道路车辆排队常达一公里以上。",
        "医院停车位供给不足，网约车临时停靠无序，就医群众步行通道被占用。",
        ["推行分时段预约就诊与预约停车联动", "利用周边空地建设立体停车设施", "设置网约车专用上下客区"],
        ["市公安局", "市卫健委", "市交通局"],
    ),
    (
        "关于加强{place}背街小巷环境整治长效管理的建议",
        "背街小巷",
        "近年来{place}累计整治背街小巷 {n} 条，街容街貌明显改善。",
        "部分已整治街巷出现反弹，占道经营、乱堆乱放、路面破损等问题反复出现，管护责任不清。",
        ["建立“街长制”和居民参与的巡查机制", "将管护经费纳入区级财政预算", "引入第三方定期评估"],
        ["市城管局"],
    ),
    (
        "关于推动{place}“专精特新”中小企业融资的建议",
        "中小企业融资",
        "{place}已培育省级“专精特新”中小企业 {n} 家，但多数企业处于成长期，轻资产特征明显。",
        "企业缺少抵押物，知识产权质押融资渠道不畅，政府引导基金覆盖面有限。",
        ["扩大知识产权质押融资风险补偿资金池", "建立企业信用信息共享平台", "设立面向初创期企业的天使基金"],
        ["市金融局", "市工信局"],
    ),
    (
        "关于提升{place}农村人居环境整治水平的建议",
        "农村人居环境",
        "{place}已完成 {n} 个行政村的人居环境整治，村容村貌明显改观。",
        "部分村庄生活污水处理设施运行不正常，垃圾清运不及时，村民参与度不高。",
        ["建立农村污水处理设施第三方运维机制", "推行垃圾分类积分兑换", "将人居环境整治纳入村规民约"],
        ["市农委", "市生态环境局"],
    ),
    (
        "关于做好{place}灵活就业人员社会保障工作的建议",
        "灵活就业社保",
        "{place}外卖骑手、网约车司机等灵活就业人员约 {n} 万人，参加职工养老保险的比例不足四成。",
        "灵活就业人员缴费负担重、职业伤害保障缺失，异地转移接续手续繁琐。",
        ["开展新就业形态职业伤害保障试点", "对低收入灵活就业人员给予社保补贴", "简化社保关系转移接续流程"],
        ["市人社局", "市总工会"],
    ),
    (
        "关于加强{place}汛期城市内涝防治的建议",
        "城市内涝",
        "“7·20”特大暴雨灾害暴露出{place}排水防涝设施的短板，低洼路段和地下空间积水严重。",
        "部分雨污管网标准偏低，地下车库、地铁站口缺少挡水设施，应急预警信息传递不及时。",
        ["加快海绵城市和排水管网提标改造", "对地下空间逐一排查并加装挡水设施", "完善极端天气“叫应”机制和停工停课制度"],
        ["市城建局", "市应急局", "郑州地铁", "市水利局"],
    ),
    (
        "关于加快{place}公共充电桩建设的建议",
        "新能源汽车充电",
        "{place}新能源汽车保有量已超过 {n} 万辆，公共充电桩车桩比约为 {h}:1。",
        "充电桩分布不均，老城区和老旧小区“充电难”，部分充电桩损坏后长期无人修复。",
        ["编制充电设施专项规划", "鼓励机关、企事业单位停车场向社会开放充电", "建立充电设施运营质量考核制度"],
        ["市发改委", "郑州供电"],
    ),
    (
        "关于规范{place}校外培训机构管理的建议",
        "校外培训",
        "{place}现有各类校外培训机构约 {n} 家，“双减”后部分机构转为“隐形变异”培训。",
        "预收费监管存在漏洞，机构“爆雷”后家长维权困难，非学科类培训标准不明确。",
        ["全面推行预收费资金银行托管", "明确非学科类培训机构设置标准", "建立多部门联合执法机制"],
        ["市教育局", "市场监管局"],
    ),
    (
        "关于提高{place}基层医疗机构服务能力的建议",
        "基层医疗",
        "{place}社区卫生服务中心和乡镇卫生院共 {n} 家，家庭医生签约覆盖率达 {p}%。",
        "基层医务人员流失严重，设备陈旧，群众“小病也往大医院跑”，签约服务“签而不约”。",
        ["推进紧密型医联体建设，上级医院专家定期下沉", "提高基层医务人员薪酬待遇", "完善分级诊疗医保报销差异化政策"],
        ["市卫健委", "市医保局"],
    ),
    (
        "关于保护利用{place}黄河文化遗产的建议",
        "黄河文化",
        "{place}境内黄河文化遗产资源丰富，已登记不可移动文物 {n} 处。",
        "部分遗址保护经费不足、展示利用方式单一，文旅融合程度不高。",
        ["编制黄河文化遗产保护利用专项规划", "推动遗址公园与研学旅游结合", "运用数字技术活化展示文化遗产"],
        ["市文旅局"],
    ),
    (
        "关于优化{place}营商环境中“一件事一次办”的建议",
        "一件事一次办",
        "{place}已推出 {n} 项“一件事一次办”集成服务，企业开办时间压缩到 1 个工作日以内。",
        "部分事项系统不互通，仍需企业重复提交材料，基层窗口人员业务不熟。",
        ["打通部门业务系统数据壁垒", "推行电子证照“免提交”", "加强窗口人员业务培训"],
        ["市政务服务办", "市大数据局"],
    ),
    (
        "关于解决{place}新建小区入学难的建议",
        "学位供给",
        "{place}近三年新增住宅小区 {n} 个，适龄儿童数量快速增长。",
        "配套学校建设滞后于住宅交付，部分小区学生需跨片区就读，家长接送负担重。",
        ["落实新建小区配套学校“四同步”", "科学预测学位需求，提前规划建设", "对学位紧张片区实行集团化办学"],
        ["市教育局", "市资规局"],
    ),
    (
        "关于加强{place}食品安全“明厨亮灶”建设的建议",
        "食品安全",
        "{place}餐饮单位约 {n} 家，“明厨亮灶”覆盖率约为 {p}%。",
        "小餐饮和外卖“幽灵餐厅”监管难，部分视频设备只装不用，信息未向公众开放。",
        ["将外卖平台入网餐饮全部纳入“互联网+明厨亮灶”", "建立平台与监管部门数据共享", "鼓励消费者参与监督"],
        ["市场监管局"],
    ),
    (
        "关于完善{place}公交线网与地铁衔接的建议",
        "公交地铁衔接",
        "{place}地铁运营里程不断增加，但部分站点与公交换乘距离超过 {h}00 米。",
        "公交线路与地铁重复度高，末端“最后一公里”接驳不足，高峰时段候车时间长。",
        ["围绕地铁站点优化调整公交线网", "开通社区微循环公交", "完善站点非机动车停放设施"],
        ["郑州公交", "郑州地铁", "市交通局"],
    ),
    (
        "关于加强{place}未成年人网络保护的建议",
        "未成年人网络保护",
        "调查显示，{place}中小学生中有 {p}% 拥有个人手机，日均上网时间超过 {h} 小时。",
        "网络游戏防沉迷措施存在漏洞，不良信息传播隐蔽，家庭和学校网络素养教育不足。",
        ["开展未成年人网络素养进校园活动", "加大对违规网络游戏和直播平台的执法力度", "建立家校社协同保护机制"],
        ["市委宣传部", "市教育局", "团市委"],
    ),
    (
        "关于推进{place}生活垃圾分类提质增效的建议",
        "垃圾分类",
        "{place}生活垃圾分类已覆盖 {n} 个小区，居民知晓率达 {p}%。",
        "居民准确投放率不高，“混装混运”现象仍有发生，厨余垃圾处理能力不足。",
        ["加强分类运输车辆和处理设施建设", "推行定时定点投放和督导员制度", "对分类成效好的小区给予奖励"],
        ["市城管局"],
    ),
]
DETAILS = [
    "据调查，群众对此反映集中，{place}12345 热线今年以来受理相关诉求 {n} 件。",
    "部分委员在走访中了解到，有的问题已持续多年，群众意见较大。",
    "相关部门已开展专项工作，但整体推进效果与群众期待仍有差距。",
    "兄弟城市已有成熟经验，如杭州、成都等地的做法值得借鉴。",
    "随着城镇化加快推进，这一问题在新城区和城乡接合部表现尤为明显。",
]
CLOSE_REASONS = [
    "所反映问题已由相关部门专项部署，本期不再编报。",
    "内容与近期已编报信息重复，已并入同类信息综合反映。",
    "反映情况较为笼统，缺少具体事实和数据，建议补充调研后重新报送。",
    "属于个人诉求，已建议通过 12345 热线反映。",
]
LEADERS = [
    ("市委书记", Level.OWN),
    ("市长", Level.OWN),
    ("常务副市长", Level.OWN),
    ("副市长", Level.OWN),
    ("市委副书记", Level.OWN),
    ("副省长", Level.PROVINCIAL),
    ("省政协副主席", Level.PROVINCIAL),
]
INSTRUCTIONS = [
    "请市{unit}研究办理，并将结果报市政府。",
    "建议很有针对性，请相关部门认真研究吸纳。",
    "请{unit}牵头，会同有关单位提出具体措施。",
    "此件反映的问题要高度重视，请抓紧解决。",
    "请分管同志阅处，结合年度重点工作统筹推进。",
]
ADOPTION_NOTES = {
    Level.OWN: "被市委办公厅《每日要情》采用",
    Level.PROVINCIAL: "被省政协《社情民意信息》采用",
    Level.NATIONAL: "被全国政协办公厅《社情民意信息》采用",
}


class Clock:
    def __init__(self, start: datetime):
        self.value = start

    def __call__(self) -> datetime:
        return self.value

    def at(self, day: date, rng) -> datetime:
        minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
        self.value = timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))
        return self.value


@contextmanager
def simulated(clock: Clock):
    original = timezone.now
    timezone.now = clock
    try:
        yield
    finally:
        timezone.now = original


def _text(rng, topic=None):
    title_t, _topic, situation, problem, suggestions, units = topic or rng.choice(TOPICS)
    place = rng.choice(PLACES)
    fill = {"place": place, "n": rng.randint(12, 980), "p": rng.randint(35, 92), "h": rng.randint(2, 9)}
    title = title_t.format(**fill)
    tips = rng.sample(suggestions, k=len(suggestions))
    body = "\n".join(
        [
            situation.format(**fill) + rng.choice(DETAILS).format(**fill),
            "存在的主要问题：" + problem.format(**fill),
            "为此建议：" + "；".join(f"{i + 1}. {t}" for i, t in enumerate(tips)) + "。",
        ]
    )
    return title, body, units


def _weekdays(year: int) -> list[date]:
    day, days = date(year, 1, 4), []
    while day.year == year:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _editor_touch(rng, body: str) -> str:
    """What an editor typically does: tighten wording, fix the closing sentence."""
    body = body.replace("为此建议：", "建议如下：", 1).replace("群众意见较大", "群众反映强烈")
    if rng.random() < 0.5:
        body = body.replace("存在的主要问题：", "主要问题是：", 1)
    return body


SUMMARY = (
    "opinion_reports_edited",
    "opinion_reports_to_city",
    "opinion_reports_to_province",
    "opinion_reports_adopted_national",
)


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    data = ctx.data
    org = data["organization"]
    accounts = data["accounts"]
    staff = accounts["information"]
    leader_users = data["staff"][Role.LEADER]
    members = [u for u in data["members"] if u.username != "newmember"]
    informants = data["staff"].get(Role.INFORMANT, [])
    authors_pool = members[2:] + informants * 4
    units = {u.short_name: u for u in data["units"]}

    recipients = services.recipients_ensure_defaults(org)
    by_level = {}
    for r in recipients:
        by_level.setdefault(r.level, []).append(r)
    _recipient_accounts(ctx, org, recipients)
    data["opinion_recipients"] = recipients

    clock = Clock(timezone.now())
    with simulated(clock), history():
        _history(ctx, rng, clock, org, staff, leader_users, authors_pool, members, units, by_level)
    _today(ctx, rng, org, staff, accounts, units, by_level, members)
    # The summary reads the statistics face, as the report page does (not the builder's own tally).
    year = figures.values(org.pk, date(2021, 1, 1), date(2021, 12, 31), keys=SUMMARY)
    ctx.say(
        "  opinions 2021: {opinion_reports_edited} edited, {opinion_reports_to_city} to the city or forwarded, "
        "{opinion_reports_to_province} to the province, {opinion_reports_adopted_national} adopted nationally".format(
            **year
        )
    )


def _recipient_accounts(ctx, org, recipients) -> None:
    """Readers of the city leadership's inbox (市委、市政府办公厅信息科) and the provincial conference's staff."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .organization import DEMO_TOTP_KEY
    from .registry import DEMO_PASSWORD

    # Hashing anew costs seconds at production strength; every demo account shares the one password anyway.
    password = ctx.data["accounts"]["member"].password or make_password(DEMO_PASSWORD)
    own = [r for r in recipients if r.level == Level.OWN]
    # The city leadership's offices are modelled as party and government units (their officers pass the second
    # factor like other staff) with no conference-wide role, so they see only what was sent to them.
    specs = []
    for recipient, username in zip(own, ("cityleader", "citygov"), strict=False):
        office = HandlingUnit.objects.create(
            organization=org,
            name=f"{recipient.name}办公厅",
            short_name=f"{recipient.name[:4]}办",
            kind=HandlingUnit.Kind.PARTY if recipient.name.startswith("中共") else HandlingUnit.Kind.BUREAU,
        )
        specs.append((username, f"{office.name}信息科 · 需第二因素", [recipient], org, Role.UNIT_OFFICER, office))
    provincial = data_org(ctx, "provincial")
    if provincial is not None:
        specs.append(
            ("provinfo", "省政协信息处（查看郑州报送） · 需第二因素", [], provincial, Role.INFORMATION_STAFF, None)
        )
    for username, note, readers_of, grant_org, role, office in specs:
        user = User.objects.create(
            username=username,
            name=note.split(" · ")[0],
            password=password,
            password_changed_at=timezone.now(),
            email=f"{username}@demo.xieshang.org",
        )
        RoleGrant.objects.create(user=user, organization=grant_org, role=role, handling_unit=office)
        TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY, confirmed=True)
        for recipient in readers_of:
            recipient.users.add(user)
        ctx.accounts.append((str(role.label), username, note))


def data_org(ctx, key):
    return ctx.data.get(key)


def _history(ctx, rng, clock, org, staff, leader_users, authors_pool, members, units, by_level) -> dict:
    """Weeks of 2021: most written in bulk (opinion_history), the last one moved by the services."""
    from . import opinion_history, opinion_service

    days = _weekdays(2021)
    weeks = [days[i : i + 5] for i in range(0, len(days), 5)]
    bulk_weeks, service_weeks = weeks[:-1], weeks[-1:]
    helpers = {"text": _text, "editor_touch": _editor_touch, "officer_of": _officer, "reply_text": _reply_text}
    constants = {
        "leaders": LEADERS,
        "instructions": INSTRUCTIONS,
        "adoption_notes": ADOPTION_NOTES,
        "close_reasons": CLOSE_REASONS,
        # The work report's figures for 2021 (shared/domain.md), which the bulk weeks reproduce exactly.
        "targets": {"edited": 1151, "to_city": 779, "provincial": 372, "national_adopted": 9},
    }
    counts = opinion_history.load(
        ctx,
        rng,
        org=org,
        staff=staff,
        weeks=bulk_weeks,
        authors_pool=authors_pool,
        members=members,
        leader_users=leader_users,
        units=units,
        by_level=by_level,
        constants=constants,
        **helpers,
    )
    more = opinion_service.service_weeks(
        rng,
        clock,
        org,
        staff,
        leader_users,
        authors_pool,
        members,
        units,
        by_level,
        service_weeks,
        national_budget=9 - counts["national_adopted"],
        constants=constants,
        **helpers,
    )
    return {k: counts[k] + more[k] for k in counts}


_officers: dict[int, User | None] = {}


def _officer(unit):
    if unit.pk not in _officers:
        grant = RoleGrant.objects.filter(role=Role.UNIT_OFFICER, handling_unit=unit).select_related("user").first()
        _officers[unit.pk] = grant.user if grant else None
    return _officers[unit.pk]


def _reply_text(rng, unit_name: str) -> str:
    return rng.choice(
        [
            f"{unit_name}高度重视，已组织专题研究，相关建议已纳入明年工作计划。",
            f"{unit_name}已会同有关区县开展实地调研，部分问题已整改到位，其余问题将分步解决。",
            f"感谢委员的建议。{unit_name}已出台相关工作方案，下一步将加强督导检查。",
        ]
    )


def _today(ctx, rng, org, staff, accounts, units, by_level, members) -> None:
    """Work waiting now: new reports for the desk, one being edited, an approved pair for the next issue, and the
    demo member's own reports at each stage (edited with changes, adopted with credit, one not used)."""
    _officers.clear()
    member = accounts["member"]
    today = timezone.localdate()
    topics = rng.sample(TOPICS, k=10)
    made = []
    for i, topic in enumerate(topics):
        author = member if i < 4 else rng.choice(members[2:])
        title, body, _units = _text(rng, topic)
        report = services.report_submit(
            actor=author,
            organization=org,
            title=title,
            body=body,
            urgent=i == 5,
            submitted_at=timezone.now() - timedelta(days=10 - i),
        )
        made.append(report)
    # The member's first report went the whole way: edited, issued, sent to the city and province, instructed and
    # adopted; the second is being edited; the third was not used; the fourth waits for the desk.
    first, second, third = made[0], made[1], made[2]
    services.report_transition(actor=staff, report=first, key="take_up")
    services.report_edit(
        actor=staff, report=first, title=first.title, body=_editor_touch(rng, first.body), note="压缩篇幅，调整建议表述"
    )
    services.report_transition(actor=staff, report=first, key="approve")
    issue = services.issue_create(actor=staff, organization=org)
    services.issue_add_reports(actor=staff, issue=issue, reports=[first])
    services.issue_publish(actor=staff, issue=issue)
    services.report_send(
        actor=staff, report=first, recipients=by_level.get(Level.OWN, []) + by_level.get(Level.PROVINCIAL, [])
    )
    services.instruction_record(
        actor=staff,
        report=first,
        level=Level.OWN,
        leader_name="王某某",
        leader_title="副市长",
        text="请市住房局研究办理。",
        instructed_on=today,
    )
    services.adoption_record(
        actor=staff, report=first, level=Level.OWN, adopted_on=today, note=ADOPTION_NOTES[Level.OWN]
    )
    services.report_transition(actor=staff, report=second, key="take_up")
    services.report_edit(
        actor=staff, report=second, title=second.title, body=_editor_touch(rng, second.body), note="初步修改"
    )
    services.report_transition(actor=staff, report=third, key="close", reason=CLOSE_REASONS[2])
    for report in made[4:6]:
        services.report_transition(actor=staff, report=report, key="take_up")
        services.report_transition(actor=staff, report=report, key="approve")
    # A draft issue waiting to be filled.
    services.issue_create(actor=staff, organization=org, editor_note="本期聚焦民生实事。")
    # A forwarded report waiting for the demo bureau account (市住房局) to reply.
    unit = units.get("市住房局")
    if unit is not None:
        services.report_forward(actor=staff, report=first, units=[unit], note="请研究办理并回复。")
