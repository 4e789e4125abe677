"""Sign-in by SMS code (members and residents) and the forgotten password, by e-mail or by SMS code (decision 0036).
The pages say the same whatever the number or address typed: whether an account exists is never shown."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from xieshang.core import limits

from . import recovery
from .forms import EmailResetForm, ResetSetPasswordForm, SmsLoginForm, SmsResetForm
from .services import LoginRefused, SmsCodeError, client_address
from .views import signed_in


def _sent_text() -> str:
    return _("如该手机号已登记在可使用短信验证码的账户上，验证码已发送，%(min)d 分钟内有效。") % {
        "min": settings.SMS_CODE_TTL_SECONDS // 60
    }


@sensitive_post_parameters("code")
def login_sms_view(request):
    """Phone → code by SMS → signed in. Staff accounts get no code (their owner is told why by SMS)."""
    action = request.POST.get("action")
    form = SmsLoginForm(request.POST or None, need_code=action != "send")
    status = ""
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if action == "send":
            try:
                recovery.sms_login_code_send(phone=phone, address=client_address(request))
            except SmsCodeError as exc:
                form.add_error("phone", str(exc))
            else:
                status = _sent_text()
                form = SmsLoginForm(initial={"phone": phone})
        else:
            try:
                user = recovery.sms_login(phone=phone, code=form.cleaned_data["code"], address=client_address(request))
            except LoginRefused as exc:
                form.add_error("code", str(exc))
            else:
                return signed_in(request, user)
    context = {"form": form, "status": status, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "accounts/login_sms.html", context)


@sensitive_post_parameters("code", "new_password1", "new_password2")
def password_reset_sms_view(request):
    """Phone → code by SMS → a new password; then the ordinary sign-in (and, for staff, the second factor)."""
    action = request.POST.get("action")
    form = SmsResetForm(request.POST or None, need_code=action != "send")
    status = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if action == "send":
            try:
                recovery.reset_code_send(phone=data["phone"], address=client_address(request))
            except SmsCodeError as exc:
                form.add_error("phone", str(exc))
            else:
                status = _sent_text()
                form = SmsResetForm(initial={"phone": data["phone"]})
        else:
            try:
                recovery.password_reset_by_sms(
                    phone=data["phone"],
                    code=data["code"],
                    new_password=data["new_password1"],
                    address=client_address(request),
                )
            except ValidationError as exc:
                form.add_error("new_password1", exc)
            except SmsCodeError as exc:
                form.add_error("code", str(exc))
            else:
                messages.success(request, _("密码已重设，请用新密码登录。"))
                return redirect("accounts:login")
    return render(request, "accounts/password_reset_sms.html", {"form": form, "status": status})


class PasswordResetView(auth_views.PasswordResetView):
    """忘记密码 by e-mail: Django's reset link (one hour, one use), within the "password_reset" limits."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = EmailResetForm
    success_url = reverse_lazy("accounts:password_reset_sent")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        address = client_address(self.request)
        refusal = limits.hit("password_reset", address=address, target=email.strip().lower())
        if refusal:
            form.add_error("email", limits.wait_text(refusal))
            return self.form_invalid(form)
        users = list(form.get_users(email))
        response = super().form_valid(form)
        recovery.reset_email_requested(users=users, address=address)
        return response


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: a new password, then the sign-in page. Nobody is signed in here, so staff still pass the
    second factor at the next sign-in."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetSetPasswordForm
    success_url = reverse_lazy("accounts:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已重设，请用新密码登录。"))
        return response
