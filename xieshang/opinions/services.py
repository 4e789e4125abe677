"""Every write of the opinions domain. Each service checks permission, validates, writes inside one transaction
(including the workflow transition and the duty credit), and leaves notifications to after the commit.

Refusals are ValidationErrors keyed by form field, so pages show them beside the field that caused them."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import HandlingUnit, MemberProfile, Organization, Role, User
from xieshang.accounts.selectors import has_role, users_with_role
from xieshang.audit.services import audit_record
from xieshang.core.uploads import validate_uploads
from xieshang.duties.services import duty_credit
from xieshang.notifications.services import notify
from xieshang.workflow import services as workflow

from .models import (
    Adoption,
    Attachment,
    BulletinIssue,
    Dispatch,
    Forward,
    Instruction,
    Level,
    Recipient,
    Report,
    ReportAuthor,
    ReportVersion,
)
from .selectors import settings_for

WORKFLOW_KEY = "opinion_report"
AUTHOR_MEMBER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)
# Transitions the generic endpoint may take: they carry no records of their own.
SIMPLE_TRANSITIONS = ("take_up", "approve", "reopen", "archive", "close")

_via_service = contextvars.ContextVar("opinions_via_service", default=False)
_quiet = contextvars.ContextVar("opinions_quiet", default=False)


@contextmanager
def _service_step():
    token = _via_service.set(True)
    try:
        yield
    finally:
        _via_service.reset(token)


@contextmanager
def quiet():
    """No notifications while loading history (the demo's past year must not flood today's inboxes)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def via_service() -> bool:
    return _via_service.get()


def is_quiet() -> bool:
    return _quiet.get()


def _require(perm: str, actor, obj) -> None:
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(_("您没有办理此项的权限。"))


def _state_key(report) -> str:
    return report.state.key if report.state_id else ""


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update(of=("self",)).select_related("state").get(pk=report.pk)


def _refresh(report: Report, locked: Report) -> None:
    for field in locked._meta.concrete_fields:
        setattr(report, field.attname, getattr(locked, field.attname))
    report.state = locked.state


def _check_text(organization, title: str, body: str) -> tuple[str, str]:
    limits = settings_for(organization)
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > limits.title_max_chars:
        errors["title"] = _("标题共 %(n)s 字，超过上限 %(max)s 字。") % {"n": len(title), "max": limits.title_max_chars}
    if not body:
        errors["body"] = _("请填写正文。")
    elif len(body) > limits.body_max_chars:
        errors["body"] = _("正文共 %(n)s 字，超过上限 %(max)s 字，请精简后再提交（一事一报）。") % {
            "n": len(body),
            "max": limits.body_max_chars,
        }
    if errors:
        raise ValidationError(errors)
    return title, body


def _check_attachments(organization, files) -> None:
    """Count, type (by content, not only by name) and size: xieshang.core.uploads, shared with proposals."""
    limits = settings_for(organization)
    try:
        validate_uploads(files, max_mb=limits.attachment_max_mb, max_count=limits.attachment_max_count)
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.messages}) from None


def _next_seq(organization_id: int, year: int) -> int:
    last = Report.objects.filter(organization_id=organization_id, year=year).aggregate(m=Max("seq"))["m"]
    return (last or 0) + 1


def _profile(user, organization_id):
    return MemberProfile.objects.filter(user=user, organization_id=organization_id).select_related("sector").first()


def _author_users(report) -> list[User]:
    return [link.user for link in report.author_links.select_related("user")]


def report_submit(
    *,
    actor,
    organization,
    title: str,
    body: str,
    urgent: bool = False,
    author_kind: str = Report.AuthorKind.MEMBER,
    coauthors: Iterable = (),
    author_org_name: str = "",
    committee=None,
    attachments: Iterable = (),
    submitted_at=None,
    source=None,
    source_label: str = "",
    source_url: str = "",
) -> Report:
    """Collect a report (收稿). The actor is the first author; coauthors must belong to the same organization.
    Attachments are uploaded files (name, size, read())."""
    org = organization if isinstance(organization, Organization) else Organization.objects.get(pk=organization)
    _require("opinions.submit_report", actor, org)
    title, body = _check_text(org, title, body)
    attachments = list(attachments or ())
    _check_attachments(org, attachments)
    if author_kind not in Report.AuthorKind.values:
        raise ValidationError({"author_kind": _("请选择报送方式。")})
    is_member = any(has_role(actor, r, org) for r in AUTHOR_MEMBER_ROLES)
    if author_kind == Report.AuthorKind.MEMBER and not is_member and has_role(actor, Role.INFORMANT, org):
        # An appointed informant who kept the form's default reports as an informant (statistics count by kind).
        author_kind = Report.AuthorKind.INFORMANT
    if author_kind == Report.AuthorKind.MEMBER and not is_member:
        raise ValidationError({"author_kind": _("您不是本组织的委员，请选择以专门委员会、党派团体或界别名义报送。")})
    if author_kind == Report.AuthorKind.INFORMANT and not has_role(actor, Role.INFORMANT, org):
        raise ValidationError({"author_kind": _("只有本组织聘请的特邀信息员可以以信息员身份报送。")})
    author_org_name = (author_org_name or "").strip()
    if author_kind in (Report.AuthorKind.PARTY, Report.AuthorKind.SECTOR) and not author_org_name:
        raise ValidationError({"author_org_name": _("以党派团体或界别名义报送时，请填写单位名称。")})
    if author_kind == Report.AuthorKind.COMMITTEE and committee is None:
        raise ValidationError({"committee": _("以专门委员会名义报送时，请选择专门委员会。")})
    coauthors = [u for u in coauthors if u.pk != actor.pk]
    outsiders = [u for u in coauthors if not any(has_role(u, r, org) for r in (*AUTHOR_MEMBER_ROLES, Role.INFORMANT))]
    if outsiders:
        raise ValidationError(
            {"coauthors": _("%(names)s 不是本组织的委员或信息员。") % {"names": "、".join(map(str, outsiders))}}
        )
    profile = _profile(actor, org.pk)
    now = submitted_at or timezone.now()
    year = timezone.localtime(now).year
    with transaction.atomic():
        report = Report(
            organization=org,
            year=year,
            seq=_next_seq(org.pk, year),
            title=title,
            body=body,
            urgent=bool(urgent),
            author_kind=author_kind,
            submitter=actor,
            author_org_name=author_org_name,
            sector=profile.sector if profile else None,
            party=profile.party if profile else "",
            committee=committee,
            submitted_at=now,
            source_label=source_label[:200],
            source_url=source_url[:300],
        )
        if source is not None:
            report.source_content_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
            report.source_object_id = source.pk
        report.save()
        ReportAuthor.objects.bulk_create(
            [ReportAuthor(report=report, user=u, order=i) for i, u in enumerate([actor, *coauthors])]
        )
        ReportVersion.objects.create(
            report=report,
            number=1,
            title=title,
            body=body,
            editor=actor,
            editor_name=actor.display_name,
            note=_("原稿"),
            created_at=now,
        )
        for f in attachments:
            Attachment.objects.create(report=report, file=f, name=f.name[:200], size=f.size, uploaded_by=actor)
        workflow.start(actor=actor, obj=report, workflow_key=WORKFLOW_KEY, payload={"urgent": bool(urgent)})
        audit_record(actor=actor, action="opinions.submit", obj=report, detail={"urgent": bool(urgent)})
        if not is_quiet():
            staff = list(users_with_role(org, Role.INFORMATION_STAFF))
            title_text = (_("【紧急】") if urgent else "") + _("新收社情民意信息：%(title)s") % {"title": title}
            transaction.on_commit(
                lambda: notify(
                    recipients=staff,
                    kind="opinions.submitted",
                    title=title_text,
                    url=report.get_absolute_url(),
                    organization=org,
                ),
                robust=True,
            )
    return report


def report_from_proposal(*, actor, proposal, authors: Iterable | None = None, note: str = "") -> Report:
    """A proposal converted to a suggestion in review (转为意见建议) becomes an opinion report.

    Reads proposal.organization, .title, .body, .submitter, .get_absolute_url(); `authors` (default: the submitter)
    are the people credited. The report links back to the proposal, whose workflow events its page shows. Called by
    proposals staff inside the proposal's review transaction; the length limit of opinion reports is not applied,
    since the text was accepted as a proposal."""
    authors = list({u.pk: u for u in (authors or [proposal.submitter])}.values())
    lead, coauthors = authors[0], authors[1:]
    org = proposal.organization
    get_url = getattr(proposal, "get_absolute_url", None)
    label = _("由提案转来：%(title)s") % {"title": proposal.title}
    number = getattr(proposal, "number", "")
    if number:
        label = _("由提案 %(number)s 转来：%(title)s") % {"number": number, "title": proposal.title}
    profile = _profile(lead, org.pk)
    now = timezone.now()
    # Submitted in the name of a party, people's organization, special committee or sector: the report keeps it.
    author_kind, author_org_name = Report.AuthorKind.MEMBER, ""
    submitter_kind = getattr(proposal, "submitter_kind", "")
    committee = getattr(proposal, "committee", None) if submitter_kind == "committee" else None
    if submitter_kind in ("party", "peoples_org"):
        author_kind = Report.AuthorKind.PARTY
        author_org_name = getattr(proposal, "submitter_display", "") or ""
    elif submitter_kind == "sector":
        author_kind = Report.AuthorKind.SECTOR
        author_org_name = getattr(proposal, "submitter_display", "") or ""
    elif committee is not None:
        author_kind = Report.AuthorKind.COMMITTEE
    with transaction.atomic():
        report = Report.objects.create(
            organization=org,
            year=timezone.localtime(now).year,
            seq=_next_seq(org.pk, timezone.localtime(now).year),
            title=proposal.title[:200],
            body=proposal.body,
            author_kind=author_kind,
            author_org_name=author_org_name[:80],
            committee=committee,
            submitter=lead,
            sector=profile.sector if profile else getattr(proposal, "sector", None),
            party=profile.party if profile else "",
            source_content_type=ContentType.objects.get_for_model(proposal, for_concrete_model=True),
            source_object_id=proposal.pk,
            source_label=label[:200],
            source_url=(get_url() if get_url else "")[:300],
            submitted_at=now,
        )
        ReportAuthor.objects.bulk_create(
            [ReportAuthor(report=report, user=u, order=i) for i, u in enumerate([lead, *coauthors])]
        )
        ReportVersion.objects.create(
            report=report,
            number=1,
            title=report.title,
            body=report.body,
            editor=actor,
            editor_name=getattr(actor, "display_name", ""),
            note=note[:200] or _("提案转为意见建议"),
        )
        workflow.start(actor=actor, obj=report, workflow_key=WORKFLOW_KEY, payload={"from_proposal": proposal.pk})
        audit_record(actor=actor, action="opinions.from_proposal", obj=report, detail={"proposal": proposal.pk})
        if not is_quiet():
            staff = list(users_with_role(org, Role.INFORMATION_STAFF))
            transaction.on_commit(
                lambda: notify(
                    recipients=staff,
                    kind="opinions.submitted",
                    title=_("提案转来社情民意信息：%(title)s") % {"title": report.title},
                    url=report.get_absolute_url(),
                    organization=org,
                ),
                robust=True,
            )
    return report


def report_edit(*, actor, report: Report, title: str, body: str, note: str = "") -> ReportVersion | None:
    """Information staff edit the text; each change is kept as a version the author sees. None when unchanged."""
    _require("opinions.manage_report", actor, report)
    title, body = _check_text(report.organization_id, title, body)
    with transaction.atomic():
        locked = _lock(report)
        if not (locked.state and locked.state.allows.get("edit")):
            raise ValidationError(
                {"body": _("当前状态“%(state)s”下不能修改文稿，请先“开始编辑”或“退回修改”。") % {"state": locked.state}}
            )
        if locked.title == title and locked.body == body:
            return None
        last = locked.versions.aggregate(m=Max("number"))["m"] or 0
        version = ReportVersion.objects.create(
            report=locked,
            number=last + 1,
            title=title,
            body=body,
            editor=actor,
            editor_name=actor.display_name,
            note=(note or "").strip()[:200],
        )
        locked.title, locked.body = title, body
        locked.save(update_fields=["title", "body", "updated_at"])
        audit_record(actor=actor, action="opinions.edit", obj=locked, detail={"version": version.number})
    _refresh(report, locked)
    return version


def report_transition(*, actor, report: Report, key: str, reason: str = "", expected_state=None):
    """The transitions without records of their own (start editing, approve, send back, archive, close)."""
    if key not in SIMPLE_TRANSITIONS:
        raise ValidationError(_("此操作须在相应表单中办理。"))
    return workflow.transition(
        actor=actor, obj=report, transition_key=key, reason=reason, expected_state=expected_state
    )


# bulletin issues


def issue_create(
    *, actor, organization, kind: str = BulletinIssue.Kind.REGULAR, editor_note: str = ""
) -> BulletinIssue:
    org_id = getattr(organization, "pk", organization)
    org = Organization.objects.get(pk=org_id)
    _require("opinions.manage_issue", actor, org)
    if kind not in BulletinIssue.Kind.values:
        raise ValidationError({"kind": _("请选择刊物类型。")})
    issue = BulletinIssue.objects.create(
        organization=org,
        year=timezone.localdate().year,
        kind=kind,
        editor_note=editor_note.strip()[:300],
        created_by=actor,
    )
    audit_record(actor=actor, action="opinions.issue_create", obj=issue)
    return issue


def issue_add_reports(*, actor, issue: BulletinIssue, reports: Iterable[Report]) -> int:
    """Put approved reports into a draft issue, after those already in it."""
    _require("opinions.manage_issue", actor, issue)
    reports = list(reports)
    if not reports:
        raise ValidationError({"reports": _("请至少选择一篇已签批的信息。")})
    with transaction.atomic():
        locked_issue = BulletinIssue.objects.select_for_update().get(pk=issue.pk)
        if locked_issue.status != BulletinIssue.Status.DRAFT:
            raise ValidationError({"reports": _("本期已刊发，不能再编入信息。")})
        order = locked_issue.reports.aggregate(m=Max("issue_order"))["m"] or 0
        for report in reports:
            locked = _lock(report)
            if locked.organization_id != issue.organization_id:
                raise ValidationError({"reports": _("只能编入本组织的信息。")})
            if _state_key(locked) != "approved":
                raise ValidationError({"reports": _("“%(title)s”尚未签批，不能编入刊物。") % {"title": locked.title}})
            if locked.issue_id and locked.issue_id != issue.pk:
                raise ValidationError({"reports": _("“%(title)s”已编入其他期。") % {"title": locked.title}})
            if locked.issue_id == issue.pk:
                continue
            order += 1
            locked.issue_id, locked.issue_order = issue.pk, order
            locked.save(update_fields=["issue", "issue_order", "updated_at"])
        audit_record(actor=actor, action="opinions.issue_add", obj=issue, detail={"reports": [r.pk for r in reports]})
    return order


def issue_remove_report(*, actor, issue: BulletinIssue, report: Report) -> None:
    _require("opinions.manage_issue", actor, issue)
    with transaction.atomic():
        locked_issue = BulletinIssue.objects.select_for_update().get(pk=issue.pk)
        if locked_issue.status != BulletinIssue.Status.DRAFT:
            raise ValidationError(_("本期已刊发，不能撤下信息。"))
        Report.objects.filter(pk=report.pk, issue=issue).update(issue=None, issue_order=0)
        audit_record(actor=actor, action="opinions.issue_remove", obj=issue, detail={"report": report.pk})


def issue_publish(*, actor, issue: BulletinIssue, published_at=None) -> BulletinIssue:
    """Number the issue (its own sequence per organization, year and kind) and publish every report in it."""
    _require("opinions.manage_issue", actor, issue)
    now = published_at or timezone.now()
    with transaction.atomic():
        locked = BulletinIssue.objects.select_for_update().get(pk=issue.pk)
        if locked.status != BulletinIssue.Status.DRAFT:
            raise ValidationError(
                _("本期已于 %(at)s 刊发。") % {"at": timezone.localtime(locked.published_at).strftime("%Y-%m-%d")}
            )
        reports = list(Report.objects.filter(issue=locked).select_related("state").order_by("issue_order", "id"))
        if not reports:
            raise ValidationError({"reports": _("本期还没有编入任何信息，不能刊发。请先从“已签批”的信息中选择编入。")})
        year = timezone.localtime(now).year
        last = BulletinIssue.objects.filter(
            organization_id=locked.organization_id, year=year, kind=locked.kind, number__isnull=False
        ).aggregate(m=Max("number"))["m"]
        locked.number, locked.year = (last or 0) + 1, year
        locked.status = BulletinIssue.Status.PUBLISHED
        locked.published_at, locked.published_by = now, actor
        locked.save()
        label = str(locked)
        with _service_step():
            for report in reports:
                workflow.transition(
                    actor=actor,
                    obj=report,
                    transition_key="publish",
                    payload={"issue": label},
                    expected_state=report.state_id,
                )
        Report.objects.filter(issue=locked).update(issued_at=now)
        audit_record(actor=actor, action="opinions.issue_publish", obj=locked, detail={"number": locked.number})
    issue.__dict__.update({f.attname: getattr(locked, f.attname) for f in locked._meta.concrete_fields})
    return locked


# sending up and forwarding


def recipients_ensure_defaults(organization) -> list[Recipient]:
    """The organization's recipients; the first call creates the usual ones from the hierarchy: its own party
    committee and government, then each conference up the parent chain."""
    org = organization if isinstance(organization, Organization) else Organization.objects.get(pk=organization)
    existing = list(Recipient.objects.filter(organization=org).order_by("order", "id"))
    if existing:
        return existing
    region = org.region.split("省")[-1] if org.region else org.short_name
    specs = [
        (_("中共%(region)s委员会") % {"region": region}, Level.OWN, None),
        (_("%(region)s人民政府") % {"region": region}, Level.OWN, None),
    ]
    level_of = {"city": Level.CITY, "provincial": Level.PROVINCIAL, "national": Level.NATIONAL}
    for ancestor in org.ancestors():
        if ancestor.level in level_of:
            specs.append((ancestor.name, level_of[ancestor.level], ancestor))
    with transaction.atomic():
        return [
            Recipient.objects.get_or_create(
                organization=org, name=name, defaults={"level": level, "target_organization": target, "order": i * 10}
            )[0]
            for i, (name, level, target) in enumerate(specs)
        ]


def _inbox_users(recipients) -> list[User]:
    people = {}
    for recipient in recipients:
        for user in recipient.users.all():
            people[user.pk] = user
        if recipient.target_organization_id:
            for role in (Role.INFORMATION_STAFF,):
                for user in users_with_role(recipient.target_organization_id, role):
                    people[user.pk] = user
    return list(people.values())


def report_send(*, actor, report: Report, recipients: Iterable[Recipient], note: str = "", sent_at=None):
    """报送 to recipients it has not gone to yet; returns the new Dispatch rows."""
    _require("opinions.manage_report", actor, report)
    recipients = list(recipients)
    if not recipients:
        raise ValidationError({"recipients": _("请选择报送对象。")})
    now = sent_at or timezone.now()
    with transaction.atomic():
        locked = _lock(report)
        if _state_key(locked) not in ("issued", "sent"):
            raise ValidationError(
                {"recipients": _("信息刊发后才能报送（当前状态：%(state)s）。") % {"state": locked.state}}
            )
        already = set(locked.dispatches.values_list("recipient_id", flat=True))
        new = []
        for recipient in recipients:
            if recipient.organization_id != locked.organization_id or not recipient.is_active:
                raise ValidationError({"recipients": _("“%(name)s”不是本组织的报送对象。") % {"name": recipient}})
            if recipient.pk not in already:
                new.append(
                    Dispatch(
                        report=locked,
                        recipient=recipient,
                        level=recipient.level,
                        sent_at=now,
                        sent_by=actor,
                        note=note[:200],
                    )
                )
        if not new:
            raise ValidationError({"recipients": _("已报送过所选对象。")})
        Dispatch.objects.bulk_create(new)
        with _service_step():
            workflow.transition(
                actor=actor,
                obj=locked,
                transition_key="send_up",
                payload={"recipients": "、".join(d.recipient.name for d in new)},
            )
        if not is_quiet():
            people = _inbox_users([d.recipient for d in new])
            transaction.on_commit(
                lambda: notify(
                    recipients=people,
                    kind="opinions.received",
                    title=_("收到社情民意信息：%(title)s") % {"title": locked.title},
                    url=locked.get_absolute_url(),
                    organization=locked.organization_id,
                ),
                robust=True,
            )
    _refresh(report, locked)
    return new


def issue_send(*, actor, issue: BulletinIssue, recipients: Iterable[Recipient], note: str = "") -> int:
    """Send every report of a published issue to the recipients; returns how many dispatches were made."""
    _require("opinions.manage_issue", actor, issue)
    recipients = list(recipients)
    if not recipients:
        raise ValidationError({"recipients": _("请选择报送对象。")})
    if issue.status != BulletinIssue.Status.PUBLISHED:
        raise ValidationError({"recipients": _("刊物刊发后才能报送。")})
    made = 0
    with transaction.atomic():
        for report in Report.objects.filter(issue=issue).select_related("state"):
            todo = [r for r in recipients if not report.dispatches.filter(recipient=r).exists()]
            if todo and _state_key(report) in ("issued", "sent"):
                made += len(report_send(actor=actor, report=report, recipients=todo, note=note))
    if not made:
        raise ValidationError({"recipients": _("本期信息已报送过所选对象。")})
    return made


def report_forward(*, actor, report: Report, units: Iterable[HandlingUnit], note: str = "", forwarded_at=None):
    """转办 to bureaus, which reply on their own page."""
    _require("opinions.manage_report", actor, report)
    units = list(units)
    if not units:
        raise ValidationError({"units": _("请选择承办单位。")})
    now = forwarded_at or timezone.now()
    with transaction.atomic():
        locked = _lock(report)
        if _state_key(locked) not in ("issued", "sent"):
            raise ValidationError({"units": _("信息刊发后才能转办（当前状态：%(state)s）。") % {"state": locked.state}})
        already = set(locked.forwards.values_list("unit_id", flat=True))
        new = []
        for unit in units:
            if unit.organization_id != locked.organization_id:
                raise ValidationError({"units": _("“%(name)s”不是本组织的承办单位。") % {"name": unit}})
            if unit.pk not in already:
                new.append(Forward(report=locked, unit=unit, forwarded_at=now, forwarded_by=actor, note=note[:300]))
        if not new:
            raise ValidationError({"units": _("已转办过所选单位。")})
        Forward.objects.bulk_create(new)
        with _service_step():
            workflow.transition(
                actor=actor,
                obj=locked,
                transition_key="forward",
                payload={"units": "、".join(f.unit.name for f in new)},
            )
    _refresh(report, locked)
    return new


def forward_reply(*, actor, forward: Forward, text: str, replied_at=None) -> Forward:
    _require("opinions.reply_forward", actor, forward)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("请填写办理回复。")})
    with transaction.atomic():
        locked = Forward.objects.select_for_update().select_related("unit").get(pk=forward.pk)
        if locked.replied_at is not None:
            raise ValidationError(
                {
                    "reply": _("本单位已于 %(at)s 回复。")
                    % {"at": timezone.localtime(locked.replied_at).strftime("%Y-%m-%d")}
                }
            )
        locked.reply, locked.replied_at, locked.replied_by = text, replied_at or timezone.now(), actor
        locked.save(update_fields=["reply", "replied_at", "replied_by"])
        with _service_step():
            workflow.transition(
                actor=actor, obj=locked.report, transition_key="reply", payload={"unit": locked.unit.name}
            )
    return locked


# instructions, adoption and credit


def _credit_authors(*, actor, report: Report, rule_key: str, source, occurred_on: date, note: str) -> None:
    for author in _author_users(report):
        duty_credit(
            member=author,
            organization=report.organization_id,
            rule_key=rule_key,
            source=source,
            note=note,
            occurred_on=occurred_on,
            source_label=report.title,
            source_url=report.get_absolute_url(),
            actor=actor,
        )


# Instructions and adoptions arrive once the report is out: sent up and/or forwarded to bureaus, also after the
# bureaus replied (all of these are the state "sent"; domain.md: sent up / forwarded → replies → instructions →
# adoption → statistics, archive). Before that nobody could have read it; once archived or closed it is done.
RECORDABLE_STATES = ("sent",)


def _check_recordable(locked: Report, field: str, *, instruction: bool) -> None:
    key = _state_key(locked)
    if key in RECORDABLE_STATES:
        return
    state = locked.state.name if locked.state_id else ""
    if key in ("archived", "closed"):
        message = (
            _("信息已结束流程（%(state)s），不能再记录批示。")
            if instruction
            else _("信息已结束流程（%(state)s），不能再记录采用。")
        ) % {"state": state}
    else:
        message = (
            _("信息报送或转办后才能记录批示（当前状态：%(state)s）。")
            if instruction
            else _("信息报送或转办后才能记录采用（当前状态：%(state)s）。")
        ) % {"state": state}
    raise ValidationError({field: message})


def instruction_record(
    *,
    actor,
    report: Report,
    level: str,
    text: str,
    instructed_on: date | None = None,
    leader=None,
    leader_name: str = "",
    leader_title: str = "",
) -> Instruction:
    """批示 by a leader (a platform user, or a leader named with level and title); credits every author."""
    _require("opinions.manage_report", actor, report)
    leader_name = (leader_name or "").strip() or (leader.display_name if leader is not None else "")
    errors = {}
    if not leader_name:
        errors["leader_name"] = _("请填写批示领导（选择平台用户或填写姓名）。")
    if level not in Level.values:
        errors["level"] = _("请选择领导层级。")
    if not (text or "").strip():
        errors["text"] = _("请填写批示内容。")
    instructed_on = instructed_on or timezone.localdate()
    if instructed_on > timezone.localdate():
        errors["instructed_on"] = _("批示日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock(report)
        _check_recordable(locked, "text", instruction=True)
        reached = set(locked.dispatches.values_list("level", flat=True))
        if locked.forwards.exists():
            reached.add(Level.OWN)  # the bureaus of its own government
        if level not in reached:
            raise ValidationError(
                {"level": _("本信息未曾报送“%(level)s”，不能记录该层级领导的批示。") % {"level": Level(level).label}}
            )
        instruction = Instruction.objects.create(
            report=locked,
            leader=leader,
            leader_name=leader_name[:60],
            leader_title=(leader_title or "").strip()[:80],
            level=level,
            text=text.strip(),
            instructed_on=instructed_on,
            recorded_by=actor,
        )
        with _service_step():
            workflow.transition(
                actor=actor,
                obj=locked,
                transition_key="instruct",
                payload={
                    "leader": f"{instruction.leader_title}{instruction.leader_name}",
                    "level": str(Level(level).label),
                },
            )
        _credit_authors(
            actor=actor,
            report=locked,
            rule_key=f"opinion_instruction_{level}",
            source=instruction,
            occurred_on=instructed_on,
            note=_("%(leader)s批示") % {"leader": instruction.leader_name},
        )
    _refresh(report, locked)
    return instruction


def adoption_record(*, actor, report: Report, level: str, adopted_on: date | None = None, note: str = "") -> Adoption:
    """采用 at a level the report was sent to; credits every author by the level's rule."""
    _require("opinions.manage_report", actor, report)
    if level not in Level.values:
        raise ValidationError({"level": _("请选择采用层级。")})
    adopted_on = adopted_on or timezone.localdate()
    if adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("采用日期不能晚于今天。")})
    with transaction.atomic():
        locked = _lock(report)
        _check_recordable(locked, "level", instruction=False)
        dispatch = locked.dispatches.filter(level=level).order_by("sent_at").first()
        if dispatch is None:
            raise ValidationError(
                {"level": _("本信息未曾报送“%(level)s”，不能记录该层级的采用。") % {"level": Level(level).label}}
            )
        if locked.adoptions.filter(level=level).exists():
            raise ValidationError({"level": _("已记录过“%(level)s”的采用。") % {"level": Level(level).label}})
        adoption = Adoption.objects.create(
            report=locked,
            level=level,
            dispatch=dispatch,
            adopted_on=adopted_on,
            note=(note or "").strip()[:200],
            recorded_by=actor,
        )
        with _service_step():
            workflow.transition(
                actor=actor, obj=locked, transition_key="adopt", payload={"level": str(Level(level).label)}
            )
        _credit_authors(
            actor=actor,
            report=locked,
            rule_key=f"opinion_adopted_{level}",
            source=adoption,
            occurred_on=adopted_on,
            note=_("被%(level)s采用") % {"level": Level(level).label},
        )
    _refresh(report, locked)
    return adoption
