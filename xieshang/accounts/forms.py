from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from .models import Community, Organization, phone_validator


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("当前密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("当前密码不正确。"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class SmsCodeRequestForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )


class ResidentRegistrationForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    name = forms.CharField(label=_("称呼"), max_length=40, help_text=_("可填写姓氏或昵称，用于议事时称呼您。"))
    organization = forms.ModelChoiceField(label=_("所在城市"), queryset=Organization.objects.none())
    community = forms.ModelChoiceField(label=_("所在社区"), queryset=Community.objects.none(), required=False)
    password = forms.CharField(
        label=_("设置密码"),
        strip=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_(
            "我已阅读并同意《个人信息保护告知》：平台仅收集手机号、称呼和所在社区，用于议事联系；公开内容中的联系方式一律隐去。"
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.filter(is_active=True, level__in=["city", "district"])
        self.fields["organization"].queryset = orgs
        self.fields["community"].queryset = Community.objects.filter(organization__in=orgs).select_related()


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class SmsEnrolForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _code_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        required=required,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("手机号码"),
        max_length=11,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric", "autofocus": True}),
    )


class SmsLoginForm(forms.Form):
    """Signing in with a code sent to the phone: "send" needs the phone only, "login" the code as well."""

    phone = _phone_field()
    code = _code_field()

    def __init__(self, *args, need_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = need_code


class SmsResetForm(SmsLoginForm):
    new_password1 = forms.CharField(
        label=_("新密码"),
        strip=False,
        required=False,
        help_text=password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, need_code: bool = True, **kwargs):
        super().__init__(*args, need_code=need_code, **kwargs)
        self.fields["new_password1"].required = self.fields["new_password2"].required = need_code

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class EmailResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("电子邮箱"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class ResetSetPasswordForm(auth_forms.SetPasswordForm):
    """The new password from an e-mailed link, set through the accounts service (audited, throttles cleared)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再次输入新密码")

    def save(self, commit=True):
        from .recovery import password_reset_complete

        password_reset_complete(user=self.user, new_password=self.cleaned_data["new_password1"], channel="email")
        return self.user


class DeletionRequestForm(forms.Form):
    """Asking for erasure: the password again (as for a password change) or a code sent to the phone, and an
    explicit confirmation."""

    password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field(required=False)
    confirm = forms.BooleanField(
        label=_("我已了解：删除后账户停用，不能再登录；我提出的议题和留言保留内容，但不再显示我的姓名。"),
        error_messages={"required": _("请勾选确认。")},
    )


class DeletionCarryOutForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我已核对，确认删除该用户的个人信息并停用账户。"),
        error_messages={"required": _("请勾选确认。")},
    )


class DeletionDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("不予办理的理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("申请人会在站内消息和短信中收到这一理由。"),
        error_messages={"required": _("请写明不予办理的理由，申请人会收到。")},
    )
