"""Forms of the activity pages. The rules are the services'; the forms show a refusal beside its field and keep
what was typed."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import HandlingUnit, Role, User
from xieshang.accounts.pickers import MemberPickerField, Pool
from xieshang.core.views import apply_errors  # noqa: F401 (the views import it from here)

from .models import Activity, ActivityGroup, ActivityKind, ActivityOutput, Booking, Expert, Participation
from .selectors import experts_for, kinds_for


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
    donation_mobilised = forms.DecimalField(
        label=_("动员社会捐赠（元）"), required=False, min_value=0, decimal_places=2
    )

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        if not kind.uses_donation:
            del self.fields["donation_money"], self.fields["donation_goods"], self.fields["donation_mobilised"]
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


def _members_of(organization) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            role_grants__organization=organization,
            role_grants__role__in=[Role.MEMBER, Role.STANDING_MEMBER],
        )
        .distinct()
        .order_by("name")
    )


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40, required=False)
    field = forms.CharField(label=_("专业领域"), max_length=80, required=False)
    title = forms.CharField(label=_("职称职务"), max_length=80, required=False)
    unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("组名"), max_length=80, required=False, help_text=_("如：第一督导组、产业研究组。"))
    leader = forms.ModelChoiceField(label=_("组长"), queryset=User.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("成员"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    experts = forms.ModelMultipleChoiceField(
        label=_("专家"), queryset=Expert.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    plan = forms.CharField(label=_("工作计划"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("leader", "members"):
            self.fields[name].queryset = _members_of(organization)
            self.fields[name].label_from_instance = lambda u: u.display_name
        self.fields["experts"].queryset = experts_for(organization)


class VisitForm(forms.Form):
    group = forms.ModelChoiceField(label=_("工作组"), queryset=ActivityGroup.objects.none(), required=False)
    place = forms.CharField(label=_("走访地点"), max_length=120, required=False)
    visited_at = forms.DateTimeField(label=_("走访时间"), widget=DateTimeInput, required=False)
    led_by = forms.ModelChoiceField(label=_("带队"), queryset=User.objects.none(), required=False)
    findings = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    title = forms.CharField(
        label=_("意见建议"), max_length=160, required=False, help_text=_("交责任单位跟踪落实；可在走访记录页继续添加。")
    )
    body = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=HandlingUnit.objects.none(), required=False)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = activity.groups.order_by("id")
        self.fields["led_by"].queryset = _members_of(activity.organization)
        self.fields["led_by"].label_from_instance = lambda u: u.display_name
        self.fields["owner_unit"].queryset = HandlingUnit.objects.filter(
            organization_id=activity.organization_id
        ).order_by("name")


class RecommendationForm(forms.Form):
    title = forms.CharField(label=_("意见建议"), max_length=160, required=False)
    body = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=HandlingUnit.objects.none(), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = HandlingUnit.objects.filter(organization=organization).order_by("name")


class StudioForm(forms.Form):
    name = forms.CharField(label=_("工作室名称"), max_length=80, required=False)
    place = forms.CharField(label=_("地址"), max_length=120, required=False)
    members = forms.ModelMultipleChoiceField(
        label=_("入驻委员"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _members_of(organization)
        self.fields["members"].label_from_instance = lambda u: u.display_name


class ReceptionForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput, required=False)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput, required=False)
    on_duty = forms.ModelMultipleChoiceField(
        label=_("接待委员"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    slot_minutes = forms.IntegerField(label=_("每时段（分钟）"), initial=30, required=False)
    per_slot = forms.IntegerField(label=_("每时段接待人数"), initial=2, required=False)

    def __init__(self, *args, studio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_duty"].queryset = studio.members.order_by("name")
        self.fields["on_duty"].label_from_instance = lambda u: u.display_name


class BookingForm(forms.Form):
    slot_at = forms.TypedChoiceField(label=_("时段"), choices=(), required=False)
    subject = forms.CharField(
        label=_("反映事项"), max_length=200, required=False, help_text=_("一句话说明想反映的事。")
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {s.isoformat(): s for s, left in slots if left}
        self.fields["slot_at"].choices = [
            (s.isoformat(), timezone.localtime(s).strftime("%H:%M")) for s, left in slots if left
        ]

    def clean_slot_at(self):
        return self.slots.get(self.cleaned_data.get("slot_at") or "")


class IssueForm(forms.Form):
    title = forms.CharField(label=_("问题"), max_length=80, required=False)
    text = forms.CharField(label=_("具体情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    raised_by = forms.CharField(label=_("反映人"), max_length=40, required=False)
    booking = forms.ModelChoiceField(label=_("预约"), queryset=Booking.objects.none(), required=False)

    def __init__(self, *args, reception, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].queryset = reception.bookings.filter(status=Booking.Status.BOOKED).select_related(
            "resident"
        )
        self.fields["booking"].label_from_instance = lambda b: f"{timezone.localtime(b.slot_at):%H:%M} {b.subject}"


class TurnForm(forms.Form):
    into = forms.ChoiceField(
        label=_("转为"),
        choices=[("topic", _("议事室议题")), ("report", _("社情民意信息")), ("proposal", _("提案草稿"))],
    )
    room = forms.ModelChoiceField(label=_("协商议事室"), queryset=None, required=False, help_text=_("转为议题时选择。"))

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms


class KindForm(forms.Form):
    """A kind of activity: its name, the fields it uses, its check-in window and its points (from a year on)."""

    key = forms.SlugField(
        label=_("类型标识"),
        max_length=30,
        required=False,
        help_text=_("小写字母、数字或下划线，如 flood_control；创建后不可更改。"),
    )
    name = forms.CharField(label=_("名称"), max_length=40, required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32000, initial=100)
    uses_report = forms.BooleanField(label=_("需提交调研报告"), required=False)
    uses_group = forms.BooleanField(label=_("设督导组/调研组"), required=False)
    uses_visits = forms.BooleanField(label=_("记录走访（视察、调研、督导）"), required=False)
    uses_donation = forms.BooleanField(label=_("登记捐款捐物"), required=False)
    uses_volunteer = forms.BooleanField(label=_("登记志愿服务时长"), required=False)
    checkin_before_minutes = forms.IntegerField(label=_("开始前可签到（分钟）"), initial=60)
    checkin_after_minutes = forms.IntegerField(label=_("开始后可签到（分钟）"), initial=120)
    points = forms.CharField(label=_("参加积分"), max_length=10)
    leader_points = forms.CharField(label=_("组织/带队积分"), max_length=10)
    year = forms.IntegerField(
        label=_("积分适用起始年度"), min_value=2000, max_value=2100, help_text=_("此前年度的积分不变。")
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]
