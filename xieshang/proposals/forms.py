"""Forms of the proposal pages. Limits and rules are checked by the services (one place); the forms parse input,
show every refusal beside its field and keep what was typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import HandlingUnit, MemberProfile, Role, Sector, SpecialCommittee, User
from xieshang.accounts.pickers import MemberPicker, MemberPickerField, Pool
from xieshang.core.uploads import validate_uploads
from xieshang.core.views import apply_errors  # noqa: F401 (the views import it from here)
from xieshang.workflow.selectors import state_tag

from .models import (
    Category,
    HandlingContact,
    KeyAssessment,
    KeyCandidate,
    KeyMilestone,
    KeySupervisor,
    NotFiledGround,
    Proposal,
    Rating,
    Reply,
)
from .selectors import categories_for, grounds_for, settings_for

MEMBER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)


def members_of(organization):
    return (
        User.objects.filter(is_active=True, role_grants__organization=organization, role_grants__role__in=MEMBER_ROLES)
        .distinct()
        .order_by("name", "id")
    )


def units_of(organization):
    return HandlingUnit.objects.filter(organization=organization, is_active=True).order_by("name")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProposalForm(forms.Form):
    """The proposal (or, with kind=micro, the short micro-proposal) form; staff entering on behalf of a member see
    the submitter field."""

    title = forms.CharField(label=_("案由"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 16}))
    category = forms.ModelChoiceField(label=_("类别（选填）"), queryset=Category.objects.none(), required=False)
    submitter = forms.ModelChoiceField(
        label=_("领衔提案人"), queryset=User.objects.none(), required=False, help_text=_("代委员录入时选择。")
    )
    submitter_kind = forms.ChoiceField(
        label=_("提案者类型"), choices=Proposal.SubmitterKind.choices, initial=Proposal.SubmitterKind.MEMBER
    )
    submitter_party = forms.ChoiceField(
        label=_("党派"), choices=[("", "—"), *MemberProfile.Party.choices], required=False
    )
    submitter_org_name = forms.CharField(label=_("人民团体名称"), max_length=80, required=False)
    committee = forms.ModelChoiceField(label=_("专门委员会"), queryset=SpecialCommittee.objects.none(), required=False)
    sector = forms.ModelChoiceField(label=_("界别"), queryset=Sector.objects.none(), required=False)
    cosign_deadline = forms.DateField(
        label=_("联名截止日（选填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则为提交后 5 个工作日。截止后的联名不计入。"),
    )
    cosigners = MemberPickerField(
        label=_("邀请联名委员"), required=False, widget=MemberPicker(nojs_search="search_members")
    )
    attachments = MultipleFileField(label=_("附件"), required=False)

    MICRO_FIELDS = ("title", "body", "attachments")

    def __init__(self, *args, organization, user, kind=Proposal.Kind.PROPOSAL, on_behalf=False, editing=False, **kw):
        super().__init__(*args, **kw)
        self.organization = organization
        self.kind = kind
        self.limits = settings_for(organization)
        body_limit = self.limits.micro_body_max_chars if kind == Proposal.Kind.MICRO else self.limits.body_max_chars
        self.body_limit = body_limit
        self.fields["title"].widget.attrs["data-maxlength"] = self.limits.title_max_chars
        self.fields["body"].widget.attrs.update({"data-maxlength": body_limit, "rows": 8 if kind == "micro" else 16})
        self.fields["body"].help_text = _("一事一案，正文不超过 %(n)s 字。") % {"n": body_limit}
        self.fields["title"].help_text = _("不超过 %(n)s 字。") % {"n": self.limits.title_max_chars}
        self.fields["attachments"].help_text = _("最多 %(n)s 个，每个不超过 %(mb)s MB；类型：%(types)s。") % {
            "n": self.limits.attachment_max_count,
            "mb": self.limits.attachment_max_mb,
            "types": self.limits.attachment_types,
        }
        if kind == Proposal.Kind.MICRO:
            for name in list(self.fields):
                if name not in self.MICRO_FIELDS:
                    del self.fields[name]
            return
        members = members_of(organization)
        self.fields["category"].queryset = categories_for(organization)
        self.fields["committee"].queryset = SpecialCommittee.objects.filter(organization=organization)
        self.fields["sector"].queryset = Sector.objects.filter(organization=organization)
        self.fields["cosigners"].set_pool(Pool((organization.pk,), tuple(MEMBER_ROLES)))
        self.fields["cosigners"].queryset = self.fields["cosigners"].queryset.exclude(pk=user.pk)
        if on_behalf and not editing:
            self.fields["submitter"].queryset = members
            self.fields["submitter"].required = True
        else:
            del self.fields["submitter"]
        if editing:
            # Invitations are managed on the page (invite, withdraw) once the draft exists.
            del self.fields["cosigners"]
            del self.fields["attachments"]

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        validate_uploads(
            files,
            allowed=sorted(self.limits.allowed_extensions()),
            max_mb=self.limits.attachment_max_mb,
            max_count=self.limits.attachment_max_count,
        )
        return files

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"title": data["title"], "body": data["body"]}
        if self.kind == Proposal.Kind.MICRO:
            return kwargs
        for name in ("submitter_kind", "submitter_party", "submitter_org_name"):
            kwargs[name] = data.get(name) or ""
        for name in ("category", "committee", "sector", "cosign_deadline"):
            kwargs[name] = data.get(name)
        return kwargs


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("添加附件"))


class InviteForm(forms.Form):
    cosigners = MemberPickerField(label=_("邀请联名委员"))

    def __init__(self, *args, organization, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cosigners"]
        field.set_pool(Pool((organization.pk,), tuple(MEMBER_ROLES)))
        field.queryset = field.queryset.exclude(pk__in=list(exclude))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("审查结果"), choices=Proposal.Outcome.choices, widget=forms.RadioSelect)
    merge_into = forms.ModelChoiceField(
        label=_("并入提案"), queryset=Proposal.objects.none(), required=False, help_text=_("选择“并案”时填写。")
    )
    ground = forms.ModelChoiceField(
        label=_("不予立案理由类别"),
        queryset=NotFiledGround.objects.none(),
        required=False,
        help_text=_("选择“不予立案”时填写。"),
    )
    reason = forms.CharField(
        label=_("审查意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("提案人可以看到；除立案外必填。"),
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].queryset = grounds_for(proposal.organization_id)
        self.fields["merge_into"].queryset = (
            Proposal.objects.filter(organization_id=proposal.organization_id, kind=proposal.kind, year=proposal.year)
            .exclude(pk=proposal.pk)
            .exclude(state__is_final=True)
            .exclude(state_tag("draft").q() | state_tag("dropped").q())
            .order_by("-submitted_at", "-id")
        )
        if proposal.is_micro:
            self.fields["outcome"].choices = [(Proposal.Outcome.NOT_FILED, _("不予受理"))]
            del self.fields["merge_into"]


class ClassifyForm(forms.Form):
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.none())

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_for(organization)


class KeyForm(forms.Form):
    is_key = forms.BooleanField(label=_("确定为重点提案"), required=False)
    leader = forms.ModelChoiceField(label=_("领衔督办领导"), queryset=User.objects.none(), required=False)
    supervising_body = forms.CharField(label=_("督办单位"), max_length=80, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = (
            User.objects.filter(role_grants__organization=organization, role_grants__role=Role.LEADER)
            .distinct()
            .order_by("name")
        )


class FastTrackForm(forms.Form):
    fast_track = forms.BooleanField(label=_("快速办理（时效性强）"), required=False)


class ExtendForm(forms.Form):
    months = forms.IntegerField(label=_("延期月数"), min_value=1, max_value=3, initial=1)
    reason = forms.CharField(label=_("延期理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    """One lead unit plus co-handlers, or two or more split units (分办)."""

    mode = forms.ChoiceField(
        label=_("交办方式"),
        choices=Proposal.AssignmentMode.choices,
        initial=Proposal.AssignmentMode.LEAD,
        widget=forms.RadioSelect,
    )
    lead = forms.ModelChoiceField(label=_("主办单位"), queryset=HandlingUnit.objects.none(), required=False)
    co = forms.ModelMultipleChoiceField(
        label=_("协办单位"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=_("可多选（按住 Ctrl 或 ⌘）。"),
    )
    split = forms.ModelMultipleChoiceField(
        label=_("分办单位"),
        queryset=HandlingUnit.objects.none(),
        required=False,
        help_text=_("选择“分办”时至少两个单位，各自答复。"),
    )

    def __init__(self, *args, organization, micro=False, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_of(organization)
        for name in ("lead", "co", "split"):
            self.fields[name].queryset = units
        if micro:
            for name in ("mode", "co", "split"):
                del self.fields[name]
            self.fields["lead"].label = _("承办单位")

    def clean(self):
        data = super().clean()
        # With "split" chosen and fewer than two units, the service would only see "no lead unit": say what is wrong.
        if data.get("mode") == Proposal.AssignmentMode.SPLIT and len(data.get("split") or []) < 2:
            self.add_error("split", _("分办至少需要两个承办单位。"))
        return data

    def units(self) -> dict:
        data = self.cleaned_data
        if data.get("mode") == Proposal.AssignmentMode.SPLIT:
            return {"split": list(data.get("split") or [])}
        return {"lead": data.get("lead"), "co": list(data.get("co") or [])}


class BulkAssignForm(PlanForm):
    proposals = forms.ModelMultipleChoiceField(queryset=Proposal.objects.none(), required=False)
    action = forms.ChoiceField(
        choices=[("plan", _("拟定交办方案并报送审批")), ("assign", _("交办（已审批的）"))], initial="plan"
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["proposals"].queryset = Proposal.objects.filter(organization=organization)

    def clean(self):
        data = super().clean()
        if not data.get("proposals"):
            raise ValidationError(_("请勾选至少一件提案。"))
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("说明不属于本单位职责的理由，可建议更合适的承办单位。"),
    )


class ReassignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("改交承办单位"), queryset=HandlingUnit.objects.none(), required=False)
    reason = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_of(organization)


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("协办意见"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("送主办单位，不直接送提案人。"),
    )


class ReplyForm(forms.Form):
    reference_number = forms.CharField(label=_("答复文号"), max_length=60, required=False)
    contact_person = forms.CharField(label=_("联系人"), max_length=40, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    text = forms.CharField(label=_("答复正文"), widget=forms.Textarea(attrs={"rows": 12}), required=False)
    grade = forms.ChoiceField(label=_("答复类别"), choices=[("", "—"), *Reply.Grade.choices], required=False)
    promise = forms.CharField(
        label=_("承诺事项"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "B 类答复须写明将做什么；其他答复承诺了具体行动的也可填写。送达后由提案委员会跟踪落实，到期前提醒。"
        ),
    )
    promise_due_on = forms.DateField(
        label=_("承诺完成时限"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )


class ContactForm(forms.Form):
    """办理协商: the unit's record of its contact with the member (service validates; fields not required here so a
    refused form keeps what was typed and shows the service's message)."""

    method = forms.ChoiceField(
        label=_("沟通方式"), choices=HandlingContact.Method.choices, widget=forms.RadioSelect, required=False
    )
    contacted_on = forms.DateField(label=_("沟通日期"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    with_whom = forms.CharField(
        label=_("沟通对象"), max_length=80, required=False, help_text=_("如：提案人本人、领衔委员及联名委员。")
    )
    agreed = forms.CharField(
        label=_("沟通情况及商定事项"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("提案人将看到这条记录，可以确认或提出异议。"),
    )


class ContactResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("您的意见"),
        choices=[("confirm", _("属实，确认")), ("dispute", _("有异议"))],
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label=_("说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("有异议时请说明实际情况。"),
    )


class RecontactForm(forms.Form):
    note = forms.CharField(
        label=_("再次沟通情况"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("重办须先与提案人再次沟通。"),
    )


class CountersignForm(forms.Form):
    note = forms.CharField(label=_("会签意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    text = forms.CharField(label=_("答复正文（可修改）"), required=False, widget=forms.Textarea(attrs={"rows": 10}))


class ApproveForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("答复类别"),
        choices=[("", _("维持承办单位所定类别")), *Reply.Grade.choices],
        required=False,
    )
    note = forms.CharField(label=_("审核意见（选填）"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SendBackForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    # Not required here: the service's message ("请填写留言内容。") is the one shown.
    text = forms.CharField(label=_("留言内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RatingForm(forms.Form):
    # Not required here: the service's message ("请选择满意、基本满意或不满意。") is the clearer one.
    satisfaction = forms.ChoiceField(
        label=_("评价"), choices=Rating.Satisfaction.choices, widget=forms.RadioSelect, required=False
    )
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("选择“不满意”时必填，承办单位将重办。"),
    )


class PaperRatingForm(RatingForm):
    rater = forms.ModelChoiceField(label=_("评价人（纸质评价表）"), queryset=User.objects.none())

    field_order = ["rater", "satisfaction", "comment"]

    def __init__(self, *args, raters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rater"].queryset = User.objects.filter(pk__in=[u.pk for u in raters]).order_by("name")


class ExcellentForm(forms.Form):
    proposals = forms.ModelMultipleChoiceField(queryset=Proposal.objects.none(), required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = queryset


def _year_choices():
    this = timezone.localdate().year
    return [("", _("全部年度")), *[(str(y), str(y)) for y in range(this, this - 8, -1)]]


def _bool_choices():
    return [("", _("不限")), ("1", _("是")), ("0", _("否"))]


class QueueFilterForm(forms.Form):
    """The staff queues' filters (GET); an empty form means each queue's default."""

    q = forms.CharField(label=_("标题或编号"), required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("proposal", _("提案")), ("micro", _("微提案")), ("all", _("全部"))]
    )
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.none(), required=False)
    sector = forms.ModelChoiceField(label=_("界别"), queryset=Sector.objects.none(), required=False)
    unit = forms.ModelChoiceField(label=_("承办单位"), queryset=HandlingUnit.objects.none(), required=False)
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    is_key = forms.TypedChoiceField(label=_("重点提案"), required=False, coerce=lambda v: v == "1", empty_value=None)
    fast_track = forms.TypedChoiceField(
        label=_("快速办理"), required=False, coerce=lambda v: v == "1", empty_value=None
    )
    overdue = forms.BooleanField(label=_("只看超期"), required=False)

    def __init__(self, *args, organization, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("默认（待办状态）")), *states]
        self.fields["category"].queryset = categories_for(organization)
        self.fields["sector"].queryset = Sector.objects.filter(organization=organization)
        self.fields["unit"].queryset = units_of(organization)
        self.fields["year"].choices = _year_choices()
        self.fields["is_key"].choices = _bool_choices()
        self.fields["fast_track"].choices = _bool_choices()


class PublicFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.none(), required=False)
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()
        self.fields["category"].queryset = categories_for(organization)


class StatsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)
    start = forms.DateField(
        label=_("提交日期自（选填）"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("至（选填）"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("proposal", _("提案")), ("micro", _("微提案")), ("all", _("全部"))]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data


# key proposals (decision 0028): fields are not required here, so that the service's message shows beside the field
# and a refused form keeps what was typed.

DATE = forms.DateInput(attrs={"type": "date"})


class KeyCandidateForm(forms.Form):
    reason = forms.CharField(
        label=_("推荐理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("说明为何建议列为重点提案，供主席会议研究。"),
    )


ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type="date"> reads


class KeyCandidateProposeForm(KeyCandidateForm):
    """A unit's or a committee's candidate from the selection page: one of the proposals it may put forward."""

    proposal = forms.ModelChoiceField(label=_("提案"), queryset=Proposal.objects.none(), required=False)
    field_order = ["proposal", "reason"]

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals


class KeyConsultationForm(forms.Form):
    """督办协商会: a consultation of kind 提案办理协商 about the key proposal (decision 0031)."""

    prefix = "meeting"  # the supervision page's other forms have a title and a text: ids stay unique
    title = forms.CharField(label=_("会议名称"), max_length=120, required=False)
    planned_date = forms.DateField(label=_("会议日期"), widget=ISO_DATE, required=False)
    starts_at = forms.DateTimeField(
        label=_("开始时间（选填）"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    venue = forms.CharField(label=_("地点"), max_length=120, required=False)
    description = forms.CharField(label=_("会议内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class KeyAssessmentForm(forms.Form):
    prefix = "assessment"
    grade = forms.ChoiceField(
        label=_("评价等次"), choices=KeyAssessment.Grade.choices, widget=forms.RadioSelect, required=False
    )
    text = forms.CharField(label=_("评价意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class KeyMeetingForm(forms.Form):
    name = forms.CharField(
        label=_("会议名称"), max_length=80, required=False, help_text=_("如：十四届政协第五次主席会议。")
    )
    held_on = forms.DateField(label=_("会议日期"), widget=DATE, required=False)
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    chosen = forms.ModelMultipleChoiceField(
        label=_("确定为重点提案"),
        queryset=KeyCandidate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("未勾选的候选记为未列入重点提案。"),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["chosen"]
        field.queryset = candidates
        # who put it forward: the office, a handling unit or a special committee (decision 0031)
        field.label_from_instance = lambda c: (
            _("%(proposal)s（%(body)s 推荐）")
            % {
                "proposal": c.proposal,
                "body": c.proposer_body,
            }
        )


class KeySupervisorForm(forms.Form):
    side = forms.ChoiceField(
        label=_("督办方"), choices=KeySupervisor.Side.choices, widget=forms.RadioSelect, required=False
    )
    user = forms.ModelChoiceField(
        label=_("督办领导（平台用户）"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("政协领导须从平台用户中选择；政府领导没有账号时填写姓名和职务。"),
    )
    name = forms.CharField(label=_("督办领导姓名"), max_length=60, required=False)
    title = forms.CharField(label=_("职务"), max_length=80, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            User.objects.filter(role_grants__organization=organization, role_grants__role=Role.LEADER)
            .distinct()
            .order_by("name")
        )


class KeyMilestoneForm(forms.Form):
    what = forms.CharField(label=_("节点任务"), max_length=200, required=False)
    due_on = forms.DateField(label=_("完成时限"), widget=DATE, required=False)


class KeyProgressForm(forms.Form):
    milestone = forms.ModelChoiceField(label=_("督办计划节点"), queryset=KeyMilestone.objects.none(), required=False)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reported_on = forms.DateField(label=_("报告日期"), widget=DATE, required=False)
    completes = forms.BooleanField(label=_("本节点已完成"), required=False)
    file = forms.FileField(label=_("附件（可选）"), required=False)

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = KeyMilestone.objects.filter(proposal=proposal)


class KeyInstructionForm(forms.Form):
    text = forms.CharField(label=_("批示内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    instructed_on = forms.DateField(label=_("批示日期"), widget=DATE, required=False)


# Units' annual handling reports and the evaluation's weights (decision 0030).


class UnitReportForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120, required=False)
    text = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 18}),
        required=False,
        help_text=_("数字取自本单位的办理记录（见右侧数据表）；括号内的提示请改写为本单位的做法。"),
    )


class UnitReportReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=_("承办单位可见。")
    )


class EvaluationWeightsForm(forms.Form):
    """Whole percents; the service refuses negative weights and a sum other than 100 with the reason."""

    on_time = forms.IntegerField(label=_("按期答复率权重（%）"), required=False)
    satisfaction = forms.IntegerField(label=_("满意率权重（%）"), required=False)
    promises = forms.IntegerField(label=_("承诺按期兑现率权重（%）"), required=False)
    grades = forms.IntegerField(label=_("解决落实率权重（%）"), required=False)


class UnitYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]
