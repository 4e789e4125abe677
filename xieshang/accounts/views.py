from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record

from .forms import LoginForm, OtpForm, PasswordChangeForm, ResidentRegistrationForm, SmsCodeRequestForm, SmsEnrolForm
from .middleware import SESSION_ORGANIZATION
from .services import (
    LoginRefused,
    SmsCodeError,
    client_address,
    login_attempt,
    password_change,
    resident_register,
    sms_code_send,
    sms_code_verify,
)


def _next_url(request, default="core:workbench"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return redirect(default).url


@sensitive_post_parameters("password")
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_attempt(
                request=request, identifier=form.cleaned_data["username"], password=form.cleaned_data["password"]
            )
        except LoginRefused as exc:
            form.add_error(None, str(exc))
        else:
            return signed_in(request, user)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def signed_in(request, user):
    """Open the session (by password or by SMS code) and go on to the page asked for."""
    from django.conf import settings

    login(request, user, backend="xieshang.accounts.backends.UsernameOrPhoneBackend")
    response = HttpResponseRedirect(_next_url(request))
    if user.language:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
    elif request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in dict(settings.LANGUAGES):
        # The language chosen before signing in becomes the user's: his notifications are written in it.
        user.language = request.COOKIES[settings.LANGUAGE_COOKIE_NAME]
        user.save(update_fields=["language"])
    return response


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="logout", obj=request.user)
    logout(request)
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters()
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password1", exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect(_next_url(request))
    return render(request, "accounts/password_change.html", {"form": form, "next": request.GET.get("next", "")})


def sms_code_view(request):
    """Send a registration code (htmx or plain POST); the answer is a short status line."""
    form = SmsCodeRequestForm(request.POST or None)
    status, ok = "", False
    if request.method == "POST":
        if form.is_valid():
            try:
                sms_code_send(phone=form.cleaned_data["phone"], purpose="register", address=client_address(request))
                status, ok = _("验证码已发送，请查收短信。"), True
            except SmsCodeError as exc:
                status = str(exc)
        else:
            status = " ".join(str(e) for e in form.errors.get("phone", []))
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_sms_status.html", {"status": status, "ok": ok})
    reg_form = ResidentRegistrationForm(initial={"phone": request.POST.get("phone", "")})
    return render(request, "accounts/register.html", {"form": reg_form, "sms_status": status, "sms_ok": ok})


@sensitive_post_parameters("password")
def register_view(request):
    form = ResidentRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = resident_register(
                phone=data["phone"],
                code=data["code"],
                name=data["name"],
                password=data["password"],
                organization=data["organization"],
                community=data["community"],
                consent=data["consent"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("password", exc)
        else:
            login(request, user, backend="xieshang.accounts.backends.UsernameOrPhoneBackend")
            messages.success(request, _("注册成功，欢迎参与议事。"))
            return redirect("core:workbench")
    return render(request, "accounts/register.html", {"form": form})


def _otp_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


# Set in the session once the staff member has proved, by a code sent to the account's phone, that enrolment is his.
SESSION_OTP_ENROL = "xieshang_otp_enrol"
OTP_ENROL_PURPOSE = "otp_enrol"


def _masked(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


@login_required
def otp_verify_view(request):
    """Second factor for staff: a code from the authenticator at each login. Binding a first authenticator needs
    more than the password: a code sent by SMS to the account's phone (or the security administrator, for an account
    without one); only then is a secret made and shown, once, for this session."""
    device = _otp_device(request.user)
    if device is None:
        return _otp_enrol(request)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            audit_record(actor=request.user, action="second_factor.passed", obj=request.user)
            return redirect(_next_url(request))
        audit_record(
            actor=request.user, action="second_factor.failed", obj=request.user, result=AuditEntry.Result.FAILURE
        )
        form.add_error("token", _("验证码不正确或已过期，请输入验证器上当前显示的 6 位数字。"))
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", ""), "enrolling": False}
    )


def _otp_enrol(request):
    user = request.user
    context = {"next": request.GET.get("next", ""), "enrolling": True, "phone": _masked(user.phone or "")}
    pending = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(SESSION_OTP_ENROL) or 0
    ).first()
    if pending is None:
        # Step 1: prove the phone on the account (a code by SMS), or ask the security administrator.
        form = SmsEnrolForm(request.POST or None)
        context.update(form=form, sms_step=True, has_phone=bool(user.phone))
        if request.method == "POST" and user.phone:
            if request.POST.get("action") == "send":
                try:
                    sms_code_send(
                        phone=user.phone, purpose=OTP_ENROL_PURPOSE, address=client_address(request), account=user.pk
                    )
                    context["sms_status"] = _("验证码已发送到 %(phone)s。") % {"phone": context["phone"]}
                except SmsCodeError as exc:
                    context["sms_status"] = str(exc)
                context["form"] = SmsEnrolForm()
            elif form.is_valid():
                try:
                    sms_code_verify(phone=user.phone, purpose=OTP_ENROL_PURPOSE, code=form.cleaned_data["code"])
                except SmsCodeError as exc:
                    audit_record(
                        actor=user, action="second_factor.enrol_refused", obj=user, result=AuditEntry.Result.FAILURE
                    )
                    form.add_error("code", str(exc))
                else:
                    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                    pending = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
                    request.session[SESSION_OTP_ENROL] = pending.pk
                    audit_record(actor=user, action="second_factor.enrol_started", obj=user)
                    return redirect(request.get_full_path())
        return render(request, "accounts/otp_verify.html", context)
    # Step 2: scan the secret into an authenticator and confirm it with a code.
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if pending.verify_token(form.cleaned_data["token"]):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            request.session.pop(SESSION_OTP_ENROL, None)
            audit_record(actor=user, action="second_factor.enrolled", obj=user)
            otp_login(request, pending)
            audit_record(actor=user, action="second_factor.passed", obj=user)
            return redirect(_next_url(request))
        audit_record(actor=user, action="second_factor.failed", obj=user, result=AuditEntry.Result.FAILURE)
        form.add_error("token", _("验证码不正确或已过期，请输入验证器上当前显示的 6 位数字。"))
    image = qrcode.make(pending.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    context.update(form=form, qr_svg=buffer.getvalue().decode(), secret=b32encode(pending.bin_key).decode())
    return render(request, "accounts/otp_verify.html", context)


@login_required
@require_POST
def switch_organization_view(request):
    try:
        org_id = int(request.POST.get("organization", ""))
    except ValueError:
        org_id = None
    if org_id in {o.pk for o in request.organizations}:
        request.session[SESSION_ORGANIZATION] = org_id
    return redirect(_next_url(request))


@login_required
def member_search_view(request):
    """htmx: the people and groups of a member picker's pool matching the query (accounts.pickers). Only someone
    with a role in one of the pool's organizations may search it."""
    from django.core import signing
    from django.core.exceptions import PermissionDenied

    from . import pickers
    from .selectors import roles_by_organization

    try:
        pool = pickers.Pool.from_token(request.GET.get("pool", ""))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise PermissionDenied from None
    if not set(roles_by_organization(request.user)) & set(pool.organization_ids):
        raise PermissionDenied
    name = request.GET.get("name", "")
    query = request.GET.get(name + "__q", "")
    chosen = [int(v) for v in request.GET.getlist(name) if v.isdigit()]
    context = {
        "name": name,
        "group_name": name + pickers.GROUP_SUFFIX,
        "people": pickers.search(pool, query, exclude=[request.user.pk, *chosen]),
        "groups": pickers.groups_matching(pool, query) if query.strip() else [],
        "query": query,
    }
    return render(request, "accounts/_picker_results.html", context)
