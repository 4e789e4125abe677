"""Forms of the opinion pages. Limits are checked by the services (one place); the forms show the result beside the
field and keep what was typed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import HandlingUnit, Role, SpecialCommittee, User
from xieshang.accounts.pickers import MemberPickerField, Pool
from xieshang.core.uploads import DEFAULT_TYPES, validate_uploads
from xieshang.core.views import apply_errors  # noqa: F401 (the views import it from here)
from xieshang.workflow.selectors import state_tag

from .models import BulletinIssue, Level, Recipient, Report


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 14}))
    urgent = forms.BooleanField(label=_("紧急信息（需尽快编报）"), required=False)
    author_kind = forms.ChoiceField(label=_("报送方式"), choices=Report.AuthorKind.choices, initial="member")
    author_org_name = forms.CharField(
        label=_("报送单位名称"), required=False, help_text=_("以党派团体或界别名义报送时填写。")
    )
    committee = forms.ModelChoiceField(label=_("专门委员会"), queryset=SpecialCommittee.objects.none(), required=False)
    coauthors = MemberPickerField(label=_("共同作者"), required=False, help_text=_("可多选；只能选择本组织委员。"))
    attachments = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args, organization, limits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = SpecialCommittee.objects.filter(organization=organization)
        self.fields["coauthors"].set_pool(Pool((organization.pk,), (Role.MEMBER, Role.STANDING_MEMBER, Role.INFORMANT)))
        self.fields["body"].help_text = _("一事一报，正文不超过 %(n)s 字。") % {"n": limits.body_max_chars}
        self.limits = limits
        self.fields["attachments"].help_text = _("最多 %(n)s 个，每个不超过 %(mb)s MB；类型：%(types)s。") % {
            "n": limits.attachment_max_count,
            "mb": limits.attachment_max_mb,
            "types": " ".join(DEFAULT_TYPES),
        }

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        validate_uploads(files, max_mb=self.limits.attachment_max_mb, max_count=self.limits.attachment_max_count)
        return files


class EditForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("编辑后的正文"), widget=forms.Textarea(attrs={"rows": 18}))
    note = forms.CharField(label=_("修改说明"), required=False, max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SendForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("报送对象"), queryset=Recipient.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = Recipient.objects.filter(organization=organization, is_active=True)


class ForwardForm(forms.Form):
    units = forms.ModelMultipleChoiceField(label=_("承办单位"), queryset=HandlingUnit.objects.none(), required=False)
    note = forms.CharField(label=_("转办意见"), required=False, max_length=300)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = HandlingUnit.objects.filter(organization=organization, is_active=True)


class InstructionForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("批示领导（平台用户）"), queryset=User.objects.none(), required=False)
    leader_name = forms.CharField(
        label=_("批示领导姓名"), required=False, max_length=60, help_text=_("领导不是平台用户时填写姓名。")
    )
    leader_title = forms.CharField(label=_("职务"), required=False, max_length=80)
    level = forms.ChoiceField(label=_("领导层级"), choices=Level.choices)
    text = forms.CharField(label=_("批示内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    instructed_on = forms.DateField(
        label=_("批示日期"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = User.objects.filter(
            role_grants__organization=organization, role_grants__role=Role.LEADER
        ).distinct()


class AdoptionForm(forms.Form):
    level = forms.ChoiceField(label=_("采用层级"), choices=Level.choices)
    adopted_on = forms.DateField(
        label=_("采用日期"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("采用形式"), required=False, max_length=200, help_text=_("如：被全国政协办公厅《社情民意信息》采用。")
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("办理回复"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("刊物类型"), choices=BulletinIssue.Kind.choices)
    editor_note = forms.CharField(label=_("编者按"), required=False, max_length=300)


class AddReportsForm(forms.Form):
    reports = forms.ModelMultipleChoiceField(
        label=_("选择已签批的信息"),
        queryset=Report.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].queryset = (
            Report.objects.filter(organization=organization, issue__isnull=True)
            .filter(state_tag("approved").q())
            .order_by("-urgent", "submitted_at")
        )


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data
