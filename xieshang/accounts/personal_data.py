"""Personal data (PIPL): the download of everything the platform holds about a person, and the erasure he may ask for.

The categories come from the registry in core.personal_data, to which every app declares its own sources (accounts
imports no domain). This module declares the accounts' sources (the account, the resident and member profiles, the
roles, the audit trail of his own actions) and holds the services: the export zip, the deletion request, and the
erasure the security administrator carries out (decision 0032)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record
from xieshang.core import personal_data as registry
from xieshang.core.personal_data import Erased, Source

from .models import (
    ADMIN_ROLES,
    ERASED_LABEL,
    DataRequest,
    MemberProfile,
    Organization,
    ResidentProfile,
    Role,
    RoleGrant,
    SmsCode,
    User,
)
from .selectors import forget_roles, has_role, roles_by_organization

# PIPL art. 50 asks for a timely answer; GB/T 35273-2020 §8.7 names 15 working days at most. We promise 15 days.
DELETION_DUE_DAYS = 15


# --- the accounts' own sources --------------------------------------------------------------------------------------


def _account_rows(user: User) -> list[dict]:
    return [
        {
            "username": user.username,
            "name": user.name,
            "phone": user.phone or "",
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "language": user.language,
            "care_mode": user.care_mode,
            "password_changed_at": user.password_changed_at,
            "is_active": user.is_active,
        }
    ]


def _erase_account(user: User, erased: Erased) -> int:
    """The account row itself: every personal field erased or replaced by the neutral label, the password made
    unusable (which ends every session: Django checks the password hash on each request), the account deactivated.
    Second factor devices and pending SMS codes go too."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    changed = TOTPDevice.objects.filter(user=user).delete()[0]
    if erased.phone:
        changed += SmsCode.objects.filter(phone=erased.phone).delete()[0]
    if user.erased_at is not None and not user.is_active and not user.phone and not user.email:
        return changed
    user.username = f"erased-{uuid.uuid4().hex[:16]}"
    user.name = str(ERASED_LABEL)
    user.first_name = user.last_name = user.email = user.language = ""
    user.phone = None
    user.care_mode = user.must_change_password = user.is_staff = user.is_superuser = False
    user.failed_logins = 0
    user.locked_until = None
    user.is_active = False
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    return changed + 1


def _resident_rows(user: User) -> list[dict]:
    profile = ResidentProfile.objects.filter(user=user).select_related("organization", "community").first()
    if profile is None:
        return []
    return [
        {
            "organization": profile.organization.name,
            "community": str(profile.community or ""),
            "consent_version": profile.consent_version,
            "consent_at": profile.consent_at,
        }
    ]


def _erase_resident(user: User, erased: Erased) -> int:
    # The row stays (the organization still counts a registered resident and the consent he gave); where he lives goes.
    return ResidentProfile.objects.filter(user=user, community__isnull=False).update(community=None)


def _member_rows(user: User) -> list[dict]:
    return [
        {
            "organization": p.organization.name,
            "term": p.term,
            "sector": str(p.sector or ""),
            "party": p.get_party_display() if p.party else "",
            "is_standing": p.is_standing,
            "district": p.district,
            "workplace": p.workplace,
        }
        for p in MemberProfile.objects.filter(user=user).select_related("organization", "sector")
    ]


def _erase_member(user: User, erased: Erased) -> int:
    return (
        MemberProfile.objects.filter(user=user)
        .exclude(party="", district="", workplace="")
        .update(party="", district="", workplace="")
    )


def _role_rows(user: User) -> list[dict]:
    return [
        {"organization": g.organization.name, "role": g.get_role_display(), "granted_at": g.granted_at}
        for g in RoleGrant.objects.filter(user=user).select_related("organization")
    ]


def _erase_roles(user: User, erased: Erased) -> int:
    changed = RoleGrant.objects.filter(user=user).delete()[0]
    forget_roles(user)
    return changed


def _audit_rows(user: User) -> list[dict]:
    return [
        {"at": e.at, "action": e.action, "object": e.object_repr, "result": e.result, "ip_address": e.ip_address}
        for e in AuditEntry.objects.filter(actor_id=user.pk).order_by("at", "pk")
    ]


def _keep_audit(user: User, erased: Erased) -> int:
    # The audit trail is kept as the law requires (at least six months, append-only, hash-chained): not erased.
    return 0


def register() -> None:
    for source in (
        Source(
            key="account",
            title=gettext_lazy("账户信息"),
            description=gettext_lazy("登录账户和联系方式。删除后：姓名改为“已注销用户”，手机号、邮箱清除，账户停用。"),
            fields={
                "username": gettext_lazy("用户名"),
                "name": gettext_lazy("姓名"),
                "phone": gettext_lazy("手机号码"),
                "email": gettext_lazy("电子邮箱"),
                "date_joined": gettext_lazy("注册时间"),
                "last_login": gettext_lazy("最近登录时间"),
                "language": gettext_lazy("界面语言"),
                "care_mode": gettext_lazy("关怀模式"),
                "password_changed_at": gettext_lazy("密码修改时间"),
                "is_active": gettext_lazy("账户启用"),
            },
            export=_account_rows,
            anonymize=_erase_account,
            order=1000,  # last: the other sources still find his name and phone to replace in their texts
        ),
        Source(
            key="resident_profile",
            title=gettext_lazy("群众档案"),
            description=gettext_lazy("注册时填写的所在社区和同意的隐私告知版本。删除后：所在社区清除。"),
            fields={
                "organization": gettext_lazy("政协组织"),
                "community": gettext_lazy("所在街道社区"),
                "consent_version": gettext_lazy("同意的隐私告知版本"),
                "consent_at": gettext_lazy("同意时间"),
            },
            export=_resident_rows,
            anonymize=_erase_resident,
            order=10,
        ),
        Source(
            key="member_profiles",
            title=gettext_lazy("委员档案"),
            description=gettext_lazy("委员的届次、界别、党派和工作单位。"),
            fields={
                "organization": gettext_lazy("政协组织"),
                "term": gettext_lazy("届次"),
                "sector": gettext_lazy("界别"),
                "party": gettext_lazy("党派"),
                "is_standing": gettext_lazy("常委"),
                "district": gettext_lazy("所在区县"),
                "workplace": gettext_lazy("工作单位及职务"),
            },
            export=_member_rows,
            anonymize=_erase_member,
            order=11,
        ),
        Source(
            key="roles",
            title=gettext_lazy("身份与角色"),
            description=gettext_lazy("您在各政协组织的身份。删除后：全部收回。"),
            fields={
                "organization": gettext_lazy("政协组织"),
                "role": gettext_lazy("角色"),
                "granted_at": gettext_lazy("授予时间"),
            },
            export=_role_rows,
            anonymize=_erase_roles,
            order=12,
        ),
        Source(
            key="audit",
            title=gettext_lazy("操作记录"),
            description=gettext_lazy("您在平台上的操作（登录、提交等）的审计记录。依法至少保存六个月，删除后仍保留。"),
            fields={
                "at": gettext_lazy("时间"),
                "action": gettext_lazy("操作"),
                "object": gettext_lazy("对象"),
                "result": gettext_lazy("结果"),
                "ip_address": gettext_lazy("IP 地址"),
            },
            export=_audit_rows,
            anonymize=_keep_audit,
            order=900,
        ),
    ):
        registry.register(source)


# --- reading ------------------------------------------------------------------------------------------------------


def categories(user: User) -> list[dict]:
    """What the page shows: each category with its fields and the user's rows."""
    return [
        {
            "key": source.key,
            "title": source.title,
            "description": source.description,
            "columns": [str(label) for label in source.fields.values()],
            "rows": [[row.get(column, "") for column in source.fields] for row in rows],
            "count": len(rows),
        }
        for source, rows in registry.collect(user)
    ]


def export_zip(*, actor: User) -> bytes:
    """The download: one JSON file per category and a README naming every field. Audited (the count per category,
    not the data)."""
    collected = registry.collect(actor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = [
            _("我的个人信息"),
            _("导出时间：%(at)s") % {"at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
            "",
        ]
        for source, rows in collected:
            archive.writestr(f"{source.key}.json", json.dumps(rows, ensure_ascii=False, indent=2))
            readme.append(f"{source.key}.json · {source.title}（{len(rows)}）")
            readme.append(f"  {source.description}")
            readme.extend(f"  - {name}: {label}" for name, label in source.fields.items())
            readme.append("")
        archive.writestr("README.txt", "\n".join(readme))
    audit_record(
        actor=actor,
        action="personal_data.exported",
        object_type="accounts.user",
        object_id=str(actor.pk),
        object_repr=_("个人信息下载"),
        detail={"counts": {source.key: len(rows) for source, rows in collected}},
    )
    return buffer.getvalue()


# --- the deletion request -----------------------------------------------------------------------------------------


def may_request_deletion(user: User) -> bool:
    """Residents (群众) ask for erasure themselves. A member's or officer's records belong to the conference's files
    (duty records, proposals, replies): their accounts are closed by the security administrator, not erased."""
    roles = set().union(*roles_by_organization(user).values()) if roles_by_organization(user) else set()
    return user.is_active and user.erased_at is None and roles <= {Role.CITIZEN}


def pending_request(user: User) -> DataRequest | None:
    return DataRequest.objects.filter(user=user, status=DataRequest.Status.PENDING).first()


def _organization_of(user: User) -> Organization | None:
    profile = ResidentProfile.objects.filter(user=user).select_related("organization").first()
    if profile is not None:
        return profile.organization
    grant = RoleGrant.objects.filter(user=user).select_related("organization").order_by("pk").first()
    return grant.organization if grant is not None else None


def _request_repr(request: DataRequest) -> str:
    # Never the person's name: the audit row outlives the erasure.
    return _("个人信息删除申请 #%(n)d") % {"n": request.pk}


ERASE_PURPOSE = "erase"


def _refused(actor: User, result: str, reason: str = "") -> None:
    audit_record(
        actor=actor,
        action="personal_data.deletion_refused",
        object_type="accounts.user",
        object_id=str(actor.pk),
        result=result,
        detail={"reason": reason} if reason else None,
    )


def _check_may_request(actor: User) -> None:
    if not may_request_deletion(actor):
        _refused(actor, AuditEntry.Result.DENIED)
        raise PermissionDenied(_("委员和工作人员的账户由本组织的安全管理员办理注销。"))


def deletion_code_send(*, actor: User, address: str = "") -> None:
    """A code to the resident's phone, to confirm his deletion request with instead of the password (residents who
    registered by phone may not remember one). Within the ordinary SMS-code limits."""
    from .services import sms_code_send

    _check_may_request(actor)
    if not actor.phone:
        raise ValidationError({"code": _("您的账户没有登记手机号码，请用密码确认。")})
    sms_code_send(phone=actor.phone, purpose=ERASE_PURPOSE, address=address, account=actor.pk)


def _confirm(actor: User, password: str, code: str) -> str:
    """The request's confirmation: the SMS code when one is given, else the password. Returns which."""
    from .services import SmsCodeError, sms_code_verify

    if code:
        try:
            sms_code_verify(phone=actor.phone or "", purpose=ERASE_PURPOSE, code=code)
        except SmsCodeError as exc:
            _refused(actor, AuditEntry.Result.FAILURE, "sms_code")
            raise ValidationError({"code": str(exc)}) from exc
        return "sms"
    if not password:
        raise ValidationError({"password": _("请输入当前密码，或获取短信验证码确认。")})
    if not actor.check_password(password):
        _refused(actor, AuditEntry.Result.FAILURE, "password")
        raise ValidationError({"password": _("密码不正确。")})
    return "password"


def deletion_request(*, actor: User, password: str = "", code: str = "") -> DataRequest:
    """A resident asks for his data to be erased, confirming with his password (as for a password change) or with a
    code sent to his phone. A wrong password or code leaves a refusal row and changes nothing; a second request
    while one is pending returns the first."""
    _check_may_request(actor)
    confirmed_by = _confirm(actor, password, code)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        existing = pending_request(actor)
        if existing is not None:
            return existing
        organization = _organization_of(actor)
        if organization is None:
            raise PermissionDenied(_("您的账户不属于任何政协组织，请联系平台管理员。"))
        now = timezone.now()
        request = DataRequest.objects.create(
            organization=organization, user=actor, requested_at=now, due_at=now + timedelta(days=DELETION_DUE_DAYS)
        )
        audit_record(
            actor=actor,
            action="personal_data.deletion_requested",
            obj=request,
            object_repr=_request_repr(request),
            organization=organization,
            detail={"confirmed_by": confirmed_by},
        )
    return request


def deletion_withdraw(*, actor: User, request: DataRequest) -> DataRequest:
    """The requester takes his pending request back; nothing is erased. A request already closed is left as it is
    (a second withdrawal changes nothing)."""
    if request.user_id != actor.pk:
        record_denied(actor=actor, request=request)
        raise PermissionDenied
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != DataRequest.Status.PENDING:
            return locked
        locked.status = DataRequest.Status.WITHDRAWN
        locked.done_at, locked.done_by = timezone.now(), actor
        locked.save(update_fields=["status", "done_at", "done_by"])
        audit_record(
            actor=actor,
            action="personal_data.deletion_withdrawn",
            obj=locked,
            object_repr=_request_repr(locked),
            organization=locked.organization_id,
        )
    return locked


def deletion_decline(*, actor: User, request: DataRequest, reason: str) -> DataRequest:
    """The security administrator refuses a pending request, with the reason the law asks him to give (PIPL art.
    50): a legal hold, a matter still open. The requester is told in his inbox and by SMS (and by e-mail if he
    chose it); he may ask again later."""
    from django.urls import reverse

    from xieshang.notifications.services import notify

    if not may_carry_out(actor, request):
        record_denied(actor=actor, request=request)
        raise PermissionDenied(_("只有本组织的安全管理员可以办理个人信息删除。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明不予办理的理由，申请人会收到。")})
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
        if locked.status != DataRequest.Status.PENDING:
            return locked
        locked.status = DataRequest.Status.REFUSED
        locked.reason = reason[:1000]
        locked.done_at, locked.done_by = timezone.now(), actor
        locked.save(update_fields=["status", "reason", "done_at", "done_by"])
        audit_record(
            actor=actor,
            action="personal_data.deletion_declined",
            obj=locked,
            object_repr=_request_repr(locked),
            organization=locked.organization_id,
            detail={"reason": locked.reason},
        )
        notify(
            recipients=[locked.user],
            kind="personal_data.declined",
            title=lambda: _("您的个人信息删除申请未予办理"),
            body=lambda: _("理由：%(reason)s") % {"reason": locked.reason},
            url=reverse("accounts:personal_data"),
            organization=locked.organization_id,
            force_sms=True,
            key=f"personal_data.declined:{locked.pk}",
        )
    request.refresh_from_db()
    return locked


def last_closed_request(user: User) -> DataRequest | None:
    """The person's latest request that was refused or withdrawn: the page tells him what became of it."""
    return (
        DataRequest.objects.filter(user=user, status__in=[DataRequest.Status.REFUSED, DataRequest.Status.WITHDRAWN])
        .order_by("-done_at", "-pk")
        .first()
    )


def may_carry_out(user: User, request: DataRequest) -> bool:
    return has_role(user, Role.SECURITY_ADMIN, request.organization_id) and user.pk != request.user_id


def record_denied(*, actor: User, request: DataRequest) -> None:
    audit_record(
        actor=actor,
        action="personal_data.deletion_denied",
        obj=request,
        object_repr=_request_repr(request),
        organization=request.organization_id,
        result=AuditEntry.Result.DENIED,
    )


def pending_requests(organization: Organization):
    return DataRequest.objects.filter(organization=organization, status=DataRequest.Status.PENDING).select_related(
        "user"
    )


def placeholder(organization_id: int | None) -> User:
    """The organization's "已注销用户" account: the author of record of whatever an erased person wrote. One per
    organization (created on first need), inactive, with no password, phone or role."""
    code = Organization.objects.filter(pk=organization_id).values_list("code", flat=True).first() or "none"
    user, _created = User.objects.get_or_create(
        username=f"erased-{code}",
        defaults={
            "name": str(ERASED_LABEL),
            "is_active": False,
            "erased_at": timezone.now(),
            "password": "!",  # unusable
        },
    )
    return user


def erase(user: User) -> dict[str, int]:
    """Run every source's anonymize for the user; the number of rows each changed. Idempotent: a second run returns
    zeros. Used by deletion_carry_out; callable alone (tests, a command) without a request."""
    cache: dict[int | None, User] = {}

    def placeholder_for(organization_id: int | None) -> User:
        if organization_id not in cache:
            cache[organization_id] = placeholder(organization_id)
        return cache[organization_id]

    erased = Erased(
        label=str(ERASED_LABEL),
        name="" if user.erased_at else user.name,
        phone=user.phone or "",
        placeholder=placeholder_for,
    )
    return {source.key: source.anonymize(user, erased) for source in registry.sources()}


def deletion_carry_out(*, actor: User, request: DataRequest) -> dict[str, int]:
    """The security administrator of the request's organization carries it out: every source anonymizes the
    person's rows, the account is deactivated. A second attempt on a done request changes nothing."""
    if not may_carry_out(actor, request):
        record_denied(actor=actor, request=request)
        raise PermissionDenied(_("只有本组织的安全管理员可以办理个人信息删除。"))
    if any(has_role(request.user, role) for role in ADMIN_ROLES):
        raise PermissionDenied(_("管理员账户不能在此注销。"))
    with transaction.atomic():
        locked = DataRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
        if locked.status != DataRequest.Status.PENDING:  # done already, withdrawn or refused: nothing to erase
            return dict(locked.changes)
        changes = erase(locked.user)
        locked.status = DataRequest.Status.DONE
        locked.done_at = timezone.now()
        locked.done_by = actor
        locked.changes = changes
        locked.save(update_fields=["status", "done_at", "done_by", "changes"])
        audit_record(
            actor=actor,
            action="personal_data.deletion_done",
            obj=locked,
            object_repr=_request_repr(locked),
            organization=locked.organization_id,
            detail={"changes": changes},
        )
    request.refresh_from_db()
    return changes
