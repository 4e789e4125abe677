"""What the opinions domain plugs into the base: workflow roles, condition, hooks and notifier; workbench sections,
menu entries and the demo builder. Called from OpinionsConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.workflow import registry

from .workflows import REPORT_WORKFLOW, VIA_SERVICE

WF = REPORT_WORKFLOW["key"]
MODEL = "opinions.Report"


def _is_author(user, report) -> bool:
    return report.submitter_id == user.pk or report.author_links.filter(user_id=user.pk).exists()


def _authors(report):
    return [link.user for link in report.author_links.select_related("user")]


def _is_forwarded_unit(user, report) -> bool:
    from xieshang.accounts.models import Role, RoleGrant

    units = RoleGrant.objects.filter(user=user, role=Role.UNIT_OFFICER, handling_unit__isnull=False).values(
        "handling_unit_id"
    )
    return report.forwards.filter(unit_id__in=units).exists()


def _forwarded_unit_officers(report):
    from xieshang.accounts.models import Role, User

    return User.objects.filter(
        is_active=True,
        role_grants__role=Role.UNIT_OFFICER,
        role_grants__handling_unit__in=report.forwards.values("unit_id"),
    ).distinct()


def _via_service_condition(obj, actor, payload):
    from .services import via_service

    return None if via_service() else _("此操作需在社情民意页面的相应表单中办理。")


def _on_approve(report, event, payload):
    if report.edited_at is None:
        report.edited_at = event.at
        report.save(update_fields=["edited_at"])


def _on_close(report, event, payload):
    report.close_reason = event.reason
    report.closed_at = event.at
    report.save(update_fields=["close_reason", "closed_at"])


def _on_archive(report, event, payload):
    report.closed_at = event.at
    report.save(update_fields=["closed_at"])


# Events written while services.quiet() was on: the notifier runs after the commit, when the flag is long gone.
_quiet_events: set[int] = set()


def _remember_quiet(report, event, payload):
    from .services import is_quiet

    if is_quiet():
        _quiet_events.add(event.pk)


def _notifier(report, event):
    from xieshang.workflow.services import users_for_roles

    if event.pk in _quiet_events:
        _quiet_events.discard(event.pk)
        return []
    if event.transition_id is None:
        return []
    roles = event.transition.notify or []
    people = users_for_roles(report, roles)
    if not people:
        return []
    title = _("社情民意信息“%(title)s”：%(action)s") % {"title": report.title[:30], "action": event.transition_name}
    body = _("当前状态：%(state)s。") % {"state": event.to_state_name}
    if event.reason:
        body += _("理由：%(reason)s") % {"reason": event.reason}
    return [(people, title, body, report.get_absolute_url())]


def register() -> None:
    from xieshang.core import navigation, workbench

    from . import workbench as providers

    registry.register_relational_role(MODEL, "author", _is_author, label=gettext_lazy("作者"), members=_authors)
    registry.register_relational_role(
        MODEL,
        "forwarded_unit",
        _is_forwarded_unit,
        label=gettext_lazy("转办承办单位"),
        members=_forwarded_unit_officers,
    )
    registry.register_condition(VIA_SERVICE, _via_service_condition, label=gettext_lazy("在专门表单中办理"))
    registry.register_hook(WF, "approve", _on_approve)
    registry.register_hook(WF, "close", _on_close)
    registry.register_hook(WF, "archive", _on_archive)
    registry.register_hook(WF, registry.ANY, _remember_quiet)
    registry.register_notifier(WF, _notifier)

    workbench.register(providers.author_section, order=300)
    workbench.register(providers.staff_section, order=310)
    workbench.register(providers.recipient_section, order=320)
    workbench.register(providers.unit_section, order=330)

    def _nav(key, label, url_name, perm, order, obj_is_org=True):
        import rules

        navigation.register(
            navigation.NavEntry(key, label, url_name, lambda u, o: o is not None and rules.has_perm(perm, u, o), order)
        )

    _nav("opinions", gettext_lazy("社情民意"), "opinions:mine", "opinions.submit_report", 300)
    _nav("opinions_desk", gettext_lazy("信息编辑"), "opinions:desk", "opinions.manage_report", 310)
    _nav("opinions_stats", gettext_lazy("信息统计"), "opinions:stats", "opinions.view_statistics", 330)
    navigation.register(
        navigation.NavEntry(
            "opinions_inbox",
            gettext_lazy("收到的信息"),
            "opinions:inbox",
            lambda u, o: _perm(u, "opinions.view_inbox"),
            320,
        )
    )
    navigation.register(
        navigation.NavEntry(
            "opinions_forwards",
            gettext_lazy("转办信息"),
            "opinions:forwards",
            lambda u, o: _perm(u, "opinions.view_forwards"),
            325,
        )
    )


def _perm(user, perm):
    import rules

    return rules.has_perm(perm, user)
