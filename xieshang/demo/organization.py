"""The demo organization: the Zhengzhou conference, its partners, sectors, committees, bureaus, members and staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from xieshang.accounts.models import (
    Community,
    HandlingUnit,
    MemberProfile,
    Organization,
    Partnership,
    ResidentProfile,
    Role,
    RoleGrant,
    Sector,
    SpecialCommittee,
    User,
)

from .registry import DEMO_PASSWORD, DemoContext

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田"
    "任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建华志强建国海燕晓东丽娟春梅文博国庆卫东红梅"
    "振宇子涵浩然雨萱思远嘉怡俊杰欣怡宏伟淑珍德明永红金凤立新晓燕晨阳佳琪瑞雪正阳书豪梦洁新民宝华玉洁秋菊晓峰"
)
SECTORS = [
    "中国共产党",
    "中国国民党革命委员会",
    "中国民主同盟",
    "中国民主建国会",
    "中国民主促进会",
    "中国农工民主党",
    "中国致公党",
    "九三学社",
    "无党派人士",
    "中国共产主义青年团",
    "中华全国总工会",
    "中华全国妇女联合会",
    "中华全国青年联合会",
    "中华全国工商业联合会",
    "中国科学技术协会",
    "中华全国台湾同胞联谊会",
    "文化艺术界",
    "科学技术界",
    "社会科学界",
    "经济界",
    "农业界",
    "教育界",
    "体育界",
    "新闻出版界",
    "医药卫生界",
    "对外友好界",
    "社会福利和社会保障界",
    "少数民族界",
    "宗教界",
    "特邀人士",
]
SECTOR_PARTY = {
    "中国共产党": "cpc",
    "中国国民党革命委员会": "rcck",
    "中国民主同盟": "cdl",
    "中国民主建国会": "cndca",
    "中国民主促进会": "capd",
    "中国农工民主党": "cpwdp",
    "中国致公党": "czgp",
    "九三学社": "js",
    "无党派人士": "none",
}
COMMITTEES = [
    ("提案委员会", "提案委"),
    ("经济委员会", "经济委"),
    ("农业和农村委员会", "农业农村委"),
    ("人口资源环境委员会", "人资环委"),
    ("教科卫体委员会", "教科卫体委"),
    ("社会和法制委员会", "社法委"),
    ("民族和宗教委员会", "民宗委"),
    ("港澳台侨和外事委员会", "港澳台侨外事委"),
    ("文化文史和学习委员会", "文史委"),
    ("城乡建设委员会", "城建委"),
]
# (name, short name, kind, duty keywords) — the city's bureaus and other handling units.
UNITS = [
    ("郑州市发展和改革委员会", "市发改委", "bureau", "规划 项目 价格 营商环境 新基建 能源"),
    ("郑州市教育局", "市教育局", "bureau", "学校 教师 学位 课后服务 双减 职业教育 幼儿园"),
    ("郑州市科学技术局", "市科技局", "bureau", "科技创新 研发 孵化器 高新技术企业 人才"),
    ("郑州市工业和信息化局", "市工信局", "bureau", "制造业 中小企业 专精特新 数字化转型"),
    ("郑州市公安局", "市公安局", "bureau", "治安 交通秩序 电动车 户籍 反诈"),
    ("郑州市民政局", "市民政局", "bureau", "养老 社区 社会救助 殡葬 婚姻登记 社会组织"),
    ("郑州市司法局", "市司法局", "bureau", "法律援助 人民调解 普法 社区矫正"),
    ("郑州市财政局", "市财政局", "bureau", "预算 资金 补贴 政府采购 债务"),
    ("郑州市人力资源和社会保障局", "市人社局", "bureau", "就业 社保 工资 技能培训 劳动仲裁 灵活就业"),
    ("郑州市自然资源和规划局", "市资规局", "bureau", "国土空间规划 用地 不动产登记 地质灾害"),
    ("郑州市生态环境局", "市生态环境局", "bureau", "大气污染 噪声 水污染 环评 扬尘 碳排放"),
    ("郑州市住房保障和房地产管理局", "市住房局", "bureau", "保障房 物业 房地产 老旧小区改造 加装电梯 租赁住房"),
    ("郑州市城乡建设局", "市城建局", "bureau", "市政道路 建筑工地 城中村改造 海绵城市 管网"),
    ("郑州市城市管理局", "市城管局", "bureau", "背街小巷 垃圾分类 占道经营 市容 停车 环卫 公厕"),
    ("郑州市交通运输局", "市交通局", "bureau", "公交线路 出租车 网约车 道路运输 公路"),
    ("郑州市水利局", "市水利局", "bureau", "河道 防汛 水资源 节水 黄河"),
    ("郑州市农业农村局", "市农委", "bureau", "乡村振兴 农业 农村人居环境 高标准农田 粮食"),
    ("郑州市商务局", "市商务局", "bureau", "消费 商圈 夜经济 外贸 电商 早市"),
    ("郑州市文化广电和旅游局", "市文旅局", "bureau", "旅游 文物 博物馆 图书馆 演出 黄河文化"),
    ("郑州市卫生健康委员会", "市卫健委", "bureau", "医院 医疗 基层卫生 疫苗 托育 家庭医生"),
    ("郑州市退役军人事务局", "市退役军人局", "bureau", "退役军人 优抚 安置"),
    ("郑州市应急管理局", "市应急局", "bureau", "安全生产 应急 消防 防灾减灾"),
    ("郑州市审计局", "市审计局", "bureau", "审计 资金监督"),
    ("郑州市人民政府国有资产监督管理委员会", "市国资委", "bureau", "国有企业 国资 改革"),
    ("郑州市市场监督管理局", "市场监管局", "bureau", "食品安全 价格欺诈 市场主体 特种设备 药品"),
    ("郑州市体育局", "市体育局", "bureau", "全民健身 体育场馆 赛事 健身步道"),
    ("郑州市统计局", "市统计局", "bureau", "统计 数据 普查"),
    ("郑州市医疗保障局", "市医保局", "bureau", "医保 报销 药品集采 异地就医 长期护理保险"),
    ("郑州市园林局", "市园林局", "bureau", "公园 绿化 游园 行道树"),
    ("郑州市大数据管理局", "市大数据局", "bureau", "数字政府 政务数据 城市大脑 一网通办"),
    ("郑州市信访局", "市信访局", "bureau", "信访 投诉"),
    ("郑州市政务服务和大数据管理局", "市政务服务办", "bureau", "审批 一件事 政务服务 营商环境"),
    ("郑州市地方金融监督管理局", "市金融局", "bureau", "金融 融资 小微企业贷款 非法集资"),
    ("郑州市人民防空办公室", "市人防办", "bureau", "人防工程 地下空间"),
    ("郑州市林业局", "市林业局", "bureau", "森林 林地 绿化造林"),
    ("郑州市住房公积金管理中心", "市公积金中心", "bureau", "公积金 提取 贷款"),
    ("郑州市消防救援支队", "市消防支队", "bureau", "消防通道 火灾 电动车充电"),
    ("郑州地铁集团有限公司", "郑州地铁", "enterprise", "地铁 线路 站点 换乘"),
    ("郑州市公共交通集团有限公司", "郑州公交", "enterprise", "公交 站台 线路 班次"),
    ("国网郑州供电公司", "郑州供电", "enterprise", "供电 电网 充电桩"),
    ("郑州水务集团有限公司", "郑州水务", "enterprise", "供水 污水处理 水价"),
    ("郑州华润燃气股份有限公司", "郑州燃气", "enterprise", "燃气 管道 供暖"),
    ("郑州市残疾人联合会", "市残联", "other", "残疾人 无障碍 康复"),
    ("郑州市妇女联合会", "市妇联", "other", "妇女 儿童 家庭"),
    ("共青团郑州市委员会", "团市委", "other", "青年 志愿服务 青少年"),
    ("郑州市总工会", "市总工会", "other", "职工 劳模 户外劳动者驿站"),
    ("郑州市中级人民法院", "市中院", "court", "审判 执行 诉讼服务"),
    ("郑州市人民检察院", "市检察院", "court", "检察 公益诉讼"),
    ("中共郑州市委宣传部", "市委宣传部", "party", "宣传 文明城市 新闻"),
    ("中共郑州市委组织部", "市委组织部", "party", "干部 人才 基层党建"),
    ("中原区人民政府", "中原区政府", "district", "中原区"),
    ("二七区人民政府", "二七区政府", "district", "二七区"),
    ("管城回族区人民政府", "管城区政府", "district", "管城区"),
    ("金水区人民政府", "金水区政府", "district", "金水区"),
    ("惠济区人民政府", "惠济区政府", "district", "惠济区"),
    ("上街区人民政府", "上街区政府", "district", "上街区"),
    ("郑东新区管理委员会", "郑东新区管委会", "district", "郑东新区 龙湖 CBD"),
    ("郑州航空港经济综合实验区管理委员会", "航空港区管委会", "district", "航空港 机场 物流"),
    ("郑州高新技术产业开发区管理委员会", "高新区管委会", "district", "高新区 科学大道"),
    ("郑州经济技术开发区管理委员会", "经开区管委会", "district", "经开区 汽车"),
    ("中牟县人民政府", "中牟县政府", "district", "中牟 大蒜 农业"),
]
COMMUNITIES = {
    "金水区": [("丰产路街道", ["黄河路社区", "经三路社区"]), ("文化路街道", ["红专路社区", "农科路社区"])],
    "二七区": [("建中街街道", ["保全街社区", "民主路社区"]), ("淮河路街道", ["政通路社区"])],
    "管城回族区": [("北下街街道", ["书院街社区", "清真寺社区"])],
    "中原区": [("林山寨街道", ["建设路社区", "百花社区"])],
}
WORKPLACES = [
    "郑州大学教授",
    "河南省人民医院主任医师",
    "郑州市第一中学校长",
    "河南某律师事务所主任",
    "郑州某科技公司董事长",
    "郑州市某社区党委书记",
    "河南日报社记者",
    "中原某集团总经理",
    "郑州轻工业大学副教授",
    "郑州市中心医院副院长",
    "金水区某街道办事处主任",
    "郑州某建筑设计院总工程师",
    "河南农业大学研究员",
    "郑州某会计师事务所合伙人",
    "郑州市第七人民医院护士长",
    "河南某文化传媒公司总经理",
    "新郑市某村党支部书记",
    "郑州某物流公司董事长",
]

# Fixed usernames, one per role, printed by `make demo`.
DEMO_ACCOUNTS = [
    (Role.MEMBER, "member", "委员 张明远（教育界）"),
    (Role.STANDING_MEMBER, "standing", "常委 李淑珍（民盟）"),
    (Role.MEMBER, "newmember", "首次登录须修改初始密码的委员"),
    (Role.PROPOSALS_STAFF, "proposals", "提案委员会工作人员 · 需第二因素"),
    (Role.INFORMATION_STAFF, "information", "社情民意信息工作人员 · 需第二因素"),
    (Role.COMMITTEE_STAFF, "committee", "专委会工作人员（城建委） · 需第二因素"),
    (Role.UNIT_OFFICER, "unit", "市住房局经办人 · 需第二因素"),
    (Role.SUPERVISOR, "supervisor", "市政府督查室 · 需第二因素"),
    (Role.LEADER, "leader", "市政协副主席 · 需第二因素"),
    (Role.CITIZEN, "resident", "黄河路社区居民（也可用手机号 13700000001 登录）"),
    (Role.SYSTEM_ADMIN, "sysadmin", "系统管理员 · 需第二因素"),
    (Role.SECURITY_ADMIN, "secadmin", "安全管理员 · 需第二因素"),
    (Role.AUDIT_ADMIN, "auditadmin", "审计管理员 · 需第二因素"),
]
# A fixed TOTP key per demo staff account, so the demo can print the current code (manage.py demo_otp USER).
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def demo_accounts() -> list[tuple[str, str, str]]:
    return [(str(role.label), username, note) for role, username, note in DEMO_ACCOUNTS]


def _name(rng, used: set[str]) -> str:
    while True:
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


@dataclass
class _People:
    """The demo's accounts before they are saved, in creation order, by the part they play."""

    password: str
    now: Any
    users: list[User] = field(default_factory=list)
    members: list[User] = field(default_factory=list)
    staff: dict[str, list[User]] = field(default_factory=dict)
    unit_officers: list[tuple[User, HandlingUnit]] = field(default_factory=list)
    residents: list[User] = field(default_factory=list)
    partners: list[tuple[User, Organization]] = field(default_factory=list)

    def add(self, username, name, phone=None, **extra) -> User:
        user = User(
            username=username,
            name=name,
            phone=phone,
            password=self.password,
            password_changed_at=self.now,
            email=f"{username}@demo.xieshang.org",
            **extra,
        )
        self.users.append(user)
        return user


def _organizations() -> tuple[Organization, Organization, Organization, list[Organization]]:
    """The national, Henan and Zhengzhou conferences, the four partner cities (and two Zhengzhou districts)."""
    national = Organization.objects.create(
        name="中国人民政治协商会议全国委员会", short_name="全国政协", code="national", level="national", region="全国"
    )
    henan = Organization.objects.create(
        name="中国人民政治协商会议河南省委员会",
        short_name="河南省政协",
        code="henan",
        level="provincial",
        parent=national,
        region="河南省",
    )
    zz = Organization.objects.create(
        name="中国人民政治协商会议郑州市委员会",
        short_name="郑州市政协",
        code="zhengzhou",
        level="city",
        parent=henan,
        region="河南省郑州市",
    )
    partners = [
        Organization.objects.create(
            name=f"中国人民政治协商会议{city}市委员会",
            short_name=f"{city}市政协",
            code=code,
            level="city",
            parent=henan,
            region=f"河南省{city}市",
        )
        for city, code in [("开封", "kaifeng"), ("新乡", "xinxiang"), ("焦作", "jiaozuo"), ("许昌", "xuchang")]
    ]
    for district, code in [("金水区", "jinshui"), ("二七区", "erqi")]:
        Organization.objects.create(
            name=f"中国人民政治协商会议郑州市{district}委员会",
            short_name=f"{district}政协",
            code=code,
            level="district",
            parent=zz,
            region=f"河南省郑州市{district}",
        )
    pact = Partnership.objects.create(
        title="郑州都市圈（郑开新焦许）政协跨区域协商",
        kind="cross_region",
        since=timezone.localdate().replace(year=2021, month=4, day=1),
    )
    pact.organizations.set([zz, *partners])
    return national, henan, zz, partners


def _structure(rng, zz: Organization) -> tuple[list, list, list, list]:
    """Zhengzhou's sectors, special committees, handling units and communities."""
    sectors = Sector.objects.bulk_create(
        [Sector(organization=zz, name=name, order=i) for i, name in enumerate(SECTORS)]
    )
    committees = SpecialCommittee.objects.bulk_create(
        [SpecialCommittee(organization=zz, name=n, short_name=s) for n, s in COMMITTEES]
    )
    units = HandlingUnit.objects.bulk_create(
        [
            HandlingUnit(
                organization=zz,
                name=n,
                short_name=s,
                kind=k,
                keywords=kw,
                contact_phone=f"0371-6{rng.randrange(1000000, 9999999)}",
            )
            for n, s, k, kw in UNITS
        ]
    )
    communities = []
    for district, towns in COMMUNITIES.items():
        for town, comms in towns:
            town_obj = Community.objects.create(organization=zz, name=town, kind="town", district=district)
            communities += [
                Community.objects.create(organization=zz, name=c, kind="community", district=district, parent=town_obj)
                for c in comms
            ]
    return sectors, committees, units, communities


def _people(rng, people: _People, committees: list, units: list, partners: list[Organization]) -> None:
    """Every account: members, staff by role, unit officers, residents and the partner cities' people."""
    used_names: set[str] = {"张明远", "李淑珍"}
    add_user = people.add
    # ~500 members of the 15th committee; about one in ten is a standing member.
    for i in range(500):
        name = "张明远" if i == 0 else "李淑珍" if i == 1 else _name(rng, used_names)
        username = "member" if i == 0 else "standing" if i == 1 else f"m{i:03d}"
        people.members.append(add_user(username, name, phone=f"135{i:08d}"))
    newmember = add_user("newmember", _name(rng, used_names), phone="13500099999", must_change_password=True)
    people.members.append(newmember)

    staff_specs = [
        ("proposals", Role.PROPOSALS_STAFF, 4),
        ("information", Role.INFORMATION_STAFF, 3),
        ("committee", Role.COMMITTEE_STAFF, len(committees)),
        ("supervisor", Role.SUPERVISOR, 2),
        ("leader", Role.LEADER, 6),
        ("informant", Role.INFORMANT, 12),
        ("sysadmin", Role.SYSTEM_ADMIN, 1),
        ("secadmin", Role.SECURITY_ADMIN, 1),
        ("auditadmin", Role.AUDIT_ADMIN, 1),
    ]
    for prefix, role, count in staff_specs:
        people.staff[role] = [
            add_user(
                prefix if j == 0 else f"{prefix}{j + 1}",
                _name(rng, used_names),
                phone=f"136{len(people.users):08d}",
                is_staff=role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN),
            )
            for j in range(count)
        ]
    for j, unit in enumerate(units):
        for k in range(2 if j < 20 else 1):
            username = "unit" if unit.short_name == "市住房局" and k == 0 else f"unit{j:02d}{k}"
            people.unit_officers.append((add_user(username, _name(rng, used_names), phone=f"138{j:04d}{k:04d}"), unit))
    for j in range(40):
        username = "resident" if j == 0 else f"r{j:03d}"
        people.residents.append(
            add_user(username, _name(rng, used_names), phone="13700000001" if j == 0 else f"1370001{j:04d}")
        )
    for org in partners:
        for j in range(20):
            people.partners.append((add_user(f"{org.code}{j:02d}", _name(rng, used_names), phone=None), org))
        people.partners.append((add_user(f"{org.code}_staff", _name(rng, used_names), phone=None), org))


def _member_profiles(rng, people: _People, by_username: dict, zz, sectors: list, committees: list) -> tuple:
    """The members' role grants and profiles (each with one special committee), not yet saved."""
    grants: list[RoleGrant] = []
    profiles: list[tuple[int, MemberProfile, SpecialCommittee]] = []
    for i, user in enumerate(people.members):
        user = by_username[user.username]
        standing = i == 1 or (i > 1 and rng.random() < 0.1)
        sector = sectors[0 if i == 1 else rng.randrange(len(sectors))] if i else sectors[21]  # member: 教育界
        if i == 1:
            sector = sectors[2]  # 民盟
        party = SECTOR_PARTY.get(sector.name) or rng.choice(["cpc", "cpc", "none", "masses", "cdl", "js"])
        grants.append(RoleGrant(user=user, organization=zz, role=Role.MEMBER))
        if standing:
            grants.append(RoleGrant(user=user, organization=zz, role=Role.STANDING_MEMBER))
        profile = MemberProfile(
            user=user,
            organization=zz,
            term="第十五届",
            sector=sector,
            party=party,
            is_standing=standing,
            workplace=rng.choice(WORKPLACES),
        )
        profiles.append((i, profile, committees[rng.randrange(len(committees))]))
    return grants, profiles


def _other_grants(people: _People, by_username: dict, zz, committees: list, communities: list) -> tuple:
    """The role grants of staff, unit officers, residents and partner people, and the residents' profiles."""
    grants: list[RoleGrant] = []
    for role, staff in people.staff.items():
        for j, user in enumerate(staff):
            user = by_username[user.username]
            committee = committees[j] if role == Role.COMMITTEE_STAFF else None
            if role == Role.COMMITTEE_STAFF and j == 0:
                committee = committees[-1]  # the demo committee account works for 城建委
            grants.append(RoleGrant(user=user, organization=zz, role=role, committee=committee))
    for user, unit in people.unit_officers:
        grants.append(
            RoleGrant(user=by_username[user.username], organization=zz, role=Role.UNIT_OFFICER, handling_unit=unit)
        )
    residents = []
    for j, user in enumerate(people.residents):
        user = by_username[user.username]
        grants.append(RoleGrant(user=user, organization=zz, role=Role.CITIZEN))
        residents.append(
            ResidentProfile(
                user=user,
                organization=zz,
                community=communities[j % len(communities)],
                consent_version="2026-1",
                consent_at=people.now,
            )
        )
    for user, org in people.partners:
        role = Role.COMMITTEE_STAFF if user.username.endswith("_staff") else Role.MEMBER
        grants.append(RoleGrant(user=by_username[user.username], organization=org, role=role))
    return grants, residents


def _save_profiles(zz, by_username: dict, grants: list, profiles: list, residents: list) -> None:
    RoleGrant.objects.bulk_create(grants, batch_size=1000)
    MemberProfile.objects.bulk_create([p for _, p, _ in profiles], batch_size=500)
    ResidentProfile.objects.bulk_create(residents)
    through = MemberProfile.committees.through
    saved = {p.user_id: p for p in MemberProfile.objects.filter(organization=zz)}
    through.objects.bulk_create(
        [
            through(memberprofile_id=saved[by_username[p.user.username].pk].pk, specialcommittee_id=c.pk)
            for _, p, c in profiles
        ]
    )
    # Staff pass a second factor; the demo gives them a known authenticator key (see manage.py demo_otp).
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user=by_username[username], name="demo", key=DEMO_TOTP_KEY, confirmed=True)
            for role, username, _ in DEMO_ACCOUNTS
            if role not in (Role.MEMBER, Role.STANDING_MEMBER, Role.CITIZEN)
        ]
    )


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    people = _People(password=make_password(DEMO_PASSWORD), now=timezone.now())
    national, henan, zz, partners = _organizations()
    sectors, committees, units, communities = _structure(rng, zz)
    _people(rng, people, committees, units, partners)
    users = people.users
    User.objects.bulk_create(users, batch_size=500)
    by_username = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    grants, profiles = _member_profiles(rng, people, by_username, zz, sectors, committees)
    other_grants, residents = _other_grants(people, by_username, zz, committees, communities)
    _save_profiles(zz, by_username, grants + other_grants, profiles, residents)

    ctx.data.update(
        organization=zz,
        partners=partners,
        provincial=henan,
        national=national,
        sectors=sectors,
        committees=committees,
        units=units,
        communities=communities,
        members=[by_username[u.username] for u in people.members],
        staff={role: [by_username[u.username] for u in staff] for role, staff in people.staff.items()},
        unit_officers=[(by_username[u.username], unit) for u, unit in people.unit_officers],
        residents=[by_username[u.username] for u in people.residents],
        accounts={username: by_username[username] for _, username, _ in DEMO_ACCOUNTS},
    )
    ctx.say(
        f"  {len(users)} people, {len(units)} handling units, {len(sectors)} sectors, "
        f"{len(committees)} committees, {len(communities)} communities"
    )
