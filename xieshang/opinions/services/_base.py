"""The opinions services' private helpers, on core.services (require, refresh, text_error) and the workflow
engine's lock. Nothing here is public: callers use the functions re-exported by services/__init__.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from xieshang.accounts.models import MemberProfile, Role, User
from xieshang.accounts.selectors import users_with_role
from xieshang.core import services as core
from xieshang.core.models import next_number
from xieshang.core.uploads import validate_uploads
from xieshang.notifications.services import Text, after_commit, is_suppressed, language_of, notify, render
from xieshang.workflow import services as workflow
from xieshang.workflow.selectors import state_has

from .. import search_wiring
from ..models import BulletinIssue, Report
from ..selectors import settings_for

if TYPE_CHECKING:
    from xieshang.accounts.models import Organization

WORKFLOW_KEY = "opinion_report"
AUTHOR_MEMBER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)
REPORT_SCOPE = "opinions.report"


def require(perm: str, actor: User, obj: Any) -> None:
    core.require(actor, perm, obj, _("您没有办理此项的权限。"))


def lock(report: Report) -> Report:
    """The report under a row lock, with its current state (workflow.services.lock: no joins under the lock)."""
    locked: Report = workflow.lock(report)
    return locked


def refresh(report: Report, locked: Report) -> Report:
    return core.refresh(report, locked, "state")


def check_text(organization: Organization | int, title: str, body: str) -> tuple[str, str]:
    """The stripped title and body, or a ValidationError keyed by field. The over-limit messages are the domain's
    own (they tell the author how long the text is and to keep to one matter)."""
    limits = settings_for(organization)
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title or len(title) > limits.title_max_chars:
        errors["title"] = core.text_error(title, limits.title_max_chars, _("标题"))
        if title:
            errors["title"] = _("标题共 %(n)s 字，超过上限 %(max)s 字。") % {
                "n": len(title),
                "max": limits.title_max_chars,
            }
    if not body or len(body) > limits.body_max_chars:
        errors["body"] = core.text_error(body, limits.body_max_chars, _("正文"))
        if body:
            errors["body"] = _("正文共 %(n)s 字，超过上限 %(max)s 字，请精简后再提交（一事一报）。") % {
                "n": len(body),
                "max": limits.body_max_chars,
            }
    if errors:
        raise ValidationError(errors)
    return title, body


def check_attachments(organization: Organization | int, files: Any) -> None:
    """Count, type (by content, not only by name) and size: xieshang.core.uploads, shared with proposals."""
    limits = settings_for(organization)
    try:
        validate_uploads(files, max_mb=limits.attachment_max_mb, max_count=limits.attachment_max_count)
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.messages}) from None


def next_seq(organization_id: int, year: int) -> int:
    """The next receipt number of the organization's year, from the one locked counter (core.models.next_number).
    A counter that does not exist yet starts after the highest number already stored (reports numbered before the
    counter, or written in bulk by an import)."""
    stored = Report.objects.filter(organization_id=organization_id, year=year).aggregate(m=Max("seq"))["m"] or 0
    return next_number(REPORT_SCOPE, organization_id, year, start_after=stored)


def next_issue_number(issue: BulletinIssue, year: int) -> int:
    """The next number of the organization's issues of this kind in the year (each kind numbers on its own)."""
    stored = (
        BulletinIssue.objects.filter(
            organization_id=issue.organization_id, year=year, kind=issue.kind, number__isnull=False
        ).aggregate(m=Max("number"))["m"]
        or 0
    )
    return next_number(f"opinions.issue:{issue.kind}", issue.organization_id, year, start_after=stored)


def profile(user: User, organization_id: int) -> MemberProfile | None:
    return MemberProfile.objects.filter(user=user, organization_id=organization_id).select_related("sector").first()


def author_users(report: Report) -> list[User]:
    return [link.user for link in report.author_links.select_related("user")]


def index_later(report: Report) -> None:
    """Search follows the write after commit (search_wiring.index_report schedules the task on commit)."""
    search_wiring.index_report(report.pk)


def notify_after_commit(
    *,
    recipients: Callable[[], Iterable[User]] | Iterable[User],
    kind: str,
    title: Text,
    url: str,
    organization: Organization | int,
) -> None:
    """A notification sent once the transaction commits; notifications.after_commit keeps the suppressed() block it
    was scheduled in (the demo loading history inside one long transaction)."""
    if is_suppressed():  # nobody will be told: do not read the recipients
        return
    people = list(recipients() if callable(recipients) else recipients)
    # Rendered now, once per language among the recipients (the objects the text names may change before the
    # commit); notify writes each recipient's copy in his language.
    texts = {language: render(title, language) for language in {language_of(u) for u in people}}
    after_commit(
        lambda: notify(
            recipients=people,
            kind=kind,
            title=lambda: texts.get(translation.get_language() or "", ""),
            url=url,
            organization=organization,
        ),
        robust=True,
    )


def information_staff(organization: Organization) -> list[User]:
    return list(users_with_role(organization, Role.INFORMATION_STAFF))


def published(report: Report) -> bool:
    """Out of the editors' hands (刊发): it may be sent up and forwarded."""
    return state_has(report, "published")
