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

from .forms import LoginForm, OtpForm, PasswordChangeForm, ResidentRegistrationForm, SmsCodeRequestForm
from .middleware import SESSION_ORGANIZATION
from .services import LoginRefused, SmsCodeError, login_attempt, password_change, resident_register, sms_code_send


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
            login(request, user, backend="xieshang.accounts.backends.UsernameOrPhoneBackend")
            response = HttpResponseRedirect(_next_url(request))
            if user.language:
                from django.conf import settings

                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")
            return response
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


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
                sms_code_send(phone=form.cleaned_data["phone"], purpose="register")
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
    return TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()


@login_required
def otp_verify_view(request):
    """Second factor for staff: confirm a TOTP authenticator on first use, then ask for a code at each login."""
    device = _otp_device(request.user)
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=request.user, action="second_factor.enrolled", obj=request.user)
            otp_login(request, device)
            audit_record(actor=request.user, action="second_factor.passed", obj=request.user)
            return redirect(_next_url(request))
        audit_record(
            actor=request.user, action="second_factor.failed", obj=request.user, result=AuditEntry.Result.FAILURE
        )
        form.add_error("token", _("验证码不正确或已过期，请输入验证器上当前显示的 6 位数字。"))
    context = {"form": form, "next": request.GET.get("next", ""), "enrolling": not device.confirmed}
    if not device.confirmed:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
        buffer = BytesIO()
        image.save(buffer)
        context["qr_svg"] = buffer.getvalue().decode()
        context["secret"] = b32encode(device.bin_key).decode()
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
