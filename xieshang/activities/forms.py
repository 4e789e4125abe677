"""Forms of the activity pages. The rules are the services'; the forms show a refusal beside its field and keep
what was typed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import Role
from xieshang.accounts.pickers import MemberPickerField, Pool
from xieshang.core.views import apply_errors  # noqa: F401 (the views import it from here)

from .models import Activity, ActivityKind, ActivityOutput, Participation
from .selectors import kinds_for


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("活动类型"), queryset=ActivityKind.objects.none(), empty_label=None)
    title = forms.CharField(label=_("活动名称"), max_length=120, required=False)
    organizer_kind = forms.ChoiceField(label=_("组织方类型"), choices=Activity.Organizer.choices)
    organizer_name = forms.CharField(
        label=_("组织方"), max_length=80, required=False, help_text=_("如：城建环保委员会、经济界别、金水区政协。")
    )
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput)
    signup_limit = forms.IntegerField(label=_("报名人数上限"), required=False, help_text=_("留空为不限。"))
    description = forms.CharField(label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = ActivityKind.objects.filter(
            pk__in=[k.pk for k in kinds_for(organization)]
        ).order_by("order", "key")


class InviteForm(forms.Form):
    members = MemberPickerField(label=_("邀请委员"))
    part = forms.ChoiceField(label=_("角色"), choices=Participation.Part.choices, initial=Participation.Part.MEMBER)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].set_pool(Pool((organization.pk,), (Role.MEMBER, Role.STANDING_MEMBER)))


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("请假理由"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label=_("成果类型"), choices=[c for c in ActivityOutput.Kind.choices if c[0] != "link"])
    title = forms.CharField(label=_("标题"), max_length=120, required=False)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    addressed_to = forms.CharField(
        label=_("建议对象"), max_length=120, required=False, help_text=_("意见建议报送或交办的单位、部门。")
    )
    file = forms.FileField(label=_("附件"), required=False, help_text=_("照片请上传 JPG 或 PNG；报告可为 PDF、Word。"))


class AmountsForm(forms.Form):
    donation_money = forms.DecimalField(label=_("捐款（元）"), required=False, min_value=0, decimal_places=2)
    donation_goods = forms.DecimalField(label=_("捐物折价（元）"), required=False, min_value=0, decimal_places=2)
    volunteer_hours = forms.DecimalField(label=_("志愿服务（小时）"), required=False, min_value=0, decimal_places=1)

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if not kind.uses_donation:
            del self.fields["donation_money"], self.fields["donation_goods"]
        if not kind.uses_volunteer:
            del self.fields["volunteer_hours"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("出勤表（Excel）"),
        required=False,
        help_text=_(
            "第一行为表头，从第二行起每行一位委员：A 委员（姓名、用户名或手机号），B 出勤（出席/缺席），"
            "C 捐款（元），D 捐物折价（元），E 志愿服务（小时）。任何一行有误则整表不导入。"
        ),
    )
