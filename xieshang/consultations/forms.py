"""Forms of the consultation pages. Rules are checked by the services (one place); the forms show the refusal beside
the field and keep what was typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import HandlingUnit, Organization, Role, SpecialCommittee, User
from xieshang.accounts.pickers import MemberPickerField, Pool
from xieshang.core.views import apply_errors  # noqa: F401 (the views import it from here)

from .models import Call, Form, Invitation, Kind, LiveMessage, Rating, Segment


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class ConsultationForm(forms.Form):
    # 提案办理协商 is created from a key proposal's supervision page, with the proposal it is about.
    kind = forms.ChoiceField(label=_("协商形式"), choices=[c for c in Kind.choices if c[0] != Kind.HANDLING])
    title = forms.CharField(label=_("协商议题"), max_length=120, required=False)
    description = forms.CharField(label=_("议题说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    planned_date = forms.DateField(label=_("计划日期"), widget=DateInput)
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        widget=DateTimeInput,
        required=False,
        help_text=_("签到和现场发言在开始前一段时间开放、会议结束时截止；未填时为计划日期当天。"),
    )
    committee = forms.ModelChoiceField(label=_("承办专委会"), queryset=SpecialCommittee.objects.none(), required=False)
    participants_note = forms.CharField(label=_("参加对象"), max_length=200, required=False)
    venue = forms.CharField(label=_("地点"), max_length=120, required=False, help_text=_("网络议政不设会场。"))
    video_link = forms.URLField(label=_("视频会议链接"), required=False, assume_scheme="https")
    hosts = forms.ModelMultipleChoiceField(
        label=_("共同主办（跨区域协商）"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(label=_("在《郑在协商》公开"), required=False, initial=True)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        from xieshang.accounts.selectors import partner_organization_ids

        self.fields["committee"].queryset = SpecialCommittee.objects.filter(organization=organization)
        self.fields["hosts"].queryset = Organization.objects.filter(pk__in=partner_organization_ids(organization))


class InviteForm(forms.Form):
    users = MemberPickerField(label=_("邀请人员"))
    mode = forms.ChoiceField(label=_("参加方式"), choices=Invitation.Mode.choices)

    def __init__(self, *args, organization_ids, **kwargs):
        super().__init__(*args, **kwargs)
        roles = (Role.MEMBER, Role.STANDING_MEMBER, Role.LEADER, Role.UNIT_OFFICER)
        self.fields["users"].set_pool(Pool(tuple(sorted(organization_ids)), roles))


class MaterialForm(forms.Form):
    prefix = "material"  # the consultation page shows several forms with a title field: ids stay unique
    title = forms.CharField(label=_("材料名称"), max_length=120, required=False)
    file = forms.FileField(
        label=_("文件"), required=False, help_text=_("PDF、Word、Excel、PowerPoint 或图片，不超过 20 MB。")
    )


class RegisterForm(forms.Form):
    mode = forms.ChoiceField(label=_("参加方式"), choices=Invitation.Mode.choices, widget=forms.RadioSelect)


class SegmentForm(forms.Form):
    prefix = "segment"  # the consultation page shows several forms with a title field: ids stay unique
    kind = forms.ChoiceField(label=_("环节"), choices=Segment.Kind.choices)
    title = forms.CharField(label=_("内容"), max_length=160, required=False)
    speaker = forms.ModelChoiceField(label=_("发言人"), queryset=User.objects.none(), required=False)
    speaker_name = forms.CharField(label=_("发言人（单位、职务）"), max_length=80, required=False)

    def __init__(self, *args, organization_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = (
            User.objects.filter(is_active=True, role_grants__organization_id__in=organization_ids)
            .distinct()
            .order_by("name")
        )


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("协商纪要"), widget=forms.Textarea(attrs={"rows": 10}), required=False)


class OutcomeForm(forms.Form):
    prefix = "outcome"  # the consultation page shows several forms with a title field: ids stay unique
    title = forms.CharField(label=_("事项"), max_length=160, required=False)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=HandlingUnit.objects.none(), required=False)
    owner_leader = forms.ModelChoiceField(label=_("责任领导"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, organization_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = HandlingUnit.objects.filter(
            organization_id__in=organization_ids, is_active=True
        )
        self.fields["owner_leader"].queryset = (
            User.objects.filter(role_grants__organization_id__in=organization_ids, role_grants__role=Role.LEADER)
            .distinct()
            .order_by("name")
        )


class LiveForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=LiveMessage.Kind.choices)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TopicForm(forms.Form):
    title = forms.CharField(label=_("议题标题"), max_length=200, required=False)
    body = forms.CharField(
        label=_("具体情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("选填，说明事情经过和您的建议。"),
    )


class PrepareForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("参加人员（含受影响的居民）"), queryset=User.objects.none(), required=False
    )
    form = forms.ChoiceField(label=_("协商方式"), choices=[("", "—"), *Form.choices], required=False)
    meeting_at = forms.DateTimeField(label=_("协商时间"), widget=DateTimeInput, required=False)

    def __init__(self, *args, organization_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = (
            User.objects.filter(is_active=True, role_grants__organization_id=organization_id)
            .exclude(role_grants__role__in=[Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
            .distinct()
            .order_by("name")
        )
        self.fields["participants"].widget.attrs["size"] = 8


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    percent = forms.IntegerField(label=_("完成比例（%）"), min_value=0, max_value=100, initial=0)
    milestone = forms.CharField(label=_("节点"), max_length=80, required=False)
    milestone_due = forms.DateField(label=_("节点日期"), widget=DateInput, required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("您对落实效果的评价"),
        choices=Rating.Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(label=_("意见（选填）"), max_length=200, required=False)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("段落之间空一行。公开发布前请隐去居民的姓名和联系方式。"),
    )
    publish = forms.BooleanField(label=_("立即在《郑在协商》发布"), required=False, initial=True)


class ArticleEditForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}), required=False)


class PhotoForm(forms.Form):
    # A plain file field: the service checks the content (format, size, dimensions) in one place for pages and API.
    image = forms.FileField(
        label=_("图片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    alt_text = forms.CharField(
        label=_("图片描述（供读屏软件朗读）"),
        max_length=300,
        required=False,
        help_text=_("说明图片里是什么，如“委员在协商会上发言，台下坐满居民代表”。"),
    )
    caption = forms.CharField(label=_("图片说明"), max_length=200, required=False)
    publish = forms.BooleanField(label=_("立即在《郑在协商》发布"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import photo_max_mb

        self.fields["image"].help_text = _("JPEG、PNG 或 WebP，不超过 %(mb)s MB；上传时去除拍摄地点等信息。") % {
            "mb": photo_max_mb()
        }


class PlanApprovalForm(forms.Form):
    body = forms.CharField(label=_("批准机关"), max_length=60, required=False)
    document = forms.CharField(
        label=_("批准文件文号"), max_length=80, required=False, help_text=_("如 郑办文〔2026〕3号")
    )
    approved_on = forms.DateField(label=_("批准日期"), widget=DateInput, required=False)


class RoomForm(forms.Form):
    community = forms.ModelChoiceField(label=_("街道社区"), queryset=None, required=False)
    convener = forms.CharField(
        label=_("召集人（用户名或手机号）"),
        max_length=40,
        required=False,
        help_text=_("召集人须在本组织有账号，可以是社区干部、委员或居民。"),
    )
    name = forms.CharField(label=_("名称"), max_length=80, required=False, help_text=_("留空则按街道社区名称生成。"))
    address = forms.CharField(label=_("地址"), max_length=120, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        from xieshang.accounts.models import Community

        self.organization = organization
        self.fields["community"].queryset = Community.objects.filter(
            organization=organization, room__isnull=True
        ).order_by("district", "name")

    def clean_convener(self):
        """The person named, if they hold a role in this organization; the service says why anyone else is refused."""
        from django.db.models import Q

        value = (self.cleaned_data.get("convener") or "").strip()
        if not value:
            return None
        user = (
            User.objects.filter(Q(username=value) | Q(phone=value), is_active=True)
            .filter(role_grants__organization=self.organization)
            .distinct()
            .first()
        )
        if user is None:
            raise ValidationError(_("本组织没有用户名或手机号为“%(v)s”的人员。") % {"v": value})
        return user


# ---------------------------------------------------------------------------------------------------- public calls
class CallForm(forms.Form):
    question = forms.CharField(label=_("征集问题"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("征集类型"), choices=Call.Kind.choices)
    description = forms.CharField(label=_("征集说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    opens_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput)
    closes_at = forms.DateTimeField(label=_("截止时间"), widget=DateTimeInput)
    moderation = forms.ChoiceField(
        label=_("审核方式"),
        choices=Call.Moderation.choices,
        help_text=_(
            "先审后发：留言经工作人员通过后才公开；先发后审：留言立即公开，可被隐藏。命中敏感词的留言一律先审。"
        ),
    )


class EntryForm(forms.Form):
    text = forms.CharField(
        label=_("我的留言"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        required=False,
        help_text=_("5 至 1000 字。请勿填写身份证号、电话等个人信息。"),
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[("approve", _("通过并公开")), ("reject", _("不予通过")), ("hide", _("隐藏"))],
    )
    reason = forms.CharField(label=_("理由（留言人可见）"), max_length=300, required=False)


class AppealForm(forms.Form):
    appeal = forms.CharField(
        label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500, required=False
    )


class CallMapForm(forms.Form):
    conversation = forms.ModelChoiceField(
        label=_("意见征集（意见地图）"),
        queryset=None,
        required=False,
        help_text=_("关联后，意见地图的群组和共识写入征集情况汇总。"),
    )

    def __init__(self, *args, call, **kwargs):
        from .selectors import call_map_choices

        kwargs.setdefault("initial", {"conversation": call.conversation_id})
        super().__init__(*args, **kwargs)
        self.fields["conversation"].queryset = call_map_choices(call)
