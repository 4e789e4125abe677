"""The demo's announcements (通知公告): two published by the committee staff account, one to all members (most have
read it; the demo member has not, so his workbench shows it) and one to the handling units' officers (half read), and
a draft to the residents of one district. Written through the announcements' services, without notifications."""

from __future__ import annotations

from xieshang.announcements import services

from .registry import DemoContext, history

TO_MEMBERS = (
    "关于报送年度履职情况的通知",
    "各位委员：请于本月底前通过平台“我的履职”核对本年度履职记录，并提交年度履职情况报告（常委）。如有遗漏，请联系所在专委会。",
)
TO_UNITS = (
    "关于做好年度提案办理工作总结的通知",
    "各承办单位：请于下月10日前报送本年度提案办理工作总结，并在平台上完成全部答复的会签与提交。",
)
TO_RESIDENTS = (
    "关于征集社区协商议题的公告",
    "居民朋友们：“有事好商量”协商议事室现征集下一期协商议题，欢迎在议事室页面提出您关心的身边事。",
)


def build(ctx: DemoContext) -> None:
    data, rng = ctx.data, ctx.rng
    organization, staff, member = data["organization"], data["accounts"]["committee"], data["accounts"]["member"]
    with history():
        to_members = services.create_announcement(
            actor=staff, organization=organization, title=TO_MEMBERS[0], body=TO_MEMBERS[1], audience="members"
        )
        services.publish_announcement(actor=staff, announcement=to_members)
        readers = [u for u in data["members"] if u.pk != member.pk and rng.random() < 0.7]
        to_units = services.create_announcement(
            actor=staff, organization=organization, title=TO_UNITS[0], body=TO_UNITS[1], audience="units"
        )
        services.publish_announcement(actor=staff, announcement=to_units)
        officers = [u for u, _unit in data["unit_officers"] if rng.random() < 0.5]
        for announcement, people in ((to_members, readers), (to_units, officers)):
            for person in people:
                services.mark_announcement_read(actor=person, announcement=announcement)
        district = next((c.district for c in data["communities"] if c.district), "")
        services.create_announcement(
            actor=staff,
            organization=organization,
            title=TO_RESIDENTS[0],
            body=TO_RESIDENTS[1],
            audience="residents",
            district=district,
        )
    ctx.say(f"  announcements: 2 published ({len(readers)} members and {len(officers)} officers have read), 1 draft")
