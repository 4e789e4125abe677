"""What the duties app plugs into the base: menu entries and workbench sections. Called from DutiesConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy


def _keeps_file(user: Any, organization: Any) -> bool:
    import rules

    return organization is not None and rules.has_perm("duties.keep_file", user, organization)


def _informant(user: Any, organization: Any) -> bool:
    from xieshang.accounts.models import Role
    from xieshang.accounts.selectors import has_role

    return organization is not None and has_role(user, Role.INFORMANT, organization)


def _reads_files(user: Any, organization: Any) -> bool:
    import rules

    return organization is not None and rules.has_perm("duties.view_files", user, organization)


def _reads_roster(user: Any, organization: Any) -> bool:
    import rules

    return organization is not None and rules.has_perm("duties.view_roster", user, organization)


def _writes_report(user: Any, organization: Any) -> bool:
    import rules

    return organization is not None and (
        rules.has_perm("duties.draft_report", user, organization)
        or rules.has_perm("duties.review_report", user, organization)
    )


def member_section(user: Any, organization: Any) -> Any:
    """我的履职 on the workbench: the year's points and the way to the file."""
    from django.urls import reverse
    from django.utils import timezone

    from xieshang.core.workbench import WorkItem, WorkSection

    from .selectors import member_year

    if not _keeps_file(user, organization):
        return None
    year = timezone.localdate().year
    summary = member_year(user, organization, year)
    owed = [s for s in summary["standings"] if not s.met]
    url = reverse("duties:mine")
    items = [WorkItem(title=str(s.label), url=url, note=str(gettext_lazy("尚未达到"))) for s in owed]
    links = [(str(gettext_lazy("我的履职")), url)]
    if summary["is_standing"]:
        links.append((str(gettext_lazy("年度述职报告")), reverse("duties:reports")))
    links.append((str(gettext_lazy("委员名录")), reverse("duties:roster")))
    return WorkSection(
        key="duties",
        title=str(gettext_lazy("我的履职：%(year)s 年度 %(points)s 分") % {"year": year, "points": summary["total"]}),
        items=items,
        empty_text=str(gettext_lazy("本年度的履职要求都已达到。")),
        links=links,
    )


def _kept_by(user: Any, organization: Any) -> tuple[str, ...]:
    """The member's section is kept (core.workbench) like the duty pages' parts: under the organization's duty
    generations, which every crediting write and rule change moves (and his own: core.workbench adds it)."""
    from .selectors import page_generations

    return page_generations(organization) if organization is not None else ()


def staff_section(user: Any, organization: Any) -> Any:
    from django.urls import reverse

    from xieshang.core.workbench import WorkItem, WorkSection

    from .models import DutyReport

    if not _reads_files(user, organization):
        return None
    waiting = DutyReport.objects.filter(organization=organization, state=DutyReport.State.SUBMITTED).select_related(
        "member"
    )
    items = [WorkItem(title=f"{r.member.display_name}：{r.title}", url=r.get_absolute_url()) for r in waiting[:5]]
    return WorkSection(
        key="duties_staff",
        title=str(gettext_lazy("委员履职管理")),
        items=items,
        total=waiting.count(),
        empty_text=str(gettext_lazy("没有待审核的述职报告。")),
        links=[
            (str(gettext_lazy("履职排名")), reverse("duties:ranking")),
            (str(gettext_lazy("未达要求")), reverse("duties:shortfalls")),
            (str(gettext_lazy("常委述职报告")), reverse("duties:reports")),
            (str(gettext_lazy("委员名录")), reverse("duties:roster")),
        ],
    )


def register() -> None:
    from xieshang.core import navigation, workbench

    # A member's duty pages (meetings, activities, studios, file, roster, report) fold into one menu item.
    navigation.register_group(navigation.NavGroup("duty", gettext_lazy("履职"), order=585))
    workbench.register(member_section, order=470, kept_by=_kept_by)
    register_generation()
    workbench.register(staff_section, order=480, reads=("duties.dutyreport", "accounts"))
    navigation.register(
        navigation.NavEntry(
            "duties",
            gettext_lazy("我的履职"),
            "duties:mine",
            lambda u, o: _keeps_file(u, o) or _informant(u, o),
            order=600,
            group="duty",
        )
    )
    navigation.register(
        navigation.NavEntry("duties_ranking", gettext_lazy("履职管理"), "duties:ranking", _reads_files, order=610)
    )
    navigation.register(
        navigation.NavEntry("roster", gettext_lazy("委员名录"), "duties:roster", _reads_roster, order=615, group="duty")
    )
    navigation.register(
        navigation.NavEntry(
            "duties_reports", gettext_lazy("述职报告"), "duties:reports", _writes_report, order=620, group="duty"
        )
    )


# --- The duty pages' generation (core.generations) -----------------------------------------------------------------
# The ranking and the members' pages are kept in the cache under the generation of their organization's duty records
# (selectors.page_generations): the crediting services advance it with the tallies; the receivers below advance it
# when something else a page shows is saved — rules, kinds, requirements, tier cut-offs (an organization's own, or the
# defaults every organization reads: the global generation), a member's profile, committees, sector, or name.

NAME_FIELDS = {"name", "first_name", "last_name", "username"}


def _advance_for(org_id: Any, using: str = "default") -> None:
    from xieshang.core import generations

    from .selectors import GLOBAL_GENERATION, org_generation

    generations.advance(org_generation(org_id) if org_id else GLOBAL_GENERATION, using)


def _org_record_changed(sender: Any, instance: Any, using: str = "default", **kwargs: Any) -> None:
    _advance_for(getattr(instance, "organization_id", None), using)


def _user_changed(sender: Any, instance: Any, using: str = "default", update_fields: Any = None, **kwargs: Any) -> None:
    if kwargs.get("created") or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return  # a new account is on no page yet; a sign-in writes last_login only
    from xieshang.accounts.models import MemberProfile

    for org_id in MemberProfile.objects.filter(user_id=instance.pk).values_list("organization_id", flat=True):
        _advance_for(org_id, using)


def _committees_changed(sender: Any, instance: Any, action: str, using: str = "default", **kwargs: Any) -> None:
    if action.startswith("post_"):
        _advance_for(getattr(instance, "organization_id", None), using)


def register_generation() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from xieshang.accounts.models import MemberProfile, Sector, SpecialCommittee

    from .models import DutyKind, DutyRequirement, DutyRule, DutySettings

    for model in (DutyKind, DutyRequirement, DutyRule, DutySettings, MemberProfile, Sector, SpecialCommittee):
        uid = f"duties.generation.{model._meta.label_lower}"
        post_save.connect(_org_record_changed, sender=model, dispatch_uid=f"{uid}.saved")
        post_delete.connect(_org_record_changed, sender=model, dispatch_uid=f"{uid}.deleted")
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="duties.generation.user")
    m2m_changed.connect(
        _committees_changed, sender=MemberProfile.committees.through, dispatch_uid="duties.generation.committees"
    )
