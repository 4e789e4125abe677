"""Collecting reports (收稿): a member, informant or committee submits one; a proposal converted to a suggestion
arrives as one. Both number the report from the locked counter, keep the original text as version 1, start the
workflow, tell the information staff after the commit and index the report."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.models import Organization, Role, SpecialCommittee
from xieshang.accounts.selectors import has_role
from xieshang.audit.services import audit_record
from xieshang.workflow import services as workflow

from ..models import Attachment, Report, ReportAuthor, ReportVersion
from ._base import (
    AUTHOR_MEMBER_ROLES,
    WORKFLOW_KEY,
    check_attachments,
    check_text,
    index_later,
    information_staff,
    next_seq,
    notify_after_commit,
    profile,
    require,
)

if TYPE_CHECKING:
    from xieshang.accounts.models import User


def _author_kind(actor: User, org: Any, author_kind: str, author_org_name: str, committee: Any) -> str:
    """The kind the report is submitted as, checked against what the actor may claim."""
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
    if author_kind in (Report.AuthorKind.PARTY, Report.AuthorKind.SECTOR) and not author_org_name:
        raise ValidationError({"author_org_name": _("以党派团体或界别名义报送时，请填写单位名称。")})
    if author_kind == Report.AuthorKind.COMMITTEE and committee is None:
        raise ValidationError({"committee": _("以专门委员会名义报送时，请选择专门委员会。")})
    return author_kind


def _coauthors(actor: User, org: Any, coauthors: Iterable[Any]) -> list[Any]:
    coauthors = [u for u in coauthors if u.pk != actor.pk]
    outsiders = [u for u in coauthors if not any(has_role(u, r, org) for r in (*AUTHOR_MEMBER_ROLES, Role.INFORMANT))]
    if outsiders:
        raise ValidationError(
            {"coauthors": _("%(names)s 不是本组织的委员或信息员。") % {"names": "、".join(map(str, outsiders))}}
        )
    return coauthors


def _store(report: Report, authors: list[Any], *, editor: Any, note: str, created_at: datetime | None = None) -> Report:
    """Number and save the report with its authors and version 1 (inside the caller's transaction)."""
    report.seq = next_seq(report.organization_id, report.year)
    report.save()
    ReportAuthor.objects.bulk_create([ReportAuthor(report=report, user=u, order=i) for i, u in enumerate(authors)])
    version = {"created_at": created_at} if created_at else {}
    ReportVersion.objects.create(
        report=report,
        number=1,
        title=report.title,
        body=report.body,
        editor=editor,
        editor_name=getattr(editor, "display_name", ""),
        note=note,
        **version,
    )
    return report


def report_submit(
    *,
    actor: User,
    organization: Organization,
    title: str,
    body: str,
    urgent: bool = False,
    author_kind: str = Report.AuthorKind.MEMBER,
    coauthors: Iterable[Any] = (),
    author_org_name: str = "",
    committee: Any = None,
    attachments: Iterable[Any] = (),
    submitted_at: datetime | None = None,
    source: Any = None,
    source_label: str = "",
    source_url: str = "",
) -> Report:
    """Collect a report (收稿). The actor is the first author; coauthors must belong to the same organization.
    Attachments are uploaded files (name, size, read())."""
    org = organization if isinstance(organization, Organization) else Organization.objects.get(pk=organization)
    require("opinions.submit_report", actor, org)
    title, body = check_text(org, title, body)
    attachments = list(attachments or ())
    check_attachments(org, attachments)
    author_org_name = (author_org_name or "").strip()
    author_kind = _author_kind(actor, org, author_kind, author_org_name, committee)
    coauthors = _coauthors(actor, org, coauthors)
    found = profile(actor, org.pk)
    now = submitted_at or timezone.now()
    report = Report(
        organization=org,
        year=timezone.localtime(now).year,
        title=title,
        body=body,
        urgent=bool(urgent),
        author_kind=author_kind,
        submitter=actor,
        author_org_name=author_org_name,
        sector=found.sector if found else None,
        party=found.party if found else "",
        committee=committee,
        submitted_at=now,
        source_label=source_label[:200],
        source_url=source_url[:300],
    )
    if source is not None:
        report.source_content_type = ContentType.objects.get_for_model(source, for_concrete_model=True)
        report.source_object_id = source.pk
    with transaction.atomic():
        _store(report, [actor, *coauthors], editor=actor, note=_("原稿"), created_at=now)
        for f in attachments:
            Attachment.objects.create(report=report, file=f, name=f.name[:200], size=f.size, uploaded_by=actor)
        workflow.start(actor=actor, obj=report, workflow_key=WORKFLOW_KEY, payload={"urgent": bool(urgent)})
        audit_record(actor=actor, action="opinions.submit", obj=report, detail={"urgent": bool(urgent)})
        notify_after_commit(
            recipients=lambda: information_staff(org),
            kind="opinions.submitted",
            title=lambda: (_("【紧急】") if urgent else "") + _("新收社情民意信息：%(title)s") % {"title": title},
            url=report.get_absolute_url(),
            organization=org,
        )
        index_later(report)
    return report


def _kind_from_proposal(proposal: Any) -> tuple[str, str, SpecialCommittee | None]:
    """(author kind, unit name, committee) of a proposal submitted in the name of a party, people's organization,
    special committee or sector: the report keeps it."""
    submitter_kind = getattr(proposal, "submitter_kind", "")
    committee = getattr(proposal, "committee", None) if submitter_kind == "committee" else None
    if submitter_kind in ("party", "peoples_org"):
        return Report.AuthorKind.PARTY, getattr(proposal, "submitter_display", "") or "", None
    if submitter_kind == "sector":
        return Report.AuthorKind.SECTOR, getattr(proposal, "submitter_display", "") or "", None
    if committee is not None:
        return Report.AuthorKind.COMMITTEE, "", committee
    return Report.AuthorKind.MEMBER, "", None


def report_from_proposal(*, actor: User, proposal: Any, authors: Iterable[Any] | None = None, note: str = "") -> Report:
    """A proposal converted to a suggestion in review (转为意见建议) becomes an opinion report.

    Reads proposal.organization, .title, .body, .submitter, .get_absolute_url(); `authors` (default: the submitter)
    are the people credited. The report links back to the proposal, whose workflow events its page shows. Called by
    proposals staff inside the proposal's review transaction; the length limit of opinion reports is not applied,
    since the text was accepted as a proposal."""
    authors = list({u.pk: u for u in (authors or [proposal.submitter])}.values())
    org = proposal.organization
    get_url = getattr(proposal, "get_absolute_url", None)
    label = _("由提案转来：%(title)s") % {"title": proposal.title}
    number = getattr(proposal, "number", "")
    if number:
        label = _("由提案 %(number)s 转来：%(title)s") % {"number": number, "title": proposal.title}
    found = profile(authors[0], org.pk)
    now = timezone.now()
    author_kind, author_org_name, committee = _kind_from_proposal(proposal)
    report = Report(
        organization=org,
        year=timezone.localtime(now).year,
        title=proposal.title[:200],
        body=proposal.body,
        author_kind=author_kind,
        author_org_name=author_org_name[:80],
        committee=committee,
        submitter=authors[0],
        sector=found.sector if found else getattr(proposal, "sector", None),
        party=found.party if found else "",
        source_content_type=ContentType.objects.get_for_model(proposal, for_concrete_model=True),
        source_object_id=proposal.pk,
        source_label=label[:200],
        source_url=(get_url() if get_url else "")[:300],
        submitted_at=now,
    )
    with transaction.atomic():
        _store(report, authors, editor=actor, note=note[:200] or _("提案转为意见建议"))
        workflow.start(actor=actor, obj=report, workflow_key=WORKFLOW_KEY, payload={"from_proposal": proposal.pk})
        audit_record(actor=actor, action="opinions.from_proposal", obj=report, detail={"proposal": proposal.pk})
        notify_after_commit(
            recipients=lambda: information_staff(org),
            kind="opinions.submitted",
            title=lambda: _("提案转来社情民意信息：%(title)s") % {"title": report.title},
            url=report.get_absolute_url(),
            organization=org,
        )
        index_later(report)
    return report
