"""What the consultations domain registers with the faces: workbench sections, menu entries and the public rooms on
the anonymous home page. Workflow roles and conditions are in roles.py, transition effects in hooks.py.
Called from ConsultationsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy


def _landing_sections() -> None:
    """The portal's landing page (core.landing): consultations under way, open calls, outcomes and rooms."""
    from xieshang.core import landing

    from . import selectors

    watched = ("consultations.Consultation", "consultations.Call", "consultations.Outcome", "consultations.Progress")
    for key, order, read in (
        ("now", 10, selectors.landing_now),
        ("calls", 20, selectors.landing_calls),
        ("outcomes", 30, selectors.landing_outcomes),
    ):
        landing.register(
            landing.Section(
                key,
                f"consultations/landing/_{key}.html",
                lambda ids, choices, read=read: {"items": read(ids)},
                order=order,
                models=watched,
            )
        )

    def rooms(ids, choices):
        district = choices.get("district", "")
        return {"items": selectors.landing_rooms(ids, district), "district": district}

    landing.register(
        landing.Section(
            "rooms",
            "consultations/landing/_rooms.html",
            rooms,
            order=50,
            models=("consultations.Room", "accounts.Community"),
        )
    )


# The audit log's labels of the public calls' actions (audit.actions resolvers: the base names no domain's codes).
AUDIT_LABELS = {
    "consultations.call_open": gettext_lazy("发起公开征集"),
    "consultations.call_summary": gettext_lazy("生成征集情况汇总"),
    "consultations.entry_submit": gettext_lazy("提交征集留言"),
    "consultations.entry_support": gettext_lazy("支持征集留言"),
    "consultations.entry_approve": gettext_lazy("审核通过征集留言"),
    "consultations.entry_reject": gettext_lazy("审核不通过征集留言"),
    "consultations.entry_hide": gettext_lazy("隐藏征集留言"),
    "consultations.entry_appeal": gettext_lazy("申诉征集留言处理"),
    "consultations.blocklist_save": gettext_lazy("修改敏感词"),
    "consultations.topic_approve": gettext_lazy("审核通过议事室议题"),
    "consultations.topic_reject": gettext_lazy("审核不通过议事室议题"),
    "consultations.call_map": gettext_lazy("为征集关联意见地图"),
}


def _audit_label(code: str) -> str | None:
    label = AUDIT_LABELS.get(code)
    return str(label) if label is not None else None


def register() -> None:
    from xieshang.core import navigation, workbench

    from . import personal_data
    from . import workbench as providers

    _landing_sections()

    from . import moderation

    moderation.register()
    personal_data.register_sources()

    from xieshang.notifications import replies

    from .services.notices import SMS_REPLY_ACTION, sms_reply, sms_reply_options

    replies.register(SMS_REPLY_ACTION, sms_reply, sms_reply_options())

    from .services.rooms import TOPIC_REPLY_ACTION, topic_sms_reply, topic_sms_reply_options

    replies.register(TOPIC_REPLY_ACTION, topic_sms_reply, topic_sms_reply_options())

    reads = ("consultations", "workflow", "accounts")  # kept by core.workbench until one of these is written
    workbench.register(providers.member_section, order=400, reads=reads)
    workbench.register(providers.staff_section, order=410, reads=reads)
    workbench.register(providers.owner_section, order=420, reads=reads)
    workbench.register(providers.convener_section, order=430, reads=reads)
    workbench.register(providers.resident_section, order=440, reads=(*reads, "notifications.follow"))

    from xieshang.audit.actions import register_resolver

    register_resolver(_audit_label)

    import rules

    def nav(key, label, url_name, test, order):
        navigation.register(navigation.NavEntry(key, label, url_name, test, order))

    nav(
        "consultations",
        gettext_lazy("协商活动"),
        "consultations:list",
        lambda u, o: o is not None and rules.has_perm("consultations.view_room", u, o),
        400,
    )
    nav(
        "consultations_plan",
        gettext_lazy("年度协商计划"),
        "consultations:plan",
        lambda u, o: o is not None and rules.has_perm("consultations.view_plan", u, o),
        405,
    )
    nav(
        "rooms",
        gettext_lazy("协商议事室"),
        "consultations:rooms",
        lambda u, o: o is not None and rules.has_perm("consultations.view_room", u, o),
        410,
    )
    nav(
        "outcomes",
        gettext_lazy("协商成果"),
        "consultations:outcomes",
        lambda u, o: o is not None and rules.has_perm("consultations.view_room", u, o),
        415,
    )
    nav("portal", gettext_lazy("郑在协商"), "consultations:portal", lambda u, o: True, 420)
    # The consultation pages fold into one menu item (core.navigation groups), so a member's menu stays short.
    keys = ("consultations", "consultations_plan", "rooms", "outcomes", "portal")
    navigation.register_group(navigation.NavGroup("consult", pgettext_lazy("menu", "协商"), order=400, keys=keys))
