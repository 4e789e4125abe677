"""The registers of the demo year 2021: the 29 important matters reported to the municipal party committee
("向市委报告重要事项29次"), the ledger of practical matters done for residents ("累计为群众办实事2300余件") and the
150 visitor groups of the culture-and-history hall ("省内外到访参观150余批次"), written through the registers'
services as the staff would record them. All three scale with the demo (demo.report.scaled); the ledger is topped
up to its figure after what the other builders' records already put in it for the year."""

from __future__ import annotations

from datetime import date, timedelta

from xieshang.accounts.models import Role
from xieshang.core import figures
from xieshang.registers import services

from .registry import DemoContext, history
from .report import PUBLISHED, REPORT_YEAR, scaled, year_span

SUBJECTS = [
    ("request", "关于{year}年度协商工作计划的请示"),
    ("request", "关于召开政协第十四届郑州市委员会第五次会议的请示"),
    ("written", "关于全会筹备工作情况的报告"),
    ("written", "关于开展“我为群众办实事”实践活动情况的报告"),
    ("written", "关于防汛救灾督导工作情况的报告"),
    ("written", "关于疫情防控调研督导情况的报告"),
    ("meeting", "关于“设计郑州”专班工作进展的汇报"),
    ("written", "关于双月协商座谈会议题安排的报告"),
    ("request", "关于重点提案遴选结果的请示"),
    ("written", "关于社情民意信息工作情况的报告"),
    ("meeting", "关于“有事好商量”协商议事室建设情况的汇报"),
    ("written", "关于委员履职考核工作情况的报告"),
    ("request", "关于调整部分专门委员会组成人员的请示"),
    ("written", "关于党史学习教育开展情况的报告"),
]
REPLIES = ["同意。", "原则同意，请按程序办理。", "已阅，请继续抓好落实。", "同意，请结合实际认真组织实施。"]

MATTERS = [
    ("room", "修复{place}背街小巷路灯"),
    ("room", "疏通{place}老旧小区排水管网"),
    ("room", "协调解决{place}居民停车难问题"),
    ("activity", "为{place}独居老人安装紧急呼叫器"),
    ("activity", "为{place}困难群众送去防汛物资"),
    ("activity", "在{place}开展义诊和健康咨询"),
    ("studio", "帮助{place}居民办理养老保险转移接续"),
    ("studio", "协调{place}小区物业整改"),
    ("proposal", "推动{place}老旧小区加装电梯"),
    ("proposal", "{place}农贸市场改造提升"),
    ("other", "为{place}学校捐赠图书和文具"),
    ("other", "帮助{place}灾后恢复供水"),
]


VISITORS = [
    ("province", "{city}政协机关参观团"),
    ("province", "{city}政协委员学习考察团"),
    ("elsewhere", "{province}政协文史委考察组"),
    ("elsewhere", "{province}政协机关党史学习教育参观团"),
    ("local", "{place}党员干部党史学习教育参观团"),
    ("local", "{place}中小学生研学团"),
    ("local", "郑州大学历史学院师生"),
    ("local", "市直机关青年理论学习小组"),
]
CITIES = ["开封市", "洛阳市", "新乡市", "焦作市", "许昌市", "安阳市", "南阳市", "信阳市", "周口市", "商丘市"]
PROVINCES = ["山东省", "山西省", "陕西省", "湖北省", "安徽省", "河北省", "江苏省", "浙江省"]
GUIDES = ["王馆长", "李老师", "张讲解员", "刘讲解员"]


def _days(rng, n: int) -> list[date]:
    start = date(REPORT_YEAR, 1, 4)
    return sorted(start + timedelta(days=rng.randrange(0, 360)) for _ in range(n))


def _visitors(rng, staff, org, places: list[str], n: int) -> None:
    for day in _days(rng, n):
        origin, name = rng.choice(VISITORS)
        services.record_visitor_group(
            staff,
            org,
            visited_on=day,
            name=name.format(city=rng.choice(CITIES), province=rng.choice(PROVINCES), place=rng.choice(places)),
            origin=origin,
            people=rng.randint(12, 60),
            received_by=rng.choice(GUIDES),
        )


def build(ctx: DemoContext) -> None:
    rng, data = ctx.rng, ctx.data
    org = data["organization"]
    staff = data["staff"][Role.COMMITTEE_STAFF][0]
    places = [f"{c.district}{c.name}" for c in data["communities"]] or ["金水区"]
    party_reports = scaled(PUBLISHED["reports_to_party_committee"], ctx.scale)
    with history():
        for day in _days(rng, party_reports):
            form, subject = rng.choice(SUBJECTS)
            report = services.record_party_report(
                staff,
                org,
                reported_on=day,
                subject=subject.format(year=REPORT_YEAR + 1),
                form=form,
                reported_to="中共郑州市委",
            )
            if rng.random() < 0.85:
                services.record_reply(staff, report, reply=rng.choice(REPLIES), replied_on=day + timedelta(days=7))
        # What rooms, studios and activities already put in the ledger for the year counts towards the figure.
        ledger = figures.get("matters_done_for_residents")
        already = ledger.value(org.pk, *year_span()) if ledger else 0
        count = max(0, scaled(PUBLISHED["matters_done_for_residents"], ctx.scale) - already)
        for day in _days(rng, count):
            source, title = rng.choice(MATTERS)
            place = rng.choice(places)
            services.record_matter(staff, org, title=title.format(place=place), done_on=day, source=source, place=place)
        visitors = scaled(PUBLISHED["history_hall_visitor_groups"], ctx.scale)
        _visitors(rng, staff, org, places, visitors)
    ctx.say(
        f"  registers {REPORT_YEAR}: {party_reports} reports to the party committee, {count} practical matters done "
        f"(besides {already} from other records), {visitors} visitor groups at the culture-and-history hall"
    )
