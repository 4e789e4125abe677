from django import forms
from django.utils.translation import gettext_lazy as _

from . import scopes

EXPIRY_CHOICES = [
    (7, _("7 天")),
    (30, _("30 天")),
    (90, _("90 天")),
    (180, _("180 天")),
    (365, _("1 年")),
]


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=60, help_text=_("写明令牌给哪个程序使用，便于日后辨认和撤销。"))
    days = forms.TypedChoiceField(label=_("有效期"), choices=EXPIRY_CHOICES, coerce=int, initial=90)
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只勾选程序需要的范围；“读写”包含“只读”。"),
        error_messages={"required": _("请至少选择一项权限范围。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scopes.choices()
