"""Forms of the duty pages. The services validate; these forms carry what was typed back to the page with each
error beside its field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RuleForm(forms.Form):
    label = forms.CharField(label=_("名称"), max_length=80)
    label_en = forms.CharField(label=_("英文名称"), max_length=80, required=False)
    points = forms.CharField(label=_("分值"), max_length=12)
    cap_per_year = forms.CharField(label=_("年度上限"), max_length=12, required=False, help_text=_("留空为不设上限。"))
    is_active = forms.BooleanField(label=_("启用"), required=False)


class TiersForm(forms.Form):
    excellent_min = forms.CharField(label=_("优秀（不低于）"), max_length=12)
    pass_min = forms.CharField(label=_("合格（不低于）"), max_length=12)
    basic_min = forms.CharField(label=_("基本合格（不低于）"), max_length=12)


class ReportForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "花括号中的占位符（如 {count:proposal_lead}）由履职记录生成，提交时取当时的数据；其余文字可自由修改。"
        ),
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
